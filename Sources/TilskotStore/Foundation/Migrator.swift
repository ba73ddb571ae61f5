import PGClient

/// One numbered SQL file of `SQL/migrations`, built into the binary.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    /// `0002_lifecycle.sql` → version 2.
    public init?(fileName: String, sql: String) {
        guard fileName.hasSuffix(".sql"), let number = Int(fileName.prefix(while: \.isNumber)) else { return nil }
        self.version = number
        self.name = fileName
        self.sql = sql
    }
}

/// Applies the built-in migrations in order, each in its own transaction, recorded with a checksum.
/// An advisory lock makes two `tilskot migrate` at once safe: the second waits, then finds nothing to do.
public enum Migrator {
    /// Every migration built into this binary, in order.
    public static var bundled: [Migration] {
        EmbeddedSQL.files.filter { $0.folder == "migrations" }
            .compactMap { Migration(fileName: $0.name, sql: $0.text) }
            .sorted { $0.version < $1.version }
    }

    /// Any fixed number: the key of the advisory lock that serialises migration runs.
    static let lockKey: Int64 = 0x7469_6C73_6B6F_74

    public struct Outcome: Sendable {
        public var applied: [Migration]
        public var pending: [Migration]
    }

    /// Applies what is pending (or only lists it with `dryRun`).
    public static func migrate(_ connection: Connection, migrations: [Migration] = bundled, dryRun: Bool = false) throws -> Outcome {
        try connection.execute("SELECT pg_advisory_lock($1)", [lockKey])
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [lockKey]) }
        try actAsOwner(connection)
        defer { _ = try? connection.execute("RESET ROLE") }
        try connection.executeScript("""
            CREATE TABLE IF NOT EXISTS public.tilskot_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                applied_by text NOT NULL DEFAULT session_user
            )
            """)
        let applied = try connection.query("SELECT version, name, checksum FROM public.tilskot_migrations ORDER BY version")
        var appliedChecksums: [Int: (name: String, checksum: String)] = [:]
        for row in applied {
            appliedChecksums[try row.int("version")] = (try row.string("name"), try row.string("checksum"))
        }
        let known = Set(migrations.map(\.version))
        if let unknown = appliedChecksums.keys.sorted().first(where: { !known.contains($0) }) {
            throw TilskotError.refused("the database has migration \(appliedChecksums[unknown]!.name), which this tilskot does not know; install the tilskot that applied it")
        }
        var pending: [Migration] = []
        for migration in migrations {
            let checksum = try self.checksum(of: migration, on: connection)
            if let recorded = appliedChecksums[migration.version] {
                guard recorded.checksum == checksum else {
                    throw TilskotError.refused("migration \(migration.name) has changed since it was applied to this database; applied migrations must not be edited, so put the change in a new migration")
                }
            } else {
                pending.append(migration)
            }
        }
        if dryRun { return Outcome(applied: [], pending: pending) }
        var done: [Migration] = []
        for migration in pending {
            try connection.transaction {
                try connection.executeScript(migration.sql)
                try connection.execute(
                    "INSERT INTO public.tilskot_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    [migration.version, migration.name, try self.checksum(of: migration, on: connection)])
            }
            done.append(migration)
        }
        return Outcome(applied: done, pending: [])
    }

    /// The schema is made and changed as tilskot_owner, the NOLOGIN role that is not a superuser
    /// (deploy/create-roles.sql makes it, on a directorate's server and on the embedded cluster
    /// alike), so that no table, trigger or SECURITY DEFINER function belongs to a superuser. The
    /// deployer's sessions already act as it; the embedded cluster's bootstrap superuser and the test
    /// harness take it with SET ROLE.
    static func actAsOwner(_ connection: Connection) throws {
        let row = try connection.query("""
            SELECT current_user::text AS who,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tilskot_owner') AS owner_exists,
                   (SELECT pg_catalog.pg_get_userbyid(nspowner)::text FROM pg_catalog.pg_namespace WHERE nspname = 'tilskot') AS schema_owner
            """).first
        guard let row, try row.bool("owner_exists") else {
            throw TilskotError.refused("this server has no role tilskot_owner; run deploy/create-roles.sql on it first (`tilskot db start` does so for the local database)")
        }
        if let schemaOwner = row["schema_owner"], schemaOwner != "tilskot_owner" {
            throw TilskotError.refused("the tilskot schema in this database belongs to \(schemaOwner), not tilskot_owner: it was made by a tilskot before the owner role (0.1.0, issue 14); make the database anew (for the local one: `tilskot db stop`, remove its data folder, `tilskot db start`)")
        }
        if try row.string("who") != "tilskot_owner" {
            try connection.execute("SET ROLE tilskot_owner")
        }
    }

    /// SHA-256 of the file's text, computed by the server so we need no crypto package.
    static func checksum(of migration: Migration, on connection: Connection) throws -> String {
        try connection.queryValue("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", [migration.sql]) ?? ""
    }
}
