import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Issue 17, items 1 and 2, attacked through plain SQL: nobody acts nameless (the owner, the
/// deployer and superusers are in none of tilskot's groups, so casework refuses them), only
/// administrators change users and roles, every change is audited with who made it, and a disabled
/// user acts no more.
@Suite("who acts, and users and roles as a record, under attack through plain SQL")
struct IdentityAttackTests {
    /// People of this suite only (roles are cluster-wide; names differ from other suites').
    static let admin = "id_adm"
    static let other = "id_adm2"
    static let kari = "id_kari"
    static let mona = "id_mona"
    static let fia = "id_fia"

    static func users(_ db: TestDatabase) throws {
        try db.addUsers([admin: .admin, other: .admin, kari: .caseworker, mona: .manager, fia: .finance])
    }

    func applicationId(_ c: Connection, _ reference: ApplicationReference) throws -> Int64 {
        try #require(try c.queryValue("SELECT id FROM tilskot.application WHERE reference = $1", [reference.description], as: Int64.self))
    }

    @Test("the superuser, and the owner by SET ROLE, cannot register, assess, decide or attest (42T20 first, the step's own rule behind it)")
    func ownerAndSuperuserDoNoCasework() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let fresh = try Lifecycle.register(db)
        let assessed = try Lifecycle.assessed(db, org: Lifecycle.stavanger)
        for asOwner in [false, true] {
            let c = try asOwner ? db.connect(actingAs: "tilskot_owner") : db.connect()
            // The membership functions no longer say yes to a superuser (pg_has_role did).
            #expect(try c.queryValue("SELECT tilskot.is_member(tilskot.acting_user(), 'tilskot_finance')", as: Bool.self) == false)
            #expect(try c.queryValue("SELECT tilskot.has_budget_authority(tilskot.acting_user())", as: Bool.self) == false)
            expectSQLError("42T20", "assessment refused: tilskot is not a tilskot user") {
                try c.execute("INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES ($1, 4, 'grant')",
                              [try applicationId(c, fresh)])
            }
            expectSQLError("42T20", "decision refused") {
                try c.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [try applicationId(c, assessed)])
            }
            expectSQLError("42T20", "organisation refused") {
                try c.execute("INSERT INTO tilskot.organisation (orgnr, name, kind) VALUES ('964338531', 'Nameless', 'other')")
            }
            // require_role, as the CLI asks it before writing: "tilskot is not in finance".
            expectSQLError("42T02", "attestation refused: tilskot is not in finance") {
                try c.execute("SELECT tilskot.require_role('attestation')")
            }
            expectSQLError("42T01", "decision refused: tilskot is not a manager") {
                try c.execute("SELECT tilskot.require_role('decision')")
            }
        }
        #expect(try Lifecycle.count(db, "decision") == 0)
        #expect(try Lifecycle.count(db, "assessment") == 1)
    }

    @Test("a caseworker cannot add users or give roles, not even to themselves; an administrator can, audited with who made it")
    func onlyAdministratorsChangeUsers() throws {
        try TestDatabase.with { db in
            try Self.users(db)
            let kari = try db.connect(asLogin: Self.kari)
            for sql in ["SELECT tilskot.role_add('id_kari', 'admin')", "SELECT tilskot.user_add('id_hacker', 'admin')",
                        "SELECT tilskot.role_remove('id_mona', 'manager')", "SELECT tilskot.user_disable('id_mona')"] {
                expectSQLError("42T21", "user change refused: id_kari is not an administrator") { try kari.execute(sql) }
            }
            expectSQLError("42501") {
                try kari.execute("INSERT INTO tilskot.user_change (login, change, role, changed_by) VALUES ('id_kari', 'role add', 'tilskot_admin', 'id_adm')")
            }
            // Direct role statements: no tilskot person has CREATEROLE.
            expectSQLError("42501") { try kari.execute("GRANT tilskot_admin TO id_kari") }
            #expect(try kari.queryValue("SELECT tilskot.is_member('id_kari', 'tilskot_admin')", as: Bool.self) == false)

            let admin = try db.connect(asLogin: Self.admin)
            try admin.execute("SELECT tilskot.user_add('id_new', 'caseworker', 'new in the unit')")
            try admin.execute("SELECT tilskot.role_add('id_new', 'auditor')")
            try admin.execute("SELECT tilskot.role_remove('id_new', 'auditor')")
            let audit = try db.connect().query("""
                SELECT a.actor, a.login, a.new->>'change' AS change, a.new->>'role' AS role, a.reason
                  FROM tilskot.audit_log a
                 WHERE a.table_name = 'user_change' AND a.new->>'login' = 'id_new' ORDER BY a.id
                """)
            #expect(try audit.map { try $0.string("change") } == ["add", "role add", "role remove"])
            #expect(try audit.allSatisfy { try $0.string("actor") == Self.admin && $0.string("login") == Self.admin })
            #expect(try audit.map { try $0.string("role") } == ["tilskot_caseworker", "tilskot_auditor", "tilskot_auditor"])
            #expect(audit.first?["reason"] == "new in the unit")
            #expect(try db.connect().queryValue("SELECT tilskot.groups_held('id_new')::text", as: String.self) == "{tilskot_caseworker}")
            // The record is kept: no update, no delete, even by the owner.
            let owner = try db.connect(actingAs: "tilskot_owner")
            expectSQLError("23T09") { try owner.execute("DELETE FROM tilskot.user_change WHERE login = 'id_new'") }
            expectSQLError("23T09") { try owner.execute("UPDATE tilskot.user_change SET changed_by = 'x' WHERE login = 'id_new'") }
        }
    }

    @Test("a role that conflicts is given with a warning (finance and manager; caseworker and finance), none otherwise")
    func conflictWarning() throws {
        try TestDatabase.with { db in
            try Self.users(db)
            let admin = try db.connect(asLogin: Self.admin)
            try admin.execute("SELECT tilskot.user_add('id_both', 'manager')")
            let warning = try admin.queryValue("SELECT tilskot.role_add('id_both', 'finance')", as: String.self)
            #expect(warning?.contains("id_both is now in tilskot_finance and tilskot_manager") == true, "\(warning ?? "nil")")
            #expect(try admin.queryValue("SELECT tilskot.is_member('id_both', 'tilskot_finance')", as: Bool.self) == true)
            try admin.execute("SELECT tilskot.user_add('id_cw', 'caseworker')")
            #expect(try admin.queryValue("SELECT tilskot.role_add('id_cw', 'finance')", as: String.self)?
                .contains("tilskot_finance and tilskot_caseworker") == true)
            #expect(try admin.queryValue("SELECT tilskot.role_add('id_cw', 'auditor')", as: String.self) != nil) // still finance+caseworker
            try admin.execute("SELECT tilskot.user_add('id_plain', 'caseworker')")
            #expect(try admin.queryValue("SELECT tilskot.role_add('id_plain', 'auditor')", as: String.self) == nil)
        }
    }

    @Test("a disabled user cannot log in, and a session opened before cannot act; their history stays")
    func disabledUserActsNoMore() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        try Self.users(db)
        try db.connect(asLogin: Self.admin).execute("SELECT tilskot.user_add('id_gone', 'caseworker')")
        let open = try db.connect(asLogin: "id_gone")
        try open.execute("""
            INSERT INTO tilskot.organisation (orgnr, name, kind) VALUES ('964338531', 'Before', 'other')
            """)
        try db.connect(asLogin: Self.admin).execute("SELECT tilskot.user_disable('id_gone', 'left the unit')")
        expectSQLError("42T20", "id_gone is not a tilskot user") {
            try open.execute("INSERT INTO tilskot.organisation (orgnr, name, kind) VALUES ('942110464', 'After', 'other')")
        }
        #expect(throws: PGError.self) { _ = try db.connect(asLogin: "id_gone") }
        // Their earlier work and its audit entry stay.
        #expect(try db.connect().queryValue("SELECT created_by FROM tilskot.organisation WHERE orgnr = '964338531'", as: String.self) == "id_gone")
        #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.audit_log WHERE actor = 'id_gone'", as: Int.self) == 1)
        // --as a disabled user is refused too (the login would otherwise act in their place).
        expectRefused("cannot act as id_gone: the user is disabled") { _ = try db.session(as: "id_gone") }
        // An administrator may let them in again.
        try db.connect(asLogin: Self.other).execute("SELECT tilskot.user_add('id_gone', 'caseworker')")
        _ = try db.connect(asLogin: "id_gone")
    }

    @Test("the deployer adds the first administrator but cannot make itself, a superuser or a system role a tilskot user")
    func bootstrapAndItsLimits() throws {
        try TestDatabase.with { db in
            let deployer = try db.connect(actingAs: "tilskot_owner")   // as `tilskot migrate` runs
            try deployer.execute("SELECT tilskot.user_add('id_first', 'admin')")
            #expect(try deployer.queryValue("SELECT changed_by FROM tilskot.user_change WHERE login = 'id_first'", as: String.self) == "tilskot")
            expectSQLError("23T50", "tilskot is a superuser, has rights of its own") {
                try deployer.execute("SELECT tilskot.user_add('tilskot', 'finance')")
            }
            expectSQLError("23T50", "is reserved") { try deployer.execute("SELECT tilskot.user_add('tilskot_owner', 'finance')") }
            expectSQLError("23T50", "is not a role") { try deployer.execute("SELECT tilskot.user_add('id_x', 'owner')") }
            // The deployer acting as a person is that person: a caseworker may not.
            try db.addUsers([Self.kari: .caseworker])
            let asKari = try db.connect(actingAs: Self.kari)
            expectSQLError("42T21") { try asKari.execute("SELECT tilskot.user_add('id_y', 'admin')") }
            // An administrator does not lock themselves out.
            let first = try db.connect(asLogin: "id_first")
            expectSQLError("23T50", "cannot disable themselves") { try first.execute("SELECT tilskot.user_disable('id_first')") }
            expectSQLError("23T50", "their own administration") { try first.execute("SELECT tilskot.role_remove('id_first', 'admin')") }
        }
    }

    @Test("user changes hold at every isolation level: a user added meanwhile by another administrator is no error", arguments: ["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"])
    func isolation(level: String) throws {
        try TestDatabase.with { db in
            try Self.users(db)
            let name = "id_iso_" + level.lowercased().replacingOccurrences(of: " ", with: "_") + "_" + String(UUID().uuidString.prefix(6)).lowercased()
            let late = try db.connect(asLogin: Self.other)
            try late.execute("BEGIN ISOLATION LEVEL \(level)")
            _ = try late.queryValue("SELECT count(*) FROM tilskot.user_change", as: Int.self)   // the snapshot
            try db.connect(asLogin: Self.admin).execute("SELECT tilskot.user_add($1, 'caseworker')", [name])
            try late.execute("SELECT tilskot.user_add($1, 'auditor')", [name])
            try late.execute("COMMIT")
            #expect(try db.connect().queryValue("SELECT tilskot.groups_held($1)::text", [name], as: String.self)
                    == "{tilskot_auditor,tilskot_caseworker}")
            #expect(try db.connect().queryValue("SELECT string_agg(changed_by, ',' ORDER BY id) FROM tilskot.user_change WHERE login = $1", [name],
                                                as: String.self) == "\(Self.admin),\(Self.other)")
        }
    }
}
