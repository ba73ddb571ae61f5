import ArgumentParser
import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot export 360giving --year Y [--format json|csv] [--out FILE]` — open grant data.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export grants as open data.",
        subcommands: [Giving360.self]
    )

    struct Giving360: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "360giving",
            abstract: "The year's grants in force in the 360Giving Data Standard 1.4.3 (JSON package or flattened CSV).",
            discussion: "Organisation ids are NO-BRC-<organisation number>; amountDisbursed appears once payments are made.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var replica: ReplicaOption
        @Option(help: "The budget year, e.g. 2021.") var year: Int
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?
        @Option(help: "The funder's organisation number.") var funderOrgnr: String = Giving360Export.Funder.imdi.orgnr
        @Option(help: "The funder's name.") var funderName: String = Giving360Export.Funder.imdi.name
        @Option(help: "The funder's 360Giving identifier prefix (grant ids are PREFIX-REFERENCE).") var idPrefix: String = Giving360Export.Funder.imdi.idPrefix

        func run() throws {
            let format = global.format ?? .json
            guard format == .json || format == .csv else {
                throw TilskotError.refused("--format \(format.rawValue) is not a 360Giving format; give --format json (a grant package) or --format csv (flattened)")
            }
            let funder = Giving360Export.Funder(orgnr: try Input.organisation(funderOrgnr).digits, name: funderName, idPrefix: idPrefix)
            let budgetYear = try ReportCommand.year(year)
            let session = try replica.session(global)
            let export = Giving360Export(funder: funder)
            let packageFormat: Giving360Export.Format = format == .json ? .json : .csv
            // Streamed a batch of grants at a time: a national year of grants never sits in memory.
            func written(_ sink: (String) throws(TilskotError) -> Void) throws(TilskotError) {
                guard try export.write(year: budgetYear, session: session, packageFormat, to: sink) > 0 else {
                    throw TilskotError.refused("there are no grants decided in the rounds of \(year), and a 360Giving file needs at least one; see `tilskot report summary --year \(year)`")
                }
            }
            if let out {
                try ReportFile.stream(to: out, written)
            } else {
                try written(ReportFile.standardOutput)
            }
        }
    }
}
