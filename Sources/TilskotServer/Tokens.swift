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

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
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

    /// `localKey`: the HS256 secret; `jwks`: the JSON of a JWKS document.
    public init(localKey: [UInt8]?, jwks: String? = nil, issuer: String? = nil, audience: String? = nil) async throws {
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
    }

    /// The token's identity, or nil when no key verifies it, it expired, or its issuer or audience
    /// is not the one configured.
    func verify(_ token: String) async -> TokenIdentity? {
        if let local, let claims = try? await local.verify(token, as: TilskotClaims.self),
           claims.iss.value == Self.localIssuer {
            return TokenIdentity(issuer: claims.iss.value, subject: claims.sub.value)
        }
        if let provider, let issuer = providerIssuer, issuer != Self.localIssuer,
           let claims = try? await provider.verify(token, as: TilskotClaims.self),
           claims.iss.value == issuer {
            if let audience = providerAudience {
                guard let aud = claims.aud, (try? aud.verifyIntendedAudience(includes: audience)) != nil else { return nil }
            }
            return TokenIdentity(issuer: claims.iss.value, subject: claims.sub.value)
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
