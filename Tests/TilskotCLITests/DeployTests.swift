import Foundation
import Testing
import TilskotLocalCluster
import TilskotStore
import TilskotTestSupport

/// deploy/ run for real on the test cluster: create-roles.sql on a server that has no tilskot
/// database, `tilskot migrate` as the deployer, people working as login roles, then deploy/upgrade,
/// whose first step is deploy/backup-restore (pg_dump, pg_restore into a new database, compare).
@Suite("deploy: roles, migrate as the deployer, backup and restore")
struct DeployTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let deployer = "deploytest_deploy"
    static let admin = "deploytest_admin"

    /// A database of its own (create-roles.sql makes it), on the test cluster.
    struct Server {
        let cluster: LocalCluster
        let database: String

        /// libpq's environment for the cluster's superuser: what psql and the deploy scripts use.
        var superuserEnvironment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            for key in ["TILSKOT_DATABASE_URL", "DATABASE_URL", "PGSERVICE", "PGDATABASE", "TILSKOT_USER"] {
                environment[key] = nil
            }
            environment["PGHOST"] = cluster.socketDirectory.path
            environment["PGPORT"] = "\(cluster.port ?? 5432)"
            environment["PGUSER"] = LocalCluster.superuser
            environment["TILSKOT"] = CLIRunner.executable.path
            return environment
        }

        func url(as user: String, database: String? = nil) -> String {
            cluster.connectionURL(database: database ?? self.database)
                .replacingOccurrences(of: "postgresql://\(LocalCluster.superuser)@", with: "postgresql://\(user)@")
        }

        func psql(_ arguments: [String], as user: String = LocalCluster.superuser, database: String? = nil) throws -> ChildProcess.Result {
            var environment = superuserEnvironment
            environment["PGUSER"] = user
            return try ChildProcess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-d", database ?? self.database] + arguments,
                                        environment: environment, separateStandardError: true)
        }

        func drop(_ name: String) {
            _ = try? psql(["-c", "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"], database: "postgres")
        }
    }

    @Test("create-roles.sql, migrate as the deployer, work as people, then upgrade with a proven backup")
    func deployBackupRestore() throws {
        // setup: the test cluster stands in for a directorate's PostgreSQL
        let scratch = try TestDatabase.create() // starts the cluster; its own database is not used
        scratch.drop()
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let server = Server(cluster: scratch.cluster, database: "deploytest_\(suffix)")
        let backups = "/var/tmp/tilskot-deploytest-\(suffix)"
        defer {
            server.drop(server.database)
            try? FileManager.default.removeItem(atPath: backups)
        }
        let script = Self.repository.appending(path: "deploy/create-roles.sql").path
        let variables = ["-v", "dbname=\(server.database)", "-v", "admin=\(Self.admin)", "-v", "deployer=\(Self.deployer)"]
        for _ in 0..<2 { // a second run changes nothing and fails on nothing
            let roles = try server.psql(["-f", script] + variables, database: "postgres")
            #expect(roles.exitCode == 0, "\(roles.errorOutput)")
        }

        // MUT: the deployer migrates and adds people; the first admin and the people work
        let deploy = server.url(as: Self.deployer)
        func tilskot(_ arguments: [String], url: String) throws -> CLIResult {
            try CLIRunner.run(arguments + ["--database-url", url], database: nil)
        }
        let migrate = try tilskot(["migrate"], url: deploy)
        #expect(migrate.exitCode == 0, "\(migrate.stderr)")
        for (user, role) in [("deploytest_kari", "caseworker"), ("deploytest_mona", "manager")] {
            let added = try tilskot(["user", "add", user, "--role", role], url: deploy)
            #expect(added.exitCode == 0, "\(added.stderr)")
        }
        let admin = server.url(as: Self.admin), kari = server.url(as: "deploytest_kari"), mona = server.url(as: "deploytest_mona")
        for (step, url) in [
            (["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality"], admin),
            (["round", "open", "JS/2021", "--frame", "110,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01"], mona),
            (["round", "adjust", "JS/2021", "--amount", "+25 mill", "--reason", "integreringspakke II"], admin),
            (["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301"], kari),
            (["org", "add", "839953062", "--name", "Unjárga gielda / Nesseby kommune", "--kind", "municipality", "--municipality", "5636"], kari),
            (["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen i Oslo",
              "--amount", "12 000 000", "--received", "2021-02-02"], kari),
            (["application", "register", "--round", "JS/2021", "--org", "839953062", "--title", "Jobbsjansen i Unjárga",
              "--amount", "800 000", "--received", "2021-02-03"], kari),
            (["application", "assess", "JS-2021-0001", "--score", "5", "--recommend", "grant"], kari),
            (["application", "decide", "JS-2021-0001", "--grant", "12 000 000"], mona),
        ] as [([String], String)] {
            let result = try tilskot(step, url: url)
            #expect(result.exitCode == 0, "\(step.joined(separator: " ")): \(result.stderr)")
        }

        // The bulk import makes temporary tables as the owner: it works where PUBLIC may not make any.
        let csv = FileManager.default.temporaryDirectory.appending(path: "deploy-import-\(suffix).csv")
        defer { try? FileManager.default.removeItem(at: csv) }
        try "orgnr,title,amount,received,external_ref\n958935420,Jobbsjansen i Oslo del 2,100000,2021-02-05,D-1\n"
            .write(to: csv, atomically: true, encoding: .utf8)
        let imported = try tilskot(["application", "import", csv.path, "--round", "JS/2021"], url: kari)
        #expect(imported.exitCode == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("1 read, 1 imported"), "\(imported.stdout)")

        // validate: the owner is a role nobody logs in as, and the admin cannot act as an owner
        let owners = try server.psql(["-A", "-t", "-c", """
            SELECT string_agg(DISTINCT o, ',') FROM (
                SELECT tableowner AS o FROM pg_tables WHERE schemaname = 'tilskot'
                UNION ALL SELECT proowner::regrole::text FROM pg_proc WHERE pronamespace = 'tilskot'::regnamespace
                UNION ALL SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'tilskot') s
            """])
        // The participant register (13_participants.sql) has two owners of its own, NOLOGIN as well, so that row-level
        // security binds even its SECURITY DEFINER functions.
        #expect(owners.output.trimmingCharacters(in: .whitespacesAndNewlines)
                == "tilskot_owner,tilskot_participant_owner,tilskot_participant_steward")
        let disable = try server.psql(["-c", "ALTER TABLE tilskot.audit_log DISABLE TRIGGER ALL"], as: Self.admin)
        #expect(disable.exitCode != 0)
        #expect(disable.errorOutput.contains("must be owner"))
        let ownerLogin = try server.psql(["-c", "SELECT 1"], as: "tilskot_owner")
        #expect(ownerLogin.exitCode != 0) // NOLOGIN
        #expect(ownerLogin.errorOutput.contains("not permitted to log in"))

        // MUT: the upgrade procedure, whose first step is the backup proven by a restore
        var environment = server.superuserEnvironment
        environment["TILSKOT_DEPLOY_URL"] = deploy
        environment["TILSKOT_BACKUP_DIR"] = backups
        let upgrade = try ChildProcess.run([Self.repository.appending(path: "deploy/upgrade").path, CLIRunner.executable.path, server.database],
                                           environment: environment, separateStandardError: true)
        #expect(upgrade.exitCode == 0, "\(upgrade.errorOutput)")
        #expect(upgrade.errorOutput.contains("tables equal"), "\(upgrade.errorOutput)")
        #expect(upgrade.errorOutput.contains("OK: "), "\(upgrade.errorOutput)")
        #expect(upgrade.errorOutput.contains("check-integrity.sql holds on the restored copy"), "\(upgrade.errorOutput)")
        #expect(upgrade.errorOutput.contains("report summary --year 2021 read on the restored copy"), "\(upgrade.errorOutput)")
        #expect(upgrade.output.contains("nothing to migrate"))

        // the backup files are there and closed to others (they hold personal data)
        let files = try FileManager.default.contentsOfDirectory(atPath: backups)
        #expect(files.contains { $0.hasSuffix(".dump") } && files.contains { $0.hasSuffix("-roles.sql") })
        let mode = try FileManager.default.attributesOfItem(atPath: "\(backups)/\(files.first { $0.hasSuffix(".dump") }!)")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
