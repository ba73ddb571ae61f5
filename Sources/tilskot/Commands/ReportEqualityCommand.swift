import ArgumentParser
import Foundation
import TilskotCore
import TilskotLocalCluster
import TilskotReports
import TilskotStore

/// `tilskot report equality --year 2021 [--lang nn|nb|en] [--format markdown|html] [--out FILE]`: the
/// "Tilskotsordningar" section of the equality report, generated from data. It takes the connection
/// options of every command but its own --format, since the section is a document (Markdown or HTML),
/// not rows.
struct ReportEqualityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "equality",
        abstract: "The equality report's grant section (Tilskotsordningar): text per scheme, tables and charts.",
        discussion: "Nynorsk by default. HTML is one self-contained page (inline CSS and SVG charts) that prints on A4.")

    @Option(name: .customLong("database-url"),
            help: ArgumentHelp("PostgreSQL URL or libpq conninfo (else TILSKOT_DATABASE_URL, DATABASE_URL, PGSERVICE/PGHOST, or the local database).", valueName: "url"))
    var databaseURL: String?
    @Option(name: .customLong("as"), help: ArgumentHelp("Act as this tilskot user (SET ROLE); else TILSKOT_USER.", valueName: "user"))
    var actAs: String?
    @Option(help: "The budget year, e.g. 2021.") var year: Int
    @Option(help: ArgumentHelp("Language: nn (Nynorsk), nb (Bokmål) or en.", valueName: "nn|nb|en")) var lang: String = "nn"
    @Option(help: ArgumentHelp("Document format.", valueName: "markdown|html")) var format: String = "markdown"
    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?
    @Option(help: ArgumentHelp("County division of the county table and chart; default the one in force in the year.", valueName: "2020|2024"))
    var division: String?
    @Option(help: "The directorate as the text names it.") var funder: String = "IMDi"
    @OptionGroup var replica: ReplicaOption

    func run() throws {
        guard let language = ReportLanguage(rawValue: lang.lowercased()) else {
            throw TilskotError.refused("--lang \(lang) is not known; give nn (Nynorsk), nb (Bokmål) or en (English)")
        }
        let format = self.format.lowercased()
        guard format == "markdown" || format == "html" else {
            throw TilskotError.refused("--format \(self.format) is not a document format for this section; give markdown or html")
        }
        let division = try division.map { text throws(TilskotError) in
            try Input.read { () throws(TilskotCore.ValidationError) in try CountyDivision.parse(text) }
        }
        let target = try DatabaseTarget.resolve(databaseURL: databaseURL)
        let actor = GlobalOptions.actor(actAs)
        let session = try replica.session(actingAs: actor) { () throws(TilskotError) in try Session.open(target, actAs: actor) }
        let figures = try EqualityQuery.fetch(year: try ReportCommand.year(year), division: division, session: session)
        guard !figures.schemes.isEmpty else {
            throw TilskotError.refused("there are no rounds in \(year), so there is no grant section to write; see `tilskot round list`")
        }
        var section = EqualitySection(figures, language: language, funder: funder)
        // Participants by gender (EqualityGender): a logged read of the participant register, so on
        // the primary even when the figures came from a replica. A reader the database refuses gets
        // the section without that table, and its sentence on stderr once the section is written (a
        // refusal of the section itself stays the one sentence).
        let gender = try Self.gender(year: figures.year, primary: { () throws(TilskotError) in
            replica.url == nil ? session : try Session.open(target, actAs: actor)
        })
        if case .success(let table) = gender { section.addGender(table) }
        let text = format == "html" ? section.renderHTML() : section.renderMarkdown()
        if let out {
            try ReportFile.write(text, to: out)
        } else {
            print(text, terminator: "")
        }
        if case .failure(let refusal) = gender {
            FileHandle.standardError.write(Data("note: the table of participants by gender is left out: \(refusal)\n".utf8))
        }
    }

    /// The gender table, or the database's refusal of it (any other failure is thrown).
    static func gender(year: Int, primary: () throws(TilskotError) -> Session) throws(TilskotError) -> Result<EqualityGender, TilskotError> {
        do {
            return .success(try EqualityGender.fetch(year: year, session: try primary()))
        } catch {
            guard case .refused = error else { throw error }
            return .failure(error)
        }
    }
}
