import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Issue 14, breach 1 and the reference numbers of breach 9: no SECURITY DEFINER function runs as a
/// superuser or meets an object its caller made, one role layout on every setup, and no registration
/// holds a lock that one open transaction could keep from everybody.
@Suite("SECURITY DEFINER inventory and the owner's layout")
struct DefinerInventoryTests {
    @Test("every SECURITY DEFINER function: owned by a role that is not a superuser, search_path pinned with pg_temp last, EXECUTE not granted to PUBLIC for the internal ones")
    func inventory() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let c = try db.connect()
        let functions = try c.query("""
            SELECT p.oid::regprocedure::text AS name, r.rolname::text AS owner, r.rolsuper, r.rolcanlogin,
                   coalesce((SELECT substr(s, 13) FROM unnest(p.proconfig) s WHERE s LIKE 'search_path=%'), '') AS search_path,
                   p.prosrc
              FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
             WHERE p.prosecdef AND p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
             ORDER BY 1
            """)
        #expect(functions.count >= 45, "only \(functions.count) definer functions: the inventory query is wrong")
        for f in functions {
            let name = try f.string("name")
            let owner = try f.string("owner")
            #expect(try f.bool("rolsuper") == false, "\(name) runs as superuser \(owner)")
            #expect(try f.bool("rolcanlogin") == false, "\(name) belongs to a login role \(owner)")
            // Relations are looked up in pg_temp FIRST unless the path names it; functions and operators
            // never in pg_temp unless qualified. So the path must be given, and end with pg_temp.
            let path = try f.string("search_path").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(path.last == "pg_temp", "\(name): search_path \(path) does not end with pg_temp")
            #expect(path.allSatisfy { ["tilskot", "pg_catalog", "pg_temp"].contains($0) }, "\(name): search_path \(path)")
            // Every temporary relation a definer function names is one it creates itself in the same
            // call, or the import's staging, which it first proves to be the import's own (import_require_own_staging, 04_applications.sql).
            let source = try f.string("prosrc")
            let named = Set(matches(of: #"pg_temp\.([a-z_]+)"#, in: source))
            let created = Set(matches(of: #"CREATE TEMPORARY TABLE (?:IF NOT EXISTS )?([a-z_]+)"#, in: source))
            let staging: Set<String> = ["application_import", "application_import_error"]
            for relation in named.subtracting(created) {
                #expect(staging.contains(relation), "\(name) uses pg_temp.\(relation), which it does not create")
                if staging.contains(relation) && !created.contains(relation) {
                    #expect(source.contains("import_require_own_staging()"), "\(name) uses the caller's pg_temp.\(relation) without proving it is the import's own")
                }
            }
        }
        // The owners themselves: NOLOGIN, not superusers.
        for owner in ["tilskot_owner", "tilskot_participant_owner", "tilskot_participant_steward"] {
            let row = try #require(try c.query("SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = $1", [owner]).first)
            #expect(try row.bool("rolsuper") == false && row.bool("rolcanlogin") == false, "\(owner)")
        }
        // Every table, view, sequence and function of the schema belongs to a non-superuser owner.
        let superOwned = try c.query("""
            SELECT c.relname::text AS name FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
             WHERE c.relnamespace = 'tilskot'::regnamespace AND r.rolsuper
            UNION ALL
            SELECT p.proname::text FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
             WHERE p.pronamespace = 'tilskot'::regnamespace AND r.rolsuper
            """).map { try $0.string("name") }
        #expect(superOwned.isEmpty, "owned by a superuser: \(superOwned)")
        // The internal check is nobody's to call.
        #expect(try c.queryValue("SELECT has_function_privilege('\(Lifecycle.kari)', 'tilskot.import_require_own_staging()', 'EXECUTE')", as: Bool.self) == false)
    }

    func matches(of pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test("the database: PUBLIC may neither connect nor create temporary tables or objects; a caseworker cannot make a temporary table")
    func databaseRights() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let c = try db.connect()
        #expect(try c.queryValue("SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = current_database()", as: String.self) == "tilskot_owner")
        for user in [Lifecycle.kari, Lifecycle.mona, Lifecycle.fia, Lifecycle.aud, Lifecycle.adm] {
            #expect(try c.queryValue("SELECT has_database_privilege($1, current_database(), 'TEMP')", [user], as: Bool.self) == false, "\(user) has TEMP")
            #expect(try c.queryValue("SELECT has_database_privilege($1, current_database(), 'CREATE')", [user], as: Bool.self) == false, "\(user) has CREATE")
            #expect(try c.queryValue("SELECT has_database_privilege($1, current_database(), 'CONNECT')", [user], as: Bool.self) == true, "\(user) cannot connect")
            let login = try db.connect(asLogin: user)
            expectSQLError("42501") { try login.execute("CREATE TEMPORARY TABLE application_import (line int)") }
            expectSQLError("42501") { try login.execute("CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS 'SELECT 1'") }
            expectSQLError("42501") { try login.execute("CREATE SCHEMA mine") }
        }
        #expect(try c.queryValue("SELECT has_database_privilege('public', current_database(), 'CONNECT')", as: Bool.self) == false)
    }

    @Test("breach 1: look-alike staging tables with a TRUNCATE trigger are refused, even where TEMP was granted by mistake, and the trigger never runs as the owner")
    func lookAlikeStagingRefused() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        // A server where the revocation was forgotten: the function's own check must hold alone.
        try db.connect().execute("GRANT TEMP ON DATABASE \(db.name) TO \(Lifecycle.kari)")
        let kari = try db.connect(asLogin: Lifecycle.kari)
        try kari.execute("BEGIN")
        try kari.executeScript("""
            CREATE TEMPORARY TABLE pwned (who text, superuser boolean);
            CREATE TEMPORARY TABLE application_import (line int, round text, orgnr text, title text, amount text,
                received text, external_ref text, org_name text, org_kind text, org_municipality text, round_key text,
                orgnr_digits text, amount_digits text, amount_ore bigint, received_text text, received_on date);
            CREATE TEMPORARY TABLE application_import_error (line int, ord int, column_name text, message text);
            CREATE FUNCTION pg_temp.payload() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO pg_temp.pwned SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user);
                RETURN NULL;
            END $$;
            CREATE TRIGGER payload BEFORE TRUNCATE ON pg_temp.application_import_error EXECUTE FUNCTION pg_temp.payload();
            """)
        try kari.execute("SAVEPOINT attack")
        expectSQLError("42T01", "was not made by tilskot.import_begin()") {
            _ = try kari.query("SELECT * FROM tilskot.import_applications(NULL, NULL, true)")
        }
        try kari.execute("ROLLBACK TO SAVEPOINT attack")
        #expect(try kari.queryValue("SELECT count(*) FROM pg_temp.pwned", as: Int.self) == 0)
        // A look-alike without a trigger is refused as well: it is the caller's, not the owner's.
        try kari.execute("DROP TRIGGER payload ON pg_temp.application_import_error")
        expectSQLError("42T01", "was not made by tilskot.import_begin()") {
            _ = try kari.query("SELECT * FROM tilskot.import_applications(NULL, NULL, true)")
        }
        try kari.execute("ROLLBACK")
        // Through import_begin, the same caller imports as before.
        try kari.execute("BEGIN")
        try kari.execute("SELECT tilskot.import_begin()")
        try kari.execute("INSERT INTO pg_temp.application_import (line, orgnr, title, amount, received) VALUES (2, '958935420', 'Jobbsjansen', '100000', '2021-02-01')")
        let imported = try #require(try kari.query("SELECT imported FROM tilskot.import_applications('JS/2021', NULL, false)").first)
        #expect(try imported.int("imported") == 1)
        // The owner's staging tables cannot be given a trigger by their user.
        expectSQLError("42501") {
            try kari.execute("CREATE TRIGGER t BEFORE TRUNCATE ON pg_temp.application_import_error EXECUTE FUNCTION tilskot.audit_row()")
        }
        try kari.execute("ROLLBACK")
        #expect(try db.connect().queryValue("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = $1", [Lifecycle.kari], as: Bool.self) == false)
    }

    @Test("breach 9: a registration left open does not stop other registrations of the scheme-year; numbers stay unique, a rollback leaves a gap")
    func registrationHoldsNoNumberLock() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let c = try db.connect()
        let round = try #require(try c.queryValue("SELECT r.id FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id WHERE s.code = 'JS' AND r.year = 2021", as: Int64.self))
        let oslo = try #require(try c.queryValue("SELECT id FROM tilskot.organisation WHERE orgnr = '958935420'", as: Int64.self))
        let stavanger = try #require(try c.queryValue("SELECT id FROM tilskot.organisation WHERE orgnr = '964965226'", as: Int64.self))
        let insert = "INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received) VALUES ($1, $2, $3, 100000, '2021-02-01') RETURNING reference"
        let kari = try db.connect(asLogin: Lifecycle.kari)
        let ola = try db.connect(asLogin: Lifecycle.ola)
        // Each applicant has applied before: the report tallies' per-applicant rows are then the
        // applicant's own (a first application of an applicant group still meets its tally row —
        // docs/security.md; the watchdog bounds that wait).
        #expect(try kari.queryValue(insert, [round, oslo, "Earlier"], as: String.self) == "JS-2021-0001")
        #expect(try kari.queryValue(insert, [round, stavanger, "Earlier"], as: String.self) == "JS-2021-0002")
        try kari.execute("BEGIN")
        #expect(try kari.queryValue(insert, [round, oslo, "Open"], as: String.self) == "JS-2021-0003")
        // kari stays in her transaction; ola must not wait for her (reference numbers come from the
        // round's sequence, which holds no lock until COMMIT: 04_applications.sql).
        try ola.execute("SET lock_timeout = '2s'")
        #expect(try ola.queryValue(insert, [round, stavanger, "Second"], as: String.self) == "JS-2021-0004")
        try kari.execute("ROLLBACK")
        #expect(try ola.queryValue(insert, [round, stavanger, "Third"], as: String.self) == "JS-2021-0005",
                "a rolled-back registration leaves its number unused")
        #expect(try c.queryValue("SELECT string_agg(reference, ',' ORDER BY reference) FROM tilskot.application", as: String.self)
                == "JS-2021-0001,JS-2021-0002,JS-2021-0004,JS-2021-0005")
        // The same with an import left open: a registration beside it goes through.
        try kari.execute("BEGIN")
        try kari.execute("SELECT tilskot.import_begin()")
        try kari.execute("INSERT INTO pg_temp.application_import (line, orgnr, title, amount, received) VALUES (2, '958935420', 'Import', '100000', '2021-02-01')")
        _ = try kari.query("SELECT * FROM tilskot.import_applications('JS/2021', NULL, false)")
        #expect(try ola.queryValue(insert, [round, stavanger, "Beside the import"], as: String.self) == "JS-2021-0007")
        try kari.execute("COMMIT")
        #expect(try c.queryValue("SELECT reference FROM tilskot.application WHERE title = 'Import'", as: String.self) == "JS-2021-0006")
    }
}
