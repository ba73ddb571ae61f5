import Foundation
import Testing
import TilskotServer
import TilskotStore
import TilskotTestSupport

/// `tilskot token issue`: a user issues their own token; only an administrator issues one for
/// someone else; the key file is made readable by its owner alone, and the token it prints is one
/// the server accepts for that user.
@Suite("tilskot token issue")
struct TokenCommandTests {
    @Test("own token yes, someone else's only as an administrator; key file 0600; the token verifies")
    func issue() async throws {
        let db = try ServerRouteTests().scene()
        defer { db.drop() }
        _ = try db.connectAsAdmin()
        let folder = FileManager.default.temporaryDirectory.appending(path: "tilskot-token-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyFile = folder.appending(path: "server/jwt-hs256.key")
        let environment = ["TILSKOT_JWT_KEY_FILE": keyFile.path]
        let kari = ServerRouteTests.caseworker
        let own = try CLIRunner.run(["token", "issue", "--user", kari, "--ttl", "1h", "--as", kari], database: db, environment: environment)
        #expect(own.exitCode == 0, "\(own.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let other = try CLIRunner.run(["token", "issue", "--user", ServerRouteTests.manager, "--as", kari], database: db, environment: environment)
        #expect(other.exitCode == 1)
        #expect(other.stderr.contains("is not an administrator"))
        let byAdmin = try CLIRunner.run(["token", "issue", "--user", ServerRouteTests.manager, "--as", TestDatabase.harnessAdmin],
                                        database: db, environment: environment)
        #expect(byAdmin.exitCode == 0, "\(byAdmin.stderr)")
        let key = try TokenVerifier.localKey(at: keyFile)
        let verifier = try await TokenVerifier(localKey: key)
        let identity = await verifier.identity(of: own.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(identity == TokenIdentity(issuer: TokenVerifier.localIssuer, subject: kari))
    }
}
