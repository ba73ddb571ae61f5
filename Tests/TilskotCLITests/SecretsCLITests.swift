import Foundation
import PGClient
import Testing
import TilskotLocalCluster
import TilskotStore
import TilskotTestSupport

/// Secrets through the binary: a password written in a URL or conninfo never shows in a message,
/// on any error path we can reach (libpq echoes parts of a string it cannot parse, so its messages
/// are scrubbed too), and a URL without a password finds it in PGPASSFILE or ~/.pgpass, as libpq
/// does — over TCP to 127.0.0.1, where the test cluster asks for a SCRAM password.
@Suite("secrets: passwords never shown; PGPASSFILE and ~/.pgpass work")
struct SecretsCLITests {
    /// A login with a password for one test, on the test cluster; dropped afterwards.
    struct PasswordLogin {
        let db: TestDatabase
        let user = "secrets_\(UUID().uuidString.prefix(8).lowercased())"
        let password = "Zq7-\(UUID().uuidString.prefix(12))"
        var port: Int { db.cluster.port ?? 5432 }
        var urlWithoutPassword: String { "postgresql://\(user)@127.0.0.1:\(port)/\(db.name)" }
        var urlWithPassword: String { "postgresql://\(user):\(password)@127.0.0.1:\(port)/\(db.name)" }

        init() throws {
            db = try TestDatabase.create()
            // Test-made name and password (letters, digits, '-'): nothing to quote.
            try db.connect().executeScript("CREATE ROLE \(user) LOGIN PASSWORD '\(password)' IN ROLE tilskot_auditor")
        }

        func drop() {
            try? FileManager.default.removeItem(atPath: emptyHome)
            db.drop()
            _ = try? db.connect().executeScript("DROP ROLE IF EXISTS \(user)")
            if let admin = try? Connection(db.cluster.connectionURL(database: "postgres")) {
                _ = try? admin.executeScript("DROP ROLE IF EXISTS \(user)")
            }
        }

        /// `tilskot ARGS` with no database variables, a HOME without .pgpass and `extra` on top.
        func run(_ arguments: [String], _ extra: [String: String] = [:]) throws -> CLIResult {
            var environment = ["HOME": emptyHome, "PGPASSFILE": "\(emptyHome)/none", "PGPASSWORD": ""]
            environment.merge(extra) { $1 }
            return try CLIRunner.run(arguments, database: nil, environment: environment)
        }

        let emptyHome: String = {
            let path = "/var/tmp/tilskot-secrets-home-\(UUID().uuidString.prefix(8))"
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return path
        }()
    }

    /// Asserts one sentence on stderr and no trace of `secrets` anywhere in the output.
    func expectNoSecret(_ result: CLIResult, _ secrets: [String], exitCode: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.exitCode == exitCode, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.errorLines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        for secret in secrets {
            #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret),
                    "\(secret) shown in: \(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    /// The test cluster's TCP port (the first database made starts the cluster).
    static let clusterPort = Result<Int, Error> {
        let db = try TestDatabase.create()
        defer { db.drop() }
        return db.cluster.port ?? 5432
    }

    static let unusable = [
        "postgresql://u:Zq7secret@127.0.0.1:PORT/postgres",                       // wrong password: the server refuses
        "postgresql://u:Zq7se%zzcret@127.0.0.1:PORT/postgres",                    // libpq echoes the bad token
        "postgresql://u:Zq7secret@[::1/postgres",                                 // libpq echoes the whole URI
        "postgresql://u:Zq7secret@127.0.0.1:notaport/postgres",
        "postgresql://u@127.0.0.1:PORT/postgres?password=Zq7secret&bogus=1",
        "postgresql://u@127.0.0.1:PORT/postgres?sslpassword=Zq7secret&sslmode=nonsense",
        "host=127.0.0.1 port=PORT user=u password='Zq7 secret' dbname=postgres",   // quoted, with a space
        "host=127.0.0.1 port=PORT user=u password=Zq7\\ secret dbname=postgres",   // escaped space
        "host=127.0.0.1 port=PORT user=u password='Zq7secret dbname=postgres",     // unterminated quote
        "host=127.0.0.1 port=PORT user=u password = Zq7secret dbname",            // spaces around =, then a bad key
    ]

    /// The strings libpq reads and the server refuses (user u has no such password).
    static let wrongPassword: Set<String> = [unusable[0], unusable[6], unusable[7]]

    @Test("connection strings libpq cannot use: the password is in none of the messages (exit 3; 4 where the server refuses the password)", arguments: unusable)
    func unusableConnectionStrings(conninfo: String) throws {
        do {
            let url = conninfo.replacingOccurrences(of: "PORT", with: "\(try Self.clusterPort.get())")
            let home = "/var/tmp/tilskot-secrets-home-\(UUID().uuidString.prefix(8))"
            defer { try? FileManager.default.removeItem(atPath: home) }
            let environment = ["HOME": home, "PGPASSFILE": "\(home)/none"]
            let first = conninfo == Self.unusable[0]
            // The server turns a login with a wrong password away (exit 4, issue 18); libpq refuses
            // a string it cannot use before any server is asked (exit 3).
            let refusedByServer = Self.wrongPassword.contains(conninfo)
            for arguments in [["scheme", "list", "--database-url", url]] + (first ? [["migrate", "--database-url", url]] : []) {
                let result = try CLIRunner.run(arguments, database: nil, environment: environment)
                expectNoSecret(result, ["Zq7", "secret", "zzcret"], exitCode: refusedByServer ? 4 : 3)
                #expect(result.stderr.contains(refusedByServer ? "authentication failed at" : "cannot reach PostgreSQL at"))
            }
            // The same through the environment variables instead of the flag.
            for variable in first ? ["TILSKOT_DATABASE_URL", "DATABASE_URL"] : [] {
                var withVariable = environment
                withVariable[variable] = url
                let result = try CLIRunner.run(["scheme", "list"], database: nil, environment: withVariable)
                expectNoSecret(result, ["Zq7", "secret", "zzcret"], exitCode: refusedByServer ? 4 : 3)
            }
        }
    }

    @Test("with the right password in the URL: refusals, unknown users and wrong usage show none of it")
    func reachableErrorPaths() throws {
        let login = try PasswordLogin()
        defer { login.drop() }
        let url = login.urlWithPassword
        #expect(try login.run(["scheme", "list", "--database-url", url]).exitCode == 0)
        // refused by the database: an auditor creates nothing (exit 1)
        expectNoSecret(try login.run(["scheme", "create", "XX", "--name", "x", "--applicant-kinds", "other", "--database-url", url]),
                       [login.password], exitCode: 1)
        // refused by a trigger sentence: bad input reaching the database
        expectNoSecret(try login.run(["round", "show", "NO/2021", "--database-url", url]), [login.password], exitCode: 1)
        // acting as someone the login may not become
        expectNoSecret(try login.run(["scheme", "list", "--as", "no_such_user_secrets", "--database-url", url]), [login.password], exitCode: 1)
        // an administrative command without the rights (migrate as an auditor)
        let migrate = try login.run(["migrate", "--database-url", url])
        #expect(!migrate.stderr.contains(login.password) && !migrate.stdout.contains(login.password))
        // wrong usage (exit 2): argument-parser's message names the option, not its value
        let usage = try login.run(["scheme", "create", "XX", "--database-url", url])
        #expect(usage.exitCode == 2)
        #expect(!usage.stderr.contains(login.password))
        let unknown = try login.run(["scheme", "lst", "--database-url", url])
        #expect(unknown.exitCode == 2)
        #expect(!unknown.stderr.contains(login.password))
    }

    @Test("a URL without a password reads it from PGPASSFILE or ~/.pgpass (mode 0600), as libpq does")
    func passwordFiles() throws {
        let login = try PasswordLogin()
        defer { login.drop() }
        let url = login.urlWithoutPassword
        let line = "127.0.0.1:\(login.port):\(login.db.name):\(login.user):\(login.password)\n"

        // No password anywhere: libpq asks for one, we say so in one sentence (exit 4, authentication).
        let none = try login.run(["scheme", "list", "--database-url", url])
        expectNoSecret(none, [login.password], exitCode: 4)
        #expect(none.stderr.contains("no password supplied"))

        // PGPASSFILE
        let passfile = "\(login.emptyHome)/pgpass-\(UUID().uuidString.prefix(6))"
        try line.write(toFile: passfile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passfile)
        let viaPassfile = try login.run(["scheme", "list", "--database-url", url], ["PGPASSFILE": passfile])
        #expect(viaPassfile.exitCode == 0, "\(viaPassfile.stderr)")

        // ~/.pgpass (no PGPASSFILE)
        let home = "/var/tmp/tilskot-secrets-home-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try line.write(toFile: "\(home)/.pgpass", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: "\(home)/.pgpass")
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSFILE"] = nil
        environment["PGPASSWORD"] = nil
        environment["HOME"] = home
        environment["TILSKOT_DATABASE_URL"] = nil
        environment["DATABASE_URL"] = nil
        let child = try ChildProcess.run([CLIRunner.executable.path, "scheme", "list", "--database-url", url],
                                         environment: environment, separateStandardError: true)
        #expect(child.exitCode == 0, "\(child.errorOutput)")

        // A password file others can read is ignored by libpq (it warns), so the login fails.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: passfile)
        let open = try login.run(["scheme", "list", "--database-url", url], ["PGPASSFILE": passfile])
        #expect(open.exitCode == 4)
        #expect(open.stderr.contains("group or world access"))
        #expect(!open.stderr.contains(login.password))
    }
}
