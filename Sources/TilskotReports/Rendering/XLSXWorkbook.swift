import Foundation
import TilskotCore
import ZIPFoundation

/// `--format xlsx`: a table as an Office Open XML workbook (ECMA-376, SpreadsheetML), the one
/// xlsx writer of tilskot. What a Norwegian spreadsheet needs to read figures without conversion:
///
/// - amounts (`Cell.money`) as numbers in kroner with two decimals, format `#,##0.00` (built-in
///   format 4: Excel shows it with the reader's own separators, "3 400 000,50" in Norwegian);
/// - dates (a column whose every value is a `YYYY-MM-DD` date) as date serial numbers with the
///   built-in short-date format 14 (shown "02.02.2021" in Norwegian); times (`Cell.timestamp`) as
///   date-times in Europe/Oslo, format `dd.mm.yyyy hh:mm:ss` (a spreadsheet has no time zones);
/// - counts as numbers, shares with one decimal (`0.0`), yes/no as booleans, statuses in the
///   presentation's language, other text as shared strings (never formulas, so nothing needs the
///   apostrophe the CSV writer puts before `=`);
/// - a bold header row of the column names, frozen; column widths from the longest value; the
///   basis of a report on a second sheet, "basis", so the first holds only data.
///
/// The zip container is written by ZIPFoundation, in memory, with a fixed modification time so the
/// same table gives the same bytes.
public enum XLSXWorkbook {
    /// The style indices of styles.xml's cellXfs.
    enum Style: Int {
        case plain = 0, header, money, date, dateTime, decimal
    }

    /// The workbook's bytes.
    public static func data(_ table: DataTable, presentation: Presentation = .current, sheetName: String = "data") -> Data {
        var strings = SharedStrings()
        let sheet = worksheet(table, presentation: presentation, strings: &strings)
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes(withBasis: table.footnote != nil)),
            ("_rels/.rels", rootRelationships),
            ("xl/workbook.xml", workbook(sheetName: sheetName, withBasis: table.footnote != nil)),
            ("xl/_rels/workbook.xml.rels", workbookRelationships(withBasis: table.footnote != nil)),
            ("xl/styles.xml", styles),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        if let footnote = table.footnote {
            parts.append(("xl/worksheets/sheet2.xml", basisSheet(footnote, strings: &strings)))
        }
        parts.append(("xl/sharedStrings.xml", strings.xml))
        return zip(parts)
    }

    // MARK: - Cells

    /// A column of text cells every one of which is a real calendar date `YYYY-MM-DD` (at least one).
    static func isDateColumn(_ rows: [[DataTable.Cell]], _ index: Int) -> Bool {
        var seen = false
        for row in rows {
            switch row[index] {
            case .null: continue
            case .text(let text) where dateSerial(text) != nil: seen = true
            default: return false
            }
        }
        return seen
    }

    /// Days since 1899-12-30 (the spreadsheet epoch, 1900 date system) of `YYYY-MM-DD`, or nil.
    static func dateSerial(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            bytes[range].allSatisfy { (48...57).contains($0) } ? Int(String(decoding: bytes[range], as: UTF8.self)) : nil
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              year >= 1900, (1...12).contains(month), day >= 1 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
              calendar.component(.day, from: date) == day, calendar.component(.month, from: date) == month else { return nil }
        return Int((date.timeIntervalSince1970 / 86_400).rounded()) + 25_569
    }

    /// A moment as a spreadsheet date-time: the wall clock in `timeZone`, in days since 1899-12-30.
    static func dateTimeSerial(_ date: Date, _ timeZone: TimeZone) -> Double {
        let local = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
        return local.rounded() / 86_400 + 25_569
    }

    /// "3400000.50": øre as kroner with two decimals, exact (no binary fraction in between).
    static func kroner(_ ore: Int64) -> String {
        let sign = ore < 0 ? "-" : ""
        let magnitude = ore.magnitude
        let cents = magnitude % 100
        return sign + String(magnitude / 100) + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    static func worksheet(_ table: DataTable, presentation: Presentation, strings: inout SharedStrings) -> String {
        let dateColumns = Set(table.columns.indices.filter { isDateColumn(table.rows, $0) })
        var widths = table.columns.map { $0.count }
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="\(mainNamespace)" xmlns:r="\(relationshipNamespace)">
            """
        var body = "<sheetData>"
        body.reserveCapacity(64 * (table.rows.count + 1) * max(table.columns.count, 1))
        body += "<row r=\"1\">"
        for (index, column) in table.columns.enumerated() {
            body += "<c r=\"\(reference(index, 1))\" s=\"\(Style.header.rawValue)\" t=\"s\"><v>\(strings.index(column))</v></c>"
        }
        body += "</row>"
        for (rowIndex, row) in table.rows.enumerated() {
            let r = rowIndex + 2
            body += "<row r=\"\(r)\">"
            for (index, cell) in row.enumerated() where index < table.columns.count {
                let ref = reference(index, r)
                let shown: Int
                switch cell {
                case .null:
                    continue
                case .text(let text) where dateColumns.contains(index):
                    body += "<c r=\"\(ref)\" s=\"\(Style.date.rawValue)\"><v>\(dateSerial(text)!)</v></c>"
                    shown = 10
                case .text(let text):
                    body += "<c r=\"\(ref)\" t=\"s\"><v>\(strings.index(text))</v></c>"
                    shown = text.count
                case .status(let status):
                    let word = status.word(presentation.language.rawValue)
                    body += "<c r=\"\(ref)\" t=\"s\"><v>\(strings.index(word))</v></c>"
                    shown = word.count
                case .integer(let value):
                    body += "<c r=\"\(ref)\"><v>\(value)</v></c>"
                    shown = String(value).count
                case .decimal(let value), .change(let value):
                    guard value.isFinite else { continue }
                    body += "<c r=\"\(ref)\" s=\"\(Style.decimal.rawValue)\"><v>\(value)</v></c>"
                    shown = presentation.decimal(value).count
                case .bool(let value):
                    body += "<c r=\"\(ref)\" t=\"b\"><v>\(value ? 1 : 0)</v></c>"
                    shown = 5
                case .money(let ore):
                    body += "<c r=\"\(ref)\" s=\"\(Style.money.rawValue)\"><v>\(kroner(ore))</v></c>"
                    shown = Money(ore: ore).kronerNumber.count + 3
                case .timestamp(let date):
                    body += "<c r=\"\(ref)\" s=\"\(Style.dateTime.rawValue)\"><v>\(dateTimeSerial(date, presentation.timeZone))</v></c>"
                    shown = 19
                }
                widths[index] = max(widths[index], shown)
            }
            body += "</row>"
        }
        body += "</sheetData>"
        xml += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
        if !table.columns.isEmpty {
            xml += "<cols>"
            for (index, width) in widths.enumerated() {
                // Characters of the default font, plus room for the filter arrow; at most 60 (long text wraps in the cell).
                xml += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(min(width, 58) + 2)\" customWidth=\"1\"/>"
            }
            xml += "</cols>"
        }
        xml += body
        xml += "</worksheet>"
        return xml
    }

    static func basisSheet(_ footnote: String, strings: inout SharedStrings) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="\(mainNamespace)"><cols><col min="1" max="1" width="120" customWidth="1"/></cols>\
        <sheetData><row r="1"><c r="A1" t="s"><v>\(strings.index(footnote))</v></c></row></sheetData></worksheet>
        """
    }

    /// "A1", "Z3", "AA10": a cell's reference from a zero-based column and a one-based row.
    static func reference(_ column: Int, _ row: Int) -> String {
        var letters = "", n = column + 1
        while n > 0 {
            let remainder = (n - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            n = (n - 1) / 26
        }
        return letters + String(row)
    }

    /// The workbook's text, each string once (SpreadsheetML's shared strings).
    struct SharedStrings {
        private var indices: [String: Int] = [:]
        private var ordered: [String] = []
        private var count = 0

        mutating func index(_ text: String) -> Int {
            count += 1
            if let index = indices[text] { return index }
            indices[text] = ordered.count
            ordered.append(text)
            return ordered.count - 1
        }

        var xml: String {
            var out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            out += "<sst xmlns=\"\(mainNamespace)\" count=\"\(count)\" uniqueCount=\"\(ordered.count)\">"
            for text in ordered { out += "<si><t xml:space=\"preserve\">\(XLSXWorkbook.escape(text))</t></si>" }
            return out + "</sst>"
        }
    }

    /// Text for an XML element: the markup characters as entities, and what XML 1.0 cannot hold
    /// (control characters other than tab, LF and CR; U+FFFE, U+FFFF) as SpreadsheetML's `_xHHHH_`,
    /// which a reader turns back into the character. A literal `_x` that would read as such an
    /// escape gets its underscore escaped (`_x005F_`), so text comes back exactly as written.
    static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "_" where looksLikeEscape(scalars, i):
                out.append(contentsOf: "_x005F_".unicodeScalars)
            default:
                let v = scalar.value
                if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0xFFFE || v == 0xFFFF {
                    out.append(contentsOf: String(format: "_x%04X_", v).unicodeScalars)
                } else {
                    out.append(scalar)
                }
            }
        }
        return String(out)
    }

    /// `_xHHHH_` starts at `i`.
    static func looksLikeEscape(_ scalars: [Unicode.Scalar], _ i: Int) -> Bool {
        guard i + 6 < scalars.count, scalars[i + 1] == "x" || scalars[i + 1] == "X", scalars[i + 6] == "_" else { return false }
        return scalars[(i + 2)...(i + 5)].allSatisfy { $0.properties.isASCIIHexDigit }
    }

    // MARK: - Parts

    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    static func contentTypes(withBasis: Bool) -> String {
        header + """
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        \(withBasis ? "<Override PartName=\"/xl/worksheets/sheet2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" : "")\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        <Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>\
        </Types>
        """
    }

    static let rootRelationships = header + """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """

    static func workbook(sheetName: String, withBasis: Bool) -> String {
        header + """
        <workbook xmlns="\(mainNamespace)" xmlns:r="\(relationshipNamespace)"><sheets>\
        <sheet name="\(escape(sheetName))" sheetId="1" r:id="rId1"/>\
        \(withBasis ? "<sheet name=\"basis\" sheetId=\"2\" r:id=\"rId2\"/>" : "")\
        </sheets></workbook>
        """
    }

    static func workbookRelationships(withBasis: Bool) -> String {
        let worksheet = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
        return header + """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="\(worksheet)" Target="worksheets/sheet1.xml"/>\
        \(withBasis ? "<Relationship Id=\"rId2\" Type=\"\(worksheet)\" Target=\"worksheets/sheet2.xml\"/>" : "")\
        <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
        <Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>\
        </Relationships>
        """
    }

    /// cellXfs in the order of `Style`: plain, header (bold), money (4: #,##0.00), date (14: the
    /// reader's short date), date-time (164), share (165: one decimal).
    static let styles = header + """
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="2"><numFmt numFmtId="164" formatCode="dd.mm.yyyy hh:mm:ss"/><numFmt numFmtId="165" formatCode="0.0"/></numFmts>\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="6">\
        <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
        <xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        </cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """

    /// The parts in a zip (deflated), in memory. Every part is built here from known text, so a
    /// failure is a programming error.
    static func zip(_ parts: [(String, String)]) -> Data {
        let fixedTime = Date(timeIntervalSince1970: 1_609_459_200) // 2021-01-01: the same bytes for the same table
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (path, text) in parts {
                let bytes = Data(text.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count),
                                     modificationDate: fixedTime, compressionMethod: .deflate) { position, size in
                    bytes.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let data = archive.data else { preconditionFailure("XLSXWorkbook: the in-memory zip has no data") }
            return data
        } catch {
            preconditionFailure("XLSXWorkbook: could not build the zip: \(error)")
        }
    }
}

extension DataTable {
    /// The table as an xlsx workbook (`XLSXWorkbook`).
    public func xlsx(_ presentation: Presentation = .current) -> Data {
        XLSXWorkbook.data(self, presentation: presentation)
    }
}
