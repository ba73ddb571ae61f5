import Foundation
import PGClient
import Testing
import TilskotLocalCluster
import TilskotStore
import TilskotTestSupport

/// `tilskot --version` and `tilskot migrate` as a DBA meets them (issue 18, version safety).
@Suite("CLI: version and migrate")
struct MigrateCLITests {
    static let caseworker = "mc_kari"

    /// The package root: two folders above this file's.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test("--version prints the release first, the commit of HEAD and the schema level")
    func version() throws {
        let result = try CLIRunner.run(["--version"], database: nil)
        #expect(result.exitCode == 0)
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.split(separator: " ").first == "0.1.0", "\(line)")
        #expect(line.contains("schema \(SchemaLevel.bundled)"), "\(line)")
        #expect(!line.contains("\n"))
        let root = Self.packageRoot
        if FileManager.default.fileExists(atPath: root.appending(path: ".git").path) {
            let git = try ChildProcess.run(["git", "-C", root.path, "rev-parse", "HEAD"], environment: ProcessInfo.processInfo.environment, separateStandardError: true)
            let head = git.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(head.count == 40)
            #expect(line.contains("commit \(head)"), "\(line) vs HEAD \(head)")
        } else {
            #expect(line.contains("commit unknown"), "\(line)")
        }
    }

    @Test("migrate --dry-run as a caseworker login in a read-only session lists what is pending and the levels")
    func dryRunAsCaseworker() throws {
        try TestDatabase.with { db in
            try db.addUsers([Self.caseworker: .caseworker])
            // A schema file whose record is gone is pending again.
            let c = try db.connect()
            try c.execute("DELETE FROM public.tilskot_schema_files WHERE name = '04_applications.sql'")
            let readOnly = ["PGOPTIONS": "-c default_transaction_read_only=on"]
            let result = try CLIRunner.run(["migrate", "--dry-run", "--database-url", db.url(asLogin: Self.caseworker)],
                                           database: nil, environment: readOnly)
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout.contains("would apply:\n  schema/04_applications.sql\n"), "\(result.stdout)")
            #expect(result.stdout.contains("schema level: database \(SchemaLevel.bundled), this tilskot \(SchemaLevel.bundled)"), "\(result.stdout)")
            // The real run is not hers to make, and not in a read-only session.
            let real = try CLIRunner.run(["migrate", "--database-url", db.url(asLogin: Self.caseworker)], database: nil)
            #expect(real.exitCode == 1)
            let readOnlyRun = try CLIRunner.run(["migrate"], database: db, environment: readOnly)
            #expect(readOnlyRun.exitCode == 1)
            #expect(readOnlyRun.stderr.contains("migrate refused: this session is read-only (default_transaction_read_only = on"), "\(readOnlyRun.stderr)")
            #expect(try c.queryValue("SELECT count(*) FROM public.tilskot_schema_files WHERE name = '04_applications.sql'", as: Int.self) == 0)
        }
    }

    @Test("migrate behind another run's lock says whom it waits for, then refuses with exit 1")
    func waitsThenRefuses() throws {
        try TestDatabase.with { db in
            let holder = try db.connect()
            try holder.execute("SELECT pg_advisory_lock(32767011812241268)")
            let result = try CLIRunner.run(["migrate"], database: db, environment: ["TILSKOT_MIGRATE_WAIT": "1"])
            #expect(result.exitCode == 1)
            #expect(result.errorLines.count == 2, "\(result.stderr)")
            #expect(result.errorLines.first?.hasPrefix("waiting for another `tilskot migrate` (pid \(holder.backendPID), user ") == true, "\(result.stderr)")
            #expect(result.errorLines.last?.contains("still holds the migration lock after 1 s (TILSKOT_MIGRATE_WAIT); nothing was applied") == true, "\(result.stderr)")
        }
    }

    @Test("migrate whose DDL queues behind casework refuses after TILSKOT_MIGRATE_LOCK_TIMEOUT, naming the session, and applies nothing")
    func lockTimeoutNamesTheBlocker() throws {
        try TestDatabase.with { db in
            try db.addUsers([Self.caseworker: .caseworker])
            let c = try db.connect()
            try c.execute("DELETE FROM public.tilskot_schema_files WHERE name = '04_applications.sql'")
            let kari = try db.connect(asLogin: Self.caseworker)
            // A change in a transaction she leaves open (psql, or a slow import): an insert holds the
            // table's ROW EXCLUSIVE lock, which CREATE TRIGGER (04_applications.sql) waits for. Its
            // rows do not matter: this one inserts none.
            try kari.executeScript("SET idle_in_transaction_session_timeout = 0; BEGIN")
            _ = try kari.execute("""
                INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received)
                SELECT r.id, o.id, 'Held open', 100000, '2021-02-03' FROM tilskot.round r, tilskot.organisation o WHERE false
                """)
            let result = try CLIRunner.run(["migrate"], database: db, environment: ["TILSKOT_MIGRATE_LOCK_TIMEOUT": "0.5"])
            try kari.execute("ROLLBACK")
            #expect(result.exitCode == 1)
            #expect(result.errorLines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("migrate refused: waited 0.5 s (lock_timeout, TILSKOT_MIGRATE_LOCK_TIMEOUT)"), "\(result.stderr)")
            #expect(result.stderr.contains("pid \(kari.backendPID) (user \(Self.caseworker)"), "\(result.stderr)")
            #expect(try c.queryValue("SELECT count(*) FROM public.tilskot_schema_files WHERE name = '04_applications.sql'", as: Int.self) == 0)
            // With her gone, the file is applied.
            let again = try CLIRunner.run(["migrate"], database: db, environment: ["TILSKOT_MIGRATE_LOCK_TIMEOUT": "0.5"])
            #expect(again.exitCode == 0, "\(again.stderr)")
            #expect(again.stdout.contains("schema/04_applications.sql"))
        }
    }
}
