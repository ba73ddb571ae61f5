import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

@Suite("migrations")
struct MigratorTests {
    @Test("a migrated database has nothing left to apply")
    func secondRunAppliesNothing() throws {
        try TestDatabase.with { db in
            let conn = try db.connect()
            let outcome = try Migrator.migrate(conn)
            #expect(outcome.applied.isEmpty)
            let recorded = try conn.queryValue("SELECT count(*) FROM public.tilskot_migrations", as: Int.self)
            #expect(recorded == Migrator.bundled.count)
        }
    }

    @Test("a changed applied migration is refused with a sentence naming the file")
    func editedMigrationRefused() throws {
        try TestDatabase.with { db in
            let conn = try db.connect()
            var migrations = Migrator.bundled
            let first = migrations[0]
            migrations[0] = try #require(Migration(fileName: first.name, sql: first.sql + "\n-- edited"))
            let error = try #require(throws: TilskotError.self) { try Migrator.migrate(conn, migrations: migrations) }
            #expect(error.description.contains(first.name))
            #expect(error.description.contains("must not be edited"))
        }
    }

    @Test("dry run lists pending migrations and applies nothing")
    func dryRun() throws {
        try TestDatabase.with { db in
            let conn = try db.connect()
            let extra = try #require(Migration(fileName: "9999_test_extra.sql", sql: "CREATE TABLE public.dry_run_probe (x int);"))
            let outcome = try Migrator.migrate(conn, migrations: Migrator.bundled + [extra], dryRun: true)
            #expect(outcome.pending.map(\.name) == ["9999_test_extra.sql"])
            #expect(try conn.queryValue("SELECT to_regclass('public.dry_run_probe')::text", as: String.self) == nil)
            // A failing migration leaves nothing behind and is not recorded.
            let broken = try #require(Migration(fileName: "9998_broken.sql", sql: "CREATE TABLE public.half (x int); SELECT 1/0;"))
            #expect(throws: PGError.self) { try Migrator.migrate(conn, migrations: Migrator.bundled + [broken]) }
            #expect(try conn.queryValue("SELECT to_regclass('public.half')::text", as: String.self) == nil)
            #expect(try conn.queryValue("SELECT count(*) FROM public.tilskot_migrations WHERE version = 9998", as: Int.self) == 0)
        }
    }

    @Test("two migrate runs at once are safe: one applies, the other finds nothing")
    func concurrentMigrate() throws {
        try TestDatabase.with { db in
            let conn = try db.connect()
            let extra = try #require(Migration(fileName: "9999_slow.sql", sql: "SELECT pg_sleep(0.3); CREATE TABLE public.once (x int);"))
            let results = Mutex<[Int]>([])
            let errors = Mutex<[String]>([])
            let threads = (0..<2).map { _ in
                Thread {
                    do {
                        let c = try Connection(db.url)
                        let outcome = try Migrator.migrate(c, migrations: Migrator.bundled + [extra])
                        results.withLock { $0.append(outcome.applied.count) }
                    } catch {
                        errors.withLock { $0.append("\(error)") }
                    }
                }
            }
            threads.forEach { $0.start() }
            while results.withLock({ $0.count }) + errors.withLock({ $0.count }) < 2 { usleep(10_000) }
            #expect(errors.withLock { $0 }.isEmpty)
            #expect(results.withLock { $0.sorted() } == [0, 1])
            #expect(try conn.queryValue("SELECT count(*) FROM public.tilskot_migrations WHERE version = 9999", as: Int.self) == 1)
        }
    }

    @Test("the five group roles exist and user add is idempotent")
    func rolesAndUsers() throws {
        try TestDatabase.with { db in
            let conn = try db.connect()
            for role in ["caseworker", "manager", "finance", "auditor", "admin"] {
                #expect(try conn.queryValue("SELECT 1 FROM pg_roles WHERE rolname = $1 AND NOT rolcanlogin", ["tilskot_\(role)"], as: Int.self) == 1)
            }
            let session = try db.session()
            try Users.add("migrator_test_user", role: .auditor, fullName: "Test Person", session: session)
            try Users.add("migrator_test_user", role: .auditor, fullName: nil, session: session)
            #expect(try conn.queryValue("SELECT pg_has_role('migrator_test_user', 'tilskot_auditor', 'MEMBER')", as: Bool.self) == true)
            #expect(throws: TilskotError.self) { try Users.add("Robert'); DROP", role: .auditor, fullName: nil, session: session) }
        }
    }
}

import Foundation
import Synchronization
