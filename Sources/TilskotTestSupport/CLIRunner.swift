import Foundation
import TilskotLocalCluster
import TilskotStore

/// Runs the built `tilskot` binary as a user would, for end-to-end tests.
public struct CLIResult: Sendable {
    public let exitCode: Int32
    public let stdout: String
    public let stderr: String

    /// The lines of stderr without the empty ones.
    public var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

public enum CLIRunner {
    /// The `tilskot` executable beside the test bundle (swift test builds every product).
    public static var executable: URL {
        if let explicit = ProcessInfo.processInfo.environment["TILSKOT_BINARY"] {
            return URL(fileURLWithPath: explicit)
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appending(path: "tilskot")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/tilskot")
    }

    /// Runs `tilskot ARGS…` against `database` (nil: no database variables at all).
    @discardableResult
    public static func run(_ arguments: [String], database: TestDatabase?, environment extra: [String: String] = [:], stdin: String? = nil) throws -> CLIResult {
        var environment = ProcessInfo.processInfo.environment
        for key in ["TILSKOT_DATABASE_URL", "DATABASE_URL", "PGHOST", "PGSERVICE", "PGDATABASE", "TILSKOT_USER"] {
            environment[key] = nil
        }
        if let database { environment["TILSKOT_DATABASE_URL"] = database.url }
        environment.merge(extra) { $1 }
        let result = try ChildProcess.run([executable.path] + arguments, environment: environment,
                                          stdin: stdin, separateStandardError: true)
        return CLIResult(exitCode: result.exitCode, stdout: result.output, stderr: result.errorOutput)
    }
}

extension TestDatabase {
    /// A fresh database with `users` and the state that `steps` make through the built binary, each
    /// as a user would type it. When a step fails, the database is dropped and the step named.
    public static func scene(users: [String: UserRole], steps: [[String]]) throws -> TestDatabase {
        let db = try create()
        do {
            try db.addUsers(users)
            for step in steps {
                let result = try CLIRunner.run(step, database: db)
                guard result.exitCode == 0 else {
                    throw TilskotError.refused("setup step \(step.joined(separator: " ")) failed: \(result.stderr)")
                }
            }
        } catch {
            db.drop()
            throw error
        }
        return db
    }
}
