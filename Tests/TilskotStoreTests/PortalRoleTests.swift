import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// The portal user (issue 19): a machine client in tilskot_portal registers applications and reads
/// the status of those it registered, and nothing else — held by the database for every client, so
/// these tests log in as the portal with psql's rights (db.connect(asLogin:)), as an attacker would.
@Suite("the portal user: its own applications only, at every isolation level")
struct PortalRoleTests {
    static let manager = "ptl_mona"
    static let caseworker = "ptl_kari"
    static let portalX = "ptl_portal_x"
    static let portalY = "ptl_portal_y"

    /// JS/2021: JS-2021-0001 (a caseworker's, assessed), JS-2021-0002 (a caseworker's, granted),
    /// JS-2021-0003 (portal X's, external ref X-1, assessed and granted), JS-2021-0004 (portal Y's).
    func scene() throws -> TestDatabase {
        let users: [String: UserRole] = [Self.manager: .manager, Self.caseworker: .caseworker, Self.portalX: .portal, Self.portalY: .portal]
        let steps: [[String]] = [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "9 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Staff one",
             "--amount", "1 000 000", "--received", "2021-02-01", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Staff two",
             "--amount", "1 000 000", "--received", "2021-02-01", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0002", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
            ["application", "decide", "JS-2021-0002", "--grant", "1 000 000", "--date", "2021-04-01", "--as", Self.manager],
            // The portals register through the same command (the same service) as staff.
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Portal X one",
             "--amount", "500 000", "--received", "2021-02-02", "--external-ref", "X-1", "--as", Self.portalX],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Portal Y one",
             "--amount", "500 000", "--received", "2021-02-02", "--external-ref", "Y-1", "--as", Self.portalY],
            ["application", "assess", "JS-2021-0003", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
            ["application", "decide", "JS-2021-0003", "--grant", "500 000", "--date", "2021-04-02", "--as", Self.manager],
        ]
        return try TestDatabase.scene(users: users, steps: steps)
    }

    static func failure(_ body: () throws -> Void) -> PGError? {
        do {
            try body()
            return nil
        } catch let error as PGError {
            return error
        } catch {
            return PGError(sqlState: "?", message: "\(error)")
        }
    }

    @Test("every role holding a privilege on a table under row-level security has a policy for that command, and none is FORCEd")
    func everyGrantHasItsPolicy() throws {
        let db = try scene()
        defer { db.drop() }
        let c = try db.connect()
        // Each (table, role, command) where the role may run the command (its own grant or a
        // group's) but no permissive policy of that command applies to it or a group it is in:
        // such a role would silently see or write nothing. Superusers, BYPASSRLS roles and the
        // tables' owner are not under the policies; PostgreSQL's predefined pg_ roles
        // (pg_read_all_data, …) are no tilskot user's (the role keeper refuses them).
        let uncovered = try c.query("""
            WITH t AS (SELECT c.oid, c.relname, c.relowner FROM pg_class c
                        WHERE c.relnamespace = 'tilskot'::regnamespace AND c.relrowsecurity),
                 r AS (SELECT oid, rolname FROM pg_roles WHERE NOT rolsuper AND NOT rolbypassrls AND left(rolname, 3) <> 'pg_'),
                 cmd AS (SELECT unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS cmd)
            SELECT t.relname || ' ' || r.rolname || ' ' || cmd.cmd AS gap
              FROM t, r, cmd
             WHERE r.oid <> t.relowner AND NOT pg_has_role(r.oid, t.relowner, 'MEMBER')
               AND (has_table_privilege(r.oid, t.oid, cmd.cmd)
                    OR (cmd.cmd <> 'DELETE' AND has_any_column_privilege(r.oid, t.oid, cmd.cmd)))
               AND NOT EXISTS (
                   SELECT 1 FROM pg_policy p
                    WHERE p.polrelid = t.oid AND p.polpermissive
                      AND p.polcmd IN ('*', CASE cmd.cmd WHEN 'SELECT' THEN 'r' WHEN 'INSERT' THEN 'a' WHEN 'UPDATE' THEN 'w' ELSE 'd' END)
                      AND (0 = ANY (p.polroles) OR EXISTS (SELECT 1 FROM unnest(p.polroles) pr WHERE pg_has_role(r.oid, pr, 'MEMBER'))))
             ORDER BY 1
            """).map { try $0.string("gap") }
        #expect(uncovered == [])
        // The two tables the portal reads are under it; the owner's definer functions see all.
        let secured = try c.query("""
            SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
             WHERE relnamespace = 'tilskot'::regnamespace AND relname IN ('application', 'decision') ORDER BY relname
            """).map { "\(try $0.string("relname")) \(try $0.bool("relrowsecurity")) \(try $0.bool("relforcerowsecurity"))" }
        #expect(secured == ["application true false", "decision true false"])
        // The check itself sees a gap: a grant without a policy (rolled back).
        try c.execute("BEGIN")
        try c.execute("GRANT SELECT ON tilskot.application TO tilskot_monitor")
        let gap = try c.queryValue("""
            SELECT count(*) FROM pg_policy p WHERE p.polrelid = 'tilskot.application'::regclass
               AND EXISTS (SELECT 1 FROM unnest(p.polroles) pr WHERE pg_has_role('tilskot_monitor', pr, 'MEMBER'))
            """, as: Int.self)
        try c.execute("ROLLBACK")
        #expect(gap == 0)
    }

    @Test("a portal login sees its own applications and their decisions only, at READ COMMITTED, REPEATABLE READ and SERIALIZABLE")
    func ownRowsOnly() throws {
        let db = try scene()
        defer { db.drop() }
        let staff = try db.connect(asLogin: Self.caseworker)
        #expect(try staff.queryValue("SELECT count(*) FROM tilskot.application", as: Int.self) == 4)
        #expect(try staff.queryValue("SELECT count(*) FROM tilskot.decision", as: Int.self) == 2)
        for level in [Connection.IsolationLevel.readCommitted, .repeatableRead, .serializable] {
            let x = try db.connect(asLogin: Self.portalX)
            try x.transaction(isolation: level) {
                // Its own: JS-2021-0003 and what it registered in the rounds of this loop before.
                let seen = try x.query("SELECT reference FROM tilskot.application ORDER BY reference").map { try $0.string("reference") }
                let own = try db.connect().query("SELECT reference FROM tilskot.application WHERE registered_by = $1 ORDER BY reference",
                                                 [Self.portalX]).map { try $0.string("reference") }
                #expect(seen == own, "\(level)")
                #expect(seen.first == "JS-2021-0003")
                #expect(try x.queryValue("SELECT count(*) FROM tilskot.application WHERE reference = 'JS-2021-0004'", as: Int.self) == 0)
                let decided = try x.query("SELECT decision_date::text AS d FROM tilskot.decision").map { try $0.string("d") }
                #expect(decided == ["2021-04-02"], "\(level)")
            }
            // A registration by the other portal, committed while X's snapshot is open, stays
            // unseen by X at every level, and X's own new one is seen.
            let y = try db.connect(asLogin: Self.portalY)
            try x.transaction(isolation: level) {
                _ = try x.queryValue("SELECT count(*) FROM tilskot.application", as: Int.self)
                _ = try y.execute("""
                    INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received, external_ref, late, late_reason)
                    SELECT r.id, o.id, 'Portal Y more', 100000, '2021-02-03', NULL, false, NULL
                      FROM tilskot.round r, tilskot.organisation o WHERE r.year = 2021 AND o.orgnr = '958935420'
                    """)
                #expect(try x.query("SELECT registered_by FROM tilskot.application").allSatisfy { try $0.string("registered_by") == Self.portalX })
            }
            let mine = try x.queryValue("""
                INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received, external_ref, late, late_reason)
                SELECT r.id, o.id, 'Portal X more', 100000, '2021-02-03', NULL, false, NULL
                  FROM tilskot.round r, tilskot.organisation o WHERE r.year = 2021 AND o.orgnr = '958935420'
                RETURNING registered_by
                """, as: String.self)
            #expect(mine == Self.portalX)
        }
        // Acting as the group itself sees nothing (no application is registered by a group).
        let x = try db.connect(asLogin: Self.portalX)
        try x.execute("SET ROLE tilskot_portal")
        #expect(try x.queryValue("SELECT count(*) FROM tilskot.application", as: Int.self) == 0)
    }

    @Test("a portal login cannot change, assess, decide, nor read assessments, the audit log, participants, contact details or frames")
    func nothingElse() throws {
        let db = try scene()
        defer { db.drop() }
        let x = try db.connect(asLogin: Self.portalX)
        let refused = [
            "UPDATE tilskot.application SET title = 'changed' WHERE reference = 'JS-2021-0003'",
            "DELETE FROM tilskot.application WHERE reference = 'JS-2021-0003'",
            "INSERT INTO tilskot.assessment (application_id, score, recommendation) SELECT id, 5, 'grant' FROM tilskot.application",
            "INSERT INTO tilskot.decision (application_id, outcome, amount_ore) SELECT id, 'granted', 1 FROM tilskot.application",
            "INSERT INTO tilskot.assignment (application_id, caseworker) SELECT id, current_user FROM tilskot.application",
            "SELECT * FROM tilskot.assessment",
            "SELECT * FROM tilskot.audit_log",
            "SELECT * FROM tilskot.participant",
            "SELECT reasons FROM tilskot.decision",
            "SELECT contact_email FROM tilskot.organisation",
            "SELECT initial_frame_ore FROM tilskot.round",
            "SELECT * FROM tilskot.identity_link",
            "SELECT * FROM tilskot.idempotency",
            // registered_by is the database's to set, never the writer's.
            "INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, registered_by) SELECT 1, 1, 'x', 1, 'ptl_portal_y'",
            "SELECT tilskot.import_applications('JS/2021', NULL, true)",
            "SELECT tilskot.require_role('decision')",
        ]
        for statement in refused {
            let error = Self.failure { _ = try x.execute(statement) }
            #expect(error?.sqlState == "42501", "\(statement): \(error?.message ?? "allowed")")
        }
        // A late registration is a manager's: the rule's sentence, as for a caseworker.
        let late = Self.failure {
            _ = try x.execute("""
                INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received, late, late_reason)
                SELECT r.id, o.id, 'Late', 100000, '2021-03-10', true, 'the post was slow'
                  FROM tilskot.round r, tilskot.organisation o WHERE r.year = 2021 AND o.orgnr = '958935420'
                """)
        }
        #expect(late?.sqlState == "42T01", "\(late?.message ?? "allowed")")
        // No SECURITY DEFINER function is the portal's to call.
        let definers = try db.connect().query("""
            SELECT p.oid::regprocedure::text AS f FROM pg_proc p
             WHERE p.pronamespace = 'tilskot'::regnamespace AND p.prosecdef
               AND has_function_privilege('tilskot_portal', p.oid, 'EXECUTE')
               AND p.proname NOT IN ('idempotency_begin', 'idempotency_finish')
            """).map { try $0.string("f") }
        #expect(definers == [])
    }

    @Test("another registrant's external reference: refused without naming its application, the same sentence in the CLI and psql")
    func externalReferenceProbe() throws {
        let db = try scene()
        defer { db.drop() }
        let before = try db.rowCounts()
        let y = try db.connect(asLogin: Self.portalY)
        let error = Self.failure {
            _ = try y.execute("""
                INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received, external_ref, late, late_reason)
                SELECT r.id, o.id, 'Probe', 100000, '2021-02-03', 'X-1', false, NULL
                  FROM tilskot.round r, tilskot.organisation o WHERE r.year = 2021 AND o.orgnr = '958935420'
                """)
        }
        #expect(error?.sqlState == "23T11")
        #expect(error?.message == "application refused: external reference X-1 is already registered in this scheme, by someone else; give the reference your system uses for this application")
        #expect(error?.message.contains("JS-2021") == false)
        let cli = try CLIRunner.run(["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Probe",
                                     "--amount", "1 000", "--received", "2021-02-03", "--external-ref", "X-1", "--as", Self.portalY], database: db)
        #expect(cli.exitCode == 1)
        #expect(cli.errorLines.last == error?.message)
        #expect(try db.rowCounts() == before)
        // Staff, who see every application, are told which one has it (04_applications.sql).
        let staff = Self.failure {
            _ = try db.connect(asLogin: Self.caseworker).execute("""
                INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received, external_ref)
                SELECT r.id, o.id, 'Probe', 100000, '2021-02-03', 'X-1'
                  FROM tilskot.round r, tilskot.organisation o WHERE r.year = 2021 AND o.orgnr = '958935420'
                """)
        }
        #expect(staff?.message.contains("JS-2021-0003") == true)
    }

    @Test("the status read: a portal's own application, and another's is the unknown reference's sentence")
    func statusRead() throws {
        let db = try scene()
        defer { db.drop() }
        let own = try Applications.status(reference: try ApplicationReference("JS-2021-0003"), session: try portalSession(db, Self.portalX))
        #expect(own.externalRef == "X-1")
        #expect(own.status == .granted)
        #expect(own.decisionDate?.description == "2021-04-02")
        #expect(own.received.description == "2021-02-02")
        let theirs = #expect(throws: TilskotError.self) {
            _ = try Applications.status(reference: try ApplicationReference("JS-2021-0004"), session: try portalSession(db, Self.portalX))
        }
        let unknown = #expect(throws: TilskotError.self) {
            _ = try Applications.status(reference: try ApplicationReference("JS-2021-0999"), session: try portalSession(db, Self.portalX))
        }
        #expect(theirs.map { "\($0)" } == "there is no application JS-2021-0004; see `tilskot application list`")
        #expect(unknown.map { "\($0)" } == "there is no application JS-2021-0999; see `tilskot application list`")
        // Staff read any application's status; undecided has no decision date.
        let staff = try Applications.status(reference: try ApplicationReference("JS-2021-0004"), session: try portalSession(db, Self.caseworker))
        #expect(staff.status == .received)
        #expect(staff.decisionDate == nil)
    }

    func portalSession(_ db: TestDatabase, _ login: String) throws -> Session {
        try Session.open(DatabaseTarget(conninfo: db.url(asLogin: login), source: .explicit), actAs: nil)
    }

    @Test("`tilskot user add … --role portal` makes a portal login; the keeper gives no other group by that name")
    func addPortalUser() throws {
        let db = try scene()
        defer { db.drop() }
        _ = try db.connectAsAdmin()
        let added = try CLIRunner.run(["user", "add", "ptl_portal_z", "--role", "portal", "--as", TestDatabase.harnessAdmin], database: db)
        #expect(added.exitCode == 0, "\(added.stderr)")
        let c = try db.connect()
        #expect(try c.queryValue("SELECT pg_has_role('ptl_portal_z', 'tilskot_portal', 'MEMBER')", as: Bool.self) == true)
        #expect(try c.queryValue("SELECT role FROM tilskot.user_change WHERE login = 'ptl_portal_z'", as: String.self) == "tilskot_portal")
        #expect(try c.queryValue("SELECT tilskot.is_tilskot_user('ptl_portal_z')", as: Bool.self) == true)
    }

    @Test("row-level security costs staff nothing: a manager's plans of `application show` and of a decision are those without it")
    func plansUnchanged() throws {
        let db = try scene()
        defer { db.drop() }
        let statements = [
            "SELECT id, status, amount_applied_ore FROM tilskot.application WHERE reference = 'JS-2021-0001'",
            """
            SELECT a.id, a.reference, s.code || '/' || r.year AS round, o.orgnr, o.name AS organisation, o.municipality,
                   a.title, a.amount_applied_ore, a.received, a.status, d.amount_ore AS granted_ore, a.external_ref, a.late
            FROM tilskot.application a
            JOIN tilskot.round r ON r.id = a.round_id
            JOIN tilskot.scheme s ON s.id = r.scheme_id
            JOIN tilskot.organisation o ON o.id = a.organisation_id
            LEFT JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
            WHERE a.reference = 'JS-2021-0001'
            """,
            "SELECT * FROM tilskot.decision WHERE application_id = 1 ORDER BY id",
            "INSERT INTO tilskot.decision (application_id, outcome, amount_ore) VALUES (1, 'granted', 100000)",
            "SELECT count(*) FROM tilskot.application a JOIN tilskot.decision d ON d.application_id = a.id WHERE d.is_current",
        ]
        let c = try db.connect()
        func plans(rowSecurity: Bool) throws -> [String] {
            try c.execute("BEGIN")
            defer { _ = try? c.execute("ROLLBACK") }
            if !rowSecurity {
                try c.execute("ALTER TABLE tilskot.application DISABLE ROW LEVEL SECURITY")
                try c.execute("ALTER TABLE tilskot.decision DISABLE ROW LEVEL SECURITY")
            }
            try c.execute("SET LOCAL ROLE \(Self.manager)")
            return try statements.map { statement in
                try c.query("EXPLAIN (COSTS OFF) " + statement).map { try $0.string("QUERY PLAN") }.joined(separator: "\n")
            }
        }
        let with = try plans(rowSecurity: true)
        let without = try plans(rowSecurity: false)
        for (a, b) in zip(with, without) {
            #expect(a == b)
        }
    }
}
