import Foundation
import HTTPTypes
import Hummingbird
import JWTKit
import Logging

/// What one provider log-in keeps between /web/oidc/start and /web/oidc/callback, in a cookie of
/// its own signed with the local key: the state and nonce sent to the provider, the PKCE verifier
/// (never sent until the code is exchanged), the redirect URI used, and the page to go to after.
/// Ten minutes.
struct OidcStateClaims: JWTPayload {
    var iss: IssuerClaim
    var exp: ExpirationClaim
    var state: String
    var nonce: String
    var verifier: String
    var redirect: String
    var next: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// Logging in through the organisation's OpenID Connect provider (authorization code flow with
/// PKCE, S256; docs/web.md): GET /web/oidc/start sends the browser to the provider, GET
/// /web/oidc/callback takes it back, exchanges the code, verifies the ID token and maps the
/// provider's (issuer, subject) with tilskot.token_login exactly as a provider's bearer token is
/// mapped; then the same session cookie as the password log-in, naming the provider's identity.
enum OidcRoutes {
    static let cookieName = "tilskot_oidc"
    static let stateIssuer = "tilskot-oidc"
    static let lifetime: TimeInterval = 600
    static let callbackPath = "/web/oidc/callback"

    static func register<Context: RequestContext>(on web: RouterGroup<Context>, pool: DatabasePool, sessions: WebSessions,
                                                  settings: OidcSettings, logger: Logger) {
        let client = OidcClient(settings: settings)

        web.get("oidc/start") { request, _ -> Response in
            let next = WebMiddleware<Context>.safePath(request.uri.queryParameters["next"].map(String.init))
            if WebPageContext.current?.login != nil { return WebRender.redirect(next ?? "/web/work") }
            let language = WebPageContext.current?.language ?? .nn
            let metadata: OidcMetadata
            do {
                metadata = try await client.discovery()
            } catch {
                log(error, logger)
                return WebRoutes.loginPage(user: "", next: next, notice: nil, error: nil, status: .serviceUnavailable, oidc: settings,
                                           oidcError: WebText.string("oidc_unreachable", language))
            }
            guard let keys = sessions.keys else { throw HTTPError(.internalServerError) }
            let redirect = settings.redirectURI ?? defaultRedirect(request, sessions: sessions)
            let claims = OidcStateClaims(iss: IssuerClaim(value: stateIssuer), exp: ExpirationClaim(value: Date().addingTimeInterval(lifetime)),
                                         state: OidcClient.randomValue(), nonce: OidcClient.randomValue(),
                                         verifier: OidcClient.newVerifier(), redirect: redirect, next: next)
            let cookie = try await keys.sign(claims)
            var parameters = [("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", redirect),
                              ("scope", "openid"), ("state", claims.state), ("nonce", claims.nonce),
                              ("code_challenge", OidcClient.challenge(claims.verifier)), ("code_challenge_method", "S256")]
            if let hint = request.uri.queryParameters["login_hint"].map(String.init), !hint.isEmpty, hint.count <= 200 {
                parameters.append(("login_hint", hint))
            }
            let query = parameters.map { "\($0.0)=\(OidcClient.formEncoded($0.1))" }.joined(separator: "&")
            let separator = metadata.authorizationEndpoint.contains("?") ? "&" : "?"
            var fields = HTTPFields()
            fields[.location] = metadata.authorizationEndpoint + separator + query
            fields[.cacheControl] = "no-store"
            fields.append(HTTPField(name: .setCookie, value: stateCookie(cookie, maxAge: Int(lifetime), request: request, sessions: sessions)))
            var response = Response(status: .found, headers: fields)
            WebHeaders.apply(&response)
            return response
        }

        web.get("oidc/callback") { request, _ -> Response in
            let language = WebPageContext.current?.language ?? .nn
            // This log-in's cookie is spent whatever happens.
            let clear = (HTTPField.Name.setCookie, stateCookie("", maxAge: 0, request: request, sessions: sessions))
            func refused(_ key: String, _ status: HTTPResponse.Status, _ arguments: [String] = []) -> Response {
                var sentence = WebText.string(key, language)
                for (i, argument) in arguments.enumerated() { sentence = sentence.replacingOccurrences(of: "{\(i)}", with: argument) }
                return WebRoutes.loginPage(user: "", next: nil, notice: nil, error: nil, status: status, headers: [clear], oidc: settings,
                                           oidcError: sentence)
            }
            let query = request.uri.queryParameters
            guard let keys = sessions.keys, let token = WebSessions.cookie(cookieName, in: request),
                  let saved = try? await keys.verify(token, as: OidcStateClaims.self), saved.iss.value == stateIssuer,
                  let state = query["state"].map(String.init), OidcClient.equal(state, saved.state) else {
                // No log-in begun here, an old one, or another's: nothing is exchanged, nothing set.
                return refused("oidc_state_refused", .badRequest)
            }
            if let error = query["error"].map(String.init) {
                return refused("oidc_denied", .unauthorized, [String(error.prefix(80))])
            }
            guard let code = query["code"].map(String.init), !code.isEmpty else { return refused("oidc_state_refused", .badRequest) }
            let identity: TokenIdentity
            do {
                let idToken = try await client.exchange(code: code, verifier: saved.verifier, redirectURI: saved.redirect)
                identity = try await client.verify(idToken: idToken, nonce: saved.nonce)
            } catch {
                log(error, logger)
                if case .idToken? = error as? OidcFailure { return refused("oidc_token_refused", .unauthorized) }
                return refused("oidc_unreachable", .serviceUnavailable)
            }
            // (issuer, subject) → the tilskot user, exactly as a provider's bearer token.
            let login: String
            do {
                login = try await pool.request(.init(identity: identity, readOnly: true, applicationName: "tilskot serve GET /web/oidc/callback")) {
                    $0.actingAs ?? ""
                }
            } catch let problem as Problem where problem.status == .unauthorized {
                return refused("oidc_unlinked", .forbidden, [settings.displayName, identity.subject, identity.issuer])
            } catch {
                return refused("login_unreachable", .serviceUnavailable)
            }
            let sid = WebSessions.newID()
            let max = Date().addingTimeInterval(WebSessions.lifetime)
            let session = try await sessions.token(identity: identity, login: login, sid: sid, max: max)
            let next = saved.next ?? "/web/work"
            // The provider sent the browser here from another site, so the SameSite=Strict session
            // cookie would not go with a redirect from here; a page of this site moves on instead
            // (Refresh, and a link for a browser that does not follow it).
            var page = WebPageContext.current ?? WebPageContext(language: language, login: nil, csrf: "", path: "/web/login")
            page.login = login
            page.csrf = await sessions.csrfToken(sid: sid)  // the header's log-out form, of the new session
            return WebPageContext.$current.withValue(page) {
                WebRender.page("login", title: WebText.string("login_title", language),
                               ["continue": next, "notice": WebText.string("oidc_logged_in", language), "user": "", "next": ""],
                               headers: [
                                   (.setCookie, sessions.setCookie(WebSessions.cookieName, session, maxAge: Int(WebSessions.lifetime), request: request)),
                                   (.setCookie, sessions.setCookie(WebSessions.preCookieName, "", maxAge: 0, request: request)),
                                   clear,
                                   (HTTPField.Name("Refresh")!, "0; url=\(next)"),
                               ])
            }
        }
    }

    /// http(s)://HOST/web/oidc/callback of the request (the proxy's X-Forwarded-Host and -Proto).
    static func defaultRedirect(_ request: Request, sessions: WebSessions) -> String {
        let host = request.headers[HTTPField.Name("X-Forwarded-Host")!] ?? request.head.authority ?? "localhost"
        return (sessions.secure(request) ? "https" : "http") + "://" + host + callbackPath
    }

    /// The log-in's cookie: HttpOnly, SameSite=Lax (the provider sends the browser back from another
    /// site with a top-level GET, which Lax lets the cookie go with), only for /web/oidc.
    static func stateCookie(_ value: String, maxAge: Int, request: Request, sessions: WebSessions) -> String {
        var parts = ["\(cookieName)=\(value)", "Path=/web/oidc", "SameSite=Lax", "HttpOnly", "Max-Age=\(maxAge)"]
        if sessions.secure(request) { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    static func log(_ error: Error, _ logger: Logger) {
        logger.warning("web oidc log-in failed", metadata: ["error": .string(String(describing: error).prefix(500).description)])
    }
}
