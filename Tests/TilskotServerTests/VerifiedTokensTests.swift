import Foundation
import Testing
@testable import TilskotServer

/// The cache of verified bearer tokens (VerifiedTokens.swift) and the request ids the middleware
/// makes: what lets a request skip work must not let anything else through.
@Suite("the server's verified tokens and request ids")
struct VerifiedTokensTests {
    static let key = Array("a local signing key of thirty-two bytes".utf8)

    @Test("a verified token is kept and answered again; a tampered or expired one is refused and never kept")
    func verifiedOnce() async throws {
        let verifier = try await TokenVerifier(localKey: Self.key)
        let token = try await TokenVerifier.issueLocal(login: "kari", ttl: 3600, key: Self.key)
        #expect(verifier.verified.count == 0)
        #expect(await verifier.verify(token) == TokenIdentity(issuer: TokenVerifier.localIssuer, subject: "kari"))
        #expect(verifier.verified.count == 1)
        #expect(await verifier.verify(token) == TokenIdentity(issuer: TokenVerifier.localIssuer, subject: "kari"))
        #expect(verifier.verified.count == 1)
        // The same claims with another signature: not the kept token, so checked, and refused.
        // The signature's first character is changed: it carries six bits of the signature, while
        // the last of a 32-byte HMAC's 43 characters carries two padding bits a decoder may ignore
        // ("A" and "B" there can decode to the same bytes, which made this test fail 1 time in 16).
        let dot = try #require(token.lastIndex(of: "."))
        let first = token.index(after: dot)
        let tampered = token.replacingCharacters(in: first...first, with: token[first] == "A" ? "B" : "A")
        #expect(tampered != token)
        #expect(await verifier.verify(tampered) == nil)
        // Signed with another key.
        let foreign = try await TokenVerifier.issueLocal(login: "kari", ttl: 3600, key: Array("another key, thirty-two bytes long".utf8))
        #expect(await verifier.verify(foreign) == nil)
        // Expired when issued.
        let expired = try await TokenVerifier.issueLocal(login: "kari", ttl: -60, key: Self.key)
        #expect(await verifier.verify(expired) == nil)
        #expect(verifier.verified.count == 1)
    }

    @Test("a kept token is let through only until its expiry, then forgotten; a full cache starts afresh")
    func expiryAndCapacity() {
        let tokens = VerifiedTokens(capacity: 2)
        let now = Date()
        let kari = TokenIdentity(issuer: "i", subject: "kari")
        tokens.remember("t1", kari, expires: now.addingTimeInterval(10))
        #expect(tokens.identity(of: "t1", now: now) == kari)
        #expect(tokens.identity(of: "t2", now: now) == nil)
        #expect(tokens.identity(of: "t1", now: now.addingTimeInterval(10)) == nil)
        #expect(tokens.count == 0)
        tokens.remember("t1", kari, expires: now.addingTimeInterval(10))
        tokens.remember("t2", kari, expires: now.addingTimeInterval(10))
        tokens.remember("t3", kari, expires: now.addingTimeInterval(10))
        #expect(tokens.count == 1)
        #expect(tokens.identity(of: "t3", now: now) == kari && tokens.identity(of: "t1", now: now) == nil)
    }

    @Test("a request id is a random version 4 UUID in lower case, new each time")
    func requestIDs() {
        let ids = (0..<1000).map { _ in RequestID.new() }
        #expect(Set(ids).count == 1000)
        for id in ids {
            #expect(id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil, "\(id)")
            #expect(UUID(uuidString: id)?.uuidString.lowercased() == id)
        }
    }
}
