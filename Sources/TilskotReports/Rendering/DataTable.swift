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
    public func renderMarkdown() -> String {
        let escape = Markdown.escape
        let numericColumns = columns.indices.map { i in !rows.isEmpty && rows.allSatisfy { $0[i].isNumeric || $0[i] == .null } }
        var out = "| " + columns.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + numericColumns.map { $0 ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { out += "| " + row.map { escape($0.display) }.joined(separator: " | ") + " |\n" }
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
        case .integer(let i): try container.encode(i)
        case .decimal(let d) where d.isFinite: try container.encode(Decimal(string: String(format: "%.2f", d)) ?? Decimal(d))
        case .decimal, .null: try container.encodeNil()
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
            return cell.display
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
