import ArgumentParser
import Foundation
import PGClient
import TilskotStore

/// Runs the command tree and maps every outcome to the exit statuses of the CLI contract:
/// 0 done, 1 refused, 2 usage, 3 database unreachable. No Swift stack trace reaches a user.
@main
enum Entrypoint {
    static func main() {
        do {
            var command = try Tilskot.parseAsRoot()
            try command.run()
        } catch let error as TilskotError {
            Terminal.fail(error)
        } catch let error as PGError {
            Terminal.fail(TilskotError.from(error))
        } catch let error as ValidationError {
            Terminal.fail(.usage(Tilskot.fullMessage(for: error)))
        } catch {
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
}
