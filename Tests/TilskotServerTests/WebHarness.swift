import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TilskotServer
import TilskotStore
import TilskotTestSupport

/// The plumbing the web route suites share (as ServerHarness for the API suites): a server on a test
/// database whose pool logs in as tilskot_authenticator, a scene whose users get the suite's
/// password (TestDatabase.setPasswords: roles belong to the cluster, so each suite has its own users),
/// the log-in form, cookies, CSRF tokens and other hidden fields, form bodies and the headers of a
/// POST from this server's origin. A suite conforming to `WebRouteSuite` names its `password` and
/// calls these as its own members (`session(client, user)`, `postHeaders(cookie)`).
enum WebHarness {
    /// The test client's authority, which the CSRF check compares Origin with.
    static let origin = "http://localhost"
    /// The key the server signs its session cookies with (and accepts local bearer tokens under).
    static let key = ServerHarness.key

    /// `TestDatabase.scene` with `passwords` (the users that log in through the form) set to `password`.
    static func scene(users: [String: UserRole], steps: [[String]], passwords: [String], password: String) throws -> TestDatabase {
        let db = try TestDatabase.scene(users: users, steps: steps)
        try db.setPasswords(passwords, to: password)
        return db
    }

    /// The server for `db`; `oidc` configures log-in through an OpenID Connect provider; `quiet`
    /// keeps the warnings a test provokes on purpose out of the output.
    static func app(_ db: TestDatabase, pool: Int = 2, schemaRecheck: Duration? = nil, oidc: OidcSettings? = nil,
                    quiet: Bool = false) async throws -> some ApplicationProtocol {
        var configuration = try await ServerHarness.configuration(db, pool: pool, schemaRecheck: schemaRecheck)
        configuration.oidc = oidc
        if quiet { configuration.logger.logLevel = .critical }
        return try buildApplication(configuration)
    }

    // MARK: - Cookies

    /// Set-Cookie headers of a response, by cookie name.
    static func setCookies(_ response: TestResponse) -> [String: String] {
        var out: [String: String] = [:]
        for value in response.headers[values: .setCookie] {
            if let eq = value.firstIndex(of: "=") { out[String(value[..<eq])] = value }
        }
        return out
    }

    /// The value in a Set-Cookie header (`name=VALUE; HttpOnly; …`).
    static func cookieValue(_ setCookie: String) -> String {
        let first = setCookie.split(separator: ";")[0]
        return String(first[first.index(after: first.firstIndex(of: "=")!)...])
    }

    /// The value the response sets for cookie `name`, nil when it sets none.
    static func setCookie(_ response: TestResponse, _ name: String) -> String? {
        setCookies(response)[name].map(cookieValue)
    }

    static func cookieHeader(_ cookie: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[.cookie] = cookie
        return fields
    }

    // MARK: - Pages and forms

    /// HTML text back to the characters it escapes.
    static func unescaped(_ html: String) -> String {
        html.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&#x27;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// A hidden field's value in a form of the page (the first `name="NAME" value="…"` after
    /// `marker`), unescaped.
    static func hidden(_ html: String, _ name: String, after marker: String = "") -> String? {
        var text = Substring(html)
        if !marker.isEmpty {
            guard let start = html.range(of: marker) else { return nil }
            text = html[start.upperBound...]
        }
        guard let range = text.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = text[range.upperBound...]
        return unescaped(String(rest[..<rest.firstIndex(of: "\"")!]))
    }

    /// The first hidden csrf field's value in a page.
    static func csrf(_ html: String) -> String? { hidden(html, "csrf") }

    /// An application/x-www-form-urlencoded body.
    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return ByteBuffer(string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
    }

    /// A form POST's headers: the cookie (none when nil) and an Origin (none when nil).
    static func postHeaders(cookie: String?, origin: String? = WebHarness.origin) -> HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "application/x-www-form-urlencoded"
        if let cookie { fields[.cookie] = cookie }
        if let origin { fields[.origin] = origin }
        return fields
    }

    // MARK: - Log-in

    /// GET /web/login, then POST it with `user` and `password` (and `next`, when given): the response.
    static func logIn(_ client: some TestClientProtocol, user: String, password: String, next: String? = "/web/search") async throws -> TestResponse {
        let (pre, token) = try await client.execute(uri: "/web/login", method: .get) { response in
            (try #require(setCookie(response, "tilskot_presession")), try #require(csrf(String(buffer: response.body))))
        }
        var fields = [("csrf", token), ("user", user), ("password", password)]
        if let next { fields.append(("next", next)) }
        return try await client.execute(uri: "/web/login", method: .post, headers: postHeaders(cookie: "tilskot_presession=\(pre)"),
                                        body: form(fields))
    }

    /// Logs `user` in with `password`: the session's Cookie header (`tilskot_session=…`).
    static func session(_ client: some TestClientProtocol, _ user: String, password: String,
                        sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let response = try await logIn(client, user: user, password: password)
        #expect(response.status == .seeOther, "log-in as \(user): \(response.status)", sourceLocation: sourceLocation)
        return "tilskot_session=" + (try #require(setCookie(response, "tilskot_session"), sourceLocation: sourceLocation))
    }

    static func get(_ client: some TestClientProtocol, _ uri: String, _ cookie: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: cookieHeader(cookie))
    }

    /// A form POST as `cookie`'s session from this server's origin: status, page and Location.
    static func post(_ client: some TestClientProtocol, _ cookie: String, _ path: String, _ fields: [(String, String)]) async throws
        -> (status: HTTPResponse.Status, html: String, location: String?) {
        try await client.execute(uri: path, method: .post, headers: postHeaders(cookie: cookie), body: form(fields)) { r in
            (r.status, String(buffer: r.body), r.headers[.location])
        }
    }

    /// Rows in the audit log (every change writes one): to assert that a refused form wrote nothing.
    static func auditCount(_ db: TestDatabase) throws -> Int64 {
        try db.connect().queryValue("SELECT count(*) FROM tilskot.audit_log", as: Int64.self) ?? -1
    }
}

/// A web route suite: the harness's helpers as its members, logging in with the suite's password.
protocol WebRouteSuite {
    /// The password `scene` gives the users that log in through the form.
    static var password: String { get }
}

extension WebRouteSuite {
    func webScene(users: [String: UserRole], steps: [[String]], passwords: [String]) throws -> TestDatabase {
        try WebHarness.scene(users: users, steps: steps, passwords: passwords, password: Self.password)
    }

    func app(_ db: TestDatabase, pool: Int = 2, schemaRecheck: Duration? = nil, oidc: OidcSettings? = nil,
             quiet: Bool = false) async throws -> some ApplicationProtocol {
        try await WebHarness.app(db, pool: pool, schemaRecheck: schemaRecheck, oidc: oidc, quiet: quiet)
    }

    func setCookies(_ response: TestResponse) -> [String: String] { WebHarness.setCookies(response) }
    func cookieValue(_ setCookie: String) -> String { WebHarness.cookieValue(setCookie) }
    func setCookie(_ response: TestResponse, _ name: String) -> String? { WebHarness.setCookie(response, name) }
    func cookieHeader(_ cookie: String) -> HTTPFields { WebHarness.cookieHeader(cookie) }
    func unescaped(_ html: String) -> String { WebHarness.unescaped(html) }
    func hidden(_ html: String, _ name: String, after marker: String = "") -> String? { WebHarness.hidden(html, name, after: marker) }
    func csrf(_ html: String) -> String? { WebHarness.csrf(html) }
    func form(_ fields: [(String, String)]) -> ByteBuffer { WebHarness.form(fields) }

    func postHeaders(cookie: String?, origin: String? = WebHarness.origin) -> HTTPFields {
        WebHarness.postHeaders(cookie: cookie, origin: origin)
    }

    func postHeaders(_ cookie: String) -> HTTPFields { WebHarness.postHeaders(cookie: cookie) }

    func logIn(_ client: some TestClientProtocol, user: String, password: String, next: String? = "/web/search") async throws -> TestResponse {
        try await WebHarness.logIn(client, user: user, password: password, next: next)
    }

    /// Logs `user` in with the suite's password: the session's Cookie header.
    func session(_ client: some TestClientProtocol, _ user: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        try await WebHarness.session(client, user, password: Self.password, sourceLocation: sourceLocation)
    }

    func get(_ client: some TestClientProtocol, _ uri: String, _ cookie: String) async throws -> TestResponse {
        try await WebHarness.get(client, uri, cookie)
    }

    func post(_ client: some TestClientProtocol, _ cookie: String, _ path: String, _ fields: [(String, String)]) async throws
        -> (status: HTTPResponse.Status, html: String, location: String?) {
        try await WebHarness.post(client, cookie, path, fields)
    }

    func auditCount(_ db: TestDatabase) throws -> Int64 { try WebHarness.auditCount(db) }
}
