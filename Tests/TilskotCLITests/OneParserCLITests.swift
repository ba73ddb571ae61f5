import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotTestSupport

/// Issue 17: one parser for amounts and dates. `application register --amount … --received …` and
/// `application import`'s amount and received columns read with the same two calls (TilskotCore's
/// Money.parse and CalendarDate), so through the built binary both accept the same forms, register
/// the same values, and refuse with the same sentence — the import's `line N: column:` followed by
/// exactly the CLI's one line.
@Suite("one parser: CLI and import read amounts and dates alike")
struct OneParserCLITests {
    static let caseworker = "op_kari"
    static let manager = "op_mona"
    static let orgnr = "958935420"

    /// Jobbsjansen 2021 (window 2021-01-04 to 2021-03-01) and Oslo kommune.
    func scene() throws -> TestDatabase {
        try TestDatabase.scene(users: [Self.manager: .manager, Self.caseworker: .caseworker], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "135,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", Self.orgnr, "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
        ])
    }

    func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appending(path: "one-parser-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func register(_ db: TestDatabase, amount: String, received: String, ref: String) throws -> CLIResult {
        try CLIRunner.run(["application", "register", "--round", "JS/2021", "--org", Self.orgnr, "--title", "Tiltak \(ref)",
                           "--amount", amount, "--received", received, "--external-ref", ref, "--as", Self.caseworker],
                          database: db)
    }

    /// Imports `rows` (amount, received, external ref) as one `;`-separated file.
    func importRows(_ db: TestDatabase, _ rows: [(amount: String, received: String, ref: String)]) throws -> CLIResult {
        var text = "orgnr;title;amount;received;external_ref\n"
        for row in rows {
            text += "\(Self.orgnr);Tiltak \(row.ref);\(row.amount);\(row.received);\(row.ref)\n"
        }
        return try CLIRunner.run(["application", "import", try file(text), "--round", "JS/2021", "--delimiter", ";",
                                  "--as", Self.caseworker], database: db)
    }

    /// external_ref → (amount applied for in øre, received date) as registered.
    func registered(_ db: TestDatabase) throws -> [String: (Int64, String)] {
        var result: [String: (Int64, String)] = [:]
        for row in try db.connect().query("SELECT external_ref, amount_applied_ore, received::text AS received FROM tilskot.application") {
            result[try row.string("external_ref")] = (try row.int64("amount_applied_ore"), try row.string("received"))
        }
        return result
    }

    // MARK: The accepted forms

    /// "3400000" → "3 400 000" with `separator` between groups of three.
    static func grouped(_ kroner: Int64, _ separator: String = " ") -> String {
        var digits = String(kroner)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return groups.joined(separator: separator)
    }

    /// `ore` in units of 10^`exponent` øre with a decimal comma and no trailing zeros: 150 000 000 000
    /// øre with exponent 8 (mill) is "1,5".
    static func scaled(_ ore: Int64, _ exponent: Int) -> String {
        var unit: Int64 = 1
        for _ in 0..<exponent { unit *= 10 }
        let (whole, rest) = ore.quotientAndRemainder(dividingBy: unit)
        guard rest != 0 else { return String(whole) }
        var fraction = String(rest)
        fraction = String(repeating: "0", count: exponent - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole),\(fraction)"
    }

    /// Every form the parser accepts for a positive amount, each of which must read as `ore`.
    static func amountForms(_ ore: Int64) -> [String] {
        let (kroner, rest) = ore.quotientAndRemainder(dividingBy: 100)
        let comma = rest == 0 ? "" : (rest < 10 ? ",0\(rest)" : ",\(rest)")
        let stop = rest == 0 ? "" : (rest < 10 ? ".0\(rest)" : ".\(rest)")
        var forms = [
            "\(kroner)\(stop)",
            "\(kroner)\(comma)",
            grouped(kroner) + comma,
            grouped(kroner, "\u{00A0}") + comma,
            grouped(kroner, "\u{202F}") + comma,
            "kr " + grouped(kroner) + comma,
            grouped(kroner) + comma + " kr",
            "NOK \(kroner)\(stop)",
            "\(kroner)\(comma) kroner",
            scaled(ore, 8) + " mill",
            scaled(ore, 8) + " mill. kr",
            scaled(ore, 8).replacingOccurrences(of: ",", with: ".") + " MNOK",
            scaled(ore, 11) + " mrd",
        ]
        if rest == 0 { forms.append(grouped(kroner) + ",-") }
        return forms
    }

    /// The received date in each accepted form: ISO, DD.MM.YYYY and D.M.YYYY.
    static func dateForms(_ date: CalendarDate) -> [String] {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return [date.description, "\(two(date.day)).\(two(date.month)).\(date.year)", "\(date.day).\(date.month).\(date.year)"]
    }

    @Test("random amounts and dates in every accepted form register the same value through the CLI and the import")
    func sameValueThroughBothPaths() throws {
        let db = try scene()
        defer { db.drop() }
        let seed = UInt64.random(in: 1...UInt64.max)
        var random = SplitMix64(seed: seed)
        let opens = try CalendarDate("2021-01-04")
        // Two amounts with øre (and one a whole number of kroner, for ",-"), each in every form.
        var amounts = [Int64.random(in: 1...10_000_000_000_000, using: &random),
                       Int64.random(in: 1...100_000_000_000, using: &random)]
        amounts.append(Int64.random(in: 1...10_000_000_000, using: &random) * 100)
        var expected: [String: (Int64, String)] = [:]
        var rows: [(amount: String, received: String, ref: String)] = []
        var n = 0
        for ore in amounts {
            for amount in Self.amountForms(ore) {
                n += 1
                let date = opens.adding(days: Int.random(in: 0...56, using: &random))
                let received = Self.dateForms(date)[n % 3]
                let cli = try register(db, amount: amount, received: received, ref: "C-\(n)")
                #expect(cli.exitCode == 0, "seed \(seed): --amount \(amount.debugDescription) --received \(received): \(cli.stderr)")
                expected["C-\(n)"] = (ore, date.description)
                rows.append((amount, Self.dateForms(date)[(n + 1) % 3], "I-\(n)"))
                expected["I-\(n)"] = (ore, date.description)
            }
        }
        let imported = try importRows(db, rows)
        #expect(imported.exitCode == 0, "seed \(seed): \(imported.stderr)")
        #expect(imported.stdout.hasPrefix("\(rows.count) read, \(rows.count) imported"), "\(imported.stdout)")

        let actual = try registered(db)
        #expect(actual.count == expected.count, "seed \(seed)")
        for (ref, value) in expected.sorted(by: { $0.key < $1.key }) {
            let got = actual[ref]
            #expect(got?.0 == value.0 && got?.1 == value.1,
                    "seed \(seed): \(ref) registered as \(String(describing: got)), expected \(value)")
        }
    }

    @Test("many random amounts, one form each, import as Money.parse reads them")
    func importAgreesWithTheParser() throws {
        let db = try scene()
        defer { db.drop() }
        let seed = UInt64.random(in: 1...UInt64.max)
        var random = SplitMix64(seed: seed)
        var rows: [(amount: String, received: String, ref: String)] = []
        var expected: [String: Int64] = [:]
        for n in 1...300 {
            let ore = Int64.random(in: 1...1_000_000_000_000_000, using: &random)
            let forms = Self.amountForms(ore)
            let text = forms[Int.random(in: 0..<forms.count, using: &random)]
            #expect(try Money.parse(text).ore == ore, "seed \(seed): \(text.debugDescription)")
            rows.append((text, "2021-02-01", "R-\(n)"))
            expected["R-\(n)"] = ore
        }
        let imported = try importRows(db, rows)
        #expect(imported.exitCode == 0, "seed \(seed): \(imported.stderr)")
        let actual = try registered(db)
        for (ref, ore) in expected {
            #expect(actual[ref]?.0 == ore, "seed \(seed): \(ref)")
        }
    }

    // MARK: The refusals

    /// Values the parser refuses, each with a fragment of its sentence (the whole sentence is
    /// compared between the two paths).
    static let badAmounts: [(String, String)] = [
        ("12abc", "is not a number of kroner"),
        ("ti kroner", "is not a number of kroner"),
        ("1e9", "is not a number of kroner"),
        ("-5", "is negative"),
        ("+5", "plus sign"),
        ("12,345,678.9", "mixes , and ."),
        ("3.400.000", "more than one decimal mark"),
        ("3400000,505", "has 3 decimals"),
        ("1,123456789 mill", "less than an øre"),
        ("92 233 720 368 547 758,08", "is too large"),
        ("3 4000", "spaces in the wrong places"),
        ("25,", "no digits after the decimal mark"),
        ("٣٤٠٠", "digits other than 0–9"),
        ("25 mill,-", "is not a number of kroner"),
        ("", "is empty"),
    ]
    static let badDates: [(String, String)] = [
        ("2021-02-30", "February 2021 has 28 days"),
        ("30.02.2021", "February 2021 has 28 days"),
        ("1.13.2021", "a year has months 01 to 12"),
        ("01.01.1999", "is out of range"),
        ("21/3/2021", "is not in the right form"),
        ("2021-3-21", "is not in the right form"),
        ("21.03.21", "is not in the right form"),
        ("20210321", "is not in the right form"),
        ("i går", "is not in the right form"),
    ]

    @Test("a table of refusals: the import's line reads the CLI's sentence word for word, and nothing is written")
    func refusalsReadTheSame() throws {
        let db = try scene()
        defer { db.drop() }
        var rows: [(amount: String, received: String, ref: String)] = []
        var cliSentences: [(line: Int, column: String, sentence: String)] = []
        for (amount, fragment) in Self.badAmounts {
            let cli = try register(db, amount: amount, received: "2021-02-01", ref: "X-\(rows.count)")
            #expect(cli.exitCode == 1 && cli.errorLines.count == 1, "--amount \(amount.debugDescription): \(cli.stderr)")
            let sentence = cli.stderr.trimmingCharacters(in: .newlines)
            #expect(sentence.hasPrefix("amount applied for ") && sentence.contains(fragment), "\(sentence)")
            rows.append((amount, "2021-02-01", "X-\(rows.count)"))
            cliSentences.append((rows.count + 1, "amount", sentence))
        }
        for (received, fragment) in Self.badDates {
            let cli = try register(db, amount: "100 000", received: received, ref: "X-\(rows.count)")
            #expect(cli.exitCode == 1 && cli.errorLines.count == 1, "--received \(received): \(cli.stderr)")
            let sentence = cli.stderr.trimmingCharacters(in: .newlines)
            #expect(sentence.hasPrefix("received date ") && sentence.contains(fragment), "\(sentence)")
            rows.append(("100 000", received, "X-\(rows.count)"))
            cliSentences.append((rows.count + 1, "received", sentence))
        }
        #expect(try registered(db).isEmpty)

        let imported = try importRows(db, rows)
        #expect(imported.exitCode == 1)
        let lines = imported.errorLines
        #expect(lines.first?.contains("\(rows.count) problems in \(rows.count) rows; nothing imported") == true, "\(lines.first ?? "")")
        for expected in cliSentences {
            let line = "line \(expected.line): \(expected.column): \(expected.sentence)"
            #expect(lines.contains(line), "missing from the import's refusal: \(line)")
        }
        #expect(try registered(db).isEmpty)
    }

    @Test("--since reads DD.MM.YYYY as every other date option does")
    func sinceReadsBothForms() throws {
        let db = try scene()
        defer { db.drop() }
        func since(_ text: String) throws -> CLIResult {
            try CLIRunner.run(["audit", "list", "--since", text, "--format", "json", "--as", Self.manager], database: db)
        }
        let iso = try since("2021-02-01")
        let norwegian = try since("1.2.2021")
        #expect(iso.exitCode == 0 && norwegian.exitCode == 0, "\(iso.stderr) \(norwegian.stderr)")
        #expect(iso.stdout == norwegian.stdout && iso.stdout.contains("\"table\""))
        let bad = try since("30.02.2021")
        #expect(bad.exitCode == 1)
        #expect(bad.stderr.trimmingCharacters(in: .newlines) == "--since 30.02.2021 does not exist: February 2021 has 28 days")
    }

    @Test("the import's staging table reads only its own form (kroner with a full stop, YYYY-MM-DD), whoever fills it")
    func stagingForm() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        try db.addUsers([Self.caseworker: .caseworker])
        // The staging form: kroner with a full stop, YYYY-MM-DD; the human forms are the CLI's.
        let c = try db.connect(asLogin: Self.caseworker)
        #expect(try c.queryValue("SELECT tilskot.import_amount_ore('3400000.50')", as: Int64.self) == 340_000_050)
        #expect(try c.queryValue("SELECT tilskot.import_amount_ore('92233720368547758.07')", as: Int64.self) == Int64.max)
        for text in ["3 400 000", "3400000,50", "1,5 mill", "-5", "92233720368547758.08", "3400000.505", ""] {
            #expect(try c.queryValue("SELECT tilskot.import_amount_ore($1) IS NULL", [text], as: Bool.self) == true, "\(text)")
        }
        #expect(try c.queryValue("SELECT tilskot.import_date('2024-02-29')::text", as: String.self) == "2024-02-29")
        for text in ["01.02.2021", "2021-02-30", "1999-12-31", " 2021-02-01"] {
            #expect(try c.queryValue("SELECT tilskot.import_date($1) IS NULL", [text], as: Bool.self) == true, "\(text)")
        }
    }
}

/// A seedable generator (SplitMix64), so that a failing seed can be run again.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
