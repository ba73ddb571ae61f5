import Foundation
import PGClient
import Synchronization
import TilskotCore
import TilskotLocalCluster
import TilskotStore

/// A fresh database for one test: a `CREATE DATABASE … TEMPLATE` copy of a database migrated once
/// per test run, so tests run in parallel without seeing each other and without migrating each time.
///
/// The cluster is a throw-away local one: `TILSKOT_TEST_HOME` (set by Scripts/test), else
/// /var/tmp/tilskot-test. Only a local cluster is ever used: the harness drops databases.
public final class TestDatabase: @unchecked Sendable {
    public let name: String
    public let cluster: LocalCluster

    /// The superuser URL of this test's database.
    public var url: String { cluster.connectionURL(database: name) }

    /// The URL of this test's database as login role `user` (trust over the unix socket).
    public func url(asLogin user: String) -> String {
        url.replacingOccurrences(of: "postgresql://\(LocalCluster.superuser)@", with: "postgresql://\(user)@")
    }

    init(name: String, cluster: LocalCluster) {
        self.name = name
        self.cluster = cluster
    }

    /// Makes a fresh migrated database.
    public static func create() throws -> TestDatabase {
        let cluster = try TestCluster.shared.get()
        let template = try TestCluster.template.get()
        let name = "t_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased())"
        let admin = try Connection(cluster.connectionURL(database: "postgres"))
        // Concurrent copies of one template can collide on its lock (55006): try again briefly.
        for attempt in 1...50 {
            do {
                try admin.executeScript("CREATE DATABASE \(name) TEMPLATE \(template)")
                break
            } catch {
                guard error.sqlState == "55006", attempt < 50 else { throw error }
                usleep(100_000)
            }
        }
        // A copy takes the template's objects but not its database-level rights and owner: give it
        // the same role layout as every tilskot database (deploy/create-roles.sql, `local=on`).
        try cluster.prepareDatabase(name)
        return TestDatabase(name: name, cluster: cluster)
    }

    /// Runs `body` with a fresh database and drops it afterwards.
    public static func with<T>(_ body: (TestDatabase) throws -> T) throws -> T {
        let database = try create()
        defer { database.drop() }
        return try body(database)
    }

    /// A superuser connection to this database, or one acting as `role` (SET ROLE).
    public func connect(actingAs role: String? = nil) throws -> Connection {
        let connection = try Connection(url)
        try connection.executeScript("SET search_path = tilskot, public")
        if let role { try connection.execute("SELECT set_config('role', $1, false)", [role]) }
        return connection
    }

    /// Today in the installation's calendar (tilskot.today()), the day the database's rules and
    /// defaults count in: not the machine's UTC day, which is yesterday between midnight in Oslo
    /// and midnight UTC.
    public func today() throws -> CalendarDate {
        let text = try connect().queryValue("SELECT to_char(tilskot.today(), 'YYYY-MM-DD')", as: String.self)
        return try CalendarDate(text ?? "", field: "today")
    }

    /// A connection logged in as `user` itself (no SET ROLE): what someone with psql and their
    /// own credentials has. Use it for tests that attack the database's rules.
    public func connect(asLogin user: String) throws -> Connection {
        let connection = try Connection(url(asLogin: user))
        try connection.executeScript("SET search_path = tilskot, public")
        return connection
    }

    /// The administrator the harness makes for setting up what only administrators may set (the
    /// issuer, staff details): the superuser of `connect()` is in none of tilskot's groups, so the
    /// database refuses it casework and configuration alike (issue 17).
    public static let harnessAdmin = "harness_admin"

    /// A connection acting as `harnessAdmin` (made on first use).
    public func connectAsAdmin() throws -> Connection {
        try addUsers([Self.harnessAdmin: .admin])
        return try connect(actingAs: Self.harnessAdmin)
    }

    /// A tilskot session as the service layer sees it, acting as `user`.
    public func session(as user: String? = nil) throws -> Session {
        try Session.open(DatabaseTarget(conninfo: url, source: .explicit), actAs: user)
    }

    /// Creates users in the given roles, as the deployer does (the superuser, acting as itself:
    /// tilskot.user_add lets it; SQL/schema/18_users.sql). Users are roles of the cluster, not of one
    /// database, so each is made once per test process (and making one again is harmless: Users.add
    /// is idempotent). A user another test disabled is let in again by Users.add.
    public func addUsers(_ users: [String: UserRole]) throws {
        try Self.madeUsers.withLock { made in
            let wanted = users.filter { !made.contains("\($0.key) \($0.value)") }
            guard !wanted.isEmpty else { return }
            let session = try self.session()
            for (user, role) in wanted {
                try Users.add(user, role: role, fullName: nil, session: session)
                made.insert("\(user) \(role)")
            }
        }
    }

    /// "user role" for every user made in a role by this process.
    private static let madeUsers = Mutex<Set<String>>([])

    /// Gives logins a password (ALTER ROLE … PASSWORD, as the superuser). Roles belong to the
    /// cluster: two tests setting one role's password at once meet in pg_authid ("tuple
    /// concurrently updated", XX000), so the process's tests take turns here, and a password this
    /// process already set is not set again.
    public func setPasswords(_ users: [String], to password: String) throws {
        try Self.passwordsSet.withLock { done in
            let wanted = users.filter { !done.contains("\($0) \(password)") }
            guard !wanted.isEmpty else { return }
            let admin = try connect()
            defer { admin.close() }
            try admin.executeScript(wanted.map { "ALTER ROLE \($0) PASSWORD '\(password)';" }.joined(separator: " "))
            for user in wanted { done.insert("\(user) \(password)") }
        }
    }

    /// "user password" for every password set by setPasswords in this process.
    private static let passwordsSet = Mutex<Set<String>>([])

    /// Rows in every table of the tilskot schema, to assert that a refused command wrote nothing.
    public func rowCounts() throws -> [String: Int] {
        let c = try connect()
        let tables = try c.query("SELECT relname FROM pg_class WHERE relnamespace = 'tilskot'::regnamespace AND relkind IN ('r', 'p') ORDER BY 1")
            .map { try $0.string("relname") }
        let sql = tables.map { "SELECT '\($0)' AS t, count(*) AS n FROM tilskot.\"\($0)\"" }.joined(separator: " UNION ALL ")
        var result: [String: Int] = [:]
        for row in try c.query(sql) { result[try row.string("t")] = try row.int("n") }
        return result
    }

    public func drop() {
        guard let admin = try? Connection(cluster.connectionURL(database: "postgres")) else { return }
        _ = try? admin.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}

/// The cluster and the migrated template, made once per test process.
enum TestCluster {
    static let shared: Result<LocalCluster, Error> = Result {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["TILSKOT_TEST_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/var/tmp/tilskot-test"
        let cluster = LocalCluster(home: URL(fileURLWithPath: home, isDirectory: true), environment: environment)
        try cluster.start()
        return cluster
    }

    static let template: Result<String, Error> = Result {
        let cluster = try shared.get()
        let name = "tilskot_template_\(getpid())"
        let admin = try Connection(cluster.connectionURL(database: "postgres"))
        try admin.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try admin.executeScript("CREATE DATABASE \(name)")
        try cluster.prepareDatabase(name)
        let connection = try Connection(cluster.connectionURL(database: name))
        _ = try Migrator.migrate(connection)
        connection.close()
        return name
    }
}
