import Foundation
import PGClient
import Synchronization
import Testing
import TilskotStore
import TilskotTestSupport

/// Issue 14, breach 9: one caseworker's open transaction stopped the deciders. On 8d3dbba a
/// caseworker who sets idle_in_transaction_session_timeout = 0, opens a transaction and registers
/// one application holds the application_tally row of its (round, municipality, applicant kind,
/// member-based, external board) — every decision of an application of that group waits for it —
/// and the reference counter of the scheme-year, for as long as she likes. Now every casework login
/// has its own timeouts (`user add`), and `tilskot db watchdog` ends sessions that shed them.
@Suite("db watchdog")
struct WatchdogCLITests {
    static let caseworker = "wd_kari"
    static let otherCaseworker = "wd_ola"
    static let manager = "wd_mona"

    /// JS/2021 with two assessed applications from Oslo (municipality 0301) and one from Stavanger.
    func scene() throws -> TestDatabase {
        let kari = Self.caseworker
        var steps: [[String]] = [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "110,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", kari],
            ["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103", "--as", kari],
        ]
        for (n, org) in ["958935420", "958935420", "964965226"].enumerated() {
            steps.append(["application", "register", "--round", "JS/2021", "--org", org, "--title", "Jobbsjansen \(n + 1)",
                          "--amount", "1 000 000", "--received", "2021-02-01", "--as", kari])
            steps.append(["application", "assign", "JS-2021-000\(n + 1)", "--as", kari])
            steps.append(["application", "assess", "JS-2021-000\(n + 1)", "--score", "4", "--recommend", "grant", "--as", kari])
        }
        return try TestDatabase.scene(users: [Self.manager: .manager, Self.caseworker: .caseworker, Self.otherCaseworker: .caseworker],
                                      steps: steps)
    }

    /// What a caseworker with psql does: shed the idle timeout, open a transaction, register one
    /// application from Oslo, and leave the transaction open.
    func holdRegistration(_ c: Connection) throws {
        try c.executeScript("SET idle_in_transaction_session_timeout = 0; SET statement_timeout = 0")
        try c.executeScript("BEGIN")
        _ = try c.execute("""
            INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received)
            SELECT r.id, o.id, 'Held open', 100000, '2021-02-03'
              FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id, tilskot.organisation o
             WHERE s.code = 'JS' AND r.year = 2021 AND o.orgnr = '958935420'
            """)
    }

    /// The decision a manager takes through SQL: a full grant of `reference`.
    static let decide = """
        INSERT INTO tilskot.decision (application_id, outcome, amount_ore)
        SELECT id, 'granted', amount_applied_ore FROM tilskot.application WHERE reference = $1
        """

    /// The SQLSTATE `body` fails with, or nil.
    func sqlState(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as PGError {
            return error.sqlState
        } catch {
            return "\(error)"
        }
    }

    func alive(_ c: Connection) -> Bool { (try? c.queryValue("SELECT 1", as: Int.self)) == 1 }

    @Test("user add gives a casework login its own idle, lock and statement limits; SET ROLE and the group's settings do not")
    func loginLimits() throws {
        let db = try scene()
        defer { db.drop() }
        // MUT: tilskot user add (the scene's users were made with Users.add)
        let kari = try db.connect(asLogin: Self.caseworker)
        // validate: the login's own settings apply when she logs in as herself
        #expect(try kari.queryValue("SHOW idle_in_transaction_session_timeout", as: String.self) == "1min")
        #expect(try kari.queryValue("SHOW lock_timeout", as: String.self) == "10s")
        #expect(try kari.queryValue("SHOW statement_timeout", as: String.self) == "5min")
        // …and nowhere else: a role's settings reach neither SET ROLE nor its group's members.
        let actingAs = try db.connect(actingAs: Self.caseworker)
        #expect(try actingAs.queryValue("SHOW lock_timeout", as: String.self) == "0")
        let groupSettings = try db.connect().queryValue("""
            SELECT count(*) FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname LIKE 'tilskot\\_%'
            """, as: Int.self)
        #expect(groupSettings == 0)
        // `user add` again (an existing login) leaves her limited, through the CLI as well.
        let cli = try CLIRunner.run(["user", "add", Self.otherCaseworker, "--role", "caseworker"], database: db)
        #expect(cli.exitCode == 0, "\(cli.stderr)")
        #expect(try db.connect(asLogin: Self.otherCaseworker).queryValue("SHOW lock_timeout", as: String.self) == "10s")
    }

    @Test("an idle caseworker transaction blocks a decision; the watchdog ends it and only it; the decision then goes through")
    func idleHostage() throws {
        let db = try scene()
        defer { db.drop() }
        // Sessions the watchdog must leave alone: a superuser's transaction idle longer than hers
        // (not touched again until the end), and another caseworker's transaction idle for less than
        // the limit (opened below).
        let idleSuperuser = try db.connect()
        try idleSuperuser.executeScript("BEGIN; SELECT count(*) FROM tilskot.application")
        let superuser = try db.connect()
        let kari = try db.connect(asLogin: Self.caseworker)
        try holdRegistration(kari)
        let kariPID = try #require(try kari.queryValue("SELECT pg_backend_pid()", as: Int.self))

        // The breach: a manager's decision of another Oslo application of the round waits for her.
        let mona = try db.connect(asLogin: Self.manager)
        try mona.executeScript("SET lock_timeout = '1s'")
        #expect(sqlState { _ = try mona.execute(Self.decide, ["JS-2021-0001"]) } == "55P03")
        // …and it is her tally row it waits for (application_tally of Oslo's group in the round).
        let blocker = Mutex<[String]>([])
        let waiter = Thread {
            let m = try? db.connect(asLogin: Self.manager)
            _ = try? m?.executeScript("SET lock_timeout = '3s'")
            _ = try? m?.execute(Self.decide, ["JS-2021-0002"])
        }
        waiter.start()
        for _ in 0..<100 where blocker.withLock({ $0.isEmpty }) {
            usleep(20_000)
            let rows = try superuser.query("""
                SELECT a.pid, pg_blocking_pids(a.pid)::text AS by FROM pg_stat_activity a
                 WHERE a.datname = current_database() AND a.wait_event_type = 'Lock' AND a.usename = $1
                """, [Self.manager])
            blocker.withLock { $0 = try! rows.map { try $0.string("by") } }
        }
        #expect(blocker.withLock { $0 } == ["{\(kariPID)}"])

        let ola = try db.connect(asLogin: Self.otherCaseworker)
        try ola.executeScript("BEGIN; SELECT count(*) FROM tilskot.application")
        sleep(6)   // she has been idle for 6 s or more

        // A dry run names her and ends nothing.
        _ = try ola.execute("SELECT 1")   // ola, idle in her transaction from now on, stays below the limit
        let dry = try CLIRunner.run(["db", "watchdog", "--idle", "5s", "--blocking", "off", "--dry-run", "--format", "json"], database: db)
        #expect(dry.exitCode == 0, "\(dry.stderr)")
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [[String: Any]], "\(dry.stdout)")
        #expect(listed.map { $0["pid"] as? Int } == [kariPID])
        #expect(listed.first?["action"] as? String == "would end")
        // (Asked from outside: a statement of hers would make her no longer idle.)
        #expect(try superuser.queryValue("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", [kariPID], as: Int.self) == 1)

        // MUT: the watchdog, as the local superuser
        _ = try ola.execute("SELECT 1")
        let run = try CLIRunner.run(["db", "watchdog", "--idle", "5s", "--blocking", "off", "--format", "json"], database: db)

        // validate: it ended her session — and only hers — and said so on stderr, one line
        #expect(run.exitCode == 0, "\(run.stderr)")
        let ended = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "\(run.stdout)")
        #expect(ended.count == 1)
        #expect(ended.first?["pid"] as? Int == kariPID)
        #expect(ended.first?["user"] as? String == Self.caseworker)
        #expect(ended.first?["reason"] as? String == "idle in transaction")
        #expect(ended.first?["action"] as? String == "ended")
        #expect(run.errorLines.count == 1)
        #expect(run.stderr.contains("tilskot watchdog: ended session \(kariPID) of \(Self.caseworker) (caseworker): idle in transaction"), "\(run.stderr)")
        #expect(!alive(kari))
        #expect(alive(ola), "a caseworker idle for less than the limit is left alone")
        #expect(alive(idleSuperuser), "a superuser's session is never casework")
        #expect(try ola.queryValue("SELECT count(*) FROM pg_stat_activity WHERE pid = pg_backend_pid() AND state = 'active' AND xact_start IS NOT NULL", as: Int.self) == 1,
                "and her transaction is still open")
        // Her registration is gone with her session, and the decision goes through at once.
        #expect(try superuser.queryValue("SELECT count(*) FROM tilskot.application WHERE title = 'Held open'", as: Int.self) == 0)
        #expect(sqlState { _ = try mona.execute(Self.decide, ["JS-2021-0001"]) } == nil)
        #expect(try superuser.queryValue("SELECT status FROM tilskot.application WHERE reference = 'JS-2021-0001'", as: String.self) == "granted")
        while waiter.isExecuting { usleep(10_000) }
        try idleSuperuser.executeScript("ROLLBACK")
        try ola.executeScript("ROLLBACK")
    }

    /// A login with the watchdog's rights and nothing else, like the deployer (NOINHERIT: it has to
    /// take tilskot_watchdog with SET ROLE, as the deployer's sessions, which act as tilskot_owner, do).
    static let watchman = "wd_watch"

    func makeWatchman(_ db: TestDatabase) throws {
        let c = try db.connect()
        try c.executeScript("""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(Self.watchman)') THEN
                    CREATE ROLE \(Self.watchman) LOGIN NOINHERIT;
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$
            """)
        if try c.queryValue("SELECT pg_has_role('\(Self.watchman)', 'tilskot_watchdog', 'MEMBER')", as: Bool.self) != true {
            try c.executeScript("GRANT tilskot_watchdog TO \(Self.watchman)")
        }
        try c.executeScript("GRANT CONNECT ON DATABASE \(db.name) TO \(Self.watchman)")
    }

    @Test("a caseworker sleeping in her transaction blocks a decision and a registration; the watchdog (not a superuser) ends her, not the sessions queued behind her")
    func blockingHostage() throws {
        let db = try scene()
        defer { db.drop() }
        try makeWatchman(db)
        let superuser = try db.connect()
        let watchdog = ["db", "watchdog", "--idle", "off", "--format", "json", "--database-url", db.url(asLogin: Self.watchman)]

        // She holds the registration and then keeps her session busy (not idle: the idle test
        // cannot see her), with every timeout of her own switched off.
        let kari = try db.connect(asLogin: Self.caseworker)
        try holdRegistration(kari)
        try kari.executeScript("SET lock_timeout = 0")
        let kariPID = try #require(try kari.queryValue("SELECT pg_backend_pid()", as: Int.self))
        let kariOutcome = Mutex<String?>(nil)
        let kariBox = Handed(kari)
        let sleeper = Thread {
            let state = self.sqlState { _ = try kariBox.value.execute("SELECT pg_sleep(60)") }
            kariOutcome.withLock { $0 = state ?? "returned" }
        }
        sleeper.start()

        // Queued behind her: another caseworker registering for Oslo (her own transaction opened
        // first, so it is as old as the hostage's), and a manager deciding an Oslo application.
        let ola = try db.connect(asLogin: Self.otherCaseworker)
        // (Both wait longer than their logins' 10 s lock_timeout allows, so that the CLI runs below
        // may take their time on a loaded machine: the test is about the watchdog, not about them.)
        try ola.executeScript("SET lock_timeout = '60s'; BEGIN; SELECT 1")
        let olaPID = try #require(try ola.queryValue("SELECT pg_backend_pid()", as: Int.self))
        let olaOutcome = Mutex<String?>(nil)
        let olaBox = Handed(ola)
        let registering = Thread {
            let state = self.sqlState { try self.holdRegistrationInOpenTransaction(olaBox.value) }
            olaOutcome.withLock { $0 = state ?? "done" }
        }
        registering.start()
        let mona = try db.connect(asLogin: Self.manager)
        try mona.executeScript("SET lock_timeout = '60s'")
        let monaPID = try #require(try mona.queryValue("SELECT pg_backend_pid()", as: Int.self))
        let monaOutcome = Mutex<String?>(nil)
        let monaBox = Handed(mona)
        let deciding = Thread {
            let state = self.sqlState { _ = try monaBox.value.execute(Self.decide, ["JS-2021-0001"]) }
            monaOutcome.withLock { $0 = state ?? "decided" }
        }
        deciding.start()
        var waiting: [Int] = []
        for _ in 0..<200 where waiting.count < 2 {
            usleep(20_000)
            waiting = try superuser.query("""
                SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' ORDER BY pid
                """).map { try $0.int("pid") }
        }
        #expect(Set(waiting) == [olaPID, monaPID], "both wait for her")

        // Below the limit, nobody is ended.
        let early = try CLIRunner.run(watchdog + ["--blocking", "1h"], database: nil)
        #expect(early.exitCode == 0, "\(early.stderr)")
        #expect(early.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "\(early.stdout)")
        // A caseworker cannot run the watchdog.
        let refused = try CLIRunner.run(["db", "watchdog", "--blocking", "1s", "--database-url", db.url(asLogin: Self.otherCaseworker)], database: nil)
        #expect(refused.exitCode == 1, "\(refused.stdout) \(refused.stderr)")
        #expect(refused.errorLines.count == 1, "\(refused.stderr)")

        // Her transaction is older than 2 s.
        let age = try superuser.queryValue("SELECT extract(epoch FROM clock_timestamp() - xact_start)::float8 FROM pg_stat_activity WHERE pid = $1", [kariPID], as: Double.self) ?? 0
        if age < 2.5 { usleep(useconds_t((2.5 - age) * 1_000_000)) }

        // MUT: the watchdog, as a login with tilskot_watchdog's rights only
        let run = try CLIRunner.run(watchdog + ["--blocking", "2s"], database: nil)

        // validate: she — only she — is ended, for blocking both; the ones queued behind her go on
        #expect(run.exitCode == 0, "\(run.stderr)")
        let ended = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "\(run.stdout)")
        #expect(ended.map { $0["pid"] as? Int } == [kariPID])
        #expect(ended.first?["reason"] as? String == "blocking 2 session(s)")
        #expect(ended.first?["blocked"] as? String == [olaPID, monaPID].sorted().map(String.init).joined(separator: ","))
        #expect(ended.first?["action"] as? String == "ended")
        #expect(run.stderr.contains("tilskot watchdog: ended session \(kariPID) of \(Self.caseworker)"), "\(run.stderr)")
        while sleeper.isExecuting || registering.isExecuting { usleep(10_000) }
        #expect(kariOutcome.withLock { $0 } != "returned", "her pg_sleep did not run its 60 s")
        #expect(olaOutcome.withLock { $0 } == "done")
        #expect(alive(ola))
        // Ola's registration may have taken the tally row before the decision did: she ends her
        // transaction (as the CLI always does), and the decision follows.
        try ola.executeScript("ROLLBACK")
        while deciding.isExecuting { usleep(10_000) }
        #expect(monaOutcome.withLock { $0 } == "decided")
        #expect(try superuser.queryValue("SELECT status FROM tilskot.application WHERE reference = 'JS-2021-0001'", as: String.self) == "granted")
        #expect(try superuser.queryValue("SELECT count(*) FROM tilskot.application WHERE title = 'Held open'", as: Int.self) == 0)
        // …and the server log says who ended whom, and why.
        let log = db.cluster.settledLog()   // the logging collector writes a moment after the RAISE
        #expect(log.contains("tilskot watchdog: ending session \(kariPID) of \(Self.caseworker) (tilskot_caseworker): blocking 2 session(s)"))
    }

    @Test("a caseworker holding the migrator's advisory lock outside any transaction delays `tilskot migrate`; the watchdog ends her and the migration runs")
    func sessionLockHostage() throws {
        let db = try scene()
        defer { db.drop() }
        // The key Migrator takes (0x7469_6C73_6B6F_74, "tilskot"): any user may take an advisory lock.
        let kari = try db.connect(asLogin: Self.caseworker)
        _ = try kari.execute("SELECT pg_advisory_lock(32767011812241268)")
        let kariPID = try #require(try kari.queryValue("SELECT pg_backend_pid()", as: Int.self))
        let migrated = Mutex<CLIResult?>(nil)
        let migrating = Thread {
            let result = try? CLIRunner.run(["migrate"], database: db)
            migrated.withLock { $0 = result }
        }
        migrating.start()
        let superuser = try db.connect()
        var waiter: Int?
        for _ in 0..<200 where waiter == nil {
            usleep(20_000)
            waiter = try superuser.queryValue("""
                SELECT pid FROM pg_stat_activity
                 WHERE datname = current_database() AND $1 = ANY (pg_blocking_pids(pid))
                """, [kariPID], as: Int.self)
        }
        #expect(waiter != nil, "migrate waits for her")
        #expect(migrated.withLock { $0 } == nil)
        usleep(1_500_000)

        // MUT
        let run = try CLIRunner.run(["db", "watchdog", "--blocking", "1s", "--format", "json"], database: db)

        // validate: she held no transaction, so the wait is what counts; migrate then runs
        #expect(run.exitCode == 0, "\(run.stderr)")
        let ended = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], "\(run.stdout)")
        #expect(ended.map { $0["pid"] as? Int } == [kariPID])
        #expect(ended.first?["transaction_started"] is NSNull)
        #expect(run.stderr.contains("waiting"), "\(run.stderr)")
        while migrating.isExecuting { usleep(10_000) }
        #expect(migrated.withLock { $0?.exitCode } == 0)
        #expect(migrated.withLock { $0?.stdout.contains("nothing to migrate") } == true)
    }

    /// holdRegistration's insert, in a transaction the caller has opened.
    func holdRegistrationInOpenTransaction(_ c: Connection) throws {
        _ = try c.execute("""
            INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received)
            SELECT r.id, o.id, 'Queued', 100000, '2021-02-03'
              FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id, tilskot.organisation o
             WHERE s.code = 'JS' AND r.year = 2021 AND o.orgnr = '958935420'
            """)
    }
}

/// A connection handed to one other thread, which alone uses it until it is done.
struct Handed: @unchecked Sendable {
    let value: Connection
    init(_ value: Connection) { self.value = value }
}
