import ArgumentParser
import Foundation
import TilskotLocalCluster
import TilskotServer
import TilskotStore

/// `tilskot token issue --user kari [--ttl 8h] --as ADMIN-OR-KARI` — a bearer token for `tilskot
/// serve` signed with the installation's own key (issuer tilskot-local, subject the login). A user
/// issues their own; only an administrator issues one for someone else (asked of the database:
/// tilskot.is_member). The key file is made, mode 0600, on first use.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue bearer tokens for the HTTP API (`tilskot serve`).",
        subcommands: [Issue.self])

    /// $TILSKOT_JWT_KEY_FILE, else $TILSKOT_HOME/server/jwt-hs256.key.
    static func keyFile(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["TILSKOT_JWT_KEY_FILE"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return LocalCluster(environment: environment).home.appending(path: "server/jwt-hs256.key")
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a token for a user (your own; an administrator may issue one for anyone).")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The tilskot user the token names.", valueName: "login")) var user: String
        @Option(help: ArgumentHelp("How long it is valid: 8h, 30m, 2d or seconds.", valueName: "duration")) var ttl = "8h"

        func run() throws {
            let ttl = try TokenVerifier.parseTTL(self.ttl)
            guard let actor = global.actor else {
                throw TilskotError.refused("token issue refused: no tilskot user is named; pass --as USER (yourself, or an administrator) or set TILSKOT_USER")
            }
            let session = try global.session()
            let allowed = try session.run {
                try session.connection.queryRow(
                    "SELECT tilskot.is_member($1, 'tilskot_admin') AS admin, tilskot.is_tilskot_user($2) AS user_ok",
                    [actor, user])
            }
            if actor != user && allowed?["admin"] != "t" {
                throw TilskotError.refused("token issue refused: \(actor) is not an administrator; only members of tilskot_admin issue a token for someone else — issue your own with --user \(actor)")
            }
            if allowed?["user_ok"] != "t" {
                throw TilskotError.refused("token issue refused: \(user) is not a tilskot user (in none of tilskot's groups, or disabled); add them first with `tilskot user add`")
            }
            let key = try TokenVerifier.localKey(at: TokenCommand.keyFile())
            let token = try runBlocking { try await TokenVerifier.issueLocal(login: user, ttl: ttl, key: key) }
            print(token)
        }
    }
}

/// Runs async work from the synchronous command tree and waits for it.
func runBlocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = BlockingResult<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = Result<T, any Error>.success(try await work()) } catch { box.result = Result<T, any Error>.failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// What `runBlocking`'s task hands back (written before the semaphore is signalled, read after).
final class BlockingResult<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
