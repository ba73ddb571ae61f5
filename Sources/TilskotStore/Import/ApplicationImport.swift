import Foundation
import PGClient
import TilskotCore

/// Bulk registration of applications from a CSV file (`tilskot application import`).
///
/// Each row's amount and received date are read with the one parser the CLI's options use
/// (ImportParsing: TilskotCore's Money.parse and CalendarDate) while the file streams: the client
/// holds every field already to write it to COPY, so parsing there needs no round trip, and the
/// import and `application register` accept and refuse alike.
///
/// The file streams through COPY FROM STDIN into a staging table; the database then checks every
/// row and registers them all in set-based SQL (SQL/schema/04_applications.sql) — the same
/// rules as registering one by one, without a round trip per row. All or nothing: one bad row and
/// nothing is registered. Rows whose external reference is registered already are skipped, so
/// importing the same file twice registers it once.
public enum ApplicationImport {
    public struct Options: Sendable {
        /// The round every row goes to; nil when the file has a round column.
        public var round: RoundKey?
        /// Check everything, write nothing.
        public var dryRun: Bool
        /// The field separator; nil: `;` when the header has semicolons and no commas, else `,`.
        public var delimiter: UnicodeScalar?

        public init(round: RoundKey? = nil, dryRun: Bool = false, delimiter: UnicodeScalar? = nil) {
            self.round = round
            self.dryRun = dryRun
            self.delimiter = delimiter
        }
    }

    /// What an import did (or, in a dry run, would do).
    public struct Outcome: Sendable, Equatable {
        public var rowsRead: Int
        public var imported: Int
        public var alreadyRegistered: Int
        public var organisationsCreated: Int
        public var rounds: Int
        public var dryRun: Bool
        public var seconds: Double
    }

    /// One problem with one row: `line 7: amount: "abc" is not an amount in kroner; …`.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: String
        public var message: String
        public var description: String { "line \(line): \(column): \(message)" }
    }

    /// How many problems the refusal lists before it only counts the rest.
    public static let problemsShown = 50

    /// Where an import is, for a progress line.
    public struct Progress: Sendable {
        public enum Phase: Sendable { case reading, checking }
        public var phase: Phase
        public var rows: Int
        public var bytesRead: Int64
        public var totalBytes: Int64
        public var elapsed: Double

        /// 0…1, from the bytes read.
        public var fraction: Double { totalBytes > 0 ? min(1, Double(bytesRead) / Double(totalBytes)) : 0 }
        public var rowsPerSecond: Double { elapsed > 0 ? Double(rows) / elapsed : 0 }
        /// Seconds left for reading, from the pace so far.
        public var secondsLeft: Double? {
            guard fraction > 0.01, fraction < 1 else { return nil }
            return elapsed * (1 - fraction) / fraction
        }
    }

    /// Imports `file`. `progress` is called now and then while reading and once when the database
    /// starts checking (on this thread).
    public static func run(file: URL, options: Options, session: Session,
                           progress: ((Progress) -> Void)? = nil) throws(TilskotError) -> Outcome {
        let started = Date()
        let input = try ImportFile(url: file, delimiter: options.delimiter)
        return try run(name: input.name, open: { input }, started: started, options: options, session: session, progress: progress)
    }

    /// Imports `upload` as it arrives (`POST /applications/import`): the same import as a file's,
    /// its rows fed to COPY while the rest is still on its way, so memory stays flat whatever its
    /// size. Run it inside the caller's transaction (a savepoint of it) or on its own. Not a byte of
    /// it is read before the database has said the caller may import (`import_begin`).
    public static func run(upload: ImportUpload, options: Options, session: Session) throws(TilskotError) -> Outcome {
        try run(name: upload.name, open: { () throws(TilskotError) in try ImportFile(upload: upload, delimiter: options.delimiter) },
                started: Date(), options: options, session: session, progress: nil)
    }

    /// `open` is called once `import_begin` has let the caller import.
    private static func run(name: String, open: () throws(TilskotError) -> ImportFile, started: Date, options: Options, session: Session,
                            progress: ((Progress) -> Void)?) throws(TilskotError) -> Outcome {
        let reason = "imported from \(name)"
        let connection = session.connection
        // Staging and checking tables live in temporary buffers: give them room before the first
        // temporary table of the session (the setting cannot change after that; then keep it).
        // In a step of its own: inside a caller's transaction (a server's request) a refusal (the
        // connection used temporary tables already) undoes only this step.
        _ = try? connection.transaction { try connection.execute("SELECT set_config('temp_buffers', '128MB', false)") }

        var outcome: Outcome?
        try session.run {
            do {
                try connection.transaction {
                    try connection.execute("SELECT set_config('tilskot.reason', $1, true)", [reason])
                    // Who may import is asked before a byte of the file is read: a client without the
                    // right is refused at once, not after holding the connection while it sends.
                    try connection.execute("SELECT tilskot.import_begin()")
                    let input = try open()
                    guard let headerFields = try input.header() else {
                        throw TilskotError.refused("\(input.name) is empty; the first line must name the columns (\(ImportColumn.names))")
                    }
                    let header = try ImportHeader(headerFields, fileName: input.name)
                    if options.round == nil && !header.has(.round) {
                        throw TilskotError.refused("\(input.name) has no round column; say which round the applications are for with --round SCHEME/YEAR")
                    }
                    var shapeProblems: [Problem] = []
                    var shapeProblemCount = 0
                    var rows = 0
                    var lastReport = Date()
                    try connection.copy("""
                        COPY pg_temp.application_import (line, \((ImportColumn.allCases.map(\.rawValue) + ImportParsing.problemColumns).joined(separator: ", ")))
                        FROM STDIN
                        """) { writer in
                        while let (line, fields) = try input.nextRow() {
                            if fields.count != header.fieldCount {
                                shapeProblemCount += 1
                                if shapeProblems.count < problemsShown {
                                    shapeProblems.append(Problem(
                                        line: line, column: "row",
                                        message: "has \(fields.count) fields but the header has \(header.fieldCount); check the delimiter (\(input.delimiter)) and quotes"))
                                }
                            }
                            try writer.write(row: [String(line)] + ImportParsing.parse(header.values(of: fields)))
                            rows += 1
                            if let progress, rows % 4096 == 0 {
                                let now = Date()
                                if now.timeIntervalSince(lastReport) >= 0.2 {
                                    lastReport = now
                                    progress(Progress(phase: .reading, rows: rows, bytesRead: input.bytesRead,
                                                      totalBytes: input.size, elapsed: now.timeIntervalSince(started)))
                                }
                            }
                        }
                    }
                    progress?(Progress(phase: .checking, rows: rows, bytesRead: input.size, totalBytes: input.size,
                                       elapsed: Date().timeIntervalSince(started)))
                    let municipalities = Set(CountyDivision.allCases.flatMap { Municipality.all(in: $0).map(\.code) }).sorted()
                    guard let result = try connection.queryRow(
                        "SELECT * FROM tilskot.import_applications($1, $2::text[], $3)",
                        [options.round?.description, municipalities, options.dryRun]) else {
                        throw TilskotError.refused("the import returned nothing")
                    }
                    let errors = try result.int("errors") + shapeProblemCount
                    if errors > 0 {
                        let found = try connection.query("""
                            SELECT line, column_name, message FROM pg_temp.application_import_error
                            ORDER BY line, ord LIMIT $1
                            """, [problemsShown]).map { row in
                                Problem(line: try row.int("line"), column: try row.string("column_name"),
                                        message: try row.string("message"))
                            }
                        let shown = (shapeProblems + found).sorted { $0.line < $1.line }
                            .prefix(problemsShown)
                        throw TilskotError.refused(refusal(file: input.name, rows: rows, errors: errors, shown: Array(shown)))
                    }
                    outcome = Outcome(
                        rowsRead: try result.int("rows_read"), imported: try result.int("imported"),
                        alreadyRegistered: try result.int("already_registered"),
                        organisationsCreated: try result.int("organisations_created"), rounds: try result.int("rounds"),
                        dryRun: options.dryRun, seconds: Date().timeIntervalSince(started))
                    // A dry run undoes everything, reference numbers included.
                    if options.dryRun { throw DryRunDone() }
                }
            } catch is DryRunDone {
                // Rolled back on purpose.
            }
        }
        guard var outcome else { throw .refused("the import did not finish") }
        outcome.seconds = Date().timeIntervalSince(started)
        return outcome
    }

    struct DryRunDone: Error {}

    static func refusal(file: String, rows: Int, errors: Int, shown: [Problem]) -> String {
        // One problem is one sentence; more are listed below a first line that counts them.
        if errors == 1, let only = shown.first {
            return "\(file): nothing imported: \(only); correct it and import the file again"
        }
        var lines = ["\(file): \(errors) problems in \(rows) \(rows == 1 ? "row" : "rows"); nothing imported. Correct these lines and import the file again:"]
        lines += shown.map(\.description)
        if errors > shown.count {
            lines.append("… and \(errors - shown.count) more")
        }
        return lines.joined(separator: "\n")
    }
}
