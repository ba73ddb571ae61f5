import ArgumentParser
import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot report …` — award reports for managers and the equality-report section (issue 6).
/// Each report is one query (plus its basis, in the same snapshot), rendered as table, json, csv,
/// markdown or an xlsx workbook (to --out FILE or a redirected stdout); the basis (data as of, rounds, county division) stands at the foot of table and
/// markdown, and on stderr for json and csv so the data stays machine-readable.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Award reports: summary, geography, applicants, trend, caseload, followup, and the equality-report section.",
        subcommands: [Summary.self, Geography.self, Applicants.self, Trend.self, Caseload.self, Followup.self,
                      ReportEqualityCommand.self]
    )

    /// Writes a report table in the chosen format: to `--out FILE` (whole or not at all) or stdout.
    /// The basis stands at the foot of table and markdown, on the workbook's "basis" sheet, and on
    /// stderr for json and csv so the data stays machine-readable.
    static func emit(_ table: DataTable, _ format: OutputFormat, out: String? = nil) throws(TilskotError) {
        if let out {
            if format == .xlsx {
                try ReportFile.write(table.xlsx(), to: out)
            } else {
                try ReportFile.write(table.render(format), to: out)
            }
        } else {
            print(table.render(format), terminator: "")
        }
        if ReportCells.isMachine(format), let footnote = table.footnote {
            Terminal.writeError("# " + footnote)
        }
    }

    /// `--out FILE`: where a report goes instead of stdout (an xlsx workbook needs a file).
    struct Output: ParsableArguments {
        @Option(help: ArgumentHelp("Write the report to this file instead of standard output (for --format xlsx: FILE.xlsx).", valueName: "file"))
        var out: String?
    }

    static func year(_ value: Int, _ option: String = "--year") throws(TilskotError) -> Int {
        guard RoundKey.acceptedYears.contains(value) else {
            throw .refused("year \(value) is out of range; give \(option) with a year from \(RoundKey.acceptedYears.lowerBound) to \(RoundKey.acceptedYears.upperBound), e.g. \(option) 2021")
        }
        return value
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per round of a year: frame, applications by outcome, requested and granted, frame used.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var replica: ReplicaOption
        @OptionGroup var output: Output
        @Option(help: "The budget year, e.g. 2021.") var year: Int

        func run() throws {
            let format = global.outputFormat
            let result = try SummaryQuery.fetch(year: try ReportCommand.year(year), session: try replica.session(global))
            try ReportCommand.emit(SummaryReport.table(result.rows, basis: result.basis, format: format), format, out: output.out)
        }
    }
}

extension ReportCommand {
    struct Geography: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Applications, grants and amounts per county or municipality, in either county division.",
            discussion: "2021 data shown in the 2024 division is placed by municipality: 30 Viken → 31/32/33, 38 → 39/40, 54 → 55/56.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var replica: ReplicaOption
        @OptionGroup var output: Output
        @Option(help: "The budget year, e.g. 2021.") var year: Int
        @Option(help: ArgumentHelp("Group by county (fylke) or municipality (kommune).", valueName: "county|municipality"))
        var by: String = "county"
        @Option(help: ArgumentHelp("County division: 2020 (2020–2023) or 2024; default the one in force in the year.", valueName: "2020|2024"))
        var division: String?
        @Option(help: "Only this scheme, e.g. JS.") var scheme: String?

        func run() throws {
            guard let level = GeographyQuery.Level(rawValue: by.lowercased()) else {
                throw TilskotError.refused("--by \(by) is not known; give --by county or --by municipality")
            }
            let division = try division.map { text throws(TilskotError) in
                try Input.read { () throws(TilskotCore.ValidationError) in try CountyDivision.parse(text) }
            }
            let format = global.outputFormat
            let result = try GeographyQuery.fetch(year: try ReportCommand.year(year), by: level, division: division,
                                                  scheme: try scheme.map { try Input.scheme($0).value },
                                                  session: try replica.session(global))
            try ReportCommand.emit(GeographyReport.table(result.rows, level: level, basis: result.basis, format: format), format, out: output.out)
        }
    }

    struct Applicants: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Applications and grants by applicant kind; member-based or external board for organisations.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var replica: ReplicaOption
        @OptionGroup var output: Output
        @Option(help: "The budget year, e.g. 2021.") var year: Int

        func run() throws {
            let format = global.outputFormat
            let result = try ApplicantsQuery.fetch(year: try ReportCommand.year(year), session: try replica.session(global))
            try ReportCommand.emit(ApplicantsReport.table(result.rows, basis: result.basis, format: format), format, out: output.out)
        }
    }

    struct Trend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A scheme year by year: frame, applications, grants and amounts with the change in per cent.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var replica: ReplicaOption
        @OptionGroup var output: Output
        @Option(help: "The scheme's code, e.g. JS.") var scheme: String
        @Option(help: "First year, e.g. 2020.") var from: Int
        @Option(help: "Last year, e.g. 2022.") var to: Int

        func run() throws {
            let format = global.outputFormat
            let code = try Input.scheme(scheme)
            let result = try TrendQuery.fetch(scheme: code, from: try ReportCommand.year(from, "--from"),
                                              to: try ReportCommand.year(to, "--to"), session: try replica.session(global))
            try ReportCommand.emit(TrendReport.table(scheme: code.value, result.rows, basis: result.basis, format: format), format, out: output.out)
        }
    }

    struct Caseload: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per caseworker and status: cases, median days from received to decision, appeals and their outcome.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var replica: ReplicaOption
        @OptionGroup var output: Output
        @Option(help: "Only rounds of this budget year; default all years.") var year: Int?

        func run() throws {
            let format = global.outputFormat
            let year = try self.year.map { value throws(TilskotError) in try ReportCommand.year(value) }
            let result = try CaseloadQuery.fetch(year: year, session: try replica.session(global))
            try ReportCommand.emit(CaseloadReport.table(result.rows, basis: result.basis, format: format), format, out: output.out)
        }
    }

    struct Followup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per round: payments planned and paid, claw-backs, and recipients' reports due and overdue.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var replica: ReplicaOption
        @OptionGroup var output: Output
        @Option(help: "The budget year, e.g. 2021.") var year: Int

        func run() throws {
            let format = global.outputFormat
            let result = try FollowupQuery.fetch(year: try ReportCommand.year(year), session: try replica.session(global))
            try ReportCommand.emit(FollowupReport.table(result.rows, basis: result.basis, format: format), format, out: output.out)
        }
    }
}
