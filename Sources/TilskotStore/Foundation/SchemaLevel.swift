import PGClient

/// The schema level a database was migrated to, against the one this binary was built for
/// (issue 18, version safety).
///
/// A level is "<highest migration number>.<16 hex digits>": the hex is FNV-1a 64 of every embedded
/// migration's and schema file's name and text, computed at build time by the EmbedSQL plugin, so two
/// builds with the same migrations but other functions, triggers or grants have different levels.
/// `tilskot migrate` records the level it brought the database to in public.tilskot_schema_level
/// (one row, readable by every login); `compare` reads it with the highest applied migration.
public enum SchemaLevel {
    /// How the database's level compares with this binary's.
    public enum Comparison: Sendable, Equatable {
        case current
        /// The database is behind this binary: the sentence says to run `tilskot migrate`.
        case older(String)
        /// The database was migrated by a newer tilskot.
        case newer(String)
        /// Same migration number, other schema text: another build.
        case different(String)
        /// No level recorded (never migrated, or migrated before levels were recorded).
        case unmigrated(String)

        /// The sentence for a person, or nil when the levels are equal.
        public var sentence: String? {
            switch self {
            case .current: return nil
            case .older(let s), .newer(let s), .different(let s), .unmigrated(let s): return s
            }
        }
    }

    /// This binary's level.
    public static var bundled: String { EmbeddedSQL.schemaLevel }

    /// The migration number of a level ("40.0123456789abcdef" → 40), nil when it is not one.
    public static func migrationNumber(of level: String) -> Int? {
        guard let dot = level.firstIndex(of: ".") else { return Int(level) }
        return Int(level[..<dot])
    }

    /// The table `tilskot migrate` records the level in, made (and granted to every login) by
    /// `Migrator.migrate`.
    static let tableSQL = """
        CREATE TABLE IF NOT EXISTS public.tilskot_schema_level (
            level       text NOT NULL,
            migrated_at timestamptz NOT NULL DEFAULT now(),
            migrated_by text NOT NULL DEFAULT session_user,
            one_row     boolean PRIMARY KEY DEFAULT true CHECK (one_row)
        );
        GRANT SELECT ON public.tilskot_schema_level TO PUBLIC
        """

    /// Records `level` as the database's (inside migrate's transaction).
    static func record(_ level: String, on connection: Connection) throws {
        try connection.execute("""
            INSERT INTO public.tilskot_schema_level (level) VALUES ($1)
            ON CONFLICT (one_row) DO UPDATE SET level = EXCLUDED.level, migrated_at = now(), migrated_by = session_user
            """, [level])
    }

    /// Compares the database's recorded level with this binary's, in one query (any login may run
    /// it: both tables are granted to PUBLIC; it reads, so it works on a standby and in a read-only
    /// transaction). A database without the level table is `.unmigrated`.
    public static func compare(_ connection: Connection) throws -> Comparison {
        let sql = """
            SELECT (SELECT level FROM public.tilskot_schema_level LIMIT 1) AS level,
                   (SELECT max(version) FROM public.tilskot_migrations) AS top
            """
        let row: Row?
        do {
            if connection.isInTransaction {
                // A missing table must not abort the caller's transaction.
                try connection.execute("SAVEPOINT tilskot_schema_level")
                do {
                    row = try connection.queryRow(sql)
                    try connection.execute("RELEASE SAVEPOINT tilskot_schema_level")
                } catch {
                    try connection.execute("ROLLBACK TO SAVEPOINT tilskot_schema_level")
                    try connection.execute("RELEASE SAVEPOINT tilskot_schema_level")
                    throw error
                }
            } else {
                row = try connection.queryRow(sql)
            }
        } catch let error as PGError where error.sqlState == "42P01" {
            // undefined_table: never migrated, or migrated by a tilskot before levels were recorded
            // (its tilskot_migrations need not be readable by this login: ask only whether it exists).
            let migratedBefore = (try? connection.queryValue(
                "SELECT to_regclass('public.tilskot_migrations') IS NOT NULL", as: Bool.self)) ?? false
            return unmigratedComparison(migratedBefore: migratedBefore == true)
        }
        let level = row?["level"]
        let top = row?["top"].flatMap { Int($0) }
        return comparison(databaseLevel: level, highestApplied: top)
    }

    /// The comparison for what the database recorded (`compare` without the query, for tests and
    /// for callers that read the two values themselves).
    public static func comparison(databaseLevel: String?, highestApplied: Int?, binary: String = bundled) -> Comparison {
        guard let databaseLevel else { return unmigratedComparison(migratedBefore: highestApplied != nil, binary: binary) }
        if databaseLevel == binary, highestApplied == migrationNumber(of: binary) { return .current }
        let ours = migrationNumber(of: binary) ?? 0
        let recorded = migrationNumber(of: databaseLevel) ?? 0
        let applied = highestApplied ?? 0
        if recorded > ours || applied > ours {
            let number = max(recorded, applied)
            return .newer("the database's schema (level \(databaseLevel)\(applied > recorded ? ", migration \(applied) applied" : "")) is newer than this tilskot's (level \(binary)): it was migrated by a newer tilskot (migration \(number)); install the tilskot that migrated it (schema \(databaseLevel)) — `tilskot --version` shows a binary's schema level")
        }
        if recorded < ours || applied < ours {
            let missing = min(recorded, applied)
            return .older("the database's schema (level \(databaseLevel)\(applied < recorded ? ", migrations applied only to \(applied)" : "")) is older than this tilskot's (level \(binary)): migrations \(missing + 1)–\(ours) are not applied; run `tilskot migrate` (the DBA/deployer) with this tilskot to bring it up to date")
        }
        return .different("the database's schema (level \(databaseLevel)) differs from this tilskot's (level \(binary)): the same migrations, other schema files (functions, triggers, grants) — another build of tilskot; install the tilskot that migrated it (schema \(databaseLevel)), or, if this one is the newer build, run `tilskot migrate` (the DBA/deployer) with it")
    }

    static func unmigratedComparison(migratedBefore: Bool, binary: String = bundled) -> Comparison {
        if migratedBefore {
            return .unmigrated("the database records no schema level: it was migrated by a tilskot before levels were recorded; this tilskot's is level \(binary): run `tilskot migrate` (the DBA/deployer) with this tilskot to bring it up to date and record its level")
        }
        return .unmigrated("the database records no schema level: it was never migrated by a tilskot that records one; this tilskot's is level \(binary): run `tilskot migrate` (the DBA/deployer) with this tilskot")
    }
}
