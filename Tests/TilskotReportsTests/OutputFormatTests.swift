import Foundation
import Testing
import TilskotCore
@testable import TilskotReports

/// The one JSON path (JSONOutput), the one CSV path (CSVText) and the one Markdown
/// and HTML escaper, on the cells that have broken such writers before.
@Suite("output formats: one writer each")
struct OutputFormatTests {
    let table = DataTable(
        columns: ["name", "amount_ore", "share", "late", "note"],
        rows: [
            [.text("=HYPERLINK(\"http://example.invalid\")"), .integer(340_000_050), .decimal(99.6666), .bool(true), .null],
            [.text("Bergen; Vestland"), .integer(-5), .decimal(.nan), .bool(false), .text("linje 1\nlinje 2\t/ \"sitat\" \u{1}")],
            [.text("@import"), .integer(0), .decimal(12.5), .bool(false), .text("")],
        ])

    @Test("CSV: RFC 4180 with CRLF after every record, ; quoted for Norwegian spreadsheets, formulas neutralised")
    func csvBytes() {
        #expect(table.renderCSV() == """
            name,amount_ore,share,late,note\r
            "'=HYPERLINK(""http://example.invalid"")",340000050,99.7,yes,\r
            "Bergen; Vestland",-5,nan,no,"linje 1
            linje 2\t/ ""sitat"" \u{1}"\r
            '@import,0,12.5,no,\r

            """)
        // A streamed export is header + lines, byte for byte the table rendered whole.
        #expect(DataTable.csvHeader(table.columns) + table.rows.map(DataTable.csvLine).joined() == table.renderCSV())
        #expect(DataTable(columns: ["a"], rows: [[String]]()).renderCSV() == "a\r\n")
    }

    /// The writer before 0.1.0, kept as the reference for byte identity. It compared Characters, so
    /// a field holding CR LF (one Character) was left unquoted and broke its record; CSVText quotes
    /// it. Here the reference compares scalars, as it meant to: that case is the one byte
    /// difference, and `crlfInAField` pins it.
    static func formerField(_ s: String) -> String {
        if s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    @Test("CSV: byte for byte what the former hand-written writer made, on 2 000 random rows")
    func csvSameBytesAsBefore() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("ab æøå,;\"\r\n\t=+-@'😀\u{0}")
        let rows: [[String]] = (0..<2_000).map { _ in
            (0..<4).map { _ in String((0..<Int.random(in: 0...6, using: &random)).map { _ in alphabet.randomElement(using: &random)! }) }
        }
        let table = DataTable(columns: ["a", "b;", "c\"", "d"], rows: rows)
        func former(_ record: [String]) -> String { record.map(Self.formerField).joined(separator: ",") + "\r\n" }
        #expect(DataTable.csvHeader(table.columns) == former(table.columns))
        let differing = rows.first { DataTable.csvLine($0.map(DataTable.Cell.text)) != former($0.map(CSVText.neutralised)) }
        #expect(differing == nil, "\(differing.map { "\($0.debugDescription) → \(DataTable.csvLine($0.map(DataTable.Cell.text)).debugDescription)" } ?? "")")
        #expect(table.renderCSV() == former(table.columns) + rows.map { former($0.map(CSVText.neutralised)) }.joined())
    }

    @Test("CSV: a field with a CR LF line break is quoted (the former writer left it bare and broke the record)")
    func crlfInAField() {
        #expect(DataTable.csvLine([.text("linje 1\r\nlinje 2")]) == "\"linje 1\r\nlinje 2\"\r\n")
    }

    @Test("CSV: a quote, comma or ; followed by a combining mark cannot end a field early and smuggle in a formula")
    func csvCombiningMarks() {
        let mark = "\u{301}"
        let marked = DataTable.csvLine([.text("c," + mark + "d"), .text("e;" + mark + "f")])
        let markedExpected = "\"c," + mark + "d\",\"e;" + mark + "f\"\r\n"
        #expect(marked == markedExpected)
        // The quote is doubled as a scalar, with its mark after the pair (the writer before 0.1.0
        // compared Characters and left `"` + U+0301 single, closing the field early).
        let given = "x\"" + mark + ",=HYPERLINK(1)"
        let line = DataTable.csvLine([.text(given), .text("ok")])
        let expected = "\"x\"\"" + mark + ",=HYPERLINK(1)\",ok\r\n"
        #expect(line == expected)
        // Read back by scalars as a spreadsheet would: two fields, the first exactly as given.
        let fields = Self.fields(line)
        #expect(fields == [given, "ok"])
    }

    /// A minimal RFC 4180 reader over Unicode scalars, for the tests: the fields of one record.
    static func fields(_ line: String) -> [String] {
        var fields: [String] = [], field = String.UnicodeScalarView(), quoted = false
        var scalars = Array(line.unicodeScalars.dropLast(2))[...]
        while let scalar = scalars.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if scalars.first == "\"" { field.append(scalars.removeFirst()) } else { quoted = false }
                } else { field.append(scalar) }
            } else if scalar == "\"" { quoted = true
            } else if scalar == "," { fields.append(String(field)); field = String.UnicodeScalarView()
            } else { field.append(scalar) }
        }
        return fields + [String(field)]
    }

    @Test("JSON: JSONEncoder with sorted keys; null for an empty cell and a non-finite share; strings escaped")
    func json() throws {
        let text = table.renderJSON()
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(rows[0]["name"] as? String == "=HYPERLINK(\"http://example.invalid\")")
        #expect((rows[0]["amount_ore"] as? NSNumber)?.int64Value == 340_000_050)
        #expect((rows[0]["share"] as? NSNumber)?.doubleValue == 99.67)
        #expect(rows[0]["late"] as? Bool == true)
        #expect(rows[0]["note"] is NSNull)
        #expect(rows[1]["share"] is NSNull)
        #expect(rows[1]["note"] as? String == "linje 1\nlinje 2\t/ \"sitat\" \u{1}")
        // Keys sorted, whatever the column order; "/" not escaped.
        let keys = ["\"amount_ore\"", "\"late\"", "\"name\"", "\"note\"", "\"share\""]
        let first = try #require(text.components(separatedBy: "}").first)
        let positions = keys.map { first.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(text.contains("\\t/ \\\"sitat\\\" \\u0001"))
        #expect(table.renderJSONObject() == JSONOutput.text(DataTable.JSONRow(columns: table.columns, cells: table.rows[0])) + "\n")
        // Empty containers as scripts compare them, at any depth.
        #expect(DataTable(columns: ["a"], rows: [[String]]()).renderJSONObject() == "{}\n")
        #expect(DataTable(columns: ["a"], rows: [[String]]()).renderJSON() == "[]\n")
        #expect(JSONOutput.text(["b": [String](), "a": ["x\n\n]"]]) == "{\n  \"a\" : [\n    \"x\\n\\n]\"\n  ],\n  \"b\" : []\n}")
    }

    @Test("NullWhenAbsent keeps a key with null; a plain optional is left out")
    func nullWhenAbsent() {
        struct Probe: Encodable {
            @NullWhenAbsent var kept: String?
            var dropped: String?
        }
        #expect(JSONOutput.text(Probe(kept: nil, dropped: nil)) == "{\n  \"kept\" : null\n}")
        #expect(JSONOutput.text(Probe(kept: "x", dropped: "y")) == "{\n  \"dropped\" : \"y\",\n  \"kept\" : \"x\"\n}")
    }

    @Test("HTML: a quote or < with a combining mark after it is still escaped (it ends an attribute in a browser)")
    func htmlCombiningMarks() {
        #expect(HTML.escape("x\"\u{301} onmouseover=alert(1) <\u{338}b>") == "x&quot;\u{301} onmouseover=alert(1) &lt;\u{338}b&gt;")
        #expect(HTML.escape("Sámi & Kven 'ok'") == "Sámi &amp; Kven &#39;ok&#39;")
    }

    @Test("Markdown: CR LF becomes a space, | with a combining mark is escaped, and DataTable's Markdown uses the same escaper")
    func markdown() {
        #expect(Markdown.escape("a\r\n# b |\u{301} *c*") == "a  \\# b \\|\u{301} \\*c\\*")
        let table = DataTable(columns: ["name", "rows_read"], rows: [[.text("*Fet* [lenke](http://x) <b>\r\n# Overskrift"), .integer(2)]],
                              footnote: "Basis: 2 rader")
        #expect(table.renderMarkdown() == """
            | name | rows\\_read |
            | --- | ---: |
            | \\*Fet\\* \\[lenke\\](http://x) \\<b\\>  \\# Overskrift | 2 |

            _Basis: 2 rader_

            """)
    }

    @Test("report text groups counts and amounts with TilskotCore's one grouping, by language")
    func reportLanguageGrouping() {
        #expect(ReportLanguage.nn.count(12_345) == "12 345")
        #expect(ReportLanguage.en.count(12_345) == "12,345")
        #expect(ReportLanguage.nb.amount(Money(kroner: 850_000)) == "850 000 kroner")
        #expect(ReportLanguage.en.amount(Money(kroner: 850_000)) == "NOK 850,000")
        // øre in English: a decimal point, not a second comma (the former text said "NOK 850,000,50").
        #expect(ReportLanguage.en.shortAmount(Money(ore: 85_000_050)) == "NOK 850,000.50")
        #expect(ReportLanguage.en.amount(Money(kroner: 1_500_500_000)) == "NOK 1,500.5 million")
        #expect(LetterLanguage.en.amount(Money(kroner: 3_400_000)) == "NOK 3 400 000")
    }
}
