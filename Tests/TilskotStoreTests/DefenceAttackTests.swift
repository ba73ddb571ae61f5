import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotLocalCluster
import TilskotStore
import TilskotTestSupport

/// Issue 8's attacks that LifecycleAttackTests does not already make: each group role, logged in
/// with plain SQL, tries what a person with psql and their own password could try against the
/// database's defences — roles, triggers, ownership, views, functions with rights of their own,
/// TRUNCATE, the audit log. docs/security.md maps every rule to the test that attacks it.
@Suite("defences under attack through plain SQL")
struct DefenceAttackTests {
    /// One login per group role (Lifecycle's people).
    static let logins: [(user: String, group: String)] = [
        (Lifecycle.kari, "tilskot_caseworker"), (Lifecycle.mona, "tilskot_manager"), (Lifecycle.fia, "tilskot_finance"),
        (Lifecycle.aud, "tilskot_auditor"), (Lifecycle.adm, "tilskot_admin"),
    ]

    func id(_ db: TestDatabase, _ reference: ApplicationReference) throws -> Int64 {
        try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = $1",
                                                 [reference.description], as: Int64.self))
    }

    @Test("SET ROLE to one's own group role does not change who acts: four-eyes and disqualification still see the person")
    func setRoleToTheGroupKeepsThePerson() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let app = try id(db, try Lifecycle.register(db))
        let mona = try db.connect(asLogin: Lifecycle.mona)
        // Assess under the group's name, then decide as herself: still her own assessment (acting_user, 00_foundation.sql).
        try mona.execute("SET ROLE tilskot_manager")
        try mona.execute("INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES ($1, 5, 'grant')", [app])
        try mona.execute("RESET ROLE")
        #expect(try mona.queryValue("SELECT assessor FROM tilskot.assessment WHERE application_id = $1", [app], as: String.self) == Lifecycle.mona)
        expectSQLError("23T03", "\(Lifecycle.mona) assessed") {
            try mona.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [app])
        }
        // The other way round: decide under the group's name after assessing as herself.
        try mona.execute("SET ROLE tilskot_manager")
        expectSQLError("23T03", "\(Lifecycle.mona) assessed") {
            try mona.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [app])
        }
        try mona.execute("RESET ROLE")
        // A disqualified manager cannot hide behind the group either.
        let per = try db.connect(asLogin: Lifecycle.per)
        try per.execute("INSERT INTO tilskot.disqualification (application_id, reason) VALUES ($1, 'bror er rådmann')", [app])
        try per.execute("SET ROLE tilskot_manager")
        expectSQLError("23T04", "\(Lifecycle.per) is disqualified") {
            try per.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [app])
        }
        // Every audit entry names the person, whatever role the session had chosen.
        let actors = try db.connect().query("SELECT DISTINCT actor FROM tilskot.audit_log").map { try $0.string("actor") }
        #expect(!actors.contains { $0.hasPrefix("tilskot_") }, "actors: \(actors)")
    }

    /// Every table of the tilskot schema.
    func tables(_ db: TestDatabase) throws -> [String] {
        try db.connect().query("SELECT relname FROM pg_class WHERE relnamespace = 'tilskot'::regnamespace AND relkind IN ('r', 'p') ORDER BY 1")
            .map { try $0.string("relname") }
    }

    @Test("no group role can switch a rule off: DISABLE/DROP TRIGGER, ALTER, DROP and TRUNCATE fail on every table (not owner, no grant)")
    func ownershipAndTruncate() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        _ = try Lifecycle.assessed(db)
        let all = try tables(db)
        #expect(all.count >= 14)
        let triggers = try db.connect().query("""
            SELECT c.relname, g.tgname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
             WHERE c.relnamespace = 'tilskot'::regnamespace AND NOT g.tgisinternal
            """).map { (try $0.string("relname"), try $0.string("tgname")) }
        #expect(triggers.count >= 20)
        for (user, _) in Self.logins {
            let c = try db.connect(asLogin: user)
            for table in all {
                expectSQLError("42501", "must be owner") { try c.execute("ALTER TABLE tilskot.\(table) DISABLE TRIGGER ALL") }
                expectSQLError("42501", "must be owner") { try c.execute("ALTER TABLE tilskot.\(table) DISABLE TRIGGER USER") }
                expectSQLError("42501", "must be owner") { try c.execute("ALTER TABLE tilskot.\(table) DISABLE ROW LEVEL SECURITY") }
                expectSQLError("42501", "must be owner") { try c.execute("ALTER TABLE tilskot.\(table) OWNER TO \(user)") }
                expectSQLError("42501") { try c.execute("TRUNCATE tilskot.\(table)") }
                expectSQLError("42501") { try c.execute("TRUNCATE tilskot.\(table) CASCADE") }
                expectSQLError("42501", "must be owner") { try c.execute("DROP TABLE tilskot.\(table)") }
            }
            for (table, trigger) in triggers {
                expectSQLError("42501", "must be owner") { try c.execute("DROP TRIGGER \(trigger) ON tilskot.\(table)") }
                expectSQLError("42501", "must be owner") { try c.execute("ALTER TABLE tilskot.\(table) DISABLE TRIGGER \(trigger)") }
            }
            // The switch that silences every trigger of a session is a superuser's.
            expectSQLError("42501") { try c.execute("SET session_replication_role = replica") }
            // Nothing new in the schema (a shadowing function, a table) and nothing in public.
            expectSQLError("42501") { try c.execute("CREATE TABLE tilskot.shadow (id int)") }
            expectSQLError("42501") { try c.execute("CREATE TABLE public.shadow (id int)") }
            expectSQLError("42501") {
                try c.execute("CREATE OR REPLACE FUNCTION tilskot.acting_user() RETURNS text LANGUAGE sql AS $$ SELECT 'lc_nobody' $$")
            }
            expectSQLError("42501") { try c.execute("ALTER FUNCTION tilskot.acting_user() OWNER TO \(user)") }
        }
        // The lifecycle is still whole.
        #expect(try tables(db) == all)
        // Even the owner cannot empty the case record or the audit log (00_foundation.sql): TRUNCATE fires no
        // row trigger, so each has a statement trigger; CASCADE reaches them too.
        let owner = try db.connect()
        let protected = try owner.query("""
            SELECT DISTINCT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
             WHERE c.relnamespace = 'tilskot'::regnamespace AND (g.tgtype & 32) <> 0 ORDER BY 1
            """).map { try $0.string("relname") }
        for table in ["scheme", "round", "frame_adjustment", "organisation", "application", "assignment", "disqualification",
                      "assessment", "decision", "appeal", "withdrawal", "round_move", "audit_log"] {
            #expect(protected.contains(table), "\(table) has no BEFORE TRUNCATE trigger")
        }
        for table in protected {
            expectSQLError("23T09") { try owner.execute("TRUNCATE tilskot.\(table) CASCADE") }
        }
        #expect(try Lifecycle.count(db, "decision") + Lifecycle.count(db, "application") > 0)
    }

    @Test("SET ROLE and role changes only within one's own memberships: not another person, not another group, not the owner")
    func roleEscalation() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let groups = ["tilskot_caseworker", "tilskot_manager", "tilskot_finance", "tilskot_auditor", "tilskot_admin",
                      "tilskot_participant_reader"]
        let people = Self.logins.map(\.user)
        for (user, group) in Self.logins {
            let c = try db.connect(asLogin: user)
            for other in people where other != user {
                expectSQLError("42501", "permission denied to set role") { try c.execute("SET ROLE \(other)") }
                expectSQLError("42501") { try c.execute("SELECT set_config('role', $1, false)", [other]) }
            }
            for other in groups where other != group {
                expectSQLError("42501", "permission denied to set role") { try c.execute("SET ROLE \(other)") }
            }
            expectSQLError("42501") { try c.execute("SET ROLE \(LocalCluster.superuser)") }
            expectSQLError("42501") { try c.execute("SET SESSION AUTHORIZATION \(LocalCluster.superuser)") }
            // Membership itself cannot be taken or given.
            for other in groups where other != group {
                expectSQLError("42501") { try c.execute("GRANT \(other) TO \(user)") }
            }
            expectSQLError("42501") { try c.execute("CREATE ROLE lc_sockpuppet LOGIN") }
            expectSQLError("42501") { try c.execute("ALTER ROLE \(user) CREATEROLE") }
            expectSQLError("42501") { try c.execute("ALTER ROLE \(user) SUPERUSER") }
            // A GRANT of rights one does not hold with grant option grants nothing (a warning, not an error).
            _ = try? c.execute("GRANT UPDATE, DELETE, TRUNCATE ON tilskot.application, tilskot.audit_log TO \(user)")
            for privilege in ["UPDATE", "DELETE", "TRUNCATE"] {
                #expect(try c.queryValue("SELECT has_table_privilege($1, 'tilskot.audit_log', $2)", [user, privilege], as: Bool.self) == false)
                #expect(try c.queryValue("SELECT has_table_privilege($1, 'tilskot.application', $2)", [user, privilege], as: Bool.self) == false)
            }
            #expect(try c.queryValue("SELECT current_user::text", as: String.self) == user)
        }
        if try db.connect().queryValue("SELECT 1 FROM pg_roles WHERE rolname = 'tilskot_owner'", as: Int.self) != nil {
            for (user, _) in Self.logins {
                expectSQLError("42501") { try db.connect(asLogin: user).execute("SET ROLE tilskot_owner") }
            }
        }
    }

    @Test("the audit log is written only by the trigger: no INSERT, COPY, sequence reset, lock or row lock by any role")
    func auditLogWrites() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        _ = try Lifecycle.assessed(db)
        let before = try Lifecycle.count(db, "audit_log")
        for (user, _) in Self.logins {
            let c = try db.connect(asLogin: user)
            expectSQLError("42501") {
                try c.execute("INSERT INTO tilskot.audit_log (actor, table_name, action) VALUES ($1, 'decision', 'INSERT')", [user])
            }
            expectSQLError("42501") {
                try c.execute("INSERT INTO tilskot.audit_log (id, at, tx, actor, login, table_name, action) VALUES (1, now(), 1, 'x', 'x', 'x', 'INSERT')")
            }
            expectSQLError("42501") {
                try c.copy("COPY tilskot.audit_log (actor, table_name, action) FROM STDIN") { writer in
                    try writer.write(row: [user, "decision", "INSERT"])
                }
            }
            // Resetting the sequence would let forged ids collide with real ones.
            expectSQLError("42501") { try c.execute("SELECT setval('tilskot.audit_log_id_seq', 1)") }
            // Blocking it (and every change, which writes it) needs more than SELECT.
            try c.transaction {
                expectSQLError("42501") { try c.execute("LOCK TABLE tilskot.audit_log IN ACCESS EXCLUSIVE MODE") }
            }
            try c.transaction {
                expectSQLError("42501") { try c.execute("SELECT id FROM tilskot.audit_log LIMIT 1 FOR UPDATE") }
            }
            try c.transaction {
                expectSQLError("42501") { try c.execute("SELECT id FROM tilskot.round LIMIT 1 FOR UPDATE") }
            }
        }
        #expect(try Lifecycle.count(db, "audit_log") == before)
    }

    @Test("views: no group role writes through one, and none shows a role rows of a table it may not read")
    func views() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let owner = try db.connect()
        let views = try owner.query("SELECT relname FROM pg_class WHERE relnamespace = 'tilskot'::regnamespace AND relkind IN ('v', 'm') ORDER BY 1")
            .map { try $0.string("relname") }
        for (user, _) in Self.logins {
            let c = try db.connect(asLogin: user)
            for view in views {
                for privilege in ["INSERT", "UPDATE", "DELETE", "TRUNCATE"] {
                    #expect(try c.queryValue("SELECT has_table_privilege($1, $2, $3)", [user, "tilskot.\(view)", privilege], as: Bool.self) == false,
                            "\(user) may \(privilege) through \(view)")
                }
                for statement in ["DELETE FROM tilskot.\(view) WHERE false", "INSERT INTO tilskot.\(view) SELECT * FROM tilskot.\(view) WHERE false"] {
                    switch Result(catching: { () throws(PGError) in try c.execute(statement) }) {
                    case .success:
                        Issue.record("\(user): \(statement) succeeded")
                    case .failure(let error):
                        // Refused for rights (42501) or because the view cannot be written at all (55000,
                        // 0A000), or — a view over one table, such as current_assignment, is written
                        // through to it — by the table's identity column, which PostgreSQL checks while
                        // rewriting, before rights (428C9); no role has a write privilege on any view
                        // (checked above).
                        #expect(["42501", "55000", "0A000", "428C9"].contains(error.sqlState), "\(statement): \(error)")
                    }
                }
            }
        }
        // A view runs with its owner's rights (unless security_invoker), so a role that may read the
        // view must be able to read every table behind it, or the view leaks what a grant withholds.
        let leaks = try owner.query("""
            SELECT DISTINCT v.relname AS view, t.relname AS base, g.rolname AS role
              FROM pg_class v
              JOIN pg_rewrite w ON w.ev_class = v.oid
              JOIN pg_depend d ON d.objid = w.oid AND d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
              JOIN pg_class t ON t.oid = d.refobjid AND t.oid <> v.oid AND t.relkind IN ('r', 'p', 'v', 'm')
              CROSS JOIN pg_roles g
             WHERE v.relnamespace = 'tilskot'::regnamespace AND v.relkind IN ('v', 'm')
               AND g.rolname LIKE 'tilskot\\_%' AND g.rolname <> 'tilskot_owner'
               AND NOT coalesce('security_invoker=true' = ANY (v.reloptions), false)
               AND has_table_privilege(g.oid, v.oid, 'SELECT')
               AND NOT has_table_privilege(g.oid, t.oid, 'SELECT')
               AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0
                               AND has_column_privilege(g.oid, t.oid, a.attnum, 'SELECT'))
            """).map { "\(try $0.string("role")) reads \(try $0.string("base")) through \(try $0.string("view"))" }
        #expect(leaks.isEmpty, "\(leaks)")
    }

    @Test("every SECURITY DEFINER function pins search_path to tilskot (and pg_temp last); trigger functions cannot be called")
    func securityDefinerFunctions() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let owner = try db.connect()
        let functions = try owner.query("""
            SELECT p.oid::regprocedure::text AS signature, coalesce(array_to_string(p.proconfig, ';'), '') AS config,
                   p.prorettype = 'trigger'::regtype AS is_trigger
              FROM pg_proc p WHERE p.pronamespace = 'tilskot'::regnamespace AND p.prosecdef ORDER BY 1
            """).map { (signature: try $0.string("signature"), config: try $0.string("config"), isTrigger: try $0.decode("is_trigger", as: Bool.self)) }
        #expect(functions.count >= 15)
        for function in functions {
            let path = function.config.split(separator: ";").first { $0.hasPrefix("search_path=") }
            #expect(path != nil, "\(function.signature) runs with its owner's rights and the caller's search_path")
            guard let path else { continue }
            let schemas = path.dropFirst("search_path=".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\"", with: "") }
            #expect(Set(schemas).isSubset(of: ["tilskot", "pg_catalog", "pg_temp"]), "\(function.signature): \(path)")
            if let temp = schemas.firstIndex(of: "pg_temp") {
                #expect(temp == schemas.count - 1, "\(function.signature): pg_temp must come last in \(path)")
            }
        }
        for (user, _) in Self.logins {
            let c = try db.connect(asLogin: user)
            for function in functions where function.isTrigger {
                #expect(try c.queryValue("SELECT has_function_privilege($1, $2, 'EXECUTE')", [user, function.signature], as: Bool.self) == false,
                        "\(user) may execute \(function.signature)")
                expectSQLError("42501") { try c.execute("SELECT \(function.signature.prefix { $0 != "(" })()") }
            }
        }
    }

    @Test("a hostile search_path and shadowing temporary objects change nothing in the rules")
    func hostileSearchPath() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let app = try id(db, try Lifecycle.register(db))
        // PUBLIC has no TEMP on a tilskot database (DefinerInventoryTests checks it); grant it here, as on
        // a server where the revocation was forgotten, so that the functions are shown to hold alone.
        try db.connect().execute("GRANT TEMP ON DATABASE \(db.name) TO \(Lifecycle.kari)")
        let kari = try db.connect(asLogin: Lifecycle.kari)
        // Temporary look-alikes of what the triggers use, first on the caller's path.
        try kari.execute("CREATE TEMPORARY TABLE round (id bigint, frame_ore bigint, granted_ore bigint)")
        try kari.execute("CREATE TEMPORARY TABLE audit_log (id bigint)")
        try kari.execute("CREATE FUNCTION pg_temp.acting_user() RETURNS text LANGUAGE sql AS $$ SELECT 'lc_mona'::text $$")
        try kari.execute("CREATE FUNCTION pg_temp.has_budget_authority(text) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$")
        try kari.execute("SET search_path = pg_temp, tilskot, public")
        // Disqualifying someone else needs budget authority: still refused, as kari.
        expectSQLError("42T01") {
            try kari.execute("INSERT INTO tilskot.disqualification (application_id, person, reason) VALUES ($1, 'lc_per', 'x')", [app])
        }
        try kari.execute("INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES ($1, 3, 'grant')", [app])
        let owner = try db.connect()
        #expect(try owner.queryValue("SELECT assessor FROM tilskot.assessment WHERE application_id = $1", [app], as: String.self) == Lifecycle.kari)
        #expect(try owner.queryValue("SELECT actor FROM tilskot.audit_log WHERE table_name = 'assessment' ORDER BY id DESC LIMIT 1", as: String.self) == Lifecycle.kari)
        #expect(try kari.queryValue("SELECT count(*) FROM pg_temp.audit_log", as: Int.self) == 0)
    }

    @Test("every SECURITY DEFINER function a group role may call, called by every such role with hostile arguments: no internal error, no escalation, no participant rows for those without the right")
    func hostileArguments() throws {
        // setup: a granted project with one participant, recorded by its caseworker
        let db = try FollowUp.database()
        defer { db.drop() }
        let project = try FollowUp.granted(db)
        _ = try db.connect(asLogin: FollowUp.kari).execute(
            "SELECT tilskot.participant_add($1, 'HOSTILE-0001', 1985, '0301', '2021-09-01')", [project.description])
        let owner = try db.connect()
        let functions = try owner.query("""
            SELECT p.oid::regprocedure::text AS signature, p.oid::regproc::text AS name,
                   array_to_string(ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) WITH ORDINALITY u(t, n) ORDER BY n), ';') AS types,
                   p.proretset AS returns_set
              FROM pg_proc p
             WHERE p.pronamespace = 'tilskot'::regnamespace AND p.prosecdef AND p.prorettype <> 'trigger'::regtype
             ORDER BY 1
            """).map { (signature: try $0.string("signature"), name: try $0.string("name"),
                        types: try $0.string("types").split(separator: ";").map(String.init), set: try $0.decode("returns_set", as: Bool.self)) }
        #expect(functions.count >= 5)

        // Hostile values per type; profile i takes the i-th of each (cycling), so every argument of
        // every function gets each kind of value at least once.
        let real = project.description
        let values: [String: [String?]] = [
            "text": [nil, "", "'; DROP TABLE tilskot.audit_log; --", real, "%", "\\", String(repeating: "å", count: 100_000),
                     "JS/2021", "01017012345", "\u{202E}x", "' OR '1'='1"],
            "integer": [nil, "0", "-1", "2147483647", "-2147483648", "2021"],
            "bigint": [nil, "0", "-1", "9223372036854775807", "-9223372036854775808"],
            "boolean": [nil, "true", "false"],
            "date": [nil, "-infinity", "infinity", "1900-01-01", "2999-12-31", "2021-09-01"],
            "text[]": [nil, "{}", "{NULL}", "{\"'; DROP TABLE tilskot.round; --\",\"0301\"}", "{%}"],
            "bigint[]": [nil, "{}", "{NULL}", "{-1,0,9223372036854775807}"],
        ]
        let profiles = values.values.map(\.count).max()!
        let outsiders: Set<String> = [FollowUp.ola, FollowUp.fia, FollowUp.finn, FollowUp.aud]
        var calls = 0, insiderRows = 0
        for user in FollowUp.everyone {
            let c = try db.connect(asLogin: user)
            let settings = try c.queryRow("SELECT current_user::text AS u, session_user::text AS s, current_setting('role') AS r, current_setting('search_path') AS p")
            for function in functions {
                guard try c.queryValue("SELECT has_function_privilege($1, $2, 'EXECUTE')", [user, function.signature], as: Bool.self) == true else {
                    expectSQLError("42501") {
                        try c.execute("SELECT \(function.name)(\(function.types.indices.map { "$\($0 + 1)::\(function.types[$0])" }.joined(separator: ", ")))",
                                      function.types.map { _ in nil as String? })
                    }
                    continue
                }
                for profile in 0..<profiles {
                    let arguments: [String?] = function.types.map { type in
                        let list = values[type] ?? [nil]
                        return list[profile % list.count]
                    }
                    let call = "SELECT * FROM \(function.name)(\(function.types.indices.map { "$\($0 + 1)::\(function.types[$0])" }.joined(separator: ", ")))"
                    try c.executeScript("BEGIN")
                    // (Result rather than do/catch: the compiler of Swift 6.3.1 crashes on a typed-throws catch here.)
                    switch Result(catching: { () throws(PGError) in try c.query(call, arguments) }) {
                    case .success(let rows):
                        if user == FollowUp.kari, rows.first?.columns.contains("code") == true { insiderRows += rows.count }
                        if outsiders.contains(user), function.set, rows.first?.columns.contains("code") == true {
                            Issue.record("\(user) read \(rows.count) participant row(s) through \(function.signature) with \(arguments.map { $0?.prefix(30) })")
                        }
                    case .failure(let error):
                        // A refusal of ours (class 23/42 with T), or PostgreSQL's for the data or the rights:
                        // never an internal error, a crash or a lost connection.
                        let allowed = ["22", "23", "42", "P0", "0A", "2B", "25", "40"]
                        #expect(allowed.contains(String(error.sqlState.prefix(2))),
                                "\(user) \(function.signature) \(arguments.map { $0?.prefix(30) }): \(error)")
                    }
                    try c.executeScript("ROLLBACK")
                    calls += 1
                }
            }
            // Nothing a call did outlived it: the same person, role and path.
            let after = try c.queryRow("SELECT current_user::text AS u, session_user::text AS s, current_setting('role') AS r, current_setting('search_path') AS p")
            #expect(after?.values == settings?.values, "\(user): \(String(describing: settings?.values)) → \(String(describing: after?.values))")
        }
        #expect(calls > 100)
        #expect(insiderRows > 0) // the functions do return participants, to the case's own caseworker
        print("hostile arguments: \(calls) calls of \(functions.count) functions")
        // Every call was rolled back: the participant is still the only one, the record unchanged.
        #expect(try owner.queryValue("SELECT count(*) FROM tilskot.participant", as: Int.self) == 1)
    }

    @Test("the import's temporary tables: a caller's look-alike with a trigger never runs as the owner; the caller only fills the rows and reads the problems")
    func importTemporaryTableTraps() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        // PUBLIC has no TEMP on a tilskot database (DefinerInventoryTests checks it); grant it here, as on
        // a server where the revocation was forgotten, so that the functions are shown to hold alone.
        try db.connect().execute("GRANT TEMP ON DATABASE \(db.name) TO \(Lifecycle.kari)")
        let kari = try db.connect(asLogin: Lifecycle.kari)
        // The trap: a table of the caller's, named like the import's own, whose trigger would do what
        // only the owner may — if it ever ran inside the SECURITY DEFINER function, as the owner.
        try kari.executeScript("""
            CREATE FUNCTION pg_temp.trap() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                EXECUTE 'ALTER TABLE tilskot.audit_log DISABLE TRIGGER ALL';
                RETURN NULL;
            END $$;
            CREATE TEMPORARY TABLE application_import_error (line integer, ord integer, column_name text, message text);
            CREATE TRIGGER trap AFTER INSERT ON pg_temp.application_import_error FOR EACH ROW EXECUTE FUNCTION pg_temp.trap();
            CREATE TEMPORARY TABLE application_import_row (line integer);
            CREATE TRIGGER trap AFTER INSERT ON pg_temp.application_import_row FOR EACH ROW EXECUTE FUNCTION pg_temp.trap();
            """)
        try kari.executeScript("BEGIN")
        // Either the owner cannot drop the caller's look-alike (a non-superuser owner: refused) or
        // it drops it (a superuser owner, as in the embedded cluster): the trap never fires.
        if (try? kari.execute("SELECT tilskot.import_begin()")) != nil {
            try kari.copy("COPY pg_temp.application_import (line, orgnr, title, amount, received) FROM STDIN") { writer in
                try writer.write(row: ["2", "123", "", "-1", "nope"])   // every column wrong: problems get written
            }
            _ = try? kari.execute("SELECT * FROM tilskot.import_applications('JS/2021', '{0301}', false)")
            // What the caller may do with the import's own tables: fill one, read the other; nothing more.
            _ = try? kari.executeScript("SAVEPOINT s")
            expectSQLError("42501") {
                try kari.execute("CREATE TRIGGER trap AFTER INSERT ON pg_temp.application_import FOR EACH ROW EXECUTE FUNCTION pg_temp.trap()")
            }
            _ = try? kari.executeScript("ROLLBACK TO SAVEPOINT s")
            expectSQLError("42501") { try kari.execute("DELETE FROM pg_temp.application_import_error") }
        }
        try kari.executeScript("ROLLBACK")
        let disabled = try db.connect().queryValue("""
            SELECT count(*) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
             WHERE c.relnamespace = 'tilskot'::regnamespace AND NOT g.tgisinternal AND g.tgenabled <> 'O'
            """, as: Int.self)
        #expect(disabled == 0)
    }

    @Test("participant data shows in no table or view any role may SELECT; the access log names the row (its pseudonymous code) but holds none of its data")
    func participantDataLeaksNowhere() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let project = try FollowUp.granted(db)
        let kari = try db.connect(asLogin: FollowUp.kari)
        let code = "LEAKCHECK-4711"
        _ = try kari.execute("SELECT tilskot.participant_add($1, $2, 1977, '0301', '2021-09-01')", [project.description, code])
        _ = try kari.execute("SELECT tilskot.participant_update($1, $2, '2022-03-01', 'employment', NULL, NULL)", [project.description, code])
        _ = try kari.query("SELECT * FROM tilskot.participant_list($1)", [project.description])
        let owner = try db.connect()
        #expect(try owner.queryValue("SELECT count(*) FROM tilskot.participant WHERE code = $1", [code], as: Int.self) == 1)
        let relations = try owner.query("""
            SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'tilskot'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1
            """).map { try $0.string("relname") }
        for user in FollowUp.everyone {
            let c = try db.connect(asLogin: user)
            for relation in relations {
                guard try c.queryValue("SELECT has_table_privilege(current_user, $1, 'SELECT')", ["tilskot.\(relation)"], as: Bool.self) == true else { continue }
                if relation == "participant_access_log" {
                    // Which row was touched, by code and id, is what an access log is for; what the row
                    // holds (birth year, outcomes) is not in it.
                    let data = try c.queryValue("SELECT count(*) FROM tilskot.participant_access_log t WHERE t::text ~ '1977|employment'", as: Int.self)
                    #expect(data == 0, "\(user) reads participant data in the access log")
                    continue
                }
                let hits = try c.queryValue("SELECT count(*) FROM tilskot.\(relation) t WHERE t::text LIKE '%' || $1 || '%'", [code], as: Int.self)
                #expect(hits == 0, "\(user) finds participant \(code) in tilskot.\(relation)")
            }
        }
    }
}
