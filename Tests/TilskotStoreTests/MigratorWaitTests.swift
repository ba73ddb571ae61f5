import Foundation
import PGClient
import Synchronization
import Testing
import TilskotStore
import TilskotTestSupport

/// `tilskot migrate` on a live database (issue 18): a dry run any reader may make, on a standby and
/// in a read-only transaction; a run that says whom it waits for and gives up instead of making
/// every other session queue behind its DDL.
@Suite("migrations: dry run for readers, waits")
struct MigratorWaitTests {
    static let caseworker = "mw_kari"

    static let extra = Migration(fileName: "9999_test_extra.sql", sql: "ALTER TABLE tilskot.application ADD COLUMN wait_probe integer;")!

    @Test("a dry run as a caseworker in a read-only session lists what is pending, taking no lock and making nothing")
    func dryRunAsReader() throws {
        try TestDatabase.with { db in
            try db.addUsers([Self.caseworker: .caseworker])
            let kari = try db.connect(asLogin: Self.caseworker)
            try kari.execute("SET default_transaction_read_only = on")
            // Another run holds the migration lock: a dry run does not wait for it.
            let holder = try db.connect()
            try holder.execute("SELECT pg_advisory_lock(32767011812241268)")
            let started = ContinuousClock.now
            let outcome = try Migrator.migrate(kari, migrations: Migrator.bundled + [Self.extra], dryRun: true,
                                               waits: .init(migrateLock: 5, lockTimeout: 1))
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(outcome.pending.map(\.name) == ["9999_test_extra.sql"])
            #expect(outcome.schemaPending.isEmpty)
            #expect(outcome.levelBefore == SchemaLevel.bundled)
            #expect(try kari.queryValue("SELECT current_user::text", as: String.self) == Self.caseworker)
            // Nothing recorded, no column.
            #expect(try holder.queryValue("SELECT count(*) FROM public.tilskot_migrations WHERE version = 9999", as: Int.self) == 0)
            #expect(try holder.queryValue("SELECT count(*) FROM pg_attribute WHERE attrelid = 'tilskot.application'::regclass AND attname = 'wait_probe'", as: Int.self) == 0)
        }
    }

    @Test("records without the grant to every login: the dry run says so; the next migrate grants them")
    func dryRunBeforeTheGrant() throws {
        try TestDatabase.with { db in
            try db.addUsers([Self.caseworker: .caseworker])
            let owner = try db.connect(actingAs: "tilskot_owner")
            try owner.executeScript("""
                REVOKE SELECT ON public.tilskot_migrations, public.tilskot_schema_files FROM PUBLIC;
                DROP TABLE public.tilskot_schema_level
                """)
            let kari = try db.connect(asLogin: Self.caseworker)
            let refused = try #require(throws: TilskotError.self) { try Migrator.migrate(kari, dryRun: true) }
            #expect(refused.description.contains("may not read public.tilskot_migrations"))
            #expect(refused.description.contains("run `tilskot migrate` once as the deployer"))
            // The deployer's run applies nothing but grants the records and records the level.
            let outcome = try Migrator.migrate(try db.connect())
            #expect(outcome.applied.isEmpty && outcome.schemaApplied.isEmpty)
            #expect(outcome.levelBefore == nil)
            let again = try Migrator.migrate(kari, dryRun: true)
            #expect(again.pending.isEmpty && again.schemaPending.isEmpty)
            #expect(again.levelBefore == SchemaLevel.bundled)
            #expect(try SchemaLevel.compare(kari) == .current)
        }
    }

    @Test("a run behind another run's lock says once whom it waits for, then refuses after TILSKOT_MIGRATE_WAIT")
    func waitsForAnotherRun() throws {
        try TestDatabase.with { db in
            let holder = try db.connect()
            try holder.execute("SELECT pg_advisory_lock(32767011812241268)")
            let holderPID = holder.backendPID
            let c = try db.connect()
            var lines: [String] = []
            let started = ContinuousClock.now
            let refused = try #require(throws: TilskotError.self) {
                try Migrator.migrate(c, migrations: Migrator.bundled + [Self.extra],
                                     waits: .init(migrateLock: 0.6, lockTimeout: 1)) { lines.append($0) }
            }
            let waited = ContinuousClock.now - started
            #expect(waited >= .milliseconds(500) && waited < .seconds(5), "\(waited)")
            #expect(lines.count == 1)
            #expect(lines.first?.hasPrefix("waiting for another `tilskot migrate` (pid \(holderPID), user tilskot, since ") == true, "\(lines)")
            #expect(refused.description.hasPrefix("migrate refused: another `tilskot migrate` (pid \(holderPID)"), "\(refused)")
            #expect(refused.description.contains("nothing was applied"))
            #expect(try c.queryValue("SELECT count(*) FROM public.tilskot_migrations WHERE version = 9999", as: Int.self) == 0)
            // The session's own lock_timeout is put back.
            #expect(try c.queryValue("SELECT current_setting('lock_timeout')", as: String.self) == "0")
            // Once the other run ends, the run goes through.
            try holder.execute("SELECT pg_advisory_unlock(32767011812241268)")
            let outcome = try Migrator.migrate(c, migrations: Migrator.bundled + [Self.extra], waits: .init(migrateLock: 0.6, lockTimeout: 1))
            #expect(outcome.applied.map(\.name) == ["9999_test_extra.sql"])
        }
    }

    @Test("DDL behind a caseworker's open transaction gives up after the lock timeout, names her, and applies nothing")
    func ddlBehindCasework() throws {
        try TestDatabase.with { db in
            try db.addUsers([Self.caseworker: .caseworker])
            let kari = try db.connect(asLogin: Self.caseworker)
            try kari.execute("SET application_name = 'tilskot application list'")
            try kari.execute("BEGIN")
            _ = try kari.query("SELECT count(*) FROM tilskot.application")
            let c = try db.connect()
            // A reader queued behind the DDL would wait too: the timeout bounds that.
            let started = ContinuousClock.now
            let refused = try #require(throws: TilskotError.self) {
                try Migrator.migrate(c, migrations: Migrator.bundled + [Self.extra], waits: .init(migrateLock: 1, lockTimeout: 0.5))
            }
            #expect(ContinuousClock.now - started < .seconds(5))
            let sentence = refused.description
            #expect(sentence.hasPrefix("migrate refused: waited 0.5 s (lock_timeout, TILSKOT_MIGRATE_LOCK_TIMEOUT)"), "\(sentence)")
            #expect(sentence.contains("pid \(kari.backendPID) (user \(Self.caseworker), tilskot application list"), "\(sentence)")
            #expect(sentence.contains("tilskot.application"), "\(sentence)")
            #expect(sentence.contains("nothing was applied"))
            try kari.execute("ROLLBACK")
            #expect(try c.queryValue("SELECT count(*) FROM public.tilskot_migrations WHERE version = 9999", as: Int.self) == 0)
            #expect(try c.queryValue("SELECT count(*) FROM pg_attribute WHERE attrelid = 'tilskot.application'::regclass AND attname = 'wait_probe'", as: Int.self) == 0)
            // The migration lock was let go: the next run applies it.
            let outcome = try Migrator.migrate(c, migrations: Migrator.bundled + [Self.extra], waits: .init(migrateLock: 1, lockTimeout: 0.5))
            #expect(outcome.applied.map(\.name) == ["9999_test_extra.sql"])
        }
    }
}
