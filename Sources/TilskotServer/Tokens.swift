import Foundation
import JWTKit
import TilskotStore

/// The claims tilskot reads from a bearer token: who issued it and whom it names. A role claim is
/// never read: what the user may do is what their login's groups allow (issue 19).
struct TilskotClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim?
    var aud: AudienceClaim?
    /// Set only in a web session's cookie (Web/WebSession.swift), which is never a bearer token:
    /// its holder is a browser, guarded by the pages' CSRF checks, not an API client.
    var sid: String? = nil

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// A provider's token: its issuer, expiry and audience, and every claim as it came, so the subject
/// can be read from the claim the provider is configured with (`sub`, or e.g. Maskinporten's
/// `consumer.ID`: the organisation number of the client, "0192:921234567").
struct ProviderClaims: JWTPayload {
    var iss: IssuerClaim
    var exp: ExpirationClaim
    var aud: AudienceClaim?
    var nbf: NotBeforeClaim?
    var all: [String: ClaimValue]

    enum Keys: String, CodingKey { case iss, exp, aud, nbf }

    init(from decoder: any Decoder) throws {
        let keyed = try decoder.container(keyedBy: Keys.self)
        iss = try keyed.decode(IssuerClaim.self, forKey: .iss)
        exp = try keyed.decode(ExpirationClaim.self, forKey: .exp)
        aud = try keyed.decodeIfPresent(AudienceClaim.self, forKey: .aud)
        nbf = try keyed.decodeIfPresent(NotBeforeClaim.self, forKey: .nbf)
        all = try decoder.singleValueContainer().decode([String: ClaimValue].self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(all)
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try nbf?.verifyNotBefore()
    }

    /// The string at a dotted path ("sub", "consumer.ID"); nil when absent or not a non-empty
    /// string (never another claim in its place).
    func string(at path: String) -> String? {
        var value: ClaimValue? = .object(all)
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .object(let object)? = value else { return nil }
            value = object[String(part)]
        }
        guard case .string(let text)? = value, !text.isEmpty else { return nil }
        return text
    }
}

/// A JSON value of a token's claims.
indirect enum ClaimValue: Codable, Sendable, Equatable {
    case string(String), number(Double), bool(Bool), object([String: ClaimValue]), array([ClaimValue]), null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([ClaimValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: ClaimValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}

/// A verified token's issuer and subject; the database maps them to a tilskot user
/// (tilskot.token_login).
public struct TokenIdentity: Sendable, Equatable {
    public var issuer: String
    public var subject: String

    public init(issuer: String, subject: String) {
        self.issuer = issuer
        self.subject = subject
    }
}

/// Verifies bearer tokens: HS256 with the installation's own key (issuer "tilskot-local", subject =
/// the login; `tilskot token issue`), and, in production, the identity provider's keys from a JWKS
/// file with its issuer and audience.
public struct TokenVerifier: Sendable {
    public static let localIssuer = "tilskot-local"

    let local: JWTKeyCollection?
    let provider: JWTKeyCollection?
    let providerIssuer: String?
    let providerAudience: String?
    /// The claim whose string is the provider token's subject: "sub", or a dotted path such as
    /// Maskinporten's "consumer.ID" (`--token-subject-claim`).
    let providerSubjectClaim: String

    public static let defaultSubjectClaim = "sub"

    /// Tokens verified before, until they expire (VerifiedTokens.swift).
    let verified = VerifiedTokens()

    /// `localKey`: the HS256 secret; `jwks`: the JSON of a JWKS document; `subjectClaim`: where the
    /// provider's tokens name whom they are for.
    public init(localKey: [UInt8]?, jwks: String? = nil, issuer: String? = nil, audience: String? = nil,
                subjectClaim: String = TokenVerifier.defaultSubjectClaim) async throws {
        if let localKey {
            local = await JWTKeyCollection().add(hmac: HMACKey(from: localKey), digestAlgorithm: .sha256)
        } else {
            local = nil
        }
        if let jwks {
            provider = try await JWTKeyCollection().add(jwksJSON: jwks)
        } else {
            provider = nil
        }
        providerIssuer = issuer
        providerAudience = audience
        providerSubjectClaim = subjectClaim
    }

    /// A subject claim as `--token-subject-claim` takes it: names of letters, digits, '_' or '-',
    /// joined by dots ("sub", "consumer.ID").
    public static func parseSubjectClaim(_ text: String) throws(TilskotError) -> String {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        }) else {
            throw .usage("--token-subject-claim \"\(text)\" is not a claim: give a name or a dotted path, e.g. sub or consumer.ID")
        }
        return text
    }

    /// The token's identity, or nil when no key verifies it, it expired, or its issuer or audience
    /// is not the one configured. A token verified before is taken from `verified` until it expires.
    func verify(_ token: String) async -> TokenIdentity? {
        if let known = verified.identity(of: token) { return known }
        guard let (identity, expires) = await check(token) else { return nil }
        verified.remember(token, identity, expires: expires)
        return identity
    }

    private func check(_ token: String) async -> (TokenIdentity, expires: Date)? {
        if let local, let claims = try? await local.verify(token, as: TilskotClaims.self),
           claims.iss.value == Self.localIssuer, claims.sid == nil {
            return (TokenIdentity(issuer: claims.iss.value, subject: claims.sub.value), claims.exp.value)
        }
        if let provider, let issuer = providerIssuer, issuer != Self.localIssuer,
           let claims = try? await provider.verify(token, as: ProviderClaims.self),
           claims.iss.value == issuer {
            // Only a token meant for tilskot: with no audience configured, no provider token is
            // taken (`tilskot serve` does not start that way either).
            guard let audience = providerAudience, let aud = claims.aud,
                  (try? aud.verifyIntendedAudience(includes: audience)) != nil else { return nil }
            // Only the configured claim names the subject: a token without it is refused, never
            // read from `sub` instead.
            guard let subject = claims.string(at: providerSubjectClaim) else { return nil }
            return (TokenIdentity(issuer: claims.iss.value, subject: subject), claims.exp.value)
        }
        return nil
    }

    /// The identity a token names, or nil (what the server's middleware asks).
    public func identity(of token: String) async -> TokenIdentity? {
        await verify(token)
    }

    /// A token for `login` signed with the local key (`tilskot token issue`).
    public static func issueLocal(login: String, ttl: TimeInterval, key: [UInt8]) async throws -> String {
        let keys = await JWTKeyCollection().add(hmac: HMACKey(from: key), digestAlgorithm: .sha256)
        let now = Date()
        let claims = TilskotClaims(iss: IssuerClaim(value: localIssuer), sub: SubjectClaim(value: login),
                                   exp: ExpirationClaim(value: now.addingTimeInterval(ttl)), iat: IssuedAtClaim(value: now),
                                   aud: nil)
        return try await keys.sign(claims)
    }

    /// The local HS256 key: read from `path`, or made (32 random bytes, base64, mode 0600) when the
    /// file is not there. The folder is made 0700. Only the server's user may read it.
    public static func localKey(at path: URL) throws(TilskotError) -> [UInt8] {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path.path) {
            do {
                try manager.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
            } catch {
                throw .refused("cannot create \(path.deletingLastPathComponent().path): \(error.localizedDescription); set TILSKOT_JWT_KEY_FILE to a file in a folder you can write")
            }
            var bytes = [UInt8](repeating: 0, count: 32)
            for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
            let text = Data(bytes).base64EncodedString() + "\n"
            // O_EXCL: two processes making the key at once keep one key.
            let fd = open(path.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            if fd >= 0 {
                _ = text.withCString { write(fd, $0, strlen($0)) }
                close(fd)
            } else if errno != EEXIST {
                throw .refused("cannot create the token key \(path.path): \(String(cString: strerror(errno))); set TILSKOT_JWT_KEY_FILE to a file you can write")
            }
        }
        guard let text = try? String(contentsOf: path, encoding: .utf8),
              let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count >= 32 else {
            throw .refused("the token key \(path.path) cannot be read or is not 32 or more base64 bytes; remove it to make a new one (tokens issued with it stop working)")
        }
        if let mode = (try? manager.attributesOfItem(atPath: path.path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw .refused("the token key \(path.path) can be read by others (mode \(String(mode, radix: 8))); make it readable by the server's user alone: chmod 600 \(path.path)")
        }
        return [UInt8](data)
    }

    /// Seconds in "8h", "30m", "45s", "2d" or a bare number of seconds.
    public static func parseTTL(_ text: String) throws(TilskotError) -> TimeInterval {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let last = trimmed.last, let unit = units[last], let n = Double(trimmed.dropLast()), n > 0 { return n * unit }
        if let n = Double(trimmed), n > 0 { return n }
        throw .usage("--ttl \"\(text)\" is not a duration: give e.g. 8h, 30m, 2d or seconds")
    }
}
