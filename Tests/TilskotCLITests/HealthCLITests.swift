import Foundation
import PGClient
import Testing
import TilskotLocalCluster
import TilskotTestSupport

/// Issue 18, items 6 and 9: `tilskot db check` says whether a database is healthy (exit 0 only then,
/// JSON for a monitor); `db status` exits 3 when the local database does not run; `db start`
/// recovers from the empty or garbled postmaster.pid a power cut leaves, naming the true reason, and
/// removes it only when no server runs on the data directory; the local cluster's log rotates.
@Suite("db check, db status, db start's recovery and the local cluster's log")
struct HealthCLITests {
    /// The checks of `db check --format json`, by name, and the document's own ok.
    func checks(_ result: CLIResult) throws -> (ok: Bool, byName: [String: [String: Any]]) {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                                  "not a JSON object: \(result.stdout) \(result.stderr)")
        let list = try #require(object["checks"] as? [[String: Any]])
        var byName: [String: [String: Any]] = [:]
        for check in list {
            #expect(Set(check.keys) == ["detail", "name", "ok", "value"])
            byName[try #require(check["name"] as? String)] = check
        }
        return (try #require(object["ok"] as? Bool), byName)
    }

    func recordBackup(_ db: TestDatabase, verified: Bool = true, age: String = "5 minutes") throws {
        _ = try db.connect().execute("""
            INSERT INTO tilskot.backup_run (kind, file, started_at, finished_at, verified, bytes)
            VALUES ('dump', '/var/backups/tilskot/tilskot-test.dump', now() - interval '\(age)' - interval '1 minute',
                    now() - interval '\(age)', $1, 123456)
            """, [verified])
    }

    @Test("db check --format json on a healthy database: schema current, a primary, a verified backup; every check ok, exit 0")
    func healthy() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        try recordBackup(db)
        let result = try CLIRunner.run(["db", "check", "--format", "json", "--no-archive"], database: db)
        #expect(result.exitCode == 0, "\(result.stdout) \(result.stderr)")
        // The keys are sorted for a monitor: "checks" before "ok", "detail" first in each check.
        #expect(result.stdout.hasPrefix("{\n  \"checks\" : [\n    {\n      \"detail\""), "\(result.stdout)")
        let (ok, c) = try checks(result)
        #expect(ok)
        #expect(Set(c.keys) == ["reachable", "authenticated", "schema", "recovery", "replication_lag", "backup", "wal_archive"])
        #expect(c.values.allSatisfy { $0["ok"] as? Bool == true }, "\(c)")
        #expect(c["schema"]?["value"] as? String == "current")
        #expect(c["recovery"]?["value"] as? String == "primary")
        #expect(c["authenticated"]?["value"] as? String == "tilskot")
        #expect((c["backup"]?["detail"] as? String)?.contains("tilskot-test.dump") == true)
        #expect(c["wal_archive"]?["value"] as? String == "not archiving")
    }

    @Test("no verified backup recorded: the backup check is false and db check exits 1; without --no-archive archive_mode off is unhealthy too")
    func unhealthy() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        // An unverified backup does not count.
        try recordBackup(db, verified: false)
        let result = try CLIRunner.run(["db", "check", "--format", "json", "--no-archive"], database: db)
        #expect(result.exitCode == 1, "\(result.stdout) \(result.stderr)")
        let (ok, c) = try checks(result)
        #expect(!ok)
        #expect(c["backup"]?["ok"] as? Bool == false)
        #expect(c["backup"]?["value"] as? String == "none")
        #expect(c["schema"]?["ok"] as? Bool == true)
        #expect(c["recovery"]?["ok"] as? Bool == true)
        #expect(result.errorLines == ["db check: not healthy: backup"], "\(result.stderr)")

        // A backup older than --max-backup-age is not healthy either; a young enough one is.
        try recordBackup(db, age: "30 hours")
        #expect(try CLIRunner.run(["db", "check", "--no-archive"], database: db).exitCode == 1)
        #expect(try CLIRunner.run(["db", "check", "--no-archive", "--max-backup-age", "31h"], database: db).exitCode == 0)

        // The test cluster does not archive WAL: unhealthy unless --no-archive says none is wanted.
        let archive = try CLIRunner.run(["db", "check", "--format", "json", "--max-backup-age", "off"], database: db)
        #expect(archive.exitCode == 1)
        let (_, a) = try checks(archive)
        #expect(a["wal_archive"]?["ok"] as? Bool == false)
        #expect(a["wal_archive"]?["value"] as? String == "not archiving")
        #expect(a["backup"]?["ok"] as? Bool == true)

        // The table for people says the same.
        let table = try CLIRunner.run(["db", "check", "--max-backup-age", "off"], database: db)
        #expect(table.exitCode == 1)
        #expect(table.stdout.contains("wal_archive") && table.stdout.contains("NOT OK"), "\(table.stdout)")
    }

    @Test("a monitoring login in tilskot_monitor, in no casework group, reads every check")
    func monitorLogin() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        try recordBackup(db)
        let login = "mon_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try db.connect()
        try admin.executeScript("CREATE ROLE \(login) LOGIN IN ROLE tilskot_monitor")
        defer { _ = try? admin.executeScript("DROP ROLE IF EXISTS \(login)") }
        let result = try CLIRunner.run(["db", "check", "--format", "json", "--no-archive", "--database-url", db.url(asLogin: login)],
                                       database: nil)
        #expect(result.exitCode == 0, "\(result.stdout) \(result.stderr)")
        let (_, c) = try checks(result)
        #expect(c["authenticated"]?["value"] as? String == login)
        #expect(c["backup"]?["ok"] as? Bool == true, "\(c["backup"] ?? [:])")

        // A login outside tilskot_monitor (a caseworker's) may not read the backup record: the check
        // says so and is not healthy.
        let outsider = "out_\(UUID().uuidString.prefix(8).lowercased())"
        try admin.executeScript("CREATE ROLE \(outsider) LOGIN IN ROLE tilskot_caseworker")
        defer { _ = try? admin.executeScript("DROP ROLE IF EXISTS \(outsider)") }
        let denied = try CLIRunner.run(["db", "check", "--format", "json", "--no-archive", "--database-url", db.url(asLogin: outsider)],
                                       database: nil)
        #expect(denied.exitCode == 1)
        let (_, d) = try checks(denied)
        #expect(d["backup"]?["ok"] as? Bool == false)
        #expect((d["backup"]?["detail"] as? String)?.contains("tilskot_monitor") == true, "\(d["backup"] ?? [:])")
    }

    @Test("db check of a server that does not answer exits 3, of one that refuses the login 4; --format json still prints the failed check")
    func unreachable() throws {
        let url = "postgresql://tilskot@127.0.0.1:1/tilskot?connect_timeout=2"
        let result = try CLIRunner.run(["db", "check", "--format", "json", "--database-url", url], database: nil)
        #expect(result.exitCode == 3, "\(result.stdout) \(result.stderr)")
        let (ok, c) = try checks(result)
        #expect(!ok)
        #expect(c["reachable"]?["ok"] as? Bool == false)
        #expect(result.errorLines.count == 1, "\(result.stderr)")
        // A server that answers and turns the login away: exit 4, reachable true, authenticated false.
        let db = try TestDatabase.create()
        defer { db.drop() }
        let port = try #require(db.cluster.port)
        let wrong = "postgresql://tilskot:not-the-password@127.0.0.1:\(port)/\(db.name)?connect_timeout=5"
        let refused = try CLIRunner.run(["db", "check", "--format", "json", "--database-url", wrong], database: nil)
        #expect(refused.exitCode == 4, "\(refused.stdout) \(refused.stderr)")
        let (refusedOK, r) = try checks(refused)
        #expect(!refusedOK)
        #expect(r["reachable"]?["ok"] as? Bool == true)
        #expect(r["authenticated"]?["ok"] as? Bool == false)
        #expect(!refused.stdout.contains("not-the-password") && !refused.stderr.contains("not-the-password"))
    }

    @Test("--max-lag and TILSKOT_REPLICA_FALLBACK take only what they can use: wrong usage, exit 2")
    func maxLagUsage() throws {
        let bad = try CLIRunner.run(["report", "summary", "--year", "2021", "--max-lag", "soon"], database: nil)
        #expect(bad.exitCode == 2, "\(bad.stderr)")
        #expect(bad.stderr.contains("--max-lag soon is not a number of seconds"), "\(bad.stderr)")
        let env = try CLIRunner.run(["report", "summary", "--year", "2021"], database: nil,
                                    environment: ["TILSKOT_REPLICA_FALLBACK": "secondary"])
        #expect(env.exitCode == 2, "\(env.stderr)")
        #expect(env.stderr.contains("TILSKOT_REPLICA_FALLBACK=secondary is not a fallback"), "\(env.stderr)")
    }

    @Test("db status exits 3 when the local database does not run; db start removes an empty or garbled postmaster.pid and says why, but never while a server runs on the data directory; the log rotates by weekday with a full prefix")
    func localCluster() throws {
        let home = "/var/tmp/tilskot-healthtest-\(UUID().uuidString.prefix(8))"
        let env = ["TILSKOT_HOME": home]
        defer {
            _ = try? CLIRunner.run(["db", "stop"], database: nil, environment: env)
            try? FileManager.default.removeItem(atPath: home)
        }
        func tilskot(_ args: String...) throws -> CLIResult { try CLIRunner.run(args, database: nil, environment: env) }
        let pidFile = "\(home)/data/postmaster.pid"

        let uninitialised = try tilskot("db", "status")
        #expect(uninitialised.exitCode == 3)
        #expect(uninitialised.stdout.contains("not initialised"))
        #expect(try tilskot("db", "start").exitCode == 0)
        #expect(try tilskot("db", "status").exitCode == 0)

        // A server runs, and its pid file was emptied: start must not remove it nor start a second server.
        let original = try String(contentsOfFile: pidFile, encoding: .utf8)
        try "".write(toFile: pidFile, atomically: false, encoding: .utf8)
        let guarded = try tilskot("db", "start")
        try original.write(toFile: pidFile, atomically: false, encoding: .utf8)   // before the server notices
        #expect(guarded.exitCode == 1, "\(guarded.stdout) \(guarded.stderr)")
        #expect(guarded.stderr.contains("postmaster.pid is empty") && guarded.stderr.contains("still serves"), "\(guarded.stderr)")
        #expect(try tilskot("db", "status").exitCode == 0)

        // The log: the logging collector's weekday file, each line with time, pid, user@database,
        // application and client.
        let cluster = LocalCluster(home: URL(fileURLWithPath: home), environment: env)
        let marker = "healthtest-\(UUID().uuidString.prefix(8))"
        let c = try Connection(cluster.connectionURL() + "?application_name=\(marker)-app")
        try c.executeScript("DO $$ BEGIN RAISE WARNING '\(marker)'; END $$")
        c.close()
        #expect(cluster.logFile.path.hasPrefix("\(home)/log/postgresql-"), "\(cluster.logFile.path)")
        #expect(cluster.logFile.lastPathComponent.wholeMatch(of: /postgresql-(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\.log/) != nil)
        var line: String?
        for _ in 0..<50 where line == nil {
            line = (try? String(contentsOf: cluster.logFile, encoding: .utf8))?.split(separator: "\n")
                .first { $0.contains("WARNING") && $0.contains(marker) }.map(String.init)
            if line == nil { usleep(100_000) }
        }
        let logged = try #require(line, "no log line for \(marker) in \(cluster.logFile.path)")
        #expect(logged.contains(" tilskot@tilskot \(marker)-app [local] WARNING:"), "\(logged)")
        #expect(logged.wholeMatch(of: /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \S+ \[\d+\] .*/) != nil, "\(logged)")

        // Stopped: exit 3. A power cut leaves postmaster.pid empty; start says so and starts.
        #expect(try tilskot("db", "stop").exitCode == 0)
        let stopped = try tilskot("db", "status")
        #expect(stopped.exitCode == 3)
        #expect(stopped.stdout.hasPrefix("stopped"))
        try "".write(toFile: pidFile, atomically: false, encoding: .utf8)
        #expect(try tilskot("db", "status").exitCode == 3)
        let recovered = try tilskot("db", "start")
        #expect(recovered.exitCode == 0, "\(recovered.stdout) \(recovered.stderr)")
        #expect(recovered.stdout.contains("postmaster.pid is empty (left by a power cut or a crash); no server runs on it; removed and starting"),
                "\(recovered.stdout)")
        #expect(try tilskot("db", "status").exitCode == 0)

        // …or zero bytes where its digits were, or text that is no process id.
        for (content, reason) in [("\0\0\0\0\0\0\0\0", "postmaster.pid is empty"), ("garbage\n/x\n", "postmaster.pid is garbled")] {
            #expect(try tilskot("db", "stop").exitCode == 0)
            try content.write(toFile: pidFile, atomically: false, encoding: .utf8)
            let again = try tilskot("db", "start")
            #expect(again.exitCode == 0, "\(again.stdout) \(again.stderr)")
            #expect(again.stdout.contains(reason) && again.stdout.contains("removed and starting"), "\(again.stdout)")
        }
    }

    @Test("settings written before the log rotated apply at the next start, and settings made with ALTER SYSTEM stay")
    func settingsOfAnOlderCluster() throws {
        let home = "/var/tmp/tilskot-healthtest-\(UUID().uuidString.prefix(8))"
        let env = ["TILSKOT_HOME": home]
        defer {
            _ = try? CLIRunner.run(["db", "stop"], database: nil, environment: env)
            try? FileManager.default.removeItem(atPath: home)
        }
        func tilskot(_ args: String...) throws -> CLIResult { try CLIRunner.run(args, database: nil, environment: env) }
        #expect(try tilskot("db", "start").exitCode == 0)
        #expect(try tilskot("db", "stop").exitCode == 0)
        // What tilskot wrote before issue 18, and one setting of the DBA's own.
        let port = try String(contentsOfFile: "\(home)/port", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let old = """
            # Written by tilskot db start.
            port = \(port)
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '\(home)/run'
            max_connections = 200
            shared_buffers = '256MB'
            fsync = on
            log_min_messages = warning
            work_mem = '8MB'

            """
        let auto = "\(home)/data/postgresql.auto.conf"
        try old.write(toFile: auto, atomically: false, encoding: .utf8)   // in place: the server user keeps it
        #expect(try tilskot("db", "start").exitCode == 0)
        let c = try Connection(LocalCluster(home: URL(fileURLWithPath: home), environment: env).connectionURL())
        defer { c.close() }
        #expect(try c.queryValue("SHOW logging_collector", as: String.self) == "on")
        #expect(try c.queryValue("SHOW log_truncate_on_rotation", as: String.self) == "on")
        #expect(try c.queryValue("SHOW log_line_prefix", as: String.self) == "%m [%p] %u@%d %a %h ")
        #expect(try c.queryValue("SHOW work_mem", as: String.self) == "8MB")
    }
}
