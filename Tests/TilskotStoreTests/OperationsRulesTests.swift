import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Issue 18, the rules of running tilskot for real, attacked through plain SQL: the deployer is no
/// hidden superuser (items 3), the installation's time zone dates events whatever a session's zone
/// (item 8), and a restored or copied database gives no reference number twice (item 2).
@Suite("operations: the deployer's limits, the installation's day, numbering after a restore")
struct OperationsRulesTests {
    /// A login like the deployer of deploy/create-roles.sql: a member of tilskot_owner whose every
    /// session acts as it.
    static func deployer(_ db: TestDatabase) throws -> (name: String, connection: Connection) {
        let name = "ops_deploy_" + String(UUID().uuidString.prefix(8)).lowercased()
        let su = try db.connect()
        try su.executeScript("""
            CREATE ROLE \(name) LOGIN;
            GRANT tilskot_owner TO \(name);
            ALTER ROLE \(name) SET role = tilskot_owner;
            GRANT CONNECT ON DATABASE \(db.name) TO \(name);
            """)
        let c = try db.connect(asLogin: name)
        #expect(try c.queryValue("SELECT current_user::text", as: String.self) == "tilskot_owner")
        return (name, c)
    }

    @Test("the deployer cannot grant itself a shell, become the role keeper or take over a user; it still adds users, through the keeper")
    func deployerIsNoHiddenSuperuser() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let (name, dep) = try Self.deployer(db)
        #expect(try dep.queryValue("SELECT rolcreaterole FROM pg_roles WHERE rolname = 'tilskot_owner'", as: Bool.self) == false)
        // The shell route of PostgreSQL 15's CREATEROLE: grant pg_execute_server_program, then COPY … PROGRAM.
        expectSQLError("42501") { try dep.execute("GRANT pg_execute_server_program TO tilskot_owner") }
        expectSQLError("42501") { try dep.execute("GRANT pg_execute_server_program TO \(name)") }
        expectSQLError("42501") { try dep.execute("COPY (SELECT 1) TO PROGRAM 'true'") }
        // Taking over a person: their password, a new role, the keeper's role.
        expectSQLError("42501") { try dep.execute("ALTER ROLE \(Lifecycle.kari) PASSWORD 'taken'") }
        expectSQLError("42501") { try dep.execute("CREATE ROLE ops_evil LOGIN") }
        expectSQLError("42501") { try dep.execute("SET ROLE tilskot_user_keeper") }
        // The keeper's function cannot be replaced by the owner…
        expectSQLError("42501") {
            try dep.execute("""
                CREATE OR REPLACE FUNCTION tilskot_keeper.apply_user_change(change text, login text, role text) RETURNS void
                LANGUAGE sql AS 'SELECT NULL'
                """)
        }
        // … and called directly it does no more than `tilskot user add | role | disable`.
        expectSQLError("23T50", "is not a role") {
            try dep.execute("SELECT tilskot_keeper.apply_user_change('role add', $1, 'pg_execute_server_program')", [Lifecycle.kari])
        }
        expectSQLError("23T50", "holds roles outside tilskot's groups") {
            try dep.execute("SELECT tilskot_keeper.apply_user_change('role add', $1, 'tilskot_admin')", [name])
        }
        expectSQLError("23T50", "is reserved") {
            try dep.execute("SELECT tilskot_keeper.apply_user_change('add', 'pg_monitor', 'tilskot_admin')")
        }
        #expect(try db.connect().queryValue("SELECT count(*) FROM pg_auth_members WHERE roleid = 'tilskot_user_keeper'::regrole", as: Int.self) == 0)
        // The bootstrap still works, recorded with who made it.
        let newcomer = "ops_new_" + String(UUID().uuidString.prefix(6)).lowercased()
        try dep.execute("SELECT tilskot.user_add($1, 'caseworker')", [newcomer])
        #expect(try db.connect().queryValue("SELECT changed_by FROM tilskot.user_change WHERE login = $1", [newcomer], as: String.self) == name)
        #expect(try db.connect().queryValue("SELECT tilskot.is_tilskot_user($1)", [newcomer], as: Bool.self) == true)
    }

    @Test("only the schema owner may call the role keeper: an administrator and a caseworker meet permission denied")
    func keeperOnlyForTheOwner() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        for login in [Lifecycle.adm, Lifecycle.kari] {
            let c = try db.connect(asLogin: login)
            expectSQLError("42501") { try c.execute("SELECT tilskot_keeper.apply_user_change('role add', $1, 'tilskot_admin')", [login]) }
        }
        // Through tilskot's admin function the administrator manages users as before.
        try db.connect(asLogin: Lifecycle.adm).execute("SELECT tilskot.role_add($1, 'auditor')", [Lifecycle.ola])
        #expect(try db.connect().queryValue("SELECT tilskot.is_member($1, 'tilskot_auditor')", [Lifecycle.ola], as: Bool.self) == true)
    }

    @Test("the installation's time zone dates a decision, whatever time zone the session has; only an administrator changes it, to a zone PostgreSQL knows")
    func installationDay() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        #expect(try db.connect().queryValue("SELECT tilskot.installation_time_zone()", as: String.self) == "Europe/Oslo")
        let kari = try db.connect(asLogin: Lifecycle.kari)
        // A caseworker meets the trigger's sentence, and so does the superuser.
        expectSQLError("42T09", "lc_kari is not an administrator") { try kari.execute("UPDATE tilskot.installation SET time_zone = 'UTC'") }
        expectSQLError("42T09", "tilskot is not an administrator") { try db.connect().execute("UPDATE tilskot.installation SET time_zone = 'UTC'") }

        let admin = try db.connect(asLogin: Lifecycle.adm)
        expectSQLError("23T61", "\"CET+1\" is not a time zone PostgreSQL knows by name") {
            try admin.execute("UPDATE tilskot.installation SET time_zone = 'CET+1'")
        }
        // UTC−12 for the installation and UTC+14 for the session: 26 hours apart, never the same date.
        try admin.execute("UPDATE tilskot.installation SET time_zone = 'Etc/GMT+12'")
        #expect(try db.connect().queryValue("SELECT changed_by FROM tilskot.installation", as: String.self) == Lifecycle.adm)
        #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.audit_log WHERE table_name = 'installation' AND actor = $1", [Lifecycle.adm], as: Int.self) == 1)
        let reference = try Lifecycle.assessed(db)
        let mona = try db.connect(asLogin: Lifecycle.mona)
        try mona.execute("SET TimeZone = 'Etc/GMT-14'")
        let app = try #require(try mona.queryValue("SELECT id FROM tilskot.application WHERE reference = $1", [reference.description], as: Int64.self))
        try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES ($1, 'granted', 500000000, 'Søknaden fyller vilkåra')", [app])
        let dated = try mona.queryValue("SELECT decision_date::text FROM tilskot.decision WHERE application_id = $1", [app], as: String.self)
        let installationDay = try mona.queryValue("SELECT (now() AT TIME ZONE 'Etc/GMT+12')::date::text", as: String.self)
        let sessionDay = try mona.queryValue("SELECT current_date::text", as: String.self)
        #expect(dated == installationDay)
        #expect(dated != sessionDay)
        // A date after the installation's today is refused, though it is today in the session's zone.
        let other = try Lifecycle.assessed(db, org: Lifecycle.stavanger)
        let otherId = try #require(try mona.queryValue("SELECT id FROM tilskot.application WHERE reference = $1", [other.description], as: Int64.self))
        expectSQLError("23T05", "is in the future") {
            try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date) VALUES ($1, 'granted', 500000000, 'Søknaden fyller vilkåra', current_date)", [otherId])
        }
    }

    @Test("a copied or restored database gives no reference number twice: registration stops until an administrator resumes numbering past the original's")
    func numberingAfterARestore() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let first = try Lifecycle.register(db)
        let su = try db.connect()
        #expect(try su.queryValue("SELECT count(*) FROM tilskot.numbering_lineage", as: Int.self) == 1)
        // What a restore into a new database looks like from inside: another oid than the recorded one.
        try su.execute("ALTER TABLE tilskot.numbering_lineage DISABLE TRIGGER zz_audit")
        try su.execute("UPDATE tilskot.numbering_lineage SET database_oid = 1")
        try su.execute("ALTER TABLE tilskot.numbering_lineage ENABLE TRIGGER zz_audit")
        expectRefused("registration refused: this database is not the one that gave its reference numbers") {
            _ = try Lifecycle.register(db, org: Lifecycle.stavanger)
        }
        let kari = try db.connect(asLogin: Lifecycle.kari)
        expectSQLError("23T60", "database 1") {
            try kari.execute("INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received) SELECT r.id, o.id, 'Etter gjenoppretting', 100000, '2021-02-01' FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id, tilskot.organisation o WHERE r.year = 2021 AND s.code = 'JS' AND o.orgnr = '964965226'")
        }
        expectSQLError("42T09", "is not an administrator") { try kari.execute("SELECT tilskot.numbering_resume(10, 'x')") }
        let admin = try db.connect(asLogin: Lifecycle.adm)
        expectSQLError("23T62", "the reason is missing") { try admin.execute("SELECT tilskot.numbering_resume(10, '  ')") }
        expectSQLError("23T62", "out of range") { try admin.execute("SELECT tilskot.numbering_resume(-1, 'restored')") }
        let clawbackIdBefore = try su.queryValue("SELECT coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'tilskot' AND sequencename = 'clawback_id_seq'", as: Int64.self) ?? -1
        let rounds = try admin.queryValue("SELECT tilskot.numbering_resume(50, 'restored the dump of 2026-12-04 02:00; the original registered at most 50 a round since')", as: Int.self)
        #expect(rounds == (try su.queryValue("SELECT count(*) FROM tilskot.round", as: Int.self)))
        expectSQLError("23T62", "there is nothing to resume") { try admin.execute("SELECT tilskot.numbering_resume(10, 'again')") }
        // Ids move on too: a claw-back's KID is made of them.
        #expect(try su.queryValue("SELECT last_value FROM pg_sequences WHERE schemaname = 'tilskot' AND sequencename = 'clawback_id_seq'", as: Int64.self) == clawbackIdBefore + 51)
        let next = try Lifecycle.register(db, org: Lifecycle.stavanger)
        #expect(next.sequence == first.sequence + 51)
        #expect(try su.queryValue("SELECT resumed_by FROM tilskot.numbering_resumption", as: String.self) == Lifecycle.adm)
        #expect(try su.queryValue("SELECT count(*) FROM tilskot.audit_log WHERE table_name = 'numbering_resumption'", as: Int.self) == 1)
    }

    @Test("a real copy of the database (CREATE DATABASE … TEMPLATE) stops registering until numbering is resumed")
    func numberingInACopy() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        _ = try Lifecycle.register(db)
        let copy = db.name + "_copy"
        let admin = try Connection(db.url.replacingOccurrences(of: "/\(db.name)", with: "/postgres"))
        try admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [db.name])
        try admin.executeScript("CREATE DATABASE \(copy) TEMPLATE \(db.name)")
        defer { _ = try? admin.executeScript("DROP DATABASE IF EXISTS \(copy) WITH (FORCE)") }
        let c = try Connection(db.url.replacingOccurrences(of: "/\(db.name)", with: "/\(copy)"))
        try c.executeScript("SET search_path = tilskot, public; SET ROLE \(Lifecycle.kari)")
        expectSQLError("23T60", "it was restored, copied or promoted") {
            try c.execute("INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received) SELECT r.id, o.id, 'I kopien', 100000, '2021-02-01' FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id, tilskot.organisation o WHERE r.year = 2021 AND s.code = 'JS' AND o.orgnr = '964965226'")
        }
    }
}
