import PGClient

/// One numbered SQL file of `SQL/migrations`, built into the binary: tables, columns, constraints,
/// indexes and data. Versioned: applied once, never edited afterwards.
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

/// One topic file of `SQL/schema`, built into the binary: the current definition of its functions,
/// triggers, views, policies and grants. Repeatable: applied again whenever its text changes.
public struct SchemaFile: Sendable, Equatable {
    public let name: String
    public let sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

/// Brings a database to this binary's schema: the numbered migrations not yet applied, in order,
/// then every topic file of SQL/schema whose checksum differs from the one recorded, in name order
/// (Flyway's versioned and repeatable migrations) — all in one transaction, under an advisory lock,
/// so two `tilskot migrate` at once are safe (the second waits, then finds nothing to do) and a
/// failure leaves the database as it was. docs/migrations.md says how changes are made.
public enum Migrator {
    /// Every migration built into this binary, in order.
    public static var bundled: [Migration] {
        EmbeddedSQL.files.filter { $0.folder == "migrations" }
            .compactMap { Migration(fileName: $0.name, sql: $0.text) }
            .sorted { $0.version < $1.version }
    }

    /// Every topic file built into this binary, in the order they load.
    public static var bundledSchema: [SchemaFile] {
        EmbeddedSQL.files.filter { $0.folder == "schema" && $0.name.hasSuffix(".sql") }
            .map { SchemaFile(name: $0.name, sql: $0.text) }
            .sorted { $0.name < $1.name }
    }

    /// The first migration of every database made by a tilskot before 0.1.0 (the chain 0001–0053
    /// that the baseline replaced).
    static let chainBeforeBaseline = "0001_roles_and_schema.sql"

    /// Any fixed number: the key of the advisory lock that serialises migration runs.
    static let lockKey: Int64 = 0x7469_6C73_6B6F_74

    public struct Outcome: Sendable {
        public var applied: [Migration]
        public var pending: [Migration]
        /// Topic files applied (or, on a dry run, that would be) because their text changed.
        public var schemaApplied: [SchemaFile] = []
        public var schemaPending: [SchemaFile] = []
    }

    /// Applies what is pending (or only lists it with `dryRun`).
    public static func migrate(_ connection: Connection, migrations: [Migration] = bundled,
                               schema: [SchemaFile] = bundledSchema, dryRun: Bool = false) throws -> Outcome {
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
            );
            CREATE TABLE IF NOT EXISTS public.tilskot_schema_files (
                name       text PRIMARY KEY,
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
        if appliedChecksums[1]?.name == chainBeforeBaseline {
            throw TilskotError.refused("this database was made by a tilskot before 0.1.0 (its first migration is \(chainBeforeBaseline)), and 0.1.0 starts from a new baseline with no upgrade path; make the database anew (locally: `tilskot db create NAME --replace`, then `tilskot migrate`) — docs/migrations.md")
        }
        let known = Set(migrations.map(\.version))
        if let unknown = appliedChecksums.keys.sorted().first(where: { !known.contains($0) }) {
            throw TilskotError.refused("the database has migration \(appliedChecksums[unknown]!.name), which this tilskot does not know; install the tilskot that applied it")
        }
        var pending: [Migration] = []
        for migration in migrations {
            let checksum = try self.checksum(of: migration.sql, on: connection)
            if let recorded = appliedChecksums[migration.version] {
                guard recorded.checksum == checksum else {
                    throw TilskotError.refused("migration \(migration.name) has changed since it was applied to this database; applied migrations must not be edited, so put the change in a new migration")
                }
            } else {
                pending.append(migration)
            }
        }
        var recordedSchema: [String: String] = [:]
        for row in try connection.query("SELECT name, checksum FROM public.tilskot_schema_files") {
            recordedSchema[try row.string("name")] = try row.string("checksum")
        }
        var schemaPending: [SchemaFile] = []
        for file in schema {
            let current = try checksum(of: file.sql, on: connection)
            if recordedSchema[file.name] != current { schemaPending.append(file) }
        }
        if dryRun { return Outcome(applied: [], pending: pending, schemaApplied: [], schemaPending: schemaPending) }
        guard !pending.isEmpty || !schemaPending.isEmpty else { return Outcome(applied: [], pending: []) }
        try connection.transaction {
            for migration in pending {
                try connection.executeScript(migration.sql)
                try connection.execute(
                    "INSERT INTO public.tilskot_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    [migration.version, migration.name, try self.checksum(of: migration.sql, on: connection)])
            }
            // A topic file may call a function of a later one (pg_dump loads the same way).
            try connection.execute("SET LOCAL check_function_bodies = off")
            for file in schemaPending {
                try connection.executeScript(file.sql)
                try connection.execute("""
                    INSERT INTO public.tilskot_schema_files (name, checksum) VALUES ($1, $2)
                    ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now(), applied_by = session_user
                    """, [file.name, try self.checksum(of: file.sql, on: connection)])
            }
        }
        return Outcome(applied: pending, pending: [], schemaApplied: schemaPending, schemaPending: [])
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
    static func checksum(of sql: String, on connection: Connection) throws -> String {
        try connection.queryValue("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", [sql]) ?? ""
    }
}
