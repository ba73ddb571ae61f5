import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

/// Version safety (issue 18): the level `tilskot migrate` records, and what every session learns by
/// comparing it with the binary's.
@Suite("schema level")
struct SchemaLevelTests {
    static let reader = "sl_reader_kari"

    /// This binary's migration number and hash.
    static var ours: (number: Int, hash: String) {
        let parts = SchemaLevel.bundled.split(separator: ".", maxSplits: 1).map(String.init)
        return (Int(parts[0]) ?? -1, parts.count == 2 ? parts[1] : "")
    }

    @Test("the binary's level is the highest embedded migration and 16 hex digits, and migrate records it")
    func migrateRecordsTheLevel() throws {
        let level = SchemaLevel.bundled
        #expect(level.wholeMatch(of: /[0-9]+\.[0-9a-f]{16}/) != nil, "\(level)")
        #expect(Self.ours.number == Migrator.bundled.map(\.version).max())
        #expect(BundledSQL.schemaLevel == level)
        try TestDatabase.with { db in
            let c = try db.connect()
            #expect(try c.queryValue("SELECT level FROM public.tilskot_schema_level", as: String.self) == level)
            #expect(try c.queryValue("SELECT count(*) FROM public.tilskot_schema_level", as: Int.self) == 1)
            #expect(try SchemaLevel.compare(c) == .current)
            // A second run changes nothing: the same one row.
            let before = try c.queryValue("SELECT migrated_at::text FROM public.tilskot_schema_level", as: String.self)
            _ = try Migrator.migrate(c)
            #expect(try c.queryValue("SELECT migrated_at::text FROM public.tilskot_schema_level", as: String.self) == before)
        }
    }

    @Test("the level's hash is FNV-1a 64 of the embedded migrations' and schema files' names and texts")
    func levelIsTheFingerprintOfTheEmbeddedFiles() throws {
        func fnv(_ files: [(String, String)]) -> String {
            var value: UInt64 = 0xcbf2_9ce4_8422_2325
            func add(_ text: String) {
                for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
                value = (value ^ 0xff) &* 0x0000_0100_0000_01b3
            }
            for (key, text) in files.sorted(by: { $0.0 < $1.0 }) {
                add(key)
                add(text)
            }
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }
        let files = Migrator.bundled.map { ("migrations/\($0.name)", $0.sql) } + Migrator.bundledSchema.map { ("schema/\($0.name)", $0.sql) }
        #expect(Self.ours.hash == fnv(files))
        // One character anywhere makes another level.
        var edited = files
        edited[edited.count - 1].1 += " "
        #expect(fnv(edited) != Self.ours.hash)
    }

    @Test("any login reads the level, in a read-only transaction too")
    func anyReaderCompares() throws {
        try TestDatabase.with { db in
            try db.addUsers([Self.reader: .caseworker])
            let kari = try db.connect(asLogin: Self.reader)
            try kari.execute("SET default_transaction_read_only = on")
            #expect(try SchemaLevel.compare(kari) == .current)
            try kari.execute("BEGIN")
            #expect(try SchemaLevel.compare(kari) == .current)
            #expect(try kari.queryValue("SELECT 1", as: Int.self) == 1)
            try kari.execute("COMMIT")
            // The one row cannot be changed by her.
            try kari.execute("SET default_transaction_read_only = off")
            let denied = try #require(throws: PGError.self) { try kari.execute("UPDATE public.tilskot_schema_level SET level = 'x'") }
            #expect(denied.sqlState == "42501")
        }
    }

    @Test("a database missing this binary's last migration is older: run `tilskot migrate`")
    func olderWhenAMigrationIsMissing() throws {
        try TestDatabase.with { db in
            let c = try db.connect()
            try c.execute("DELETE FROM public.tilskot_migrations WHERE version = $1", [Self.ours.number])
            let comparison = try SchemaLevel.compare(c)
            guard case .older(let sentence) = comparison else {
                Issue.record("expected .older, got \(comparison)")
                return
            }
            #expect(sentence.contains("run `tilskot migrate` (the DBA/deployer)"))
            #expect(sentence.contains(SchemaLevel.bundled))
        }
        try TestDatabase.with { db in
            let c = try db.connect()
            try c.execute("UPDATE public.tilskot_schema_level SET level = $1", ["\(Self.ours.number - 1).\(Self.ours.hash)"])
            let comparison = try SchemaLevel.compare(c)
            guard case .older(let sentence) = comparison else {
                Issue.record("expected .older, got \(comparison)")
                return
            }
            #expect(sentence.contains("\(Self.ours.number - 1).\(Self.ours.hash)"))
            #expect(sentence.contains(SchemaLevel.bundled))
            // migrate records the binary's level again (nothing else is pending).
            let outcome = try Migrator.migrate(c)
            #expect(outcome.applied.isEmpty && outcome.schemaApplied.isEmpty)
            #expect(outcome.levelBefore == "\(Self.ours.number - 1).\(Self.ours.hash)")
            #expect(try SchemaLevel.compare(c) == .current)
        }
    }

    @Test("a database migrated by a newer tilskot is newer: install the tilskot that migrated it")
    func newer() throws {
        try TestDatabase.with { db in
            let c = try db.connect()
            let theirs = "\(Self.ours.number + 1).0123456789abcdef"
            try c.execute("UPDATE public.tilskot_schema_level SET level = $1", [theirs])
            let comparison = try SchemaLevel.compare(c)
            guard case .newer(let sentence) = comparison else {
                Issue.record("expected .newer, got \(comparison)")
                return
            }
            #expect(sentence.contains("install the tilskot that migrated it (schema \(theirs))"))
            #expect(sentence.contains(SchemaLevel.bundled))
        }
        try TestDatabase.with { db in
            // A migration this binary does not know, with the level row left as ours.
            let c = try db.connect()
            try c.execute("INSERT INTO public.tilskot_migrations (version, name, checksum) VALUES ($1, 'from_the_future.sql', 'x')", [Self.ours.number + 5])
            guard case .newer = try SchemaLevel.compare(c) else {
                Issue.record("expected .newer")
                return
            }
        }
    }

    @Test("the same migrations with other schema text is different: another build")
    func different() throws {
        try TestDatabase.with { db in
            let c = try db.connect()
            let theirs = "\(Self.ours.number).\(Self.ours.hash == "0123456789abcdef" ? "fedcba9876543210" : "0123456789abcdef")"
            try c.execute("UPDATE public.tilskot_schema_level SET level = $1", [theirs])
            let comparison = try SchemaLevel.compare(c)
            guard case .different(let sentence) = comparison else {
                Issue.record("expected .different, got \(comparison)")
                return
            }
            #expect(sentence.contains(theirs) && sentence.contains(SchemaLevel.bundled))
            #expect(sentence.contains("install the tilskot that migrated it (schema \(theirs))"))
        }
    }

    @Test("no level recorded is unmigrated: an older tilskot's database, or one never migrated")
    func unmigrated() throws {
        try TestDatabase.with { db in
            let c = try db.connect()
            try c.execute("DELETE FROM public.tilskot_schema_level")
            guard case .unmigrated(let sentence) = try SchemaLevel.compare(c) else {
                Issue.record("expected .unmigrated")
                return
            }
            #expect(sentence.contains("before levels were recorded"))
            try c.execute("DROP TABLE public.tilskot_schema_level")
            // In a transaction the missing table does not abort it.
            try c.transaction { () throws -> Void in
                guard case .unmigrated(let inside) = try SchemaLevel.compare(c) else {
                    Issue.record("expected .unmigrated in a transaction")
                    return
                }
                #expect(inside.contains("before levels were recorded"))
                #expect(try c.queryValue("SELECT 1", as: Int.self) == 1)
            }
            try c.execute("DROP TABLE public.tilskot_migrations")
            guard case .unmigrated(let never) = try SchemaLevel.compare(c) else {
                Issue.record("expected .unmigrated for a database never migrated")
                return
            }
            #expect(never.contains("run `tilskot migrate` (the DBA/deployer)"))
            #expect(!never.contains("before levels were recorded"))
        }
    }
}
