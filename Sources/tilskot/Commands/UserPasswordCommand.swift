import ArgumentParser
import Foundation
import PGClient
import TilskotStore

extension UserCommand {
    /// `tilskot user password [USER]` — sets a user's PostgreSQL password, the one the web log-in
    /// (`tilskot serve`, /web/login) and psql over TCP check. The new password is read from stdin
    /// (one line) or, at a terminal, asked for twice without echo. libpq computes its SCRAM-SHA-256
    /// verifier here (PQencryptPasswordConn), so only the verifier is sent: the plain password
    /// reaches neither the server nor its log. One's own: ALTER ROLE CURRENT_USER. Another user's:
    /// an administrator, through tilskot.user_password and the role keeper (which takes nothing
    /// but a verifier, and only for a tilskot user).
    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set your password, or (administrators) another user's; reads it from stdin or asks without echo.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The user whose password to set (default: yourself, the acting user).") var user: String?

        func run() throws {
            let session = try global.session()
            let actor = try session.currentUser()
            let target = user ?? actor
            let password = try Self.readPassword(for: target)
            let verifier = try session.run { try session.connection.scramVerifier(password: password, user: target) }
            // What PQencryptPasswordConn gives is base64 and "$:" only: nothing to quote. ALTER ROLE takes
            // no bind parameters, so it is checked here before it is put in the statement.
            guard verifier.hasPrefix("SCRAM-SHA-256$"),
                  verifier.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+/=$:-".contains($0)) }) else {
                throw TilskotError.refused("password refused: libpq did not give a SCRAM-SHA-256 verifier; nothing was changed")
            }
            try session.transaction {
                if target == actor {
                    try session.connection.execute("ALTER ROLE CURRENT_USER PASSWORD '\(verifier)'")
                } else {
                    do {
                        try session.connection.execute("SELECT tilskot.user_password($1, $2)", [target, verifier])
                    } catch let error as PGError where error.isTilskotRule {
                        throw TilskotError.refused(error.message)
                    }
                }
            }
            print("the password of \(target) is set")
        }

        /// The new password: at a terminal asked twice without echo; else stdin's first line.
        static func readPassword(for user: String) throws -> String {
            let password: String
            if isatty(STDIN_FILENO) == 1 {
                let first = try prompt("New password for \(user): ")
                let second = try prompt("Again: ")
                guard first == second else { throw TilskotError.refused("password refused: the two passwords differ; nothing was changed") }
                password = first
            } else {
                guard let line = readLine(strippingNewline: true) else {
                    throw TilskotError.usage("give the new password on stdin (one line), or run at a terminal to be asked for it")
                }
                password = line
            }
            guard password.count >= 12 else {
                throw TilskotError.refused("password refused: it has \(password.count) characters; use at least 12 (a few words make a good one); nothing was changed")
            }
            return password
        }

        /// Reads a line from the terminal with echo off.
        static func prompt(_ text: String) throws -> String {
            FileHandle.standardError.write(Data(text.utf8))
            var saved = termios()
            tcgetattr(STDIN_FILENO, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
            defer {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
            guard let line = readLine(strippingNewline: true) else { throw TilskotError.usage("no password given") }
            return line
        }
    }
}
