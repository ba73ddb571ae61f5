import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import Testing
import TilskotServer
import TilskotStore
import TilskotTestSupport

/// Production tokens (issue 19 item 3): the identity provider's keys from a JWKS document, its
/// issuer and audience; (issuer, subject) mapped to a tilskot user by an administrator
/// (tilskot.user_link). A token the provider signed is refused when it is for another audience,
/// names an unlinked subject, or claims the local issuer (whose tokens only the local key signs).
@Suite("tilskot serve: identity-provider tokens (JWKS)")
struct ProviderTokenTests: ServerRouteSuite {
    static let issuer = "https://idp.example.no"
    static let audience = "tilskot"

    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var aud: AudienceClaim
        /// Not valid before (absent unless given).
        var nbf: NotBeforeClaim? = nil
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    @Test("with no audience configured no provider token is taken, and `tilskot serve` does not start so; a token not valid before an hour from now (nbf) is refused")
    func audienceAndNotBefore() async throws {
        let key = ES256PrivateKey()
        let (x, y) = try #require(key.parameters)
        let jwks = #"{"keys":[{"kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(y)","kid":"idp-1","alg":"ES256","use":"sig"}]}"#
        let signer = await JWTKeyCollection().add(ecdsa: key, kid: "idp-1")
        let hour = Date().addingTimeInterval(3600)
        let valid = try await signer.sign(Claims(iss: .init(value: Self.issuer), sub: .init(value: "0f8c-kari"), exp: .init(value: hour),
                                                 aud: .init(value: [Self.audience])), kid: "idp-1")
        let early = try await signer.sign(Claims(iss: .init(value: Self.issuer), sub: .init(value: "0f8c-kari"), exp: .init(value: hour.addingTimeInterval(3600)),
                                                      aud: .init(value: [Self.audience]), nbf: .init(value: hour)), kid: "idp-1")
        let configured = try await ServerHarness.tokens(jwks: jwks, issuer: Self.issuer, audience: Self.audience)
        #expect(await configured.identity(of: valid) == TokenIdentity(issuer: Self.issuer, subject: "0f8c-kari"))
        #expect(await configured.identity(of: early) == nil)
        let noAudience = try await ServerHarness.tokens(jwks: jwks, issuer: Self.issuer)
        #expect(await noAudience.identity(of: valid) == nil)
        // The server refuses to start with a JWKS file and no audience: exit 2, the sentence names it.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jwks-\(UUID().uuidString).json")
        try jwks.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try CLIRunner.run(["serve", "--listen", "127.0.0.1:1"], database: nil,
                                       environment: ["TILSKOT_JWKS_FILE": file.path, "TILSKOT_JWT_ISSUER": Self.issuer, "TILSKOT_HOME": home.path])
        #expect(result.exitCode == 2, "\(result.stderr)")
        #expect(result.stderr.contains("TILSKOT_JWT_AUDIENCE"), "\(result.stderr)")
    }

    @Test("a linked subject's token is answered; another audience, an unlinked subject, the local issuer are 401")
    func providerTokens() async throws {
        let db = try ServerRouteTests().scene()
        defer { db.drop() }
        let key = ES256PrivateKey()
        let (x, y) = try #require(key.parameters)
        let jwks = #"{"keys":[{"kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(y)","kid":"idp-1","alg":"ES256","use":"sig"}]}"#
        let signer = await JWTKeyCollection().add(ecdsa: key, kid: "idp-1")
        func token(iss: String = Self.issuer, sub: String, aud: String = Self.audience) async throws -> String {
            try await signer.sign(Claims(iss: .init(value: iss), sub: .init(value: sub), exp: .init(value: Date().addingTimeInterval(3600)),
                                         aud: .init(value: [aud])), kid: "idp-1")
        }
        // An administrator links the identity (tilskot.user_link), recorded with who linked it.
        let admin = try db.connectAsAdmin()
        _ = try admin.execute("SELECT tilskot.user_link($1, $2, $3)", [ServerRouteTests.caseworker, Self.issuer, "0f8c-kari"])
        #expect(try db.connect().queryValue("SELECT linked_by FROM tilskot.identity_link WHERE subject = '0f8c-kari'", as: String.self) == TestDatabase.harnessAdmin)
        let app = try await self.app(db, pool: 1, debugRoutes: true,
                                     tokens: try await ServerHarness.tokens(jwks: jwks, issuer: Self.issuer, audience: Self.audience))
        let kari = try await token(sub: "0f8c-kari")
        let otherAudience = try await token(sub: "0f8c-kari", aud: "another-service")
        let unlinked = try await token(sub: "9999-nobody")
        let localIssuer = try await token(iss: TokenVerifier.localIssuer, sub: ServerRouteTests.caseworker)
        try await app.test(.router) { client in
            func status(_ token: String) async throws -> HTTPResponse.Status {
                var fields = HTTPFields()
                fields[.authorization] = "Bearer \(token)"
                return try await client.execute(uri: "/debug/session", method: .get, headers: fields) { $0.status }
            }
            #expect(try await status(kari) == .ok)
            #expect(try await status(otherAudience) == .unauthorized)
            #expect(try await status(unlinked) == .unauthorized)
            #expect(try await status(localIssuer) == .unauthorized)
            var fields = HTTPFields()
            fields[.authorization] = "Bearer \(kari)"
            try await client.execute(uri: "/debug/session", method: .get, headers: fields) { response in
                let seen = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String])
                #expect(seen["current_user"] == ServerRouteTests.caseworker)
            }
        }
    }
}
