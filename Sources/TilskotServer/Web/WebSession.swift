import Foundation
import Synchronization
import HTTPTypes
import Hummingbird
import JWTKit
import PGClient

/// The web session's cookie: a short token signed with the server's local HS256 key, issuer
/// "tilskot-local", subject = the login (so tilskot.token_login maps it exactly as it maps a bearer
/// token of `tilskot token issue`), and a session id (`sid`) that the CSRF tokens are made from.
/// `exp` is the idle expiry (renewed while the user works), `max` the absolute one (8 h after log-in).
struct WebSessionClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var sid: String
    var max: Date
    /// A session begun through the organisation's OpenID Connect provider (Web/OidcRoutes.swift):
    /// the provider's issuer (`sub` is then the provider's subject, mapped by tilskot.token_login on
    /// every request as a provider token is), and the login it mapped to at log-in, for the header.
    /// Both absent in a password log-in's session.
    var idp: String? = nil
    var name: String? = nil

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard max > Date() else { throw JWTError.claimVerificationFailure(failedClaim: exp, reason: "session ended") }
    }
}

/// A CSRF token: the session id signed with the local key (an HMAC of it), put in every form and
/// checked on every POST.
struct WebCSRFClaims: JWTPayload {
    var iss: IssuerClaim
    var sid: String

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Sessions, CSRF tokens and cookies of the web pages.
struct WebSessions: Sendable {
    static let cookieName = "tilskot_session"
    /// Before log-in: a random id the log-in form's CSRF token is made from (and the language
    /// form's on the log-in page).
    static let preCookieName = "tilskot_presession"
    static let languageCookieName = "tilskot_lang"
    static let csrfIssuer = "tilskot-csrf"
    /// The absolute expiry: a working day.
    static let lifetime: TimeInterval = 8 * 3600
    /// The idle expiry: a session not used for this long ends.
    static let idle: TimeInterval = 2 * 3600
    /// A session's cookie is issued again (its idle expiry moved on) when it is older than this.
    static let renewAfter: TimeInterval = 5 * 60

    let keys: JWTKeyCollection?
    /// Cookies get `Secure` always (the server is configured as behind TLS), or when the proxy says
    /// the request came over https (X-Forwarded-Proto).
    let behindTLS: Bool
    /// The configured OpenID Connect provider's issuer: a session naming another provider is none.
    var providerIssuer: String? = nil
    /// Sessions logged out of: their cookies are refused until they would have expired anyway.
    let ended = EndedSessions()

    struct Current: Sendable {
        /// The login shown in the header (a provider session: the login it mapped to at log-in).
        var login: String
        var sid: String
        var issuedAt: Date
        var max: Date
        /// Whom each request acts as: (tilskot-local, login) after a password log-in, the
        /// provider's (issuer, subject) after an OpenID Connect log-in.
        var identity: TokenIdentity

        init(login: String, sid: String, issuedAt: Date, max: Date, identity: TokenIdentity? = nil) {
            self.login = login
            self.sid = sid
            self.issuedAt = issuedAt
            self.max = max
            self.identity = identity ?? TokenIdentity(issuer: TokenVerifier.localIssuer, subject: login)
        }
    }

    /// The session a request's cookie carries, or nil (no cookie, a forged or expired one, or a
    /// bearer token without a session id).
    func session(_ request: Request) async -> Current? {
        guard let keys, let token = Self.cookie(Self.cookieName, in: request),
              let claims = try? await keys.verify(token, as: WebSessionClaims.self),
              claims.iss.value == TokenVerifier.localIssuer, !claims.sid.isEmpty,
              !ended.contains(claims.sid) else { return nil }
        if let idp = claims.idp {
            // Signed with the local key at the provider log-in's end; the provider must still be
            // the one configured.
            guard idp == providerIssuer, idp != TokenVerifier.localIssuer else { return nil }
            return Current(login: claims.name ?? claims.sub.value, sid: claims.sid, issuedAt: claims.iat.value, max: claims.max,
                           identity: TokenIdentity(issuer: idp, subject: claims.sub.value))
        }
        return Current(login: claims.sub.value, sid: claims.sid, issuedAt: claims.iat.value, max: claims.max)
    }

    /// A session's cookie value issued again (its idle expiry moved on), keeping whom it names.
    func token(renewing session: Current) async throws -> String {
        if session.identity.issuer == TokenVerifier.localIssuer {
            return try await token(login: session.identity.subject, sid: session.sid, max: session.max)
        }
        return try await token(identity: session.identity, login: session.login, sid: session.sid, max: session.max)
    }

    /// A new session's cookie value after an OpenID Connect log-in: the provider's identity, and
    /// the login tilskot.token_login mapped it to (shown in the header only).
    func token(identity: TokenIdentity, login: String, sid: String, max: Date) async throws -> String {
        guard let keys else { throw Problem(.internalServerError, "no local key") }
        let now = Date()
        let claims = WebSessionClaims(iss: IssuerClaim(value: TokenVerifier.localIssuer), sub: SubjectClaim(value: identity.subject),
                                      exp: ExpirationClaim(value: min(max, now.addingTimeInterval(Self.idle))),
                                      iat: IssuedAtClaim(value: now), sid: sid, max: max, idp: identity.issuer, name: login)
        return try await keys.sign(claims)
    }

    /// A new session's cookie value for `login`, or an existing session's renewed.
    func token(login: String, sid: String, max: Date) async throws -> String {
        guard let keys else { throw Problem(.internalServerError, "no local key") }
        let now = Date()
        let claims = WebSessionClaims(iss: IssuerClaim(value: TokenVerifier.localIssuer), sub: SubjectClaim(value: login),
                                      exp: ExpirationClaim(value: min(max, now.addingTimeInterval(Self.idle))),
                                      iat: IssuedAtClaim(value: now), sid: sid, max: max)
        return try await keys.sign(claims)
    }

    /// The CSRF token of a session (or pre-session) id.
    func csrfToken(sid: String) async -> String {
        guard let keys, !sid.isEmpty else { return "" }
        return (try? await keys.sign(WebCSRFClaims(iss: IssuerClaim(value: Self.csrfIssuer), sid: sid))) ?? ""
    }

    /// Whether `token` is the CSRF token of `sid`.
    func csrfValid(_ token: String?, sid: String?) async -> Bool {
        guard let keys, let token, !token.isEmpty, let sid, !sid.isEmpty,
              let claims = try? await keys.verify(token, as: WebCSRFClaims.self) else { return false }
        return claims.iss.value == Self.csrfIssuer && claims.sid == sid
    }

    static func newID() -> String {
        var bytes = [UInt8](repeating: 0, count: 24)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    // MARK: - Cookies

    /// A cookie's value from the request's Cookie header(s).
    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                guard let eq = pair.firstIndex(of: "=") else { continue }
                if pair[..<eq] == name { return String(pair[pair.index(after: eq)...]) }
            }
        }
        return nil
    }

    /// Whether cookies of this response get `Secure`.
    func secure(_ request: Request) -> Bool {
        behindTLS || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    /// A Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure behind TLS; `maxAge` 0 clears it.
    func setCookie(_ name: String, _ value: String, maxAge: Int?, request: Request, httpOnly: Bool = true) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "SameSite=Strict"]
        if httpOnly { parts.append("HttpOnly") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if secure(request) { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    // MARK: - Origin

    /// Whether a POST came from this server's own pages: its Origin (else its Referer) names the
    /// host the request was sent to (Host, or X-Forwarded-Host from the proxy). Neither header: no.
    static func sameOrigin(_ request: Request) -> Bool {
        let host = request.headers[HTTPField.Name("X-Forwarded-Host")!] ?? request.head.authority
        guard let host, !host.isEmpty else { return false }
        let source: String
        if let origin = request.headers[.origin], origin != "null" {
            source = origin
        } else if let referer = request.headers[.referer] {
            source = referer
        } else {
            return false
        }
        guard let url = URLComponents(string: source), let sourceHost = url.host, let scheme = url.scheme,
              ["http", "https"].contains(scheme) else { return false }
        let sourceAuthority = url.port.map { "\(sourceHost):\($0)" } ?? sourceHost
        return sourceAuthority.lowercased() == host.lowercased()
    }
}

/// The password check of the web log-in: PostgreSQL itself checks it. A libpq connection to the
/// server's database as the user, with the password, over TCP (the embedded cluster's
/// `--auth-host=scram-sha-256`), closed at once. No second password store.
public enum WebPasswordCheck {
    enum Outcome: Sendable, Equatable { case accepted, refused, unreachable }

    /// The connection string for `user` with `password`: the server's database settings (host, port,
    /// database name, TLS options) as libpq reads them (ConnectionString.parse: URI or keyword form),
    /// with the user and password replaced; a unix-socket host (or none) becomes 127.0.0.1, so the
    /// password is asked for (the socket trusts the server's OS user), and no password file is read.
    /// A server connection string libpq cannot read throws its one sentence.
    public static func conninfo(serverConninfo: String, user: String, password: String) throws(ConnectionString.Invalid) -> String {
        let replaced: Set<String> = ["user", "password", "host", "hostaddr", "passfile"]
        var options = try ConnectionString.parse(serverConninfo)
        let host = options.first { $0.keyword == "host" }?.value ?? ""
        options.removeAll { replaced.contains($0.keyword) }
        options.append(("host", host.isEmpty || host.hasPrefix("/") ? "127.0.0.1" : host))
        options.append(("user", user))
        options.append(("password", password))
        options.append(("passfile", "/dev/null"))  // never a password from the server's ~/.pgpass
        return ConnectionString.keywordString(options)
    }

    /// Connects as `user` with `password` and closes the connection. Runs on a thread of its own
    /// (libpq blocks).
    static func check(serverConninfo: String, user: String, password: String) async -> Outcome {
        guard !user.isEmpty, !password.isEmpty, !user.contains("\0"), !password.contains("\0") else { return .refused }
        let info: String
        do {
            info = try conninfo(serverConninfo: serverConninfo, user: user, password: password)
        } catch {
            return .unreachable  // the server's own connection string: it could not have started
        }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let connection = try Connection(info, fallbackApplicationName: "tilskot serve login", connectTimeout: 10)
                    // Only a password the server checked proves anything: a pg_hba line that trusts
                    // this address (trust, or a certificate alone) would let any password in.
                    continuation.resume(returning: connection.usedPassword ? .accepted : .refused)
                } catch let error as PGError {
                    // 28P01 wrong password, 28000 no pg_hba entry or role cannot log in, 3D000 …:
                    // all the same to the person at the form. A server that does not answer is not.
                    let state = error.sqlState
                    if state.hasPrefix("28") || state == "3D000" || state == "42704" || error.needsPassword {
                        continuation.resume(returning: .refused)
                    } else if state.isEmpty || state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57") {
                        continuation.resume(returning: .unreachable)
                    } else {
                        continuation.resume(returning: .refused)
                    }
                } catch {
                    continuation.resume(returning: .unreachable)
                }
            }
        }
    }
}

/// The ids of sessions logged out of, each kept until the session's absolute expiry (after which its
/// cookie is refused anyway). A session's cookie is a signed token the server keeps no copy of, so
/// without this a copy of it (another browser, a proxy's log) would still work after log-out until
/// it expired. Kept in memory: a restart forgets it (docs/web.md says so); it holds at most the
/// log-outs of one working day, each made with a valid session.
final class EndedSessions: Sendable {
    private let ended = Mutex<[String: Date]>([:])

    func end(_ sid: String, until expiry: Date, now: Date = Date()) {
        ended.withLock { ended in
            ended = ended.filter { $0.value > now }
            ended[sid] = expiry
        }
    }

    func contains(_ sid: String, now: Date = Date()) -> Bool {
        ended.withLock { ($0[sid].map { $0 > now }) ?? false }
    }
}
