import Foundation
import TilskotCore

/// Rows of data with named columns, rendered as a terminal table, JSON, CSV, Markdown or an xlsx
/// workbook. Every list and report of the CLI goes through this, so `--format` means the same
/// everywhere. Tables, Markdown and workbooks are for people and follow `Presentation` (language,
/// width, Oslo time); JSON and CSV are for machines and never do.
public struct DataTable: Sendable, Equatable {
    public enum Cell: Sendable, Equatable, ExpressibleByStringLiteral {
        case text(String)
        case integer(Int64)
        case decimal(Double)
        case bool(Bool)
        /// An amount in øre, for people's formats: kroner in a table ("3 400 000,50 kr"), a number
        /// in kroner with two decimals in a workbook. Machines' formats (json, csv) are given
        /// `.integer` øre in `…_ore` columns instead (the CLI contract), so this never reaches them
        /// through the reports and lists; if it does, it is written as whole øre.
        case money(Int64)
        /// An application status: the stored word for machines (json, csv), the user's language for
        /// people (table, markdown, xlsx: "delvis innvilga").
        case status(ApplicationStatus)
        /// A moment: "2021-03-01 12:00:05" (UTC) for machines, as before; Europe/Oslo with its
        /// offset for people ("2021-03-01 13:00:05 +01:00"); a date-time in Oslo in a workbook.
        case timestamp(Date)
        /// A change in per cent for people: "+24,2 %" (nn, nb), "+24.2 %" (en); json, csv and
        /// workbooks are given `.decimal` instead.
        case change(Double)
        case null

        public init(stringLiteral value: String) { self = .text(value) }

        /// The cell as a person reads it in a table, in the current presentation (`Presentation.current`).
        public var display: String { display(Presentation.current) }

        /// The cell as a person reads it: decimals with the language's decimal mark, statuses in
        /// the language, times in the presentation's zone with the offset.
        public func display(_ presentation: Presentation) -> String {
            switch self {
            case .text(let s): return s
            case .integer(let i): return String(i)
            case .decimal(let d): return presentation.decimal(d)
            case .bool(let b): return b ? "yes" : "no"
            case .money(let ore): return presentation.money(ore)
            case .status(let status): return status.word(presentation.language.rawValue)
            case .timestamp(let date): return presentation.time(date)
            case .change(let d): return presentation.change(d)
            case .null: return ""
            }
        }

        /// The cell as CSV writes it for machines: full stops, stored words, UTC, øre.
        public var machineText: String {
            switch self {
            case .text(let s): return s
            case .integer(let i): return String(i)
            case .decimal(let d), .change(let d): return String(format: "%.1f", d)
            case .bool(let b): return b ? "yes" : "no"
            case .money(let ore): return String(ore)
            case .status(let status): return status.rawValue
            case .timestamp(let date): return Presentation.utcStamp(date)
            case .null: return ""
            }
        }

        var isNumeric: Bool {
            switch self {
            case .integer, .decimal, .money, .change: return true
            default: return false
            }
        }
    }

    public var columns: [String]
    public var rows: [[Cell]]
    /// A line under the table saying what the data is based on (reports state their basis).
    public var footnote: String?
    /// The columns a terminal table shows within its width (nil: all); `--wide` and every other
    /// format show all columns. Lists name their essentials here (reference, title, amount, status).
    public var tableColumns: [String]?

    public init(columns: [String], rows: [[Cell]], footnote: String? = nil, tableColumns: [String]? = nil) {
        self.columns = columns
        self.rows = rows
        self.footnote = footnote
        self.tableColumns = tableColumns
    }

    /// Convenience for all-text rows.
    public init(columns: [String], rows: [[String]], footnote: String? = nil) {
        self.init(columns: columns, rows: rows.map { $0.map(Cell.text) }, footnote: footnote)
    }

    /// The table in `format`, as text. A workbook (`.xlsx`) is not text: it goes to
    /// `Presentation.current.binaryOutput` (the CLI's `--out` or redirected stdout), and this returns "".
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: return renderTable()
        case .json: return renderJSON()
        case .csv: return renderCSV()
        case .markdown: return renderMarkdown()
        case .xlsx:
            guard let output = Presentation.current.binaryOutput else {
                preconditionFailure("DataTable.render(.xlsx) without Presentation.current.binaryOutput; call xlsx() instead")
            }
            output(xlsx())
            return ""
        }
    }

    // MARK: - Table

    /// Columns side by side, numbers to the right, within `presentation.width` (120): long text is
    /// cut with "…" (the widest text column first, never below 10 characters), and a table that
    /// still does not fit is shown a record at a time, each value on its own line under its name.
    public func renderTable(_ presentation: Presentation = .current) -> String {
        var columns = self.columns
        var rows = self.rows
        if let keep = tableColumns, presentation.width != nil {
            let indices = self.columns.indices.filter { keep.contains(self.columns[$0]) }
            columns = indices.map { self.columns[$0] }
            rows = rows.map { row in indices.map { row[$0] } }
        }
        let shown = rows.map { $0.map { $0.display(presentation) } }
        let numeric = columns.indices.map { i in !rows.isEmpty && rows.allSatisfy { $0[i].isNumeric || $0[i] == .null } }
        // Only free text is cut; numbers, amounts, times and statuses are shown whole.
        let cuttable = columns.indices.map { i in rows.contains { if case .text = $0[i] { true } else { false } } }
        var widths = columns.indices.map { index in
            max(columns[index].count, shown.map { $0[index].count }.max() ?? 0)
        }
        var out = ""
        if let limit = presentation.width {
            let floor = 10
            func total() -> Int { widths.reduce(0, +) + 2 * max(widths.count - 1, 0) }
            // First free text down to 20 characters; then names longer than their values (a count
            // under "appeals_upheld") down to the values or 8 characters; then text down to 10.
            let content = columns.indices.map { i in shown.map { $0[i].count }.max() ?? 0 }
            let header = columns.indices.map { i in cuttable[i] ? widths[i] : max(content[i], min(widths[i], 8)) }
            let minimums = [columns.indices.map { cuttable[$0] ? min(widths[$0], 20) : widths[$0] },
                            columns.indices.map { cuttable[$0] ? min(widths[$0], 20) : header[$0] },
                            columns.indices.map { cuttable[$0] ? min(widths[$0], floor) : header[$0] }]
            for minimum in minimums {
                while total() > limit {
                    let candidates = widths.indices.filter { widths[$0] > minimum[$0] }
                    guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
                    widths[widest] -= 1
                }
            }
            if total() > limit {
                out = Self.records(columns, shown, limit: limit)
                if let footnote { out += "\n" + Self.wrapped(footnote, limit) }
                return out
            }
        }
        func line(_ cells: [String]) -> String {
            cells.indices.map { i in
                let cell = Self.cut(cells[i], widths[i])
                let pad = String(repeating: " ", count: max(widths[i] - cell.count, 0))
                return numeric[i] ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        out = line(columns)
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in shown { out += line(row) }
        if let footnote { out += "\n" + (presentation.width.map { Self.wrapped(footnote, $0) } ?? footnote + "\n") }
        return out
    }

    /// `text` in at most `width` characters: cut with "…" when longer; line breaks shown as spaces.
    static func cut(_ text: String, _ width: Int) -> String {
        let flat = text.contains(where: \.isNewline) ? String(text.map { $0.isNewline ? " " : $0 }) : text
        guard flat.count > width, width > 0 else { return flat }
        return String(flat.prefix(width - 1)) + "…"
    }

    /// One record at a time (as psql's expanded display), for a table too wide to stand side by side.
    static func records(_ columns: [String], _ rows: [[String]], limit: Int) -> String {
        let label = min(columns.map(\.count).max() ?? 0, limit / 3)
        var out = ""
        for (number, row) in rows.enumerated() {
            let head = "-[ \(number + 1) ]"
            out += head + String(repeating: "-", count: max(limit - head.count, 0)) + "\n"
            for (column, value) in zip(columns, row) {
                let name = cut(column, label)
                out += (name + String(repeating: " ", count: label - name.count) + "  "
                        + cut(value, limit - label - 2)).trimmingTrailingSpaces() + "\n"
            }
        }
        if rows.isEmpty { out = "(no rows)\n" }
        return out
    }

    /// Running text broken into lines of at most `width` characters, at spaces.
    static func wrapped(_ text: String, _ width: Int) -> String {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = String(word)
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - JSON

    /// A JSON array of objects keyed by column name, through `JSONOutput` (keys sorted); numbers
    /// stay numbers.
    public func renderJSON() -> String {
        JSONOutput.text(rows.map { JSONRow(columns: columns, cells: $0) }) + "\n"
    }

    /// The first row as one JSON object (for commands that show one thing).
    public func renderJSONObject() -> String {
        JSONOutput.text(JSONRow(columns: rows.isEmpty ? [] : columns, cells: rows.first ?? [])) + "\n"
    }

    /// One row as a JSON object: each column name a key, each cell its value.
    struct JSONRow: Encodable {
        let columns: [String]
        let cells: [Cell]

        struct Key: CodingKey {
            let stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for (column, cell) in zip(columns, cells) { try container.encode(cell, forKey: Key(stringValue: column)) }
        }
    }

    // MARK: - CSV

    /// RFC 4180 CSV (CRLF after every record), through `CSVText`. Text that a
    /// spreadsheet would run as a formula (=, +, -, @, tab or CR first) gets a leading apostrophe,
    /// so an applicant's name cannot become a command on a caseworker's PC.
    public func renderCSV() -> String {
        CSVText.records([columns] + rows.map(CSVText.fields))
    }

    /// The header line of a CSV file; with `csvLine`, what a streamed export writes.
    public static func csvHeader(_ columns: [String]) -> String {
        CSVText.records([columns])
    }

    /// One CSV record, text neutralised against formulas.
    public static func csvLine(_ row: [Cell]) -> String {
        CSVText.records([CSVText.fields(row)])
    }

    // MARK: - Markdown

    /// A GitHub table; text from data through `Markdown.escape`, so a name cannot become markup.
    public func renderMarkdown(_ presentation: Presentation = .current) -> String {
        let escape = Markdown.escape
        let numericColumns = columns.indices.map { i in !rows.isEmpty && rows.allSatisfy { $0[i].isNumeric || $0[i] == .null } }
        var out = "| " + columns.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + numericColumns.map { $0 ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { out += "| " + row.map { escape($0.display(presentation)) }.joined(separator: " | ") + " |\n" }
        if let footnote { out += "\n_\(escape(footnote))_\n" }
        return out
    }
}

extension DataTable.Cell: Encodable {
    /// Text as a string, integers and booleans as themselves, a decimal as a number with at most
    /// two decimals (a share in per cent: 99.7), and empty or non-finite as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let s): try container.encode(s)
        case .integer(let i), .money(let i): try container.encode(i)
        case .status(let status): try container.encode(status.rawValue)
        case .timestamp(let date): try container.encode(Presentation.utcStamp(date))
        case .decimal(let d) where d.isFinite, .change(let d) where d.isFinite: try container.encode(Decimal(string: String(format: "%.2f", d)) ?? Decimal(d))
        case .decimal, .change, .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        }
    }
}

/// CSV records (RFC 4180) and formula-injection neutralisation.
///
/// Written here rather than through CSV.swift's CSVWriter, which the importer uses for reading:
/// measured in a release build on 200 000 rows (64 MB), CSVWriter took 13–18 s against 0.31 s for
/// these lines — some 5 s more for a year of national grants — and it decides quoting on
/// Characters, so `"` followed by a combining mark (one Character) was neither quoted nor doubled.
public enum CSVText {
    /// The records, each ended by CRLF. A field holding `"`, `,`, `;`, CR or LF is quoted, `;`
    /// because Norwegian spreadsheets split on it. Quoting and doubling work on Unicode scalars, so a
    /// `"` or `,` with a combining mark after it (`x"\u{301},=cmd…`) cannot end a field early.
    public static func records(_ records: [[String]]) -> String {
        var out = String.UnicodeScalarView()
        for record in records {
            for (index, field) in record.enumerated() {
                if index > 0 { out.append(",") }
                guard needsQuotes(field) else { out.append(contentsOf: field.unicodeScalars); continue }
                out.append("\"")
                for scalar in field.unicodeScalars {
                    out.append(scalar)
                    if scalar == "\"" { out.append("\"") }
                }
                out.append("\"")
            }
            out.append(contentsOf: "\r\n".unicodeScalars)
        }
        return String(out)
    }

    static func needsQuotes(_ field: String) -> Bool {
        field.unicodeScalars.contains { $0 == "\"" || $0 == "," || $0 == ";" || $0 == "\r" || $0 == "\n" }
    }

    /// A row's cells as CSV fields: text neutralised against formulas, the rest as displayed.
    public static func fields(_ row: [DataTable.Cell]) -> [String] {
        row.map { cell in
            if case .text(let s) = cell { return neutralised(s) }
            return cell.machineText
        }
    }

    public static func neutralised(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        return ["=", "+", "-", "@", "\t", "\r"].contains(first) ? "'" + s : s
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
