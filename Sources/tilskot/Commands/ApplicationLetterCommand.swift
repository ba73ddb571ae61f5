import ArgumentParser
import Foundation
import TilskotCore
import TilskotLocalCluster
import TilskotReports
import TilskotStore

/// `tilskot application letter REF` — the decision letter (vedtaksbrev). Its `--format` is
/// markdown or html, so it takes the connection options itself rather than the data-output group.
struct ApplicationLetter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letter",
        abstract: "Write the letter of an application's current decision (fvl. §§ 24–27).")
    @Option(name: .customLong("database-url"),
            help: ArgumentHelp("PostgreSQL URL or libpq conninfo (else TILSKOT_DATABASE_URL, DATABASE_URL, PGSERVICE/PGHOST, or the local database).", valueName: "url"))
    var databaseURL: String?
    @Option(name: .customLong("as"), help: ArgumentHelp("Act as this tilskot user (SET ROLE); else TILSKOT_USER.", valueName: "user"))
    var actAs: String?
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
    @Option(help: ArgumentHelp("nn (Nynorsk, default), nb (Bokmål) or en.", valueName: "nn|nb|en")) var lang: String = "nn"
    @Option(help: ArgumentHelp("markdown (default) or html.", valueName: "markdown|html")) var format: String = "markdown"
    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?
    @Option(help: "The sender, if not IMDi.") var issuer: String?
    @Option(help: "The appeal body (klageinstans), if not the sender's ministry.") var appealBody: String?

    func run() throws {
        guard let language = LetterLanguage(rawValue: lang.lowercased()) else {
            throw TilskotError.refused("letter language \"\(lang)\" is not one of nn, nb, en")
        }
        guard let letterFormat = LetterFormat(rawValue: format.lowercased()) else {
            throw TilskotError.refused("letter format \"\(format)\" is not one of markdown, html")
        }
        let ref = try Input.reference(reference)
        let actor = actAs ?? ProcessInfo.processInfo.environment["TILSKOT_USER"].flatMap { $0.isEmpty ? nil : $0 }
        let session = try Session.open(try DatabaseTarget.resolve(databaseURL: databaseURL), actAs: actor)
        var letter = try DecisionLetterSource.letter(for: ref, session: session)
        if issuer != nil || appealBody != nil {
            letter.application.issuer = LetterIssuer(
                names: issuer.map { name in Dictionary(uniqueKeysWithValues: LetterLanguage.allCases.map { ($0, name) }) } ?? LetterIssuer.imdi.names,
                appealBodies: appealBody.map { body in Dictionary(uniqueKeysWithValues: LetterLanguage.allCases.map { ($0, body) }) } ?? LetterIssuer.imdi.appealBodies)
        }
        let text = letter.render(letterFormat, language: language)
        if let out {
            do {
                try text.write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                throw TilskotError.refused("cannot write the letter to \(out): \(error.localizedDescription)")
            }
            print("letter for \(ref) written to \(out)")
        } else {
            print(text, terminator: "")
        }
    }
}
