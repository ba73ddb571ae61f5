import Foundation
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
/// failure leaves the database as it was. The run records the binary's schema level (SchemaLevel).
/// docs/migrations.md says how changes are made.
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
        /// The level recorded in the database before this run (nil: none recorded).
        public var levelBefore: String? = nil
        /// The level this run records (or, on a dry run, would): the binary's.
        public var level: String = SchemaLevel.bundled
    }

    /// How long a run waits for another run's advisory lock, and for the locks its DDL needs.
    public struct Waits: Sendable {
        /// Seconds to wait for another `tilskot migrate` (TILSKOT_MIGRATE_WAIT, default 60).
        public var migrateLock: Double
        /// The migration transaction's lock_timeout in seconds (TILSKOT_MIGRATE_LOCK_TIMEOUT,
        /// default 10): DDL queued behind a casework transaction would make every later session
        /// queue behind it, so it gives up instead and names the blocker.
        public var lockTimeout: Double

        public init(migrateLock: Double = 60, lockTimeout: Double = 10) {
            self.migrateLock = migrateLock
            self.lockTimeout = lockTimeout
        }

        /// From TILSKOT_MIGRATE_WAIT and TILSKOT_MIGRATE_LOCK_TIMEOUT (seconds; unset, empty or not a
        /// non-negative number: the default).
        public static func from(environment: [String: String]) -> Waits {
            func seconds(_ key: String, _ fallback: Double) -> Double {
                guard let text = environment[key], let value = Double(text), value >= 0, value.isFinite else { return fallback }
                return value
            }
            return Waits(migrateLock: seconds("TILSKOT_MIGRATE_WAIT", 60),
                         lockTimeout: seconds("TILSKOT_MIGRATE_LOCK_TIMEOUT", 10))
        }
    }

    /// What the database has recorded: applied migrations, schema files' checksums and its level.
    struct Recorded {
        var migrations: [Int: (name: String, checksum: String)] = [:]
        var schema: [String: String] = [:]
        var level: String?
        /// Whether the bookkeeping tables exist and every login may read them.
        var tablesReady = false
    }

    /// Applies what is pending (or only lists it with `dryRun`).
    ///
    /// A dry run only reads: no lock, no table made, no SET ROLE, so any login that can connect may
    /// run it, in a read-only transaction and on a standby. A real run waits at most
    /// `waits.migrateLock` seconds for another run (telling `progress` once whom it waits for), then
    /// applies everything in one transaction whose lock_timeout is `waits.lockTimeout`.
    public static func migrate(_ connection: Connection, migrations: [Migration] = bundled,
                               schema: [SchemaFile] = bundledSchema, dryRun: Bool = false,
                               level: String = SchemaLevel.bundled, waits: Waits = Waits(),
                               progress: (String) -> Void = { _ in }) throws -> Outcome {
        if dryRun {
            let recorded = try readRecorded(connection)
            let (pending, schemaPending) = try plan(recorded, migrations: migrations, schema: schema, on: connection)
            return Outcome(applied: [], pending: pending, schemaApplied: [], schemaPending: schemaPending,
                           levelBefore: recorded.level, level: level)
        }
        try requireWritable(connection)
        try takeLock(connection, wait: waits.migrateLock, progress: progress)
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [lockKey]) }
        try actAsOwner(connection)
        defer { _ = try? connection.execute("RESET ROLE") }
        let recorded = try readRecorded(connection)
        let (pending, schemaPending) = try plan(recorded, migrations: migrations, schema: schema, on: connection)
        guard !pending.isEmpty || !schemaPending.isEmpty || !recorded.tablesReady || recorded.level != level else {
            return Outcome(applied: [], pending: [], levelBefore: recorded.level, level: level)
        }
        do {
            try connection.transaction {
                try connection.execute("SELECT set_config('lock_timeout', $1, true)", ["\(Int((waits.lockTimeout * 1000).rounded()))ms"])
                // A migration may rewrite a large table: the client's statement_timeout is for casework.
                try connection.execute("SET LOCAL statement_timeout = 0")
                try connection.executeScript(bookkeepingSQL)
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
                try SchemaLevel.record(level, on: connection)
            }
        } catch let error as PGError where error.sqlState == "55P03" {
            // As the login again: a DBA's login may see other sessions' state, tilskot_owner does not.
            _ = try? connection.execute("RESET ROLE")
            throw TilskotError.refused(try blockedSentence(connection, waited: waits.lockTimeout))
        }
        return Outcome(applied: pending, pending: [], schemaApplied: schemaPending, schemaPending: [],
                       levelBefore: recorded.level, level: level)
    }

    /// The bookkeeping tables, readable by every login (a dry run, `db check` and every session's
    /// level check read them; databases migrated before the grant get it at their next migrate).
    static let bookkeepingSQL = """
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
        );
        GRANT SELECT ON public.tilskot_migrations, public.tilskot_schema_files TO PUBLIC;
        \(SchemaLevel.tableSQL)
        """

    /// Reads the bookkeeping tables, writing nothing; absent tables read as empty.
    static func readRecorded(_ connection: Connection) throws -> Recorded {
        var recorded = Recorded()
        let state = try connection.queryRow("""
            SELECT to_regclass('public.tilskot_migrations') IS NOT NULL AS migrations,
                   to_regclass('public.tilskot_schema_files') IS NOT NULL AS schema_files,
                   to_regclass('public.tilskot_schema_level') IS NOT NULL AS level,
                   coalesce((SELECT bool_and(EXISTS (
                       SELECT 1 FROM aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
                       WHERE a.grantee = 0 AND a.privilege_type = 'SELECT'))
                     FROM pg_catalog.pg_class c
                     WHERE c.oid IN (to_regclass('public.tilskot_migrations'), to_regclass('public.tilskot_schema_files'),
                                     to_regclass('public.tilskot_schema_level'))), false) AS granted
            """)
        guard let state, try state.bool("migrations") else { return recorded }
        let rows: (migrations: [Row], schema: [Row], level: String?)
        do {
            rows = try readBookkeeping(connection, schemaFiles: try state.bool("schema_files"), level: try state.bool("level"))
        } catch let error as PGError where error.sqlState == "42501" {
            let login = (try? connection.queryValue("SELECT session_user::text", as: String.self)) ?? nil
            throw TilskotError.refused("migrate --dry-run refused: the login \(login ?? "user") may not read public.tilskot_migrations: the database was migrated before `tilskot migrate` granted its records to every login; run the dry run as the deployer, or run `tilskot migrate` once as the deployer (it adds the grant)")
        }
        for row in rows.migrations {
            recorded.migrations[try row.int("version")] = (try row.string("name"), try row.string("checksum"))
        }
        for row in rows.schema {
            recorded.schema[try row.string("name")] = try row.string("checksum")
        }
        recorded.level = rows.level
        recorded.tablesReady = try state.bool("schema_files") && state.bool("level") && state.bool("granted")
        return recorded
    }

    static func readBookkeeping(_ connection: Connection, schemaFiles: Bool, level: Bool) throws -> (migrations: [Row], schema: [Row], level: String?) {
        let migrations = try connection.query("SELECT version, name, checksum FROM public.tilskot_migrations ORDER BY version")
        let schema = schemaFiles ? try connection.query("SELECT name, checksum FROM public.tilskot_schema_files") : []
        let recordedLevel = level ? try connection.queryValue("SELECT level FROM public.tilskot_schema_level LIMIT 1", as: String.self) : nil
        return (migrations, schema, recordedLevel)
    }

    /// What is pending against what the database recorded; refuses a database this binary cannot
    /// carry forward (a chain before the baseline, a migration it does not know, an edited one).
    static func plan(_ recorded: Recorded, migrations: [Migration], schema: [SchemaFile],
                     on connection: Connection) throws -> (pending: [Migration], schemaPending: [SchemaFile]) {
        let appliedChecksums = recorded.migrations
        if appliedChecksums[1]?.name == chainBeforeBaseline {
            throw TilskotError.refused("this database was made by a tilskot before 0.1.0 (its first migration is \(chainBeforeBaseline)), and 0.1.0 starts from a new baseline with no upgrade path; make the database anew (locally: `tilskot db create NAME --replace`, then `tilskot migrate`) — docs/migrations.md")
        }
        let known = Set(migrations.map(\.version))
        if let unknown = appliedChecksums.keys.sorted().first(where: { !known.contains($0) }) {
            let level = recorded.level.map { " (schema \($0))" } ?? ""
            throw TilskotError.refused("the database has migration \(appliedChecksums[unknown]!.name), which this tilskot does not know; install the tilskot that applied it\(level)")
        }
        var pending: [Migration] = []
        for migration in migrations {
            if let applied = appliedChecksums[migration.version] {
                guard applied.checksum == (try checksum(of: migration.sql, on: connection)) else {
                    throw TilskotError.refused("migration \(migration.name) has changed since it was applied to this database; applied migrations must not be edited, so put the change in a new migration")
                }
            } else {
                pending.append(migration)
            }
        }
        var schemaPending: [SchemaFile] = []
        for file in schema where recorded.schema[file.name] != (try checksum(of: file.sql, on: connection)) {
            schemaPending.append(file)
        }
        return (pending, schemaPending)
    }

    /// A standby, or a session that may not write, is told so before anything is tried (a dry
    /// run works on both).
    static func requireWritable(_ connection: Connection) throws {
        let row = try connection.queryRow("SELECT pg_is_in_recovery() AS standby, current_setting('transaction_read_only') AS read_only")
        if try row?.bool("standby") == true {
            throw TilskotError.refused("migrate refused: this server is a standby (in recovery), which takes its schema from the primary; run `tilskot migrate` against the primary — `tilskot migrate --dry-run` works here")
        }
        if row?["read_only"] == "on" {
            throw TilskotError.refused("migrate refused: this session is read-only (default_transaction_read_only = on, from the login's or database's settings or PGOPTIONS); migrate with a session that may write — `tilskot migrate --dry-run` works here")
        }
    }

    /// Takes the advisory lock that serialises runs, waiting at most `wait` seconds; tells
    /// `progress` once who holds it. Refuses (nothing applied) when it is still held. The wait is a
    /// plain lock wait under lock_timeout, so pg_blocking_pids and `tilskot db watchdog` see it.
    static func takeLock(_ connection: Connection, wait: Double, progress: (String) -> Void) throws {
        if try connection.queryValue("SELECT pg_try_advisory_lock($1)", [lockKey], as: Bool.self) == true { return }
        let holder = try lockHolder(connection)
        progress("waiting for another `tilskot migrate` (\(holder)) to finish — at most \(seconds(wait)) (TILSKOT_MIGRATE_WAIT) …")
        if try waitForLock(connection, milliseconds: Int((wait * 1000).rounded())) { return }
        let now = (try? lockHolder(connection)) ?? holder
        throw TilskotError.refused("migrate refused: another `tilskot migrate` (\(now)) still holds the migration lock after \(seconds(wait)) (TILSKOT_MIGRATE_WAIT); nothing was applied — let it finish and run `tilskot migrate` again (it then finds what is left), or, if it hangs, the DBA ends it (`tilskot db watchdog`, SELECT pg_terminate_backend(pid))")
    }

    /// Waits for the advisory lock under a lock_timeout of `milliseconds`; false when it ran out.
    static func waitForLock(_ connection: Connection, milliseconds: Int) throws -> Bool {
        guard milliseconds > 0 else {
            return try connection.queryValue("SELECT pg_try_advisory_lock($1)", [lockKey], as: Bool.self) == true
        }
        let before = try connection.queryValue("SELECT current_setting('lock_timeout')", as: String.self) ?? "0"
        try connection.execute("SELECT set_config('lock_timeout', $1, false)", ["\(milliseconds)ms"])
        defer { _ = try? connection.execute("SELECT set_config('lock_timeout', $1, false)", [before]) }
        let outcome = Result { () throws(PGError) in try connection.execute("SELECT pg_advisory_lock($1)", [lockKey]) }
        switch outcome {
        case .success: return true
        case .failure(let error) where error.sqlState == "55P03": return false
        case .failure(let error): throw error
        }
    }

    /// "pid N, user U, since T" for the session holding the migration lock.
    static func lockHolder(_ connection: Connection) throws -> String {
        let row = try connection.queryRow("""
            SELECT l.pid, a.usename::text AS usename, a.backend_start::timestamptz(0)::text AS since
            FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
              AND l.classid = $1::oid AND l.objid = $2::oid AND l.objsubid = 1
            LIMIT 1
            """, [Int64(lockKey >> 32), Int64(lockKey & 0xFFFF_FFFF)])
        guard let row else { return "which has just finished" }
        return "pid \(row["pid"] ?? "?"), user \(row["usename"] ?? "unknown"), since \(row["since"] ?? "unknown")"
    }

    /// The sentence after the migration transaction gave up waiting for a lock: the sessions that
    /// hold locks on tilskot's tables now (the ones it queued behind, unless they have just ended).
    static func blockedSentence(_ connection: Connection, waited: Double) throws -> String {
        let rows = (try? connection.query("""
            SELECT l.pid,
                   coalesce(a.usename::text, 'unknown') AS usename,
                   coalesce(nullif(a.application_name, ''), 'no application_name') AS application,
                   a.state,
                   a.xact_start::timestamptz(0)::text AS xact_start,
                   string_agg(DISTINCT n.nspname || '.' || c.relname, ', ' ORDER BY n.nspname || '.' || c.relname) AS relations
            FROM pg_catalog.pg_locks l
            JOIN pg_catalog.pg_class c ON c.oid = l.relation
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid()
              AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
              AND n.nspname IN ('tilskot', 'public') AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
            GROUP BY l.pid, a.usename, a.application_name, a.state, a.xact_start
            ORDER BY a.xact_start NULLS LAST, l.pid
            LIMIT 5
            """)) ?? []
        let blockers = rows.map { row in
            let since = row["xact_start"].map { ", in a transaction since \($0)" } ?? ""
            let state = row["state"].map { ", \($0)" } ?? ""
            return "pid \(row["pid"] ?? "?") (user \(row["usename"] ?? "unknown"), \(row["application"] ?? "")\(state)\(since)) holds \(row["relations"] ?? "tables")"
        }
        let who = blockers.isEmpty
            ? "the sessions that held them have ended since"
            : blockers.joined(separator: "; ")
        return "migrate refused: waited \(seconds(waited)) (lock_timeout, TILSKOT_MIGRATE_LOCK_TIMEOUT) for tables other sessions hold: \(who); nothing was applied — let them finish (or the DBA ends them: `tilskot db watchdog`, SELECT pg_terminate_backend(pid)) and run `tilskot migrate` again, at a quiet hour"
    }

    /// "10 s", "0.5 s".
    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
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
