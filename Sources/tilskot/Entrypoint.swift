import ArgumentParser
import Foundation
import PGClient
import TilskotReports
import TilskotStore

/// Runs the command tree and maps every outcome to the exit statuses of the CLI contract
/// (docs/exit-status.md): 0 done, 1 refused, 2 usage, 3 database unreachable, 4 authentication
/// failed, 5 server out of a resource, 6 schema level mismatch on a change. No Swift stack trace
/// reaches a user.
@main
enum Entrypoint {
    static func main() {
        do {
            var command = try Tilskot.parseAsRoot()
            SessionSettings.current = settings(for: commandPath(type(of: command)))
            try command.run()
            SessionSettings.flushWarnings()
        } catch let error as TilskotError {
            // A change refused for the schema level says the warning's sentence itself.
            SessionSettings.flushWarnings(write: error.exitStatus != 6)
            Terminal.fail(error)
        } catch let error as PGError {
            SessionSettings.flushWarnings()
            Terminal.fail(TilskotError.from(error))
        } catch let error as ValidationError {
            SessionSettings.flushWarnings()
            Terminal.fail(.usage(Tilskot.fullMessage(for: error)))
        } catch {
            SessionSettings.flushWarnings()
            let code = Tilskot.exitCode(for: error)
            let message = Tilskot.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                exit(0)
            }
            if code == .validationFailure {
                // argument-parser says 64; the contract says 2 for wrong usage.
                Terminal.fail(.usage(message))
            }
            if !message.isEmpty { Terminal.writeError(message) }
            exit(code.rawValue == 0 ? 1 : code.rawValue)
        }
    }

    /// The session settings of a command: its name for `application_name`, the lock-wait notice,
    /// whether it checks the schema level, and the statement limit of commands that run long.
    static func settings(for path: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> SessionSettings {
        var settings = SessionSettings(environment: environment)
        settings.applicationName = path.joined(separator: " ")
        settings.lockNoticeDelay = SessionSettings.lockNoticeDelay(environment: environment)
        settings.defersWarnings = true
        // Every session, however a command opens it, shows times in the installation's zone.
        settings.timeZoneObserver = { zone in
            if let timeZone = TimeZone(identifier: zone) { Presentation.current.timeZone = timeZone }
        }
        let words = Array(path.dropFirst())
        // migrate brings any level to this one; db * looks after the cluster and its sessions.
        settings.checksSchemaLevel = !["migrate", "db"].contains(words.first ?? "")
        // migrate says itself whom it waits for and sets its own lock_timeout (Migrator.Waits).
        if words.first == "migrate" { settings.lockNoticeDelay = nil }
        // Work that legitimately runs long: no client statement limit unless one is set
        // (a casework login's own limit stays, Session.open never loosens it).
        let long: [[String]] = [["migrate"], ["application", "import"], ["export"], ["db", "watchdog"], ["sample"]]
        if environment["TILSKOT_STATEMENT_TIMEOUT"].map({ $0.isEmpty }) ?? true,
           long.contains(where: { words.starts(with: $0) }) {
            settings.statementTimeout = "0"
        }
        return settings
    }

    /// "tilskot application decide": the names from the root to the command that runs.
    static func commandPath(_ leaf: ParsableCommand.Type) -> [String] {
        func search(_ node: ParsableCommand.Type, _ path: [String]) -> [String]? {
            let here = path + [node._commandName]
            if ObjectIdentifier(node) == ObjectIdentifier(leaf) { return here }
            for child in node.configuration.subcommands {
                if let found = search(child, here) { return found }
            }
            return nil
        }
        return search(Tilskot.self, []) ?? ["tilskot"]
    }
}
