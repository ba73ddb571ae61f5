import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

/// Honest failures (issue 18): each class of failure has its exit status and its sentence
/// (docs/exit-status.md) — 3 unreachable, 4 authentication, 5 server resources, 1 a refusal —
/// and every session names itself and carries time limits, with a notice when it waits on a lock.
@Suite("failure classes: exit statuses 3/4/5, application_name, time limits, the lock-wait notice")
struct FailureClassTests {
    /// A login role of the test cluster for one test, reached over TCP (SCRAM) on 127.0.0.1.
    struct Login {
        let db: TestDatabase
        let user = "failure_\(UUID().uuidString.prefix(8).lowercased())"
        let password = "Pw-\(UUID().uuidString.prefix(12))"
        var port: Int { db.cluster.port ?? 5432 }
        func url(password: String? = nil) -> String {
            "postgresql://\(user):\(password ?? self.password)@127.0.0.1:\(port)/\(db.name)"
        }

        /// `attributes`: e.g. "LOGIN", "NOLOGIN", "LOGIN CONNECTION LIMIT 1", "LOGIN VALID UNTIL '2000-01-01'".
        init(_ attributes: String) throws {
            db = try TestDatabase.create()
            // Test-made name and password (letters, digits, '-'): nothing to quote.
            try db.connect().executeScript("CREATE ROLE \(user) \(attributes) PASSWORD '\(password)' IN ROLE tilskot_auditor")
        }

        func drop() {
            db.drop()
            if let admin = try? Connection(db.cluster.connectionURL(database: "postgres")) {
                _ = try? admin.executeScript("DROP ROLE IF EXISTS \(user)")
            }
        }

        /// `tilskot ARGS` with no password file and no database variables.
        func run(_ arguments: [String], _ extra: [String: String] = [:]) throws -> CLIResult {
            var environment = ["PGPASSFILE": "/nonexistent/pgpass", "PGPASSWORD": ""]
            environment.merge(extra) { $1 }
            return try CLIRunner.run(arguments, database: nil, environment: environment)
        }
    }

    // MARK: - Authentication: exit 4

    @Test("a wrong password exits 4 with the sentence that names both causes, not the local hint")
    func wrongPassword() throws {
        let login = try Login("LOGIN")
        defer { login.drop() }
        #expect(try login.run(["scheme", "list", "--database-url", login.url()]).exitCode == 0)
        let result = try login.run(["scheme", "list", "--database-url", login.url(password: "not-it")])
        #expect(result.exitCode == 4, "\(result.stderr)")
        #expect(result.errorLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("wrong password, or the password has expired (the server log says which)"))
        #expect(!result.stderr.contains("tilskot db start"))
        #expect(!result.stderr.contains("not-it"))
    }

    @Test("an expired password (VALID UNTIL in the past) exits 4 with the same sentence: PostgreSQL says the same to the client")
    func expiredPassword() throws {
        let login = try Login("LOGIN VALID UNTIL '2000-01-01'")
        defer { login.drop() }
        let result = try login.run(["scheme", "list", "--database-url", login.url()])
        #expect(result.exitCode == 4, "\(result.stderr)")
        #expect(result.stderr.contains("the password has expired"))
        #expect(!result.stderr.contains(login.password))
    }

    @Test("a role that may not log in exits 4 (28000), and says so")
    func roleCannotLogIn() throws {
        let login = try Login("NOLOGIN")
        defer { login.drop() }
        let result = try login.run(["scheme", "list", "--database-url", login.url()])
        #expect(result.exitCode == 4, "\(result.stderr)")
        #expect(result.errorLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("does not let this login in"))
        #expect(result.stderr.contains("not permitted to log in"))
    }

    @Test("no password given where the server asks for one exits 4")
    func noPassword() throws {
        let login = try Login("LOGIN")
        defer { login.drop() }
        let url = "postgresql://\(login.user)@127.0.0.1:\(login.port)/\(login.db.name)"
        let result = try login.run(["scheme", "list", "--database-url", url])
        #expect(result.exitCode == 4, "\(result.stderr)")
        #expect(result.stderr.contains("asks for a password and none was given"))
    }

    // MARK: - Server resources: exit 5

    @Test("too many connections for the login (CONNECTION LIMIT 1, 53300) exits 5, not 3")
    func tooManyConnections() throws {
        let login = try Login("LOGIN CONNECTION LIMIT 1")
        defer { login.drop() }
        let held = try Connection(login.url())
        defer { held.close() }
        let result = try login.run(["scheme", "list", "--database-url", login.url()])
        #expect(result.exitCode == 5, "\(result.stderr)")
        #expect(result.errorLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("too many connections"))
        #expect(result.stderr.contains("tell the DBA"))
        #expect(!result.stderr.contains("tilskot db start"))
        held.close()
        #expect(try login.run(["scheme", "list", "--database-url", login.url()]).exitCode == 0)
    }

    @Test("disk full, out of memory and a system error during a statement map to exit 5 with 'nothing was written'",
          arguments: ["53100", "53200", "53000", "58030"])
    func resourceMapping(sqlState: String) {
        let error = TilskotError.from(PGError(sqlState: sqlState, message: "could not extend file \"base/1/2\": No space left on device"))
        #expect(error.exitStatus == 5)
        #expect(error.description.contains("nothing was written"))
        #expect(error.description.contains("tell the DBA"))
        #expect(error.description.contains("[\(sqlState)]"))
        if sqlState == "53100" { #expect(error.description.contains("disk full")) }
        // A refusal of a rule stays 1; a lost connection 3.
        #expect(TilskotError.from(PGError(sqlState: "23T01", message: "x refused: y")).exitStatus == 1)
        #expect(TilskotError.from(PGError(sqlState: "57P01", message: "terminating connection")).exitStatus == 3)
        #expect(TilskotError.from(PGError(sqlState: "57014", message: "canceling statement due to statement timeout")).exitStatus == 1)
    }

    // MARK: - Unreachable: exit 3, the local hint only for the local database

    @Test("an unreachable port given with --database-url exits 3 without the local database's hint")
    func unreachablePort() throws {
        let port = try Self.freePort()
        let result = try CLIRunner.run(["scheme", "list", "--database-url", "postgresql://x@127.0.0.1:\(port)/none"],
                                       database: nil, environment: ["TILSKOT_CONNECT_TIMEOUT": "3"])
        #expect(result.exitCode == 3, "\(result.stderr)")
        #expect(result.errorLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot reach PostgreSQL at"))
        #expect(!result.stderr.contains("tilskot db start"))
    }

    @Test("a database that does not exist exits 3 and names it")
    func missingDatabase() throws {
        try TestDatabase.with { db in
            let url = db.url.replacingOccurrences(of: "/\(db.name)", with: "/no_such_db_\(UUID().uuidString.prefix(6).lowercased())")
            let result = try CLIRunner.run(["scheme", "list", "--database-url", url], database: nil)
            #expect(result.exitCode == 3, "\(result.stderr)")
            #expect(result.stderr.contains("no_such_db_"))
            #expect(result.stderr.contains("check the database name"))
        }
    }

    // MARK: - Schema level: 6

    @Test("on a database of another schema level a read goes on with one warning, a change is refused with exit 6 and one sentence, migrate does not warn")
    func schemaLevelMismatch() throws {
        try TestDatabase.with { db in
            let manager = "failure_mgr_\(UUID().uuidString.prefix(6).lowercased())"
            try db.addUsers([manager: .manager])
            let create = ["scheme", "create", "FB", "--name", "Failure scheme", "--applicant-kinds", "other", "--as", manager]
            // the database as migrated: no warning
            let current = try CLIRunner.run(["scheme", "list"], database: db)
            #expect(current.exitCode == 0 && current.stderr.isEmpty, "\(current.stderr)")
            // MUT: the database says it was migrated by an older tilskot
            try db.connect().executeScript("UPDATE public.tilskot_schema_level SET level = '1.0000000000000000'")
            let read = try CLIRunner.run(["scheme", "list"], database: db)
            #expect(read.exitCode == 0, "\(read.stderr)")
            #expect(read.errorLines.count == 1, "\(read.stderr)")
            #expect(read.errorLines.first?.hasPrefix("warning: ") == true)
            #expect(read.stderr.contains("older than this tilskot"))
            let before = try db.rowCounts()
            let change = try CLIRunner.run(create, database: db)
            #expect(change.exitCode == 6, "\(change.stderr)")
            #expect(change.errorLines.count == 1, "\(change.stderr)")
            #expect(change.stderr.hasPrefix("change refused: "))
            #expect(change.stderr.contains("tilskot migrate"))
            #expect(try db.rowCounts() == before)
            let dryRun = try CLIRunner.run(["migrate", "--dry-run"], database: db)
            #expect(!dryRun.stderr.contains("warning: "), "\(dryRun.stderr)")
            // once migrate records this binary's level, the change is made
            #expect(try CLIRunner.run(["migrate"], database: db).exitCode == 0)
            let made = try CLIRunner.run(create, database: db)
            #expect(made.exitCode == 0, "\(made.stderr)")
        }
    }

    // MARK: - Session identity and time limits

    @Test("every session names its command in application_name; a held lock is told on stderr once, then the lock timeout refuses")
    func applicationNameAndLockNotice() throws {
        try TestDatabase.with { db in
            // setup: another session holds the scheme table, as a long migration would
            let holder = try db.connect()
            try holder.executeScript("SET application_name = 'holder-of-locks'")
            try holder.executeScript("BEGIN; LOCK TABLE tilskot.scheme IN ACCESS EXCLUSIVE MODE")
            let holderPID = holder.backendPID
            // MUT: the CLI reads the table and waits
            let box = ResultBox()
            DispatchQueue.global().async {
                box.result = try? CLIRunner.run(["scheme", "list"], database: db,
                                                environment: ["TILSKOT_LOCK_NOTICE": "1", "TILSKOT_LOCK_TIMEOUT": "6"])
                box.done.signal()
            }
            // validate: another session sees it by its command's name, waiting on a lock
            let observer = try db.connect()
            var seen: String?
            for _ in 0..<100 where seen == nil {
                seen = try observer.queryValue("""
                    SELECT wait_event_type FROM pg_stat_activity
                    WHERE application_name = 'tilskot scheme list' AND datname = current_database()
                    """, as: String.self)
                if seen != "Lock" { seen = nil; usleep(100_000) }
            }
            #expect(seen == "Lock")
            let waited = box.done.wait(timeout: .now() + 30)
            try holder.executeScript("ROLLBACK")
            #expect(waited == .success)
            let done = try #require(box.result)
            #expect(done.exitCode == 1, "\(done.stderr)")
            let notices = done.errorLines.filter { $0.hasPrefix("waiting for a lock held by another session") }
            #expect(notices.count == 1, "\(done.stderr)")
            #expect(notices.first?.contains("pid \(holderPID)") == true, "\(done.stderr)")
            #expect(notices.first?.contains("application holder-of-locks") == true, "\(done.stderr)")
            #expect(notices.first?.contains("it gives up after the lock timeout (6s)") == true, "\(done.stderr)")
            #expect(done.stderr.contains("lock_timeout"))
        }
    }

    @Test("TILSKOT_STATEMENT_TIMEOUT limits a statement (lock timeout off): the refusal names statement_timeout")
    func statementTimeoutFromEnvironment() throws {
        try TestDatabase.with { db in
            let holder = try db.connect()
            // Were the limit not applied the CLI would wait for ever: the holder lets go after 15 s.
            try holder.executeScript("SET idle_in_transaction_session_timeout = '15s'; BEGIN; LOCK TABLE tilskot.scheme IN ACCESS EXCLUSIVE MODE")
            defer { _ = try? holder.executeScript("ROLLBACK") }
            let started = Date()
            let result = try CLIRunner.run(["scheme", "list"], database: db,
                                           environment: ["TILSKOT_STATEMENT_TIMEOUT": "2", "TILSKOT_LOCK_TIMEOUT": "0", "TILSKOT_LOCK_NOTICE": "0"])
            #expect(result.exitCode == 1, "\(result.stderr)")
            #expect(result.errorLines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("statement_timeout"))
            #expect(Date().timeIntervalSince(started) < 20)
        }
    }

    @Test("a casework login's own lock_timeout (10s, set by user add) is not loosened by the client's default")
    func loginLimitsStay() throws {
        try TestDatabase.with { db in
            let user = "failure_cw_\(UUID().uuidString.prefix(6).lowercased())"
            try db.addUsers([user: .caseworker])
            let holder = try db.connect()
            try holder.executeScript("BEGIN; LOCK TABLE tilskot.scheme IN ACCESS EXCLUSIVE MODE")
            defer { _ = try? holder.executeScript("ROLLBACK") }
            let result = try CLIRunner.run(["scheme", "list", "--database-url", db.url(asLogin: user)], database: nil,
                                           environment: ["TILSKOT_LOCK_TIMEOUT": "1min", "TILSKOT_LOCK_NOTICE": "1"])
            #expect(result.exitCode == 1, "\(result.stderr)")
            #expect(result.stderr.contains("it gives up after the lock timeout (10s)"), "\(result.stderr)")
        }
    }

    @Test("a time limit that is not one is wrong usage (exit 2)")
    func badTimeLimit() throws {
        try TestDatabase.with { db in
            let result = try CLIRunner.run(["scheme", "list"], database: db, environment: ["TILSKOT_LOCK_TIMEOUT": "soon"])
            #expect(result.exitCode == 2, "\(result.stderr)")
            #expect(result.stderr.contains("TILSKOT_LOCK_TIMEOUT"))
            let connect = try CLIRunner.run(["scheme", "list"], database: db, environment: ["TILSKOT_CONNECT_TIMEOUT": "soon"])
            #expect(connect.exitCode == 2, "\(connect.stderr)")
            #expect(connect.stderr.contains("TILSKOT_CONNECT_TIMEOUT"))
            let fine = try CLIRunner.run(["scheme", "list"], database: db,
                                         environment: ["TILSKOT_CONNECT_TIMEOUT": "5", "TILSKOT_LOCK_TIMEOUT": "500ms", "TILSKOT_STATEMENT_TIMEOUT": "0"])
            #expect(fine.exitCode == 0, "\(fine.stderr)")
        }
    }

    final class ResultBox: @unchecked Sendable {
        var result: CLIResult?
        let done = DispatchSemaphore(value: 0)
    }

    @Test("tables show times in the installation's time zone, which the session reads when it opens")
    func installationTimeZone() throws {
        try TestDatabase.with { db in
            let before = try CLIRunner.run(["audit", "list"], database: db)
            #expect(before.exitCode == 0, "\(before.stderr)")
            #expect(before.stdout.contains(" +01:00") || before.stdout.contains(" +02:00"), "\(before.stdout)")
            // MUT: an administrator moves the installation to New York
            try db.connectAsAdmin().execute("UPDATE tilskot.installation SET time_zone = 'America/New_York'")
            let after = try CLIRunner.run(["audit", "list"], database: db)
            #expect(after.exitCode == 0, "\(after.stderr)")
            #expect(after.stdout.contains(" -05:00") || after.stdout.contains(" -04:00"), "\(after.stdout)")
            #expect(!after.stdout.contains(" +01:00") && !after.stdout.contains(" +02:00"))
        }
    }

    /// A TCP port on 127.0.0.1 nobody listens on (bound and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
