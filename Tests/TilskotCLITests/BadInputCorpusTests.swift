import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

/// The bad-input corpus of Tests/Fixtures/bad-input, through the built binary: each bad value exits 1
/// with one sentence naming it and writes nothing (the row count of every tilskot table is the same
/// before and after); each name of names-that-round-trip.txt is stored and shown exactly as typed.
@Suite("bad-input corpus through the CLI")
struct BadInputCorpusTests {
    static let caseworker = "bi_kari"
    static let manager = "bi_mona"

    // MARK: - The corpus files

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Fixtures/bad-input")

    /// The lines of a corpus file: value and the fragment its refusal must contain.
    static func cases(_ file: String) throws -> [(value: String, fragment: String)] {
        try lines(file).map { line in
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            return (unescape(String(parts[0])), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    static func lines(_ file: String) throws -> [String] {
        try String(contentsOf: folder.appending(path: file), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            .filter { !$0.hasPrefix("#") }
    }

    /// The notation of the corpus README: `<empty>`, `<repeat:C:N>`, `\n`, `\r`, `\t`, `\\`, `\u{XXXX}`.
    static func unescape(_ text: String) -> String {
        if text == "<empty>" { return "" }
        if text.hasPrefix("<repeat:"), text.hasSuffix(">") {
            let parts = text.dropFirst(8).dropLast().split(separator: ":")
            return String(repeating: String(parts[0]), count: Int(parts[1])!)
        }
        var result = ""
        var rest = Substring(text)
        while let slash = rest.firstIndex(of: "\\") {
            result += rest[..<slash]
            let after = rest[rest.index(after: slash)...]
            switch after.first {
            case "n": result += "\n"; rest = after.dropFirst()
            case "r": result += "\r"; rest = after.dropFirst()
            case "t": result += "\t"; rest = after.dropFirst()
            case "\\": result += "\\"; rest = after.dropFirst()
            case "u":
                let close = after.firstIndex(of: "}")!
                let hex = after[after.index(after.startIndex, offsetBy: 2)..<close]
                result.unicodeScalars.append(Unicode.Scalar(UInt32(hex, radix: 16)!)!)
                rest = after[after.index(after: close)...]
            default: result += "\\"; rest = after
            }
        }
        return result + rest
    }

    /// A valid organisation number (MOD11) that no scene uses: 8 digits from `seed`, then the check digit.
    static func organisationNumber(_ seed: Int) -> String {
        var base = 20_000_000 + seed * 7
        while true {
            let digits = String(base).compactMap { $0.wholeNumberValue }
            let r = zip(digits, [3, 2, 7, 6, 5, 4, 3, 2]).map(*).reduce(0, +) % 11
            if r != 1 { return "\(base)\(r == 0 ? 0 : 11 - r)" }
            base += 1
        }
    }

    // MARK: - The scene

    /// JS/2021 with Oslo's application JS-2021-0001 assessed by the caseworker.
    func scene() throws -> TestDatabase {
        try TestDatabase.scene(users: [Self.manager: .manager, Self.caseworker: .caseworker], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality,voluntary", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "135,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen i Oslo",
             "--amount", "12 000 000", "--received", "2021-02-02", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
        ])
    }

    /// The row count of every table of the tilskot schema, by name.
    func counts(_ db: TestDatabase) throws -> [String: Int] { try db.rowCounts() }

    /// Runs each command and checks the contract of a refusal, and that nothing was written.
    func expectRefusals(_ db: TestDatabase, _ runs: [(arguments: [String], value: String, fragment: String)],
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try counts(db)
        for run in runs {
            let result = try CLIRunner.run(run.arguments, database: db)
            let shown = run.value.debugDescription.prefix(60)
            #expect(result.exitCode == 1, "\(shown): exit \(result.exitCode), \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.errorLines.count == 1, "\(shown): \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(run.fragment), "\(shown): \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stdout.isEmpty, "\(shown): \(result.stdout)", sourceLocation: sourceLocation)
        }
        #expect(try counts(db) == before, sourceLocation: sourceLocation)
    }

    func register(amount: String = "100 000", org: String = "958935420", title: String = "Ny søknad",
                  received: String = "2021-02-03") -> [String] {
        ["application", "register", "--round", "JS/2021", "--org", org, "--title", title, "--amount", amount,
         "--received", received, "--as", Self.caseworker]
    }

    // MARK: - Tests

    @Test("amounts: 1e9, -0, Arabic-Indic digits, 12,345,678.9, 30 digits, empty … refused, nothing written")
    func amounts() throws {
        let db = try scene()
        defer { db.drop() }
        let cases = try Self.cases("amounts.tsv")
        #expect(cases.count >= 20)
        try expectRefusals(db, cases.flatMap { value, fragment in [
            (register(amount: value), value, fragment),
            (["application", "decide", "JS-2021-0001", "--grant", value, "--as", Self.manager], value, fragment),
        ] })
    }

    @Test("organisation numbers: 8 and 10 digits, letters, wrong check digit, all zeros … refused, nothing written")
    func organisationNumbers() throws {
        let db = try scene()
        defer { db.drop() }
        let cases = try Self.cases("orgnrs.tsv")
        #expect(cases.count >= 12)
        try expectRefusals(db, cases.flatMap { value, fragment in [
            (["org", "add", value, "--name", "Feil nummer", "--kind", "voluntary", "--as", Self.caseworker], value, fragment),
            (register(org: value), value, fragment),
        ] })
    }

    @Test("dates: 2021-02-30, 21/3/2021, 1900-01-01, far future … refused, nothing written")
    func dates() throws {
        let db = try scene()
        defer { db.drop() }
        let cases = try Self.cases("dates.tsv")
        #expect(cases.count >= 14)
        var runs = cases.flatMap { value, fragment in [
            (register(received: value), value, fragment),
            (["round", "open", "JS/2022", "--frame", "1 mill", "--opens", value, "--closes", "2022-03-01", "--as", Self.manager], value, fragment),
        ] }
        // Within the years tilskot knows, but after today: an application cannot have arrived yet.
        runs.append((register(received: "2099-12-31"), "2099-12-31", "is in the future"))
        try expectRefusals(db, runs)
    }

    @Test("names and titles: empty, line breaks, control characters, bidi overrides, 501 characters … refused")
    func badNames() throws {
        let db = try scene()
        defer { db.drop() }
        let cases = try Self.cases("names.tsv")
        #expect(cases.count >= 10)
        try expectRefusals(db, cases.enumerated().flatMap { index, item in [
            (["org", "add", Self.organisationNumber(index), "--name", item.value, "--kind", "voluntary", "--as", Self.caseworker],
             item.value, item.fragment),
            (register(title: item.value), item.value, item.fragment),
        ] })
    }

    @Test("SQL fragments, Sámi, Kven and other Unicode names round-trip exactly through org add → org show --format json; CSV defuses formulas")
    func namesRoundTrip() throws {
        let db = try scene()
        defer { db.drop() }
        let names = try Self.lines("names-that-round-trip.txt").map(Self.unescape)
        #expect(names.count >= 20)
        let tablesBefore = try counts(db)
        for (index, name) in names.enumerated() {
            let orgnr = Self.organisationNumber(100 + index)
            // --name=VALUE: a value that starts with '-' ("-1+1") would otherwise read as an option.
            let added = try CLIRunner.run(["org", "add", orgnr, "--name=\(name)", "--kind", "voluntary", "--as", Self.caseworker], database: db)
            #expect(added.exitCode == 0, "\(name.debugDescription): \(added.stderr)")
            let shown = try CLIRunner.run(["org", "show", orgnr, "--format", "json"], database: db)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any], "\(shown.stdout)")
            let stored = try #require(object["name"] as? String)
            // Scalar by scalar: Swift's == would call a decomposed and a precomposed é equal.
            #expect(Array(stored.unicodeScalars) == Array(name.unicodeScalars), "\(name.debugDescription) came back as \(stored.debugDescription)")
        }
        // The statement in the name did not run: every table is there, one organisation per name more.
        var expected = tablesBefore
        expected["organisation", default: 0] += names.count
        let tablesAfter = try counts(db)
        #expect(tablesAfter["organisation"] == expected["organisation"])
        #expect(tablesAfter["application"] == tablesBefore["application"])
        #expect(Set(tablesAfter.keys) == Set(tablesBefore.keys))

        // CSV export: a cell that a spreadsheet would run as a formula starts with a quote.
        let csv = try CLIRunner.run(["org", "list", "--format", "csv"], database: db)
        #expect(csv.exitCode == 0)
        for formula in names where ["=", "+", "-", "@"].contains(formula.first.map(String.init) ?? "") {
            let cells = csv.stdout.components(separatedBy: "\r\n").flatMap { $0.split(separator: ",").map(String.init) }
            #expect(cells.contains { $0 == "'" + formula || $0 == "\"'" + formula.replacingOccurrences(of: "\"", with: "\"\"") + "\"" },
                    "\(formula) not neutralised in: \(csv.stdout.prefix(2000))")
            #expect(!cells.contains(formula))
        }
    }

    // MARK: - CSV files for `application import`

    @Test("CSV files: wrong header, empty, quoted newline, invalid UTF-8, NUL, unterminated quote, bad values, a 10 MB field → exit 1, nothing written; BOM and CRLF import cleanly; formulas stored as text and defused in CSV output")
    func csvFiles() throws {
        let db = try scene()
        defer { db.drop() }
        let csv = Self.folder.appending(path: "csv")
        let scratch = FileManager.default.temporaryDirectory.appending(path: "bad-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // A 10 MB field is made here rather than kept in git.
        let big = scratch.appending(path: "ten-megabyte-title.csv")
        try ("orgnr,title,amount,received,external_ref\n958935420," + String(repeating: "x", count: 10_000_000) + ",5000,2021-02-01,BIG-1\n")
            .write(to: big, atomically: true, encoding: .utf8)

        func importing(_ path: String) throws -> CLIResult {
            try CLIRunner.run(["application", "import", path, "--round", "JS/2021", "--as", Self.caseworker], database: db)
        }
        let cases = try Self.lines("csv/cases.tsv").map { $0.split(separator: "\t").map(String.init) }
        #expect(cases.count >= 11)
        let before = try counts(db)
        for item in cases where item[1] == "1" {
            let path = item[0] == "<10 MB title>" ? big.path : csv.appending(path: item[0]).path
            let result = try importing(path)
            #expect(result.exitCode == 1, "\(item[0]): exit \(result.exitCode) \(result.stderr.prefix(300))")
            #expect(result.stdout.isEmpty, "\(item[0]): \(result.stdout.prefix(300))")
            // One sentence first; the import may list the problems by line below it.
            #expect(result.errorLines.first?.contains(item[2]) == true, "\(item[0]): \(result.stderr.prefix(300))")
            #expect(result.stderr.count < 20_000, "\(item[0]): the refusal repeats the input")
        }
        #expect(try counts(db) == before)
        let values = try importing(csv.appending(path: "bad-values.csv").path)
        for line in ["line 2: amount", "line 3: orgnr", "line 3: received", "line 4: amount", "line 4: received"] {
            #expect(values.stderr.contains(line), "\(line) not named in: \(values.stderr)")
        }

        // Good files that spreadsheets write: the BOM and the CR are not part of any value.
        for file in cases.filter({ $0[1] == "0" }).map({ $0[0] }) {
            let result = try importing(csv.appending(path: file).path)
            #expect(result.exitCode == 0, "\(file): \(result.stderr)")
        }
        let owner = try db.connect()
        let imported = try owner.query("SELECT title, external_ref FROM tilskot.application WHERE external_ref IS NOT NULL ORDER BY external_ref")
            .map { (try $0.string("title"), try $0.string("external_ref")) }
        #expect(imported.map(\.1) == ["BOM-1", "CRLF-1", "CRLF-2", "F-1", "F-2"])
        #expect(imported.map(\.0).contains("Jobbsjansen CRLF 2"))
        #expect(imported.allSatisfy { !$0.0.contains("\r") && !$0.1.contains("\r") && !$0.0.contains("\u{FEFF}") })
        #expect(try owner.queryValue("SELECT count(*) FROM tilskot.organisation WHERE name LIKE '%' || chr(65279) || '%' OR name LIKE '%' || chr(13)", as: Int.self) == 0)

        // Formulas are kept as the text they are, and defused where a spreadsheet would run them.
        let list = try CLIRunner.run(["application", "list", "--round", "JS/2021", "--format", "csv"], database: db)
        #expect(list.stdout.contains("'=cmd|' /C calc'!A0") && list.stdout.contains("'+SUM(A1:A9)"), "\(list.stdout)")
        #expect(!list.stdout.contains(",=cmd") && !list.stdout.contains(",+SUM"))
        let orgs = try CLIRunner.run(["org", "list", "--format", "csv"], database: db)
        #expect(orgs.stdout.contains("\"'=HYPERLINK(\"\"http://example.invalid\"\")\"") && orgs.stdout.contains("'@import"), "\(orgs.stdout)")
        let json = try CLIRunner.run(["org", "show", "988077917", "--format", "json"], database: db)
        #expect(json.stdout.contains("\"name\" : \"=HYPERLINK(\\\"http://example.invalid\\\")\""), "\(json.stdout)")
    }

    @Test("HTML outputs escape everything from data: the decision letter and the equality section")
    func htmlEscapes() throws {
        let db = try TestDatabase.scene(users: [Self.manager: .manager, Self.caseworker: .caseworker], steps: [
            ["scheme", "create", "XS", "--name", "<script>alert(\"s\")</script> & Co", "--goal", "<img src=x onerror=alert(1)>",
             "--target-group", "\"><svg onload=alert(2)>", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "XS/2021", "--frame", "10 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "<b>Oslo</b> & \"kommune\"", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
            ["application", "register", "--round", "XS/2021", "--org", "958935420", "--title", "<iframe src=javascript:alert(3)>",
             "--amount", "1 mill", "--received", "2021-02-01", "--as", Self.caseworker],
            ["application", "assess", "XS-2021-0001", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
            ["application", "decide", "XS-2021-0001", "--grant", "500 000", "--reasons", "<script>alert(4)</script>",
             "--conditions", "<a href=\"javascript:alert(5)\">x</a>", "--date", "2021-04-01", "--as", Self.manager],
        ])
        defer { db.drop() }
        // Letters need the issuer, the signer's name and the scheme's rules (LetterCLITests).
        try db.configureLetters(staff: [Self.manager: "Mona Hansen"], scheme: "XS")
        let letter = try CLIRunner.run(["application", "letter", "XS-2021-0001", "--format", "html"], database: db)
        let equality = try CLIRunner.run(["report", "equality", "--year", "2021", "--format", "html"], database: db)
        for (name, output) in [("letter", letter), ("equality section", equality)] {
            #expect(output.exitCode == 0, "\(name): \(output.stderr)")
            for raw in ["<script", "<img", "<iframe", "<a href=\"javascript", "<b>Oslo", "\"><svg"] {
                #expect(!output.stdout.contains(raw), "\(name) has \(raw) unescaped")
            }
        }
        #expect(letter.stdout.contains("&lt;script&gt;alert(4)&lt;/script&gt;"))
        #expect(letter.stdout.contains("&lt;iframe src=javascript:alert(3)&gt;"))
        #expect(equality.stdout.contains("&lt;img src=x onerror=alert(1)&gt;"))
    }
}
