import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

/// Issue 17, items 1 and 2, through the built binary: nobody acts nameless, `--as` holds for `user
/// add` too, role changes are audited with who made them, a conflicting role warns, a disabled user
/// acts no more.
@Suite("who acts and users as a record, through the CLI")
struct IdentityCLITests {
    static let admin = "idc_ada"
    static let caseworker = "idc_per"
    static let manager = "idc_mona"

    func scene() throws -> TestDatabase {
        try TestDatabase.scene(users: [Self.admin: .admin, Self.caseworker: .caseworker, Self.manager: .manager], steps: [
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
        ])
    }

    @Test("a change without --as or TILSKOT_USER is refused with how to name the user; reads still run as the login")
    func namelessRefused() throws {
        let db = try scene()
        defer { db.drop() }
        let before = try db.rowCounts()
        // The harness's URL logs in as the cluster's superuser: not a tilskot user.
        for arguments in [["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103"],
                          ["payment", "attest", "1"],
                          ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality"]] {
            let result = try CLIRunner.run(arguments, database: db)
            #expect(result.exitCode == 1, "\(arguments): \(result.stderr)")
            #expect(result.errorLines == ["change refused: the login tilskot is not a tilskot user (in none of tilskot's groups, or disabled), and changes are made by named people; log in as your own tilskot user, or pass --as USER or set TILSKOT_USER"],
                    "\(arguments): \(result.stderr)")
        }
        #expect(try db.rowCounts() == before)
        // Reading needs no name.
        let list = try CLIRunner.run(["org", "list", "--format", "csv"], database: db)
        #expect(list.exitCode == 0, "\(list.stderr)")
        #expect(list.stdout.contains("958935420"))
        // TILSKOT_USER names the user as --as does, and the audit log says who.
        let named = try CLIRunner.run(["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103"],
                                      database: db, environment: ["TILSKOT_USER": Self.caseworker])
        #expect(named.exitCode == 0, "\(named.stderr)")
        #expect(try db.connect().queryValue("SELECT actor FROM tilskot.audit_log WHERE table_name = 'organisation' AND new->>'orgnr' = '964965226'",
                                            as: String.self) == Self.caseworker)
    }

    @Test("user add --as a caseworker is refused with the database's sentence, the same as psql reads")
    func userAddHoldsAs() throws {
        let db = try scene()
        defer { db.drop() }
        let result = try CLIRunner.run(["user", "add", "idc_hacker", "--role", "admin", "--as", Self.caseworker], database: db)
        #expect(result.exitCode == 1)
        let sentence = "user change refused: idc_per is not an administrator; only members of tilskot_admin add users, change their roles, set their passwords and disable them (the deployer adds the first administrator; everyone sets their own password with `tilskot user password`)"
        #expect(result.errorLines == [sentence], "\(result.stderr)")
        do {
            try db.connect(asLogin: Self.caseworker).execute("SELECT tilskot.user_add('idc_hacker', 'admin')")
            Issue.record("psql user_add succeeded as a caseworker")
        } catch let error as PGError {
            #expect(error.sqlState == "42T21")
            #expect(error.message == sentence)
        }
        #expect(try db.connect().queryValue("SELECT count(*) FROM pg_roles WHERE rolname = 'idc_hacker'", as: Int.self) == 0)
    }

    @Test("role add warns of a conflict and is audited with who made it; role remove and disable too; a disabled user cannot act")
    func rolesAsARecord() throws {
        let db = try scene()
        defer { db.drop() }
        let add = try CLIRunner.run(["user", "add", "idc_new", "--role", "manager", "--reason", "ny i seksjonen", "--as", Self.admin], database: db)
        #expect(add.exitCode == 0, "\(add.stderr)")
        #expect(add.stderr.isEmpty)

        let conflict = try CLIRunner.run(["user", "role", "add", "idc_new", "finance", "--as", Self.admin], database: db)
        #expect(conflict.exitCode == 0, "\(conflict.stderr)")
        #expect(conflict.stdout.contains("idc_new is now in tilskot_finance"))
        #expect(conflict.errorLines.count == 1)
        #expect(conflict.stderr.hasPrefix("warning: idc_new is now in tilskot_finance and tilskot_manager: one person could decide a grant"),
                "\(conflict.stderr)")

        let remove = try CLIRunner.run(["user", "role", "remove", "idc_new", "finance", "--reason", "a slip", "--as", Self.admin], database: db)
        #expect(remove.exitCode == 0, "\(remove.stderr)")
        let list = try CLIRunner.run(["user", "list", "--format", "csv"], database: db)
        #expect(list.stdout.contains("idc_new,manager,no"), "\(list.stdout)")

        let disable = try CLIRunner.run(["user", "disable", "idc_new", "--reason", "slutta", "--as", Self.admin], database: db)
        #expect(disable.exitCode == 0, "\(disable.stderr)")
        #expect(try CLIRunner.run(["user", "list", "--format", "csv"], database: db).stdout.contains("idc_new,manager,yes"))
        let acting = try CLIRunner.run(["round", "open", "JS/2021", "--frame", "1 mill", "--opens", "2021-01-04", "--closes", "2021-03-01",
                                        "--as", "idc_new"], database: db)
        #expect(acting.exitCode == 1)
        #expect(acting.stderr.contains("cannot act as idc_new: the user is disabled"), "\(acting.stderr)")

        // The audit log: every change, by whom, with its reason.
        let rows = try db.connect().query("""
            SELECT actor, new->>'change' AS change, new->>'role' AS role, reason FROM tilskot.audit_log
             WHERE table_name = 'user_change' AND new->>'login' = 'idc_new' ORDER BY id
            """)
        #expect(try rows.map { try $0.string("change") } == ["add", "role add", "role remove", "disable"])
        #expect(try rows.allSatisfy { try $0.string("actor") == Self.admin })
        #expect(rows.map { $0["reason"] } == ["ny i seksjonen", nil, "a slip", "slutta"])
        // `tilskot audit` of an administrator shows them too? The audit log is the record; the
        // integrity check reads user_change (granted to the auditor).
        #expect(try db.connect(asLogin: Self.admin).queryValue("SELECT count(*) FROM tilskot.user_change WHERE login = 'idc_new'", as: Int.self) == 4)
    }

    @Test("the deployer (the login, without --as) adds the first administrator, who then adds the others")
    func bootstrap() throws {
        try TestDatabase.with { db in
            let first = try CLIRunner.run(["user", "add", "idc_first", "--role", "admin"], database: db)
            #expect(first.exitCode == 0, "\(first.stderr)")
            let next = try CLIRunner.run(["user", "add", "idc_second", "--role", "caseworker", "--name", "Kari Nordmann", "--as", "idc_first"], database: db)
            #expect(next.exitCode == 0, "\(next.stderr)")
            #expect(try db.connect().queryValue("SELECT changed_by FROM tilskot.user_change WHERE login = 'idc_second'", as: String.self) == "idc_first")
            #expect(try db.connect().queryValue("SELECT full_name FROM tilskot.staff WHERE login = 'idc_second'", as: String.self) == "Kari Nordmann")
        }
    }

    @Test("on the local database: the bootstrap without --as, then every change names its user; `payment attest` without one is refused")
    func localDatabase() throws {
        // A cluster of its own: the local database's login is its bootstrap superuser.
        let home = "/var/tmp/tilskot-identitytest-\(UUID().uuidString.prefix(8))"
        let env = ["TILSKOT_HOME": home]
        defer {
            _ = try? CLIRunner.run(["db", "stop"], database: nil, environment: env)
            try? FileManager.default.removeItem(atPath: home)
        }
        func tilskot(_ args: String...) throws -> CLIResult { try CLIRunner.run(args, database: nil, environment: env) }
        #expect(try tilskot("db", "start").exitCode == 0)
        #expect(try tilskot("migrate").exitCode == 0)
        let local = "change refused: no tilskot user is named: on the local database a change is made by a named user; pass --as USER or set TILSKOT_USER (`tilskot user list` shows who there is)"
        for arguments in [["payment", "attest", "1"], ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality"]] {
            let nameless = try CLIRunner.run(arguments, database: nil, environment: env)
            #expect(nameless.exitCode == 1)
            #expect(nameless.errorLines == [local], "\(nameless.stderr)")
        }
        let first = try tilskot("user", "add", "idl_ada", "--role", "admin")
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(try tilskot("user", "add", "idl_kari", "--role", "caseworker", "--as", "idl_ada").exitCode == 0)
        let named = try tilskot("org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--as", "idl_kari")
        #expect(named.exitCode == 0, "\(named.stderr)")
        // Reading needs no name.
        #expect(try tilskot("org", "list").stdout.contains("Oslo kommune"))
    }
}
