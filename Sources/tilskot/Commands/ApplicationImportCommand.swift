import ArgumentParser
import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot application import FILE.csv --round SCHEME/YEAR` — registers every application of a
/// CSV file at once, or none of them.
struct ApplicationImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Register every application in a CSV file, all or nothing.",
        discussion: """
        The first line names the columns: orgnr, title, amount (kroner: 3400000, 3 400 000 or \
        3 400 000,50), and optionally received (YYYY-MM-DD or DD.MM.YYYY; today if left out), \
        external_ref, round (SCHEME/YEAR, instead of --round), and org_name, org_kind, \
        org_municipality to register applicants that are not registered yet. Fields are separated \
        by , or ; (a header with semicolons and no commas means ;). One bad row and nothing is \
        imported: every problem is listed as `line N: column: what is wrong`. Rows whose \
        external_ref is already registered in the scheme are skipped, so importing a file twice \
        registers it once.
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The CSV file.", valueName: "file.csv")) var file: String
    @Option(help: ArgumentHelp("The round, e.g. JS/2021 (else the file's round column).", valueName: "scheme/year")) var round: String?
    @Flag(help: "Check every row and say what would be imported; write nothing.") var dryRun = false
    @Option(help: ArgumentHelp("The field separator: , or ; (default: from the header line).", valueName: "char")) var delimiter: String?

    func validate() throws {
        if let delimiter, delimiter.unicodeScalars.count != 1 {
            throw ValidationError("--delimiter takes one character, e.g. --delimiter ';'")
        }
    }

    func run() throws {
        let options = ApplicationImport.Options(
            round: try round.map { text throws(TilskotError) in try Input.round(text) },
            dryRun: dryRun, delimiter: delimiter?.unicodeScalars.first)
        let url = URL(fileURLWithPath: file)
        let session = try global.session()
        let meter = Terminal.stderrIsTerminal ? ImportProgressLine() : nil
        let outcome: ApplicationImport.Outcome
        do {
            outcome = try ApplicationImport.run(file: url, options: options, session: session,
                                                progress: meter.map { meter in { meter.show($0) } })
        } catch {
            meter?.clear()
            throw error
        }
        meter?.clear()
        switch global.outputFormat {
        case .table:
            print(ImportSummary.sentence(outcome))
        case .json:
            print(ImportSummary.table(outcome).renderJSONObject(), terminator: "")
        case let format:
            print(ImportSummary.table(outcome).render(format), terminator: "")
        }
    }
}

/// Progress on stderr, one line rewritten in place, only when stderr is a terminal.
final class ImportProgressLine {
    private var shown = false

    func show(_ progress: ApplicationImport.Progress) {
        let text: String
        switch progress.phase {
        case .reading:
            var line = String(format: "reading: %@ rows, %.0f %%, %@ rows/s",
                              groupedDigits(progress.rows), progress.fraction * 100,
                              groupedDigits(Int(progress.rowsPerSecond)))
            if let left = progress.secondsLeft { line += String(format: ", about %.0f s left", left) }
            text = line
        case .checking:
            text = "checking and registering \(groupedDigits(progress.rows)) rows in the database…"
        }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        shown = true
    }

    func clear() {
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }
}
