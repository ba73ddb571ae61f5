import Foundation
import HTTPTypes
import Hummingbird
import PGClient
import TilskotCore
import TilskotStore

/// The web interface (issue 20): server-rendered pages under /web, static files under /static, and
/// `/` → /web/work. Each page runs one READ ONLY request transaction as the session's user
/// (DatabasePool.request), calling the same services as the CLI commands named beside each page.
enum WebRoutes {
    static func register<Context: RequestContext>(on router: Router<Context>, pool: DatabasePool, configuration: ServerConfiguration) {
        let sessions = WebSessions(keys: configuration.tokens.local, behindTLS: configuration.behindTLS,
                                   providerIssuer: configuration.oidc?.issuer)
        let oidc = configuration.oidc
        let serverConninfo = configuration.database.conninfo

        router.get("/") { _, _ in WebRender.redirect("/web/work") }
        router.get("/static/{file}") { _, context -> Response in
            let name = try context.parameters.require("file")
            guard !name.contains("/"), !name.hasPrefix("."), let data = WebFiles.staticFile(name) else {
                throw HTTPError(.notFound)
            }
            var headers = HTTPFields()
            headers[.contentType] = contentType(name)
            headers[.cacheControl] = "public, max-age=3600"
            var response = Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
            WebHeaders.apply(&response)
            return response
        }

        let web = router.group("web").add(middleware: WebMiddleware<Context>(sessions: sessions, logger: configuration.logger,
                                                                             timeZone: { pool.installationTimeZone.withLock { $0 } }))
        web.get("") { _, _ in WebRender.redirect("/web/work") }

        // MARK: Log in and out

        web.get("login") { request, _ -> Response in
            let next = WebMiddleware<Context>.safePath(request.uri.queryParameters["next"].map(String.init))
            if WebPageContext.current?.login != nil { return WebRender.redirect(next ?? "/web/work") }
            // The log-in form's CSRF token is made from a pre-session id in a cookie of its own.
            var extra: [(HTTPField.Name, String)] = []
            var page = WebPageContext.current ?? WebPageContext(language: .nn, login: nil, csrf: "", path: "/web/login")
            if WebSessions.cookie(WebSessions.preCookieName, in: request) == nil {
                let sid = WebSessions.newID()
                extra.append((.setCookie, sessions.setCookie(WebSessions.preCookieName, sid, maxAge: 3600, request: request)))
                page.csrf = await sessions.csrfToken(sid: sid)
            }
            let notice: String? = request.uri.queryParameters["out"] != nil ? WebText.string("logged_out", page.language) : nil
            return WebPageContext.$current.withValue(page) {
                loginPage(user: "", next: next, notice: notice, error: nil, status: .ok, headers: extra, oidc: oidc)
            }
        }

        let throttle = LoginThrottle()
        web.post("login") { request, _ -> Response in
            let form = WebForm(body: RequestInfo.current?.body ?? [])
            let language = WebPageContext.current?.language ?? .nn
            let user = form["user"] ?? ""
            let password = form.fields["password"] ?? ""
            let next = WebMiddleware<Context>.safePath(form["next"])
            if let oidc, !oidc.passwordLogin {
                return loginPage(user: "", next: next, notice: nil, error: WebText.string("password_login_off", language),
                                 status: .forbidden, oidc: oidc)
            }
            guard LoginThrottle.isCandidate(user: user, password: password) else {
                let echoed = user.utf8.count <= 63 ? user : ""
                return loginPage(user: echoed, next: next, notice: nil, error: WebText.string("login_failed", language), status: .unauthorized, oidc: oidc)
            }
            switch throttle.admit(user) {
            case .admitted: break
            case .locked(let until):
                let minutes = max(1, Int((until.timeIntervalSinceNow / 60).rounded(.up)))
                return loginPage(user: user, next: next, notice: nil,
                                 error: WebText.string("login_locked", language).replacingOccurrences(of: "{minutes}", with: String(minutes)),
                                 status: .tooManyRequests, oidc: oidc)
            case .busy:
                return loginPage(user: user, next: next, notice: nil, error: WebText.string("login_unreachable", language),
                                 status: .serviceUnavailable, oidc: oidc)
            }
            var outcome = await WebPasswordCheck.check(serverConninfo: serverConninfo, user: user, password: password)
            defer { throttle.finish(user, refused: outcome == .refused, accepted: outcome == .accepted) }
            if outcome == .accepted {
                // The password is right; the user must also be a tilskot user the database maps the
                // session to (tilskot.token_login), or the first page would refuse them.
                do {
                    _ = try await pool.request(.init(identity: TokenIdentity(issuer: TokenVerifier.localIssuer, subject: user),
                                                     readOnly: true, applicationName: "tilskot serve POST /web/login")) { _ in true }
                } catch let problem as Problem where problem.status == .unauthorized {
                    outcome = .refused
                } catch {
                    outcome = .unreachable
                }
            }
            switch outcome {
            case .accepted:
                let sid = WebSessions.newID()
                let token = try await sessions.token(login: user, sid: sid, max: Date().addingTimeInterval(WebSessions.lifetime))
                return WebRender.redirect(next ?? "/web/work", headers: [
                    (.setCookie, sessions.setCookie(WebSessions.cookieName, token, maxAge: Int(WebSessions.lifetime), request: request)),
                    (.setCookie, sessions.setCookie(WebSessions.preCookieName, "", maxAge: 0, request: request)),
                ])
            case .refused:
                return loginPage(user: user, next: next, notice: nil, error: WebText.string("login_failed", language), status: .unauthorized, oidc: oidc)
            case .unreachable:
                return loginPage(user: user, next: next, notice: nil, error: WebText.string("login_unreachable", language), status: .serviceUnavailable, oidc: oidc)
            }
        }

        // Log in through the organisation's OpenID Connect provider (OidcRoutes, W5).
        if let oidc {
            OidcRoutes.register(on: web, pool: pool, sessions: sessions, settings: oidc, logger: configuration.logger)
        }

        web.post("logout") { request, _ -> Response in
            if let current = await sessions.session(request) { sessions.ended.end(current.sid, until: current.max) }
            return WebRender.redirect("/web/login?out=1", headers: [(.setCookie, sessions.setCookie(WebSessions.cookieName, "", maxAge: 0, request: request))])
        }

        web.post("language") { request, _ -> Response in
            let form = WebForm(body: RequestInfo.current?.body ?? [])
            let language = form["lang"].flatMap(WebLanguage.init(rawValue:)) ?? .nn
            let back = WebMiddleware<Context>.safePath(form["back"]) ?? "/web/work"
            return WebRender.redirect(back, headers: [(.setCookie, sessions.setCookie(WebSessions.languageCookieName, language.rawValue,
                                                                                      maxAge: 365 * 86400, request: request))])
        }

        // MARK: Pages

        web.get("work") { _, _ -> Response in try await WebPages.work(pool: pool) }
        web.get("search") { request, _ -> Response in try await WebPages.search(pool: pool, query: request.uri.query ?? "") }
        // The case on one page, its forms and letters, and registering an application (CaseActions, W3).
        CaseActions.register(on: web, pool: pool)
        // The case page's steps on appeals, advance notices and disqualification (CaseStepActions).
        CaseStepActions.register(on: web, pool: pool)
        // Rounds, reports and finance (MoneyPageRoutes, W4).
        MoneyPageRoutes.register(on: web, pool: pool)
    }

    static func loginPage(user: String, next: String?, notice: String?, error: String?, status: HTTPResponse.Status,
                          headers: [(HTTPField.Name, String)] = [], oidc: OidcSettings? = nil,
                          oidcError: String? = nil) -> Response {
        let language = WebPageContext.current?.language ?? .nn
        var values: [String: Any] = ["user": user, "next": next ?? ""]
        values["password"] = oidc?.passwordLogin ?? true
        if let oidcError { values["oidc_error"] = oidcError }
        if let oidc {
            values["oidc"] = ["name": oidc.displayName,
                              "href": "/web/oidc/start" + (next.map { "?next=" + OidcClient.formEncoded($0) } ?? "")]
        }
        if let notice { values["notice"] = notice }
        if let error { values["error"] = error }
        return WebRender.page("login", title: WebText.string("login_title", language), values, status: status, headers: headers)
    }

    static func contentType(_ name: String) -> String {
        switch name.split(separator: ".").last ?? "" {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        default: "application/octet-stream"
        }
    }
}
