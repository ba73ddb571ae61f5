import Foundation
import PGClient
import Testing
import TilskotLocalCluster
import TilskotStore
import TilskotTestSupport

/// The schema as PostgreSQL sees it: SQL/catalog.txt is Scripts/print-catalog.sql's output for a
/// database made by `tilskot migrate` (the baseline and SQL/schema). When the 0.1.0 baseline replaced
/// the chain of migrations 0001–0053, the same script printed the old chain's catalog; the two
/// differed in three trigger WHEN clauses only, where PostgreSQL prints `(a OR b) OR c` for the old
/// and `a OR b OR c` for the new (the same condition). Since then this test keeps the file honest:
/// change SQL/, run Scripts/refresh-catalog, and the diff of catalog.txt is the change.
@Suite("the schema's catalog")
struct SchemaCatalogTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func catalog(_ db: TestDatabase) throws -> String {
        let script = repository.appending(path: "Scripts/print-catalog.sql").path
        let result = try ChildProcess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-f", script, db.url],
                                          separateStandardError: true)
        #expect(result.exitCode == 0, "print-catalog: \(result.errorOutput)")
        return result.output
    }

    static func firstDifference(_ a: String, _ b: String) -> String {
        let left = a.split(separator: "\n", omittingEmptySubsequences: false)
        let right = b.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(left.count, right.count) {
            let l = index < left.count ? String(left[index]) : "(end)"
            let r = index < right.count ? String(right[index]) : "(end)"
            if l != r { return "line \(index + 1):\n  expected: \(l.prefix(300))\n  actual:   \(r.prefix(300))" }
        }
        return "none"
    }

    @Test("a migrated database's catalog is SQL/catalog.txt (run Scripts/refresh-catalog after changing SQL/)")
    func catalogMatchesTheFile() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        let expected = try String(contentsOf: Self.repository.appending(path: "SQL/catalog.txt"), encoding: .utf8)
        let actual = try Self.catalog(db)
        #expect(actual.count > 100_000, "the catalog is too short to be the schema")
        #expect(actual == expected, "first difference: \(Self.firstDifference(expected, actual))")
    }

    @Test("every schema file can be applied again over itself and changes nothing; a changed file is applied again, an unchanged one is not")
    func schemaFilesAreRepeatable() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        let before = try Self.catalog(db)
        let c = try db.connect()
        // Forget every recorded checksum: migrate applies all 16 files again.
        try c.execute("UPDATE public.tilskot_schema_files SET checksum = 'stale'")
        let again = try Migrator.migrate(c)
        #expect(again.applied.isEmpty)
        #expect(again.schemaApplied.map(\.name) == Migrator.bundledSchema.map(\.name))
        let after = try Self.catalog(db)
        #expect(after == before, "first difference: \(Self.firstDifference(before, after))")
        // Nothing changed: nothing to do.
        let nothing = try Migrator.migrate(c)
        #expect(nothing.applied.isEmpty && nothing.schemaApplied.isEmpty)
        // One file changed: only it is applied, in the same run as a new numbered migration.
        var schema = Migrator.bundledSchema
        let index = try #require(schema.firstIndex { $0.name.hasPrefix("00_") })
        schema[index] = SchemaFile(name: schema[index].name, sql: schema[index].sql + "\nCOMMENT ON FUNCTION tilskot.format_kr(bigint) IS 'kroner for people';\n")
        let extra = try #require(Migration(fileName: "9999_probe.sql", sql: "CREATE TABLE public.probe (x int);"))
        let dry = try Migrator.migrate(c, migrations: Migrator.bundled + [extra], schema: schema, dryRun: true)
        #expect(dry.pending.map(\.name) == ["9999_probe.sql"] && dry.schemaPending.map(\.name) == [schema[index].name])
        let changed = try Migrator.migrate(c, migrations: Migrator.bundled + [extra], schema: schema)
        #expect(changed.applied.map(\.name) == ["9999_probe.sql"])
        #expect(changed.schemaApplied.map(\.name) == [schema[index].name])
        #expect(try c.queryValue("SELECT obj_description('tilskot.format_kr(bigint)'::regprocedure)", as: String.self) == "kroner for people")
    }

    @Test("a failing schema file rolls back the numbered migrations of the same run")
    func oneTransaction() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        let c = try db.connect()
        var schema = Migrator.bundledSchema
        schema[0] = SchemaFile(name: schema[0].name, sql: schema[0].sql + "\nSELECT 1/0;\n")
        let extra = try #require(Migration(fileName: "9999_probe.sql", sql: "CREATE TABLE public.probe (x int);"))
        #expect(throws: PGError.self) { try Migrator.migrate(c, migrations: Migrator.bundled + [extra], schema: schema) }
        #expect(try c.queryValue("SELECT to_regclass('public.probe')::text", as: String.self) == nil)
        #expect(try c.queryValue("SELECT count(*) FROM public.tilskot_migrations WHERE version = 9999", as: Int.self) == 0)
    }

    @Test("a database made by the chain before 0.1.0 is refused with one sentence that says what to do")
    func oldChainRefused() throws {
        try TestDatabase.with { db in
            let c = try db.connect()
            try c.execute("UPDATE public.tilskot_migrations SET name = '0001_roles_and_schema.sql' WHERE version = 1")
            let error = try #require(throws: TilskotError.self) { try Migrator.migrate(c) }
            #expect(error.description.contains("before 0.1.0") && error.description.contains("--replace"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("one definition each: no function is created twice across SQL/")
    func oneDefinitionEach() throws {
        var seen: [String: Int] = [:]
        let files = Migrator.bundled.map(\.sql) + Migrator.bundledSchema.map(\.sql)
        let pattern = try NSRegularExpression(pattern: #"CREATE (?:OR REPLACE )?FUNCTION tilskot\.(\w+)\("#)
        for text in files {
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { seen[String(text[range]), default: 0] += 1 }
            }
        }
        #expect(seen.count >= 80)
        #expect(seen.filter { $0.value > 1 }.isEmpty, "defined more than once: \(seen.filter { $0.value > 1 })")
    }
}
