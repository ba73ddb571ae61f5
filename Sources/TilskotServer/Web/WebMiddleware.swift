import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// A form's fields (application/x-www-form-urlencoded) or a query's.
struct WebForm: Sendable {
    var fields: [String: String] = [:]

    init(urlEncoded text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            let key = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            if fields[key] == nil { fields[key] = value }
        }
    }

    init(body: [UInt8]) { self.init(urlEncoded: String(decoding: body, as: UTF8.self)) }

    /// A field's value, trimmed; nil when missing or empty.
    subscript(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}

/// Every request under /web: the language (cookie), the session cookie turned into the request's
/// identity (RequestInfo, as the bearer middleware does for the API), a redirect to the log-in page
/// when there is none, and on every POST the CSRF token of the session and an Origin (or Referer)
/// of this server — else 403 and the handler never runs, so nothing is written. Errors become pages.
struct WebMiddleware<Context: RequestContext>: RouterMiddleware {
    let sessions: WebSessions
    let logger: Logger
    /// The installation's time zone as the pool last read it (DatabasePool.installationTimeZone): the
    /// page's zone until its own read refreshes it, so a page without a read (the register form's
    /// default date) shows the installation's day too.
    var timeZone: @Sendable () -> String = { "Europe/Oslo" }

    /// Pages that need no session.
    static func isOpen(_ path: String) -> Bool {
        path == "/web/login" || path == "/web/language" || path == "/web/oidc/start" || path == "/web/oidc/callback"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let language = WebLanguage(cookie: WebSessions.cookie(WebSessions.languageCookieName, in: request))
        let session = await sessions.session(request)
        let presession = WebSessions.cookie(WebSessions.preCookieName, in: request)
        let sid = session?.sid ?? presession
        let csrf = await sessions.csrfToken(sid: sid ?? "")
        let page = WebPageContext(language: language, login: session?.login, csrf: csrf, path: Self.safePath(request.uri.description) ?? "/web/work")
        page.timeZone.set(timeZone())
        return try await WebPageContext.$current.withValue(page) {
            if session == nil && !Self.isOpen(path) {
                let next = request.method == .get ? Self.safePath(request.uri.description) : nil
                let location = "/web/login" + (next.map { "?next=" + Self.percentEncoded($0) } ?? "")
                return WebRender.redirect(location)
            }
            if request.method == .post {
                let form = WebForm(body: RequestInfo.current?.body ?? [])
                let valid = await sessions.csrfValid(form["csrf"], sid: sid)
                guard WebSessions.sameOrigin(request), valid else {
                    return WebRender.message(titleKey: "forbidden_title", sentence: WebText.string("csrf_refused", language), status: .forbidden)
                }
            }
            var info = RequestInfo.current ?? RequestInfo(id: RequestID.new(), identity: nil, method: request.method.rawValue,
                                                          path: request.uri.description, body: [])
            if let session {
                info.identity = session.identity
            }
            var response: Response
            do {
                response = try await RequestInfo.$current.withValue(info) { try await next(request, context) }
            } catch let problem as Problem where problem.status == .unauthorized {
                // The database no longer knows the session's user (disabled, removed): log in again.
                return WebRender.redirect("/web/login", headers: [(.setCookie, sessions.setCookie(WebSessions.cookieName, "", maxAge: 0, request: request))])
            } catch let error as HTTPError where error.status == .notFound {
                return WebRender.message(titleKey: "not_found_title", sentence: WebText.string("not_found", language), status: .notFound)
            } catch {
                let problem = RequestMiddleware<Context>.problem(for: error)
                if problem.status == .internalServerError {
                    logger.error("web page failed", metadata: ["error": .string(String(describing: error).prefix(2000).description)])
                }
                return WebRender.message(titleKey: "error_title", sentence: problem.detail, status: problem.status)
            }
            // The idle expiry moves on while the user works.
            if let session, Date().timeIntervalSince(session.issuedAt) > WebSessions.renewAfter,
               response.headers[.setCookie] == nil,
               let renewed = try? await sessions.token(renewing: session) {
                response.headers.append(HTTPField(name: .setCookie, value: sessions.setCookie(
                    WebSessions.cookieName, renewed, maxAge: Int(session.max.timeIntervalSinceNow), request: request)))
            }
            WebHeaders.apply(&response)
            return response
        }
    }

    /// A path on this server to return to (`next`, the language form's `back`): it starts with one
    /// "/" and goes to a page under /web; anything else (another host, "//evil", a scheme) is nil.
    static func safePath(_ text: String?) -> String? {
        guard let text, text.hasPrefix("/web/"), !text.hasPrefix("//"), !text.contains("\\"),
              !text.contains(where: { $0.isNewline || $0 == "\r" }) else { return nil }
        return text
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/"))) ?? text
    }
}
