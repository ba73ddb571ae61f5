import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JWTKit

/// The ID token's claims tilskot checks (OpenID Connect Core 1.0 §3.1.3.7): issuer, audience (and
/// `azp` when there are several), expiry and the nonce of this log-in.
struct OidcIDTokenClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim?
    var nonce: String?
    var azp: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired(currentDate: Date().addingTimeInterval(-OidcClient.clockSkew))
    }
}

/// Why a provider log-in failed; each becomes a sentence on the log-in page (WebText `oidc_*`).
enum OidcFailure: Error, Equatable {
    /// Discovery, JWKS or the token endpoint did not answer, or answered something unusable.
    case provider(String)
    /// The ID token is not signed by the provider's keys, or its iss, aud, exp or nonce is wrong.
    case idToken(String)
}

/// The relying party's side of the provider: its discovery document and keys (cached), the code
/// exchanged for tokens at the token endpoint, and the ID token verified. HTTP through Foundation's
/// URLSession, whose callbacks run on its own queue (never the event loop).
actor OidcClient {
    static let clockSkew: TimeInterval = 60
    /// Discovery and keys are read again after this long (a provider rotating its keys is also
    /// noticed at once: a token whose key is unknown makes the keys be read again, once).
    static let cacheLifetime: TimeInterval = 3600
    static let timeout: TimeInterval = 10

    let settings: OidcSettings
    private var metadata: (OidcMetadata, Date)?
    private var keys: (JWTKeyCollection, Date)?

    init(settings: OidcSettings) {
        self.settings = settings
        if let given = settings.metadata { metadata = (given, .distantFuture) }
    }

    /// The provider's metadata: ISSUER/.well-known/openid-configuration, its `issuer` exactly the
    /// configured one (OpenID Connect Discovery §4.3).
    func discovery() async throws(OidcFailure) -> OidcMetadata {
        if let (cached, at) = metadata, Date().timeIntervalSince(at) < Self.cacheLifetime { return cached }
        let base = settings.issuer.hasSuffix("/") ? String(settings.issuer.dropLast()) : settings.issuer
        guard let url = URL(string: base + "/.well-known/openid-configuration") else { throw .provider("the issuer is not a URL") }
        let (status, data) = try await Self.send(URLRequest(url: url))
        guard status == 200, let read = try? JSONDecoder().decode(OidcMetadata.self, from: data) else {
            throw .provider("discovery answered \(status) without a usable document")
        }
        guard read.issuer == settings.issuer else {
            throw .provider("discovery names the issuer \(read.issuer), not \(settings.issuer)")
        }
        if let methods = read.codeChallengeMethods, !methods.contains("S256") {
            throw .provider("the provider does not offer PKCE with S256")
        }
        metadata = (read, Date())
        return read
    }

    /// The code exchanged at the token endpoint (POST, with the PKCE verifier): the ID token.
    func exchange(code: String, verifier: String, redirectURI: String) async throws(OidcFailure) -> String {
        let meta = try await discovery()
        guard let url = URL(string: meta.tokenEndpoint) else { throw .provider("the token endpoint is not a URL") }
        var fields = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
                      ("code_verifier", verifier), ("client_id", settings.clientID)]
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let secret = settings.clientSecret {
            let methods = meta.tokenEndpointAuthMethods ?? ["client_secret_basic"]
            if methods.contains("client_secret_basic") || !methods.contains("client_secret_post") {
                // RFC 6749 §2.3.1: both parts form-encoded before Basic.
                let pair = Self.formEncoded(settings.clientID) + ":" + Self.formEncoded(secret)
                request.setValue("Basic " + Data(pair.utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
            } else {
                fields.append(("client_secret", secret))
            }
        }
        request.httpBody = Data(fields.map { "\($0.0)=\(Self.formEncoded($0.1))" }.joined(separator: "&").utf8)
        let (status, data) = try await Self.send(request)
        let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        guard status == 200, let idToken = body?["id_token"] as? String, !idToken.isEmpty else {
            let error = (body?["error"] as? String).map { " (\($0))" } ?? ""
            throw .provider("the token endpoint answered \(status)\(error) without an ID token")
        }
        return idToken
    }

    /// The ID token verified with the provider's keys (jwks_uri): iss the configured issuer, aud
    /// including the client id (azp the client id when there are several), not expired, and the
    /// nonce of this log-in. Its issuer and subject, which tilskot.token_login maps.
    func verify(idToken: String, nonce: String) async throws(OidcFailure) -> TokenIdentity {
        var claims: OidcIDTokenClaims
        do {
            claims = try await keyCollection(refresh: false).verify(idToken, as: OidcIDTokenClaims.self)
        } catch let error as OidcFailure {
            throw error
        } catch {
            // An unknown key id: the provider may have rotated its keys; read them again, once.
            do {
                claims = try await keyCollection(refresh: true).verify(idToken, as: OidcIDTokenClaims.self)
            } catch let error as OidcFailure {
                throw error
            } catch {
                throw .idToken("its signature or expiry does not verify (\(error))")
            }
        }
        guard claims.iss.value == settings.issuer else { throw .idToken("its issuer is \(claims.iss.value)") }
        guard claims.aud.value.contains(settings.clientID) else { throw .idToken("it is not for this client") }
        if claims.aud.value.count > 1 || claims.azp != nil {
            guard claims.azp == settings.clientID else { throw .idToken("its authorized party is not this client") }
        }
        guard let got = claims.nonce, Self.equal(got, nonce) else { throw .idToken("its nonce is not this log-in's") }
        if let iat = claims.iat?.value, iat.timeIntervalSinceNow > Self.clockSkew { throw .idToken("it is issued in the future") }
        guard !claims.sub.value.isEmpty else { throw .idToken("it names no subject") }
        return TokenIdentity(issuer: claims.iss.value, subject: claims.sub.value)
    }

    private func keyCollection(refresh: Bool) async throws(OidcFailure) -> JWTKeyCollection {
        if !refresh, let (cached, at) = keys, Date().timeIntervalSince(at) < Self.cacheLifetime { return cached }
        let meta = try await discovery()
        guard let url = URL(string: meta.jwksURI) else { throw .provider("jwks_uri is not a URL") }
        let (status, data) = try await Self.send(URLRequest(url: url))
        guard status == 200, let json = String(data: data, encoding: .utf8) else { throw .provider("jwks_uri answered \(status)") }
        let collection: JWTKeyCollection
        do {
            collection = try await JWTKeyCollection().add(jwksJSON: json)
        } catch {
            throw .provider("jwks_uri's keys cannot be read (\(error))")
        }
        keys = (collection, Date())
        return collection
    }

    // MARK: - PKCE, random values

    /// A PKCE code verifier (RFC 7636 §4.1): 32 random bytes, base64url: 43 characters.
    static func newVerifier() -> String { base64URL(randomBytes(32)) }

    /// The S256 challenge of a verifier: base64url(SHA-256(verifier)) (RFC 7636 §4.2).
    static func challenge(_ verifier: String) -> String { base64URL(Array(SHA256.hash(data: Data(verifier.utf8)))) }

    static func randomValue() -> String { base64URL(randomBytes(24)) }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()  // getrandom(2)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Comparison whose time does not depend on where two strings differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    static func formEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    // MARK: - HTTP

    /// One request through URLSession, with a timeout; a failure to reach the provider is a
    /// `.provider` failure.
    static func send(_ request: URLRequest) async throws(OidcFailure) -> (Int, Data) {
        var request = request
        request.timeoutInterval = timeout
        let sent = request
        let address = request.url?.absoluteString ?? ""
        let result: Result<(Int, Data), OidcFailure> = await withCheckedContinuation { continuation in
            let task = URLSession.shared.dataTask(with: sent) { data, response, error in
                if let error {
                    continuation.resume(returning: .failure(.provider("\(address) cannot be reached: \(error.localizedDescription)")))
                } else {
                    continuation.resume(returning: .success(((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())))
                }
            }
            task.resume()
        }
        return try result.get()
    }
}
