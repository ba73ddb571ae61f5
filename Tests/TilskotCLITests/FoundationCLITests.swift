import Foundation
import Testing
import TilskotTestSupport

@Suite("CLI foundation: exit codes and messages")
struct FoundationCLITests {
    @Test("with the database unreachable a data command exits 3 with one sentence")
    func unreachableExitsThree() throws {
        let result = try CLIRunner.run(["migrate", "--database-url", "postgresql://x@%2Fnonexistent%2Frun:5999/none"], database: nil)
        #expect(result.exitCode == 3)
        #expect(result.errorLines.count == 1)
        #expect(result.stderr.contains("cannot reach PostgreSQL at"))
        // The local database's hint only when the target is the local database (issue 18).
        #expect(!result.stderr.contains("tilskot db start"))
    }

    @Test("a password in the URL never appears in the message")
    func passwordRedacted() throws {
        let result = try CLIRunner.run(["migrate", "--database-url", "postgresql://x:topsecret@%2Fnonexistent%2Frun:5999/none"], database: nil)
        #expect(result.exitCode == 3)
        #expect(!result.stderr.contains("topsecret"))
    }

    @Test("wrong usage exits 2, not argument-parser's 64")
    func usageExitsTwo() throws {
        let unknown = try CLIRunner.run(["no-such-command"], database: nil)
        #expect(unknown.exitCode == 2)
        let badRole = try CLIRunner.run(["user", "add", "x", "--role", "emperor"], database: nil)
        #expect(badRole.exitCode == 2)
        #expect(badRole.stderr.contains("caseworker"))
    }

    @Test("help exits 0 and names the commands")
    func help() throws {
        let result = try CLIRunner.run(["--help"], database: nil)
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("db"))
        #expect(result.stdout.contains("migrate"))
    }

    @Test("migrate twice: the second run applies nothing")
    func migrateTwice() throws {
        try TestDatabase.with { db in
            let result = try CLIRunner.run(["migrate"], database: db)
            #expect(result.exitCode == 0)
            #expect(result.stdout.contains("nothing to migrate"))
        }
    }

    @Test("user add twice succeeds and the user acts through --as")
    func userAdd() throws {
        try TestDatabase.with { db in
            for _ in 0..<2 {
                let result = try CLIRunner.run(["user", "add", "cli_test_carol", "--role", "manager"], database: db)
                #expect(result.exitCode == 0)
            }
            let list = try CLIRunner.run(["user", "list", "--format", "csv"], database: db)
            #expect(list.stdout.contains("cli_test_carol,manager"))
            let unknown = try CLIRunner.run(["migrate", "--dry-run", "--as", "no_such_user_x"], database: db)
            #expect(unknown.exitCode == 0) // migrate acts as the login user; --as is for data commands
        }
    }
}
