import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotLocalCluster
import TilskotStore
import TilskotTestSupport

/// `tilskot application import` through the built binary: the summary line, exit status 1 with
/// `line N: column: …` on stderr and nothing written, --dry-run, --delimiter, and no progress
/// output when stderr is not a terminal (tests run it through pipes).
@Suite("application import command")
struct ImportCLITests {
    static let manager = "impcli_mona"
    static let caseworker = "impcli_kari"

    func scene() throws -> TestDatabase {
        try TestDatabase.scene(users: [Self.manager: .manager, Self.caseworker: .caseworker], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "135,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
        ])
    }

    func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appending(path: "import-cli-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func applications(_ db: TestDatabase) throws -> Int {
        try db.connect().queryValue("SELECT count(*) FROM tilskot.application", as: Int.self) ?? -1
    }

    static let semicolonFile = """
        orgnr;title;amount;received;external_ref;org_name;org_kind;org_municipality
        958935420;Jobbsjansen Oslo;3 400 000,50;01.02.2021;P-1;Oslo kommune;municipality;0301
        964965226;Jobbsjansen Stavanger;1200000;2021-02-15;P-2;Stavanger kommune;municipality;1103

        """

    @Test("imports a ;-separated file with decimal commas, prints one summary line and no progress when piped")
    func summaryLine() throws {
        let db = try scene()
        defer { db.drop() }
        let path = try file(Self.semicolonFile)
        let result = try CLIRunner.run(["application", "import", path, "--round", "JS/2021", "--delimiter", ";",
                                        "--as", Self.caseworker], database: db)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("2 read, 2 imported, 0 already registered, 2 new organisations in ") == true)
        #expect(result.stderr.isEmpty, "progress must stay off when stderr is not a terminal: \(result.stderr)")
        #expect(try applications(db) == 2)

        // Again: nothing new, counted as already registered; the delimiter is found from the header.
        let again = try CLIRunner.run(["application", "import", path, "--round", "JS/2021", "--as", Self.caseworker,
                                       "--format", "json"], database: db)
        #expect(again.exitCode == 0)
        #expect(again.stdout.contains("\"rows_read\" : 2") && again.stdout.contains("\"imported\" : 0")
                && again.stdout.contains("\"already_registered\" : 2"))
        #expect(try applications(db) == 2)
    }

    @Test("lists without --limit show the first 1 000 and say on stderr that there are more; --limit N shows N")
    func listsCappedByDefault() throws {
        let db = try scene()
        defer { db.drop() }
        // 1 001 applications from 1 001 organisations (valid numbers: 98 000 000 upwards with a check digit).
        var text = "orgnr,title,amount,received,external_ref,org_name,org_kind,org_municipality\n"
        var organisations: [String] = []
        var first = 98_000_000
        while organisations.count < 1_001 {
            if let check = OrganisationNumber.checkDigit(forFirstEight: String(first)) { organisations.append("\(first)\(check)") }
            first += 1
        }
        for (n, orgnr) in organisations.enumerated() {
            text += "\(orgnr),Jobbsjansen \(n + 1),100000,2021-02-01,CAP-\(n + 1),Kommune \(n + 1),municipality,0301\n"
        }
        let imported = try CLIRunner.run(["application", "import", try file(text), "--round", "JS/2021", "--as", Self.caseworker], database: db)
        #expect(imported.exitCode == 0, "\(imported.stderr)")

        let capped = try CLIRunner.run(["application", "list", "--format", "csv"], database: db)
        #expect(capped.exitCode == 0, "\(capped.stderr)")
        #expect(capped.stdout.split(whereSeparator: \.isNewline).count == 1 + 1_000)
        #expect(capped.errorLines == ["showing the first 1 000 applications, and there are more; narrow the list with --round, --status, --org or --municipality, or give --limit N to see up to N"])
        let all = try CLIRunner.run(["application", "list", "--format", "csv", "--limit", "5000"], database: db)
        #expect(all.stdout.split(whereSeparator: \.isNewline).count == 1 + 1_001)
        #expect(all.stderr.isEmpty)
        let narrowed = try CLIRunner.run(["application", "list", "--org", "958935420", "--status", "received", "--limit", "3"], database: db)
        #expect(narrowed.stderr.isEmpty)

        let events = try CLIRunner.run(["audit", "list", "--table", "application", "--format", "csv"], database: db)
        #expect(events.stdout.split(whereSeparator: \.isNewline).count == 1 + 1_000)
        #expect(events.errorLines.first?.hasPrefix("showing the first 1 000 audit events, and there are more; narrow the list with --since") == true)
        let oneEvent = try CLIRunner.run(["audit", "list", "--application", "JS-2021-0001", "--format", "csv"], database: db)
        #expect(oneEvent.stderr.isEmpty, "\(oneEvent.stderr)")

        let orgs = try CLIRunner.run(["org", "list", "--format", "csv"], database: db)
        #expect(orgs.stdout.split(whereSeparator: \.isNewline).count == 1 + 1_000)
        #expect(orgs.errorLines == ["showing the first 1 000 organisations, and there are more; narrow the list with --kind or --municipality, or give --limit N to see up to N"])
        let someOrgs = try CLIRunner.run(["org", "list", "--kind", "municipality", "--limit", "2000", "--format", "csv"], database: db)
        #expect(someOrgs.stdout.split(whereSeparator: \.isNewline).count == 1 + 1_001 && someOrgs.stderr.isEmpty)
        let nonsense = try CLIRunner.run(["application", "list", "--limit=0"], database: db)
        #expect(nonsense.exitCode == 1 && nonsense.stdout.isEmpty)
        #expect(nonsense.errorLines == ["--limit 0 is not a number of rows; give --limit N with N of 1 or more"])
    }

    @Test("progress shows on a terminal (under script(1)'s pseudo-terminal) and is cleared before the summary line")
    func progressOnTerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let db = try scene()
        defer { db.drop() }
        let path = try file(Self.semicolonFile)
        let command = [CLIRunner.executable.path, "application", "import", path, "--round", "JS/2021", "--as", Self.caseworker]
            .map { "'\($0)'" }.joined(separator: " ")
        let result = try ChildProcess.run(["/usr/bin/script", "-qec", command, "/dev/null"],
                                          environment: ProcessInfo.processInfo.environment.merging(["TILSKOT_DATABASE_URL": db.url]) { $1 },
                                          stdin: nil, separateStandardError: true)
        #expect(result.exitCode == 0, "\(result.output) \(result.errorOutput)")
        #expect(result.output.contains("checking and registering 2 rows in the database"), "\(result.output)")
        #expect(result.output.contains("\u{1B}[K"), "the progress line is cleared")
        #expect(result.output.contains("2 read, 2 imported, 0 already registered"))
    }

    @Test("bad rows: exit 1, every problem as `line N: column: …` on stderr, nothing written")
    func badRows() throws {
        let db = try scene()
        defer { db.drop() }
        let path = try file("""
            orgnr,title,amount,received,external_ref,org_name,org_kind
            958935420,God,100000,2021-02-01,B-1,Oslo kommune,municipality
            958935421,Feil orgnr,100000,2021-02-01,B-2,Feil,municipality
            958935420,Feil beløp,ti kroner,2021-02-01,B-3,,
            """)
        let result = try CLIRunner.run(["application", "import", path, "--round", "JS/2021", "--as", Self.caseworker], database: db)
        #expect(result.exitCode == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.errorLines
        #expect(lines.first?.contains("2 problems in 3 rows; nothing imported") == true)
        #expect(lines.contains("line 3: orgnr: organisation number 958935421 is not valid: its check digit should be 0"))
        // The one parser's sentence, as `application register --amount "ti kroner"` says it.
        #expect(lines.contains("line 4: amount: amount applied for \"ti kroner\" is not a number of kroner; expected e.g. 3 400 000, 3 400 000,50 or 110,3 mill"))
        #expect(try applications(db) == 0)
        #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.organisation", as: Int.self) == 0)
    }

    @Test("--dry-run says what would be imported and writes nothing")
    func dryRun() throws {
        let db = try scene()
        defer { db.drop() }
        let path = try file(Self.semicolonFile)
        let result = try CLIRunner.run(["application", "import", path, "--round", "JS/2021", "--dry-run",
                                        "--as", Self.caseworker], database: db)
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("dry run: 2 read, 2 would be imported, 0 already registered"))
        #expect(result.stdout.contains("nothing written"))
        #expect(try applications(db) == 0)
    }

    @Test("bad usage and bad files: one sentence each")
    func badInput() throws {
        let db = try scene()
        defer { db.drop() }
        let missing = try CLIRunner.run(["application", "import", "/nonexistent/x.csv", "--round", "JS/2021", "--as", Self.caseworker], database: db)
        #expect(missing.exitCode == 1 && missing.errorLines.count == 1 && missing.stderr.contains("cannot read /nonexistent/x.csv"))
        let header = try CLIRunner.run(["application", "import", try file("orgnr,title,beløp\n1,2,3\n"), "--round", "JS/2021",
                                        "--as", Self.caseworker], database: db)
        #expect(header.exitCode == 1 && header.stderr.contains("column \"beløp\" that import does not know"))
        let noRound = try CLIRunner.run(["application", "import", try file(Self.semicolonFile), "--as", Self.caseworker], database: db)
        #expect(noRound.exitCode == 1 && noRound.stderr.contains("--round SCHEME/YEAR"))
        let delimiter = try CLIRunner.run(["application", "import", try file(Self.semicolonFile), "--round", "JS/2021",
                                           "--delimiter", ";;", "--as", Self.caseworker], database: db)
        #expect(delimiter.exitCode == 2)
        // One problem is one sentence.
        let one = try CLIRunner.run(["application", "import", try file("orgnr,title,amount,received,org_name,org_kind\n958935420,Tittel,-5,2021-02-01,Oslo kommune,municipality\n"),
                                     "--round", "JS/2021", "--as", Self.caseworker], database: db)
        #expect(one.exitCode == 1 && one.errorLines.count == 1)
        #expect(one.stderr.contains("nothing imported: line 2: amount: amount applied for -5 is negative; expected an amount of 0 kr or more"))
        #expect(try applications(db) == 0)
    }
}
