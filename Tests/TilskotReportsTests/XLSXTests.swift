import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport
@testable import TilskotReports

/// `--format xlsx` read back by a spreadsheet library (openpyxl, installed by Scripts/setup) in a
/// python3 subprocess: typed kroner, dates as dates, times in Oslo, the header, widths, and every
/// value equal to the database's.
@Suite("xlsx workbooks read back by openpyxl")
struct XLSXTests {
    /// One cell as openpyxl reads it: its value (JSON), Python type name and number format.
    struct ReadCell: Decodable, Equatable {
        let v: JSONValue
        let t: String
        let f: String
    }

    struct ReadSheet: Decodable {
        let name: String
        let rows: [[ReadCell]]
        let widths: [String: Double]
        let frozen: String?
        let bold: [Bool]
    }

    struct ReadBook: Decodable {
        let sheets: [ReadSheet]
    }

    enum JSONValue: Decodable, Equatable {
        case string(String), number(Double), bool(Bool), null

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .string(try c.decode(String.self)) }
        }

        var string: String? { if case .string(let s) = self { s } else { nil } }
        var number: Double? { if case .number(let d) = self { d } else { nil } }
    }

    /// Reads every sheet with openpyxl: values (dates and times as ISO text), types, number
    /// formats, column widths, the frozen pane and whether the first row is bold.
    static let reader = #"""
    import json, sys, datetime, openpyxl
    wb = openpyxl.load_workbook(sys.argv[1])
    def val(v):
        if isinstance(v, (datetime.datetime, datetime.date)):
            return v.isoformat()
        return v
    out = []
    for ws in wb.worksheets:
        rows = [[{"v": val(c.value), "t": type(c.value).__name__, "f": c.number_format} for c in row] for row in ws.iter_rows()]
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        bold = [bool(c.font and c.font.b) for c in ws[1]] if ws.max_row >= 1 else []
        out.append({"name": ws.title, "rows": rows, "widths": widths, "frozen": ws.freeze_panes, "bold": bold})
    print(json.dumps({"sheets": out}))
    """#

    static func read(_ path: String) throws -> ReadBook {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", reader, path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openpyxl could not read \(path) (Scripts/setup installs openpyxl): \(errors)")
        return try JSONDecoder().decode(ReadBook.self, from: data)
    }

    static func temporaryFile(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appending(path: "xlsx-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appending(path: name).path
    }

    @Test("every kind of cell comes back typed: kroner with two decimals, dates, Oslo times, shares, booleans, exact text")
    func cellKinds() throws {
        let moment = try #require(ISO8601DateFormatter().date(from: "2021-07-01T10:15:30Z")) // 12:15:30 in Oslo (summer, +02:00)
        let winter = try #require(ISO8601DateFormatter().date(from: "2021-01-15T23:30:00Z")) // 00:30 next day in Oslo (+01:00)
        let awkward = "=HYPERLINK(\"x\") & <b> _x0041_ \"æøå\" 😀"
        let table = DataTable(
            columns: ["reference", "amount", "received", "status", "at", "share", "late", "count", "note"],
            rows: [
                [.text("JS-2021-0001"), .money(340_000_050), .text("2021-02-02"), .status(.partiallyGranted),
                 .timestamp(moment), .decimal(99.66), .bool(true), .integer(41), .text(awkward)],
                [.text("JS-2021-0002"), .money(-5), .text("2021-12-31"), .status(.granted),
                 .timestamp(winter), .decimal(.nan), .bool(false), .integer(-3), .null],
            ],
            footnote: "Basis: data as of 2021-08-01.")
        let path = Self.temporaryFile("cells.xlsx")
        try table.xlsx(Presentation(language: .nn)).write(to: URL(fileURLWithPath: path))
        let book = try Self.read(path)
        #expect(book.sheets.map(\.name) == ["data", "basis"])
        let sheet = book.sheets[0]
        #expect(sheet.rows.count == 3)
        #expect(sheet.rows[0].map(\.v) == table.columns.map(JSONValue.string))
        #expect(sheet.bold.allSatisfy { $0 } && sheet.bold.count == table.columns.count)
        #expect(sheet.frozen == "A2")
        let first = sheet.rows[1], second = sheet.rows[2]
        // Kroner as numbers, two decimals, the format a Norwegian spreadsheet shows as 3 400 000,50.
        #expect(first[1].v == .number(3_400_000.5) && first[1].f == "#,##0.00" && first[1].t == "float")
        #expect(second[1].v == .number(-0.05))
        // Dates as dates; times as Oslo's wall clock (winter and summer offsets).
        #expect(first[2].v == .string("2021-02-02T00:00:00") && first[2].t == "datetime" && first[2].f == "mm-dd-yy")
        #expect(second[2].v == .string("2021-12-31T00:00:00"))
        #expect(first[4].v == .string("2021-07-01T12:15:30") && first[4].f == "dd.mm.yyyy hh:mm:ss")
        #expect(second[4].v == .string("2021-01-16T00:30:00"))
        // Statuses in the language; shares with one decimal; nothing for a non-finite share or null.
        #expect(first[3].v == .string("delvis innvilga") && second[3].v == .string("innvilga"))
        #expect(first[5].v == .number(99.66) && first[5].f == "0.0")
        #expect(second[5].v == .null && second[8].v == .null)
        #expect(first[6].v == .bool(true) && second[6].v == .bool(false))
        #expect(first[7].v == .number(41) && first[7].t == "int" && second[7].v == .number(-3))
        // Text exactly as given: a formula stays text, markup and a control character survive.
        #expect(first[8].v == .string(awkward) && first[8].t == "str")
        #expect(first[0].v == .string("JS-2021-0001"))
        // A control character XML cannot hold is written as SpreadsheetML's _x0001_ (Excel reads it
        // back as the character; openpyxl leaves the escape as text, so it is checked here as written).
        #expect(XLSXWorkbook.escape("a\u{1}b_x0041_<") == "a_x0001_b_x005F_x0041_&lt;")
        // Widths from the longest value; the basis on its own sheet.
        #expect((sheet.widths["A"] ?? 0) >= 12 && (sheet.widths["I"] ?? 0) > (sheet.widths["H"] ?? 0))
        #expect(book.sheets[1].rows.first?.first?.v == .string("Basis: data as of 2021-08-01."))
        // The same table gives the same bytes.
        #expect(table.xlsx(Presentation(language: .nn)) == table.xlsx(Presentation(language: .nn)))
        let english = Self.temporaryFile("en.xlsx")
        try table.xlsx(Presentation(language: .en)).write(to: URL(fileURLWithPath: english))
        #expect(try Self.read(english).sheets[0].rows[1][3].v == .string("partially granted"))
    }

    @Test("a column of text that is not all dates stays text; an empty table is a header row")
    func notDates() throws {
        let table = DataTable(columns: ["title", "due"], rows: [[.text("2021-02-30"), .text("2021-03-01")],
                                                              [.text("Jobbsjansen"), .null]])
        let path = Self.temporaryFile("mixed.xlsx")
        try table.xlsx().write(to: URL(fileURLWithPath: path))
        let rows = try Self.read(path).sheets[0].rows
        #expect(rows[1][0].v == .string("2021-02-30") && rows[1][0].t == "str")
        #expect(rows[1][1].t == "datetime" && rows[2][1].v == .null)
        let empty = Self.temporaryFile("empty.xlsx")
        try DataTable(columns: ["a", "b"], rows: [[DataTable.Cell]]()).xlsx().write(to: URL(fileURLWithPath: empty))
        let book = try Self.read(empty)
        #expect(book.sheets.count == 1 && book.sheets[0].rows.map { $0.map(\.v) } == [[.string("a"), .string("b")]])
        #expect(XLSXWorkbook.reference(0, 1) == "A1" && XLSXWorkbook.reference(25, 2) == "Z2" && XLSXWorkbook.reference(26, 3) == "AA3")
    }

    @Test("report summary --format xlsx --out FILE: every figure equals the database's (json in øre)")
    func summaryFromTheDatabase() throws {
        let db = try Sample.database()
        let path = Self.temporaryFile("summary.xlsx")
        let result = try CLIRunner.run(["report", "summary", "--year", "2021", "--format", "xlsx", "--out", path], database: db)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let json = try CLIRunner.run(["report", "summary", "--year", "2021", "--format", "json"], database: db)
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let book = try Self.read(path)
        #expect(book.sheets.map(\.name) == ["data", "basis"])
        #expect(book.sheets[1].rows.first?.first?.v.string?.hasPrefix("Basis: data as of ") == true)
        let rows = book.sheets[0].rows
        let header = rows[0].compactMap(\.v.string)
        #expect(rows.count == expected.count + 1)
        var compared = 0
        for (row, want) in zip(rows.dropFirst(), expected) {
            for (column, cell) in zip(header, row) {
                if column.hasSuffix("_kr") {
                    // Kroner in the workbook, øre in json: the same amount.
                    let ore = try #require((want[String(column.dropLast(3)) + "_ore"] as? NSNumber)?.int64Value, "\(column)")
                    #expect(cell.f == "#,##0.00", "\(column)")
                    #expect(cell.v.number.map { Int64(($0 * 100).rounded()) } == ore, "\(column): \(cell.v) vs \(ore) øre")
                    compared += 1
                } else if let number = want[column] as? NSNumber {
                    #expect(cell.v.number.map { abs($0 - number.doubleValue) < 0.006 } == true, "\(column): \(cell.v) vs \(number)")
                    compared += 1
                } else if let text = want[column] as? String {
                    #expect(cell.v == .string(text), "\(column)")
                    compared += 1
                } else {
                    #expect(want[column] is NSNull && cell.v == .null, "\(column)")
                }
            }
        }
        #expect(compared >= expected.count * 15)
    }

    @Test("application list --format xlsx to a redirected stdout: title, amount, received and status equal the database's rows")
    func listFromTheDatabase() throws {
        let db = try Sample.database()
        let path = Self.temporaryFile("list.xlsx")
        try Self.runToFile(["application", "list", "--round", "JS/2021", "--format", "xlsx", "--lang", "nb"], db: db, path: path)
        let rows = try Self.read(path).sheets[0].rows
        let header = rows[0].compactMap(\.v.string)
        let column = { (name: String) in try #require(header.firstIndex(of: name), "\(name) in \(header)") }
        let (reference, title, amount, received, status) = (try column("reference"), try column("title"),
                                                            try column("amount_applied_kr"), try column("received"), try column("status"))
        let stored = try db.connect().query("""
            SELECT a.reference, a.title, a.amount_applied_ore, a.received::text AS received, a.status
              FROM tilskot.application a JOIN tilskot.scheme s ON s.id = a.scheme_id JOIN tilskot.round r ON r.id = a.round_id
             WHERE s.code = 'JS' AND r.year = 2021 ORDER BY a.reference
            """)
        let byReference = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[reference].v.string ?? "", $0) })
        #expect(byReference.count == stored.count && stored.count > 0)
        for row in stored {
            let ref = try row.string("reference")
            let cells = try #require(byReference[ref], "\(ref) missing from the workbook")
            #expect(cells[title].v == .string(try row.string("title")))
            #expect(cells[amount].v.number.map { Int64(($0 * 100).rounded()) } == (try row.int64("amount_applied_ore")), "\(ref)")
            #expect(cells[amount].f == "#,##0.00")
            #expect(cells[received].v == .string(try row.string("received") + "T00:00:00"), "\(ref)")
            let word = try #require(ApplicationStatus(rawValue: try row.string("status"))).word("nb")
            #expect(cells[status].v == .string(word), "\(ref)")
        }
    }

    /// Runs the CLI with stdout redirected to `path` (as `> FILE.xlsx` does).
    static func runToFile(_ arguments: [String], db: TestDatabase, path: String) throws {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments + ["--database-url", db.url]
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        process.standardOutput = handle
        let err = Pipe()
        process.standardError = err
        try process.run()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(arguments): \(errors)")
    }

    @Test("--format xlsx on a terminal is refused with one sentence before anything runs")
    func terminalRefused() throws {
        let db = try Sample.database()
        // script(1) gives the command a terminal for stdout.
        let command = ([CLIRunner.executable.path, "report", "summary", "--year", "2021", "--format", "xlsx", "--database-url", db.url])
            .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qefc", command, "/dev/null"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "\(text)")
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == Self.terminalSentence, "\(text)")
    }

    /// Display.xlsxToTerminal (Sources/tilskot/Display.swift; the executable is not importable from tests).
    static let terminalSentence = "--format xlsx refused: a workbook is a file, not text for a terminal; give --out FILE.xlsx (reports) or redirect: > FILE.xlsx"
}
