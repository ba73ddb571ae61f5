import Foundation
import Testing
import TilskotCore
import TilskotTestSupport
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

    // MARK: - People's tables (issue 17): width, language, times

    static let winter = Date(timeIntervalSince1970: 1_614_600_005) // 2021-03-01 12:00:05 UTC
    static let summer = Date(timeIntervalSince1970: 1_625_134_530) // 2021-07-01 10:15:30 UTC

    static let people = DataTable(
        columns: ["reference", "title", "amount_applied", "status", "at", "share"],
        rows: [[.text("JS-2021-0001"), .text(String(repeating: "Jobbsjansen i Oslo og omegn ", count: 6)), .money(340_000_050),
                .status(.partiallyGranted), .timestamp(winter), .decimal(99.66)],
               [.text("JS-2021-0002"), .text("Kort"), .money(-5), .status(.granted), .timestamp(summer), .change(12.5)]])

    @Test("a table fits 120 characters: long text cut with …, amounts, statuses and times whole; --wide shows all")
    func tableWidth() {
        let narrow = Self.people.renderTable(Presentation(language: .nn))
        let lines = narrow.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 120 }, "\(narrow)")
        #expect(narrow.contains("…") && narrow.contains("3 400 000,50 kr") && narrow.contains("delvis innvilga"))
        #expect(narrow.contains("2021-03-01 13:00:05 +01:00") && narrow.contains("2021-07-01 12:15:30 +02:00"))
        let wide = Self.people.renderTable(Presentation(language: .nn, width: nil))
        #expect(wide.contains(String(repeating: "Jobbsjansen i Oslo og omegn ", count: 5)) && !wide.contains("…"))
        #expect(wide.split(separator: "\n").contains { $0.count > 120 })
        // Chosen columns only, within the width; all of them with --wide.
        var listed = Self.people
        listed.tableColumns = ["reference", "status"]
        #expect(listed.renderTable(Presentation()).split(separator: "\n").first == "reference     status")
        #expect(listed.renderTable(Presentation(width: nil)).contains("amount_applied"))
        // Too many columns to stand side by side: one record at a time, still within the width.
        let many = DataTable(columns: (1...30).map { "column_\($0)" }, rows: [(1...30).map { .integer(Int64($0)) }])
        let records = many.renderTable(Presentation())
        #expect(records.hasPrefix("-[ 1 ]") && records.contains("\ncolumn_30  30\n"), "\(records)")
        #expect(records.split(separator: "\n").allSatisfy { $0.count <= 120 })
    }

    @Test("status words and decimal marks follow the language; json and csv keep the contract's values")
    func language() throws {
        let nn = Self.people.renderTable(Presentation(language: .nn, width: nil))
        let nb = Self.people.renderTable(Presentation(language: .nb, width: nil))
        let en = Self.people.renderTable(Presentation(language: .en, width: nil))
        #expect(nn.contains("delvis innvilga") && nn.contains("99,7") && nn.contains("+12,5 %") && nn.contains("innvilga "))
        #expect(nb.contains("delvis innvilget") && nb.contains("99,7"))
        #expect(en.contains("partially granted") && en.contains("99.7") && en.contains("+12.5 %") && en.contains("NOK 3,400,000.50"))
        #expect(Self.people.renderMarkdown(Presentation(language: .nb)).contains("| delvis innvilget |"))
        // Machines: the stored word, full stops, øre, UTC — in any language.
        let csv = Self.people.renderCSV()
        #expect(csv.contains(",340000050,partially_granted,2021-03-01 12:00:05,99.7\r\n"), "\(csv)")
        #expect(csv.contains(",-5,granted,2021-07-01 10:15:30,12.5\r\n"), "\(csv)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(Self.people.renderJSON().utf8)) as? [[String: Any]])
        #expect(rows[0]["status"] as? String == "partially_granted" && rows[0]["at"] as? String == "2021-03-01 12:00:05")
        #expect((rows[0]["amount_applied"] as? NSNumber)?.int64Value == 340_000_050 && (rows[1]["share"] as? NSNumber)?.doubleValue == 12.5)
        #expect(Presentation.language(" NB ") == .nb && Presentation.language("se") == nil)
        for status in ApplicationStatus.allCases {
            #expect(!status.word("nn").contains("_") && !status.word("nb").contains("_") && !status.word("en").contains("_"))
        }
        #expect(ApplicationStatus.partiallyGranted.word("nn") == "delvis innvilga")
    }

    @Test("CLI: lists fit 120 characters with nn status words by default; --lang, TILSKOT_LANG and --wide; json and csv unchanged; Oslo times")
    func cliTables() throws {
        let db = try Sample.database()
        let nn = try CLIRunner.run(["application", "list", "--round", "FRIVILLIG/2021"], database: db)
        #expect(nn.exitCode == 0, "\(nn.stderr)")
        #expect(nn.stdout.split(separator: "\n").allSatisfy { $0.count <= 120 }, "\(nn.stdout)")
        #expect(nn.stdout.contains("delvis innvilga") && !nn.stdout.contains("partially_granted") && !nn.stdout.contains("external_ref"))
        let nb = try CLIRunner.run(["application", "list", "--round", "FRIVILLIG/2021", "--lang", "nb"], database: db)
        #expect(nb.stdout.contains("delvis innvilget"), "\(nb.stdout)")
        let en = try CLIRunner.run(["application", "list", "--round", "FRIVILLIG/2021", "--wide"], database: db,
                                   environment: ["TILSKOT_LANG": "en"])
        #expect(en.stdout.contains("partially granted") && en.stdout.contains("external_ref") && en.stdout.contains("NOK "), "\(en.stdout)")
        let csv = try CLIRunner.run(["application", "list", "--round", "FRIVILLIG/2021", "--format", "csv", "--lang", "nb"], database: db)
        #expect(csv.stdout.contains(",partially_granted,") && csv.stdout.hasPrefix("reference,round,orgnr,"), "\(csv.stdout)")
        let unknown = try CLIRunner.run(["application", "list", "--lang", "se"], database: db)
        #expect(unknown.exitCode == 2 && unknown.stderr.contains("--lang se is not known; give nn (Nynorsk), nb (Bokmål) or en (English)"), "\(unknown.stderr)")
        let unknownEnvironment = try CLIRunner.run(["application", "list"], database: db, environment: ["TILSKOT_LANG": "de"])
        #expect(unknownEnvironment.exitCode == 2 && unknownEnvironment.stderr.contains("TILSKOT_LANG de is not known"), "\(unknownEnvironment.stderr)")
        // Times in Europe/Oslo with the offset for people; UTC without one in csv, as before.
        let audit = try CLIRunner.run(["audit", "list", "--application", "JS-2021-0001", "--limit", "3"], database: db)
        #expect(audit.stdout.contains(" +01:00") || audit.stdout.contains(" +02:00"), "\(audit.stdout)")
        #expect(audit.stdout.split(separator: "\n").allSatisfy { $0.count <= 120 }, "\(audit.stdout)")
        let auditCSV = try CLIRunner.run(["audit", "list", "--application", "JS-2021-0001", "--limit", "3", "--format", "csv"], database: db)
        #expect(!auditCSV.stdout.contains("+01:00") && !auditCSV.stdout.contains("+02:00"))
        // Percentages with a decimal comma in nn and nb.
        let geography = try CLIRunner.run(["report", "geography", "--year", "2021"], database: db)
        #expect(geography.stdout.contains(",") && geography.stdout.range(of: #"  \d+,\d\n"#, options: .regularExpression) != nil, "\(geography.stdout)")
    }
}
