import Foundation
import Testing
import TilskotTestSupport

@Suite("the embedded local cluster through the CLI")
struct LocalClusterCLITests {
    @Test("start is idempotent, stop stops, a stopped cluster gives exit 3 (db status too), a stale postmaster.pid is recovered")
    func lifecycleOfTheLocalCluster() throws {
        // setup: a cluster of its own, so this test can stop it
        let home = "/var/tmp/tilskot-clustertest-\(UUID().uuidString.prefix(8))"
        let env = ["TILSKOT_HOME": home]
        defer {
            _ = try? CLIRunner.run(["db", "stop"], database: nil, environment: env)
            try? FileManager.default.removeItem(atPath: home)
        }
        func tilskot(_ args: String...) throws -> CLIResult { try CLIRunner.run(args, database: nil, environment: env) }

        #expect(try tilskot("db", "status").stdout.contains("not initialised"))

        // MUT + validate: first start initialises, second says it already runs
        let first = try tilskot("db", "start")
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.stdout.contains("initialised"))
        #expect(try tilskot("db", "start").stdout.contains("already running"))
        #expect(try tilskot("db", "status").stdout.contains("running (pid"))
        #expect(try tilskot("migrate").exitCode == 0)
        #expect(try tilskot("db", "url").stdout.hasPrefix("postgresql://tilskot@"))

        // stopped: any data command exits 3 with one sentence naming the way out
        #expect(try tilskot("db", "stop").stdout.contains("stopped"))
        let stopped = try tilskot("db", "status")
        #expect(stopped.stdout.hasPrefix("stopped"))
        #expect(stopped.exitCode == 3)
        let unreachable = try tilskot("migrate")
        #expect(unreachable.exitCode == 3)
        #expect(unreachable.errorLines.count == 1)
        #expect(unreachable.stderr.contains("tilskot db start"))

        // a machine restart leaves postmaster.pid naming a process id now used by something else
        let pidFile = "\(home)/data/postmaster.pid"
        try "1\n\(home)/data\n0\n0\n\n\n\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        #expect(try tilskot("db", "status").stdout.hasPrefix("stopped"))
        let recovered = try tilskot("db", "start")
        #expect(recovered.exitCode == 0, "\(recovered.stdout) \(recovered.stderr)")
        #expect(recovered.stdout.contains("postmaster.pid names process 1, which is now another program"), "\(recovered.stdout)")
        let migrate = try tilskot("migrate")
        #expect(migrate.exitCode == 0)
        #expect(migrate.stdout.contains("nothing to migrate"))
    }
}
