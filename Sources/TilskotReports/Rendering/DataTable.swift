import Foundation

/// Rows of data with named columns, rendered as a terminal table, JSON, CSV or Markdown. Every
/// list and report of the CLI goes through this, so `--format` means the same everywhere.
public struct DataTable: Sendable, Equatable {
    public enum Cell: Sendable, Equatable, ExpressibleByStringLiteral {
        case text(String)
        case integer(Int64)
        case decimal(Double)
        case bool(Bool)
        case null

        public init(stringLiteral value: String) { self = .text(value) }

        /// The cell as a person reads it in a table.
        public var display: String {
            switch self {
            case .text(let s): return s
            case .integer(let i): return String(i)
            case .decimal(let d): return String(format: "%.1f", d)
            case .bool(let b): return b ? "yes" : "no"
            case .null: return ""
            }
        }

        var isNumeric: Bool {
            switch self {
            case .integer, .decimal: return true
            default: return false
            }
        }
    }

    public var columns: [String]
    public var rows: [[Cell]]
    /// A line under the table saying what the data is based on (reports state their basis).
    public var footnote: String?

    public init(columns: [String], rows: [[Cell]], footnote: String? = nil) {
        self.columns = columns
        self.rows = rows
        self.footnote = footnote
    }

    /// Convenience for all-text rows.
    public init(columns: [String], rows: [[String]], footnote: String? = nil) {
        self.init(columns: columns, rows: rows.map { $0.map(Cell.text) }, footnote: footnote)
    }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: return renderTable()
        case .json: return renderJSON()
        case .csv: return renderCSV()
        case .markdown: return renderMarkdown()
        }
    }

    // MARK: - Table

    func renderTable() -> String {
        let widths = columns.indices.map { index in
            max(columns[index].count, rows.map { $0[index].display.count }.max() ?? 0)
        }
        func line(_ cells: [String], numeric: [Bool]) -> String {
            cells.indices.map { i in
                let pad = String(repeating: " ", count: widths[i] - cells[i].count)
                return numeric[i] ? pad + cells[i] : cells[i] + pad
            }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        let numericColumns = columns.indices.map { i in !rows.isEmpty && rows.allSatisfy { $0[i].isNumeric || $0[i] == .null } }
        var out = line(columns, numeric: numericColumns)
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row.map(\.display), numeric: numericColumns) }
        if let footnote { out += "\n\(footnote)\n" }
        return out
    }

    // MARK: - JSON

    /// A JSON array of objects keyed by column name; numbers stay numbers.
    public func renderJSON() -> String {
        "[" + rows.map { jsonObject($0) }.joined(separator: ",\n ") + "]\n"
    }

    /// The first row as one JSON object (for commands that show one thing).
    public func renderJSONObject() -> String {
        (rows.first.map { jsonObject($0) } ?? "{}") + "\n"
    }

    func jsonObject(_ row: [Cell]) -> String {
        "{" + zip(columns, row).map { "\(JSONText.quote($0)): \(jsonValue($1))" }.joined(separator: ", ") + "}"
    }

    func jsonValue(_ cell: Cell) -> String {
        switch cell {
        case .text(let s): return JSONText.quote(s)
        case .integer(let i): return String(i)
        case .decimal(let d): return d.isFinite ? String(format: "%.2f", d) : "null"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    // MARK: - CSV

    /// RFC 4180 CSV. Text that a spreadsheet would run as a formula (=, +, -, @ first) gets a
    /// leading apostrophe, so an applicant's name cannot become a command on a caseworker's PC.
    public func renderCSV() -> String {
        var out = Self.csvHeader(columns)
        for row in rows { out += Self.csvLine(row) }
        return out
    }

    /// The header line of a CSV file; with `csvLine`, what a streamed export writes.
    public static func csvHeader(_ columns: [String]) -> String {
        columns.map(CSVText.field).joined(separator: ",") + "\r\n"
    }

    /// One CSV record, text neutralised against formulas.
    public static func csvLine(_ row: [Cell]) -> String {
        row.map { cell -> String in
            switch cell {
            case .text(let s): return CSVText.field(CSVText.neutralised(s))
            default: return CSVText.field(cell.display)
            }
        }.joined(separator: ",") + "\r\n"
    }

    // MARK: - Markdown

    public func renderMarkdown() -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        let numericColumns = columns.indices.map { i in !rows.isEmpty && rows.allSatisfy { $0[i].isNumeric || $0[i] == .null } }
        var out = "| " + columns.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + numericColumns.map { $0 ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { out += "| " + row.map { escape($0.display) }.joined(separator: " | ") + " |\n" }
        if let footnote { out += "\n_\(escape(footnote))_\n" }
        return out
    }
}

/// JSON string quoting (RFC 8259).
public enum JSONText {
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// CSV field quoting and formula-injection neutralisation.
public enum CSVText {
    public static func field(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
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
