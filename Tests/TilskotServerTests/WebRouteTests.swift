import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PGClient
import Testing
import TilskotServer
import TilskotStore
import TilskotTestSupport

/// The web pages (issue 20) through `app.test(.router)` against the real PostgreSQL: log-in checked
/// by PostgreSQL itself, the session cookie's flags, the redirect without one, CSRF and Origin on
/// every POST, the security headers, and My work / Search as the session's user.
@Suite("web: log in, sessions, CSRF, My work, Search")
struct WebRouteTests: WebRouteSuite {
    static let manager = "web_mona"
    static let caseworker = "web_kari"
    static let other = "web_ola"
    static let admin = "web_ada"
    /// Only the test of an administrator setting someone else's password sets this user's
    /// (roles belong to the cluster, which the tests share).
    static let fourth = "web_per"
    static let password = "korrekt-hest-batteri-9"

    /// JS/2021: 0001 (Oslo) assigned to kari and assessed by her; 0002 (Stavanger) assigned to ola;
    /// 0003 (Bergen) assessed by the manager mona. kari and mona have a password.
    func scene() throws -> TestDatabase {
        try webScene(users: [Self.manager: .manager, Self.caseworker: .caseworker, Self.other: .caseworker,
                             Self.admin: .admin, Self.fourth: .caseworker], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "4 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
            ["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103", "--as", Self.caseworker],
            ["org", "add", "964338531", "--name", "Bergen kommune", "--kind", "municipality", "--municipality", "4601", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen Oslo",
             "--amount", "1 400 000", "--received", "2021-02-01", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "964965226", "--title", "Jobbsjansen Stavanger",
             "--amount", "1 000 000", "--received", "2021-02-02", "--external-ref", "EXT-STAV-77", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "964338531", "--title", "Jobbsjansen Bergen",
             "--amount", "900 000", "--received", "2021-02-03", "--as", Self.caseworker],
            ["application", "assign", "JS-2021-0001", "--as", Self.caseworker],
            ["application", "assign", "JS-2021-0002", "--as", Self.other],
            ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0003", "--score", "3", "--recommend", "grant", "--as", Self.manager],
        ], passwords: [Self.caseworker, Self.manager])
    }

    // MARK: - Tests

    @Test("log-in with a wrong password: 401 page with the sentence beside the form, the user name kept, no cookie set")
    func wrongPassword() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let response = try await logIn(client, user: Self.caseworker, password: "feil-passord")
            #expect(response.status == .unauthorized)
            #expect(response.headers[values: .setCookie].isEmpty)
            let html = String(buffer: response.body)
            #expect(html.contains("Innlogging avvist"))
            #expect(html.contains("value=\"\(Self.caseworker)\""))
            #expect(!html.contains("feil-passord"))
            // Another user with a wrong password, and a role that is no tilskot user, are refused alike.
            let status1 = try await logIn(client, user: Self.other, password: "x").status

            #expect(status1 == .unauthorized)
            let status2 = try await logIn(client, user: "tilskot_authenticator", password: Self.password).status

            #expect(status2 == .unauthorized)
        }
    }

    @Test("log-in with the right password: 303 to next, the session cookie HttpOnly, SameSite=Strict, Path=/, Secure only behind TLS; after log-out a kept copy of the cookie opens nothing")
    func rightPassword() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let response = try await logIn(client, user: Self.caseworker, password: Self.password)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/web/search")
            let cookie = try #require(setCookies(response)["tilskot_session"])
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Path=/"))
            #expect(cookie.contains("Max-Age=28800"))
            #expect(!cookie.contains("Secure"))
            // Behind a TLS proxy the cookie is Secure.
            let (pre, token) = try await client.execute(uri: "/web/login", method: .get) { r in
                (cookieValue(try #require(setCookies(r)["tilskot_presession"])), try #require(csrf(String(buffer: r.body))))
            }
            var headers = postHeaders(cookie: "tilskot_presession=\(pre)", origin: "https://localhost")
            headers[HTTPField.Name("X-Forwarded-Proto")!] = "https"
            try await client.execute(uri: "/web/login", method: .post, headers: headers,
                                     body: form([("csrf", token), ("user", Self.caseworker), ("password", Self.password)])) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/web/work")
                let secure = try #require(setCookies(r)["tilskot_session"])
                #expect(secure.contains("Secure"))
            }
            // The cookie is the session: My work answers, names the user, and carries the headers.
            let session = "tilskot_session=" + cookieValue(cookie)
            try await client.execute(uri: "/web/work", method: .get, headers: cookieHeader(session)) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains(Self.caseworker))
                #expect(r.headers[HTTPField.Name("Content-Security-Policy")!] == "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
                #expect(r.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(r.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
                #expect(String(buffer: r.body).contains("<html lang=\"nn\">"))
            }
            // Log out: the cookie is cleared.
            let token2 = try await client.execute(uri: "/web/work", method: .get, headers: cookieHeader(session)) { csrf(String(buffer: $0.body)) }
            try await client.execute(uri: "/web/logout", method: .post, headers: postHeaders(cookie: session),
                                     body: form([("csrf", try #require(token2))])) { r in
                #expect(r.status == .seeOther)
                let cleared = try #require(setCookies(r)["tilskot_session"])
                #expect(cleared.contains("Max-Age=0"))
            }
            // A copy of the cookie kept from before the log-out no longer opens a page.
            try await client.execute(uri: "/web/work", method: .get, headers: cookieHeader(session)) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location]?.hasPrefix("/web/login") == true)
            }
        }
    }

    @Test("five wrong passwords close log-in for that user name (429, even with the right password); another user still logs in")
    func passwordGuessing() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            for attempt in 1...LoginThrottle.maxFailures {
                let status = try await logIn(client, user: Self.caseworker, password: "gjetting-\(attempt)").status
                #expect(status == .unauthorized)
            }
            let locked = try await logIn(client, user: Self.caseworker, password: Self.password)
            #expect(locked.status == .tooManyRequests)
            #expect(String(buffer: locked.body).contains("15"))
            #expect(setCookies(locked)["tilskot_session"] == nil)
            // The name in other letters is the same name.
            let upper = try await logIn(client, user: Self.caseworker.uppercased(), password: Self.password)
            #expect(upper.status == .tooManyRequests)
            let other = try await logIn(client, user: Self.manager, password: Self.password)
            #expect(other.status == .seeOther)
        }
    }

    @Test("the throttle: failures older than the window no longer count; a right password clears them; checks at once are bounded")
    func throttleWindow() {
        let throttle = LoginThrottle()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for i in 0..<LoginThrottle.maxFailures {
            #expect(throttle.admit("kari", now: start.addingTimeInterval(Double(i))) == .admitted)
            throttle.finish("kari", refused: true, accepted: false, now: start.addingTimeInterval(Double(i)))
        }
        #expect(throttle.admit("kari", now: start.addingTimeInterval(60)) == .locked(until: start.addingTimeInterval(LoginThrottle.window)))
        #expect(throttle.admit("kari", now: start.addingTimeInterval(LoginThrottle.window + 1)) == .admitted)
        throttle.finish("kari", refused: false, accepted: true, now: start.addingTimeInterval(LoginThrottle.window + 1))
        #expect(throttle.admit("kari", now: start.addingTimeInterval(LoginThrottle.window + 2)) == .admitted)
        // That check still runs: with it, maxChecks - 1 more are let in, then the next is told to wait.
        for _ in 1..<LoginThrottle.maxChecks { #expect(throttle.admit("ola", now: start) == .admitted) }
        #expect(throttle.admit("per", now: start) == .busy)
        // A check the database could not answer counts neither way.
        throttle.finish("ola", refused: false, accepted: false, now: start)
        #expect(throttle.admit("per", now: start) == .admitted)
    }

    @Test("a log-in no role could match (no password, a name over 63 bytes) is refused unchecked and uncounted: the name is not echoed and six of them lock nobody out")
    func uncheckedLogIns() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            for _ in 0...LoginThrottle.maxFailures {
                #expect(try await logIn(client, user: Self.caseworker, password: "").status == .unauthorized)
            }
            let long = Self.caseworker + String(repeating: "x", count: 100_000)
            let refused = try await logIn(client, user: long, password: "gjetting")
            #expect(refused.status == .unauthorized)
            #expect(String(buffer: refused.body).contains("Innlogging avvist"))
            #expect(!String(buffer: refused.body).contains("xxxxxxxxxx"))
            // Not one of the seven counted against the caseworker: her password still lets her in.
            #expect(try await logIn(client, user: Self.caseworker, password: Self.password).status == .seeOther)
        }
    }

    @Test("the throttle's table is bounded: full of recent failures, a new name waits while known names stay locked; once they age out, new names are checked again")
    func throttleCapacity() {
        #expect(LoginThrottle.isCandidate(user: String(repeating: "k", count: 63), password: "p"))
        #expect(!LoginThrottle.isCandidate(user: String(repeating: "k", count: 64), password: "p"))
        #expect(!LoginThrottle.isCandidate(user: String(repeating: "æ", count: 32), password: "p"))  // 64 bytes
        #expect(!LoginThrottle.isCandidate(user: "", password: "p"))
        #expect(!LoginThrottle.isCandidate(user: "kari", password: ""))
        let throttle = LoginThrottle(capacity: 3)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for name in ["a", "b", "c"] {
            for i in 0..<LoginThrottle.maxFailures {
                #expect(throttle.admit(name, now: start.addingTimeInterval(Double(i))) == .admitted)
                throttle.finish(name, refused: true, accepted: false, now: start.addingTimeInterval(Double(i)))
            }
        }
        #expect(throttle.names == 3)
        #expect(throttle.admit("d", now: start.addingTimeInterval(60)) == .busy)
        #expect(throttle.admit("a", now: start.addingTimeInterval(60)) == .locked(until: start.addingTimeInterval(LoginThrottle.window)))
        #expect(throttle.names == 3)
        let later = start.addingTimeInterval(LoginThrottle.window + 30)
        #expect(throttle.admit("d", now: later) == .admitted)
        throttle.finish("d", refused: true, accepted: false, now: later)
        #expect(throttle.names == 1)
    }

    @Test("the password check counts only a password the server checked: a connection pg_hba trusts (the socket here) used none, the form's TCP log-in did")
    func usedPassword() throws {
        let db = try scene()
        defer { db.drop() }
        #expect(try Connection(db.url(asLogin: Self.caseworker)).usedPassword == false)
        let checked = try Connection(WebPasswordCheck.conninfo(serverConninfo: db.url, user: Self.caseworker, password: Self.password))
        #expect(checked.usedPassword)
    }

    // MARK: - The password check's connection string

    /// The options libpq reads from the check's connection string, by keyword.
    func checkOptions(_ server: String, user: String = "kari", password: String = "pass word") throws -> [String: String] {
        let info = try WebPasswordCheck.conninfo(serverConninfo: server, user: user, password: password)
        return Dictionary(try ConnectionString.parse(info).map { ($0.keyword, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    @Test("the password check's connection string: the server's URI or keyword string as libpq reads it, the user and password replaced, a socket host as 127.0.0.1, no password file")
    func passwordCheckConninfo() throws {
        // URI form: host, port, database and query options kept; the server's user and password gone.
        let uri = try checkOptions("postgresql://tilskot_authenticator:s3cret@db.example:5433/tilskot?sslmode=verify-full&connect_timeout=7")
        #expect(uri == ["host": "db.example", "port": "5433", "dbname": "tilskot", "sslmode": "verify-full", "connect_timeout": "7",
                        "user": "kari", "password": "pass word", "passfile": "/dev/null"])
        // Percent-encoded socket directory in a URI, and a database name with a space.
        let socket = try checkOptions("postgresql://%2Fvar%2Frun%2Fpostgresql/my%20db?user=tilskot_authenticator")
        #expect(socket == ["host": "127.0.0.1", "dbname": "my db", "user": "kari", "password": "pass word", "passfile": "/dev/null"])
        // Keyword form with quoted values and a backslash escape; hostaddr and passfile dropped.
        let keywords = try checkOptions(#"host='/tmp' dbname='it\'s tilskot' port = 5444 hostaddr=10.0.0.9 passfile=/root/.pgpass password='a b'"#)
        #expect(keywords == ["host": "127.0.0.1", "dbname": "it's tilskot", "port": "5444", "user": "kari", "password": "pass word",
                             "passfile": "/dev/null"])
        // No host at all: 127.0.0.1 (TCP, so the password is asked for).
        #expect(try checkOptions("dbname=tilskot")["host"] == "127.0.0.1")
        // What a person types reaches libpq as typed: quotes, backslashes, spaces, = and non-ASCII.
        let typed = try checkOptions("dbname=tilskot host=db", user: "o'brien", password: #"æ\ 'x'=y \\"#)
        #expect(typed["user"] == "o'brien" && typed["password"] == #"æ\ 'x'=y \\"#)
    }

    @Test("a server connection string libpq cannot read: one sentence saying so, with libpq's reason and no password")
    func passwordCheckInvalidConninfo() throws {
        for (bad, reason) in [("host=db dbname", #"missing "=" after "dbname""#), ("postgresql://u:s3cr%zzet@h/x", "invalid percent-encoded token"),
                              ("host='db dbname=x password=s3cret", "unterminated quoted string")] {
            do {
                _ = try WebPasswordCheck.conninfo(serverConninfo: bad, user: "kari", password: "pw")
                Issue.record("libpq read \(bad)")
            } catch {
                #expect(error.sentence.hasPrefix("The connection string cannot be read ("), "\(error.sentence)")
                #expect(error.sentence.contains(reason), "\(error.sentence)")
                #expect(!error.sentence.contains("s3cr"), "\(error.sentence)")
                #expect(!error.sentence.contains("\n") && error.sentence.hasSuffix("."))
            }
        }
    }

    @Test("a web session's cookie is no bearer token: the API answers it 401; a bearer token of the same user is answered")
    func sessionIsNoBearer() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let cookie = try await session(client, Self.caseworker)
            let value = String(cookie.dropFirst("tilskot_session=".count))
            var fields = HTTPFields()
            fields[.authorization] = "Bearer \(value)"
            try await client.execute(uri: "/applications", method: .get, headers: fields) { r in
                #expect(r.status == .unauthorized)
            }
            fields[.authorization] = "Bearer " + (try await TokenVerifier.issueLocal(login: Self.caseworker, ttl: 600, key: WebHarness.key))
            try await client.execute(uri: "/applications", method: .get, headers: fields) { r in
                #expect(r.status == .ok)
            }
        }
    }

    @Test("a page without a cookie, or with a forged one, redirects to the log-in page with next")
    func redirectWithoutSession() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/web/search?q=Oslo", method: .get) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/web/login?next=/web/search%3Fq%3DOslo")
            }
            let forged = try await TokenVerifier.issueLocal(login: Self.caseworker, ttl: 600, key: Array("another key, not the server's one!".utf8))
            try await client.execute(uri: "/web/work", method: .get, headers: cookieHeader("tilskot_session=\(forged)")) { r in
                #expect(r.status == .seeOther)
            }
            // A bearer token of the right key has no session id: not a session.
            let bearer = try await TokenVerifier.issueLocal(login: Self.caseworker, ttl: 600, key: WebHarness.key)
            try await client.execute(uri: "/web/work", method: .get, headers: cookieHeader("tilskot_session=\(bearer)")) { r in
                #expect(r.status == .seeOther)
            }
            try await client.execute(uri: "/", method: .get) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/web/work")
            }
            try await client.execute(uri: "/static/tilskot.css", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/css; charset=utf-8")
            }
        }
    }

    @Test("a POST without the CSRF token, with another session's, or from another Origin: 403 page, nothing written, no cookie set")
    func csrfAndOrigin() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let session = try await session(client, Self.caseworker)
            let token = try #require(try await client.execute(uri: "/web/work", method: .get, headers: cookieHeader(session)) { csrf(String(buffer: $0.body)) })
            let other = try await self.session(client, Self.manager)
            let otherToken = try #require(try await client.execute(uri: "/web/work", method: .get, headers: cookieHeader(other)) { csrf(String(buffer: $0.body)) })
            let before = try auditCount(db)
            let refused: [(HTTPFields, [(String, String)])] = [
                (postHeaders(cookie: session), [("lang", "en"), ("back", "/web/work")]),                                 // no token
                (postHeaders(cookie: session), [("csrf", otherToken), ("lang", "en")]),                                  // another session's
                (postHeaders(cookie: session, origin: "https://evil.example"), [("csrf", token), ("lang", "en")]),       // another origin
                (postHeaders(cookie: session, origin: nil), [("csrf", token), ("lang", "en")]),                          // no Origin, no Referer
            ]
            for (headers, fields) in refused {
                try await client.execute(uri: "/web/language", method: .post, headers: headers, body: form(fields)) { r in
                    #expect(r.status == .forbidden)
                    #expect(r.headers[values: .setCookie].isEmpty)
                    #expect(String(buffer: r.body).contains("Skjemaet vart avvist"))
                }
            }
            // Logging out without the token does not log out.
            try await client.execute(uri: "/web/logout", method: .post, headers: postHeaders(cookie: session), body: form([])) { r in
                #expect(r.status == .forbidden)
                #expect(r.headers[values: .setCookie].isEmpty)
            }
            // A log-in from another origin is refused before the password is tried.
            let (pre, loginToken) = try await client.execute(uri: "/web/login", method: .get) { r in
                (cookieValue(try #require(setCookies(r)["tilskot_presession"])), try #require(csrf(String(buffer: r.body))))
            }
            try await client.execute(uri: "/web/login", method: .post,
                                     headers: postHeaders(cookie: "tilskot_presession=\(pre)", origin: "https://evil.example"),
                                     body: form([("csrf", loginToken), ("user", Self.caseworker), ("password", Self.password)])) { r in
                #expect(r.status == .forbidden)
                #expect(r.headers[values: .setCookie].isEmpty)
            }
            #expect(try auditCount(db) == before)
            // With the token and this server's Origin, the language form is taken (a Referer is enough too).
            var viaReferer = postHeaders(cookie: session, origin: nil)
            viaReferer[.referer] = "http://localhost/web/work"
            try await client.execute(uri: "/web/language", method: .post, headers: viaReferer,
                                     body: form([("csrf", token), ("lang", "en"), ("back", "/web/search")])) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/web/search")
                let chosen = try #require(setCookies(r)["tilskot_lang"])
                #expect(chosen.hasPrefix("tilskot_lang=en;"))
            }
            try await client.execute(uri: "/web/work", method: .get, headers: cookieHeader(session + "; tilskot_lang=en")) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("<html lang=\"en\">"))
                #expect(html.contains("My cases"))
            }
        }
    }

    @Test("My work lists exactly the caseworker's cases; a manager's cases ready for decision leave out the ones they assessed")
    func myWork() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let kari = try await session(client, Self.caseworker)
            try await client.execute(uri: "/web/work", method: .get, headers: cookieHeader(kari)) { r in
                #expect(r.status == .ok)
                let html = String(buffer: r.body)
                let section = try #require(html.range(of: "id=\"my-cases\"")).upperBound
                let cases = html[section...].prefix { _ in true }
                #expect(cases.contains("data-reference=\"JS-2021-0001\""))
                #expect(!html.contains("JS-2021-0002"))
                #expect(!html.contains("JS-2021-0003"))
                #expect(!html.contains("id=\"ready-for-decision\""))  // not a manager
                #expect(html.contains("<caption>"))
                #expect(html.contains("scope=\"col\""))
            }
            let mona = try await session(client, Self.manager)
            try await client.execute(uri: "/web/work", method: .get, headers: cookieHeader(mona)) { r in
                let html = String(buffer: r.body)
                let ready = String(html[try #require(html.range(of: "id=\"ready-for-decision\"")).upperBound...])
                #expect(ready.contains("data-reference=\"JS-2021-0001\""))
                #expect(!ready.contains("JS-2021-0003"))  // she assessed it herself
                #expect(!ready.contains("JS-2021-0002"))  // not assessed
            }
        }
    }

    @Test("Search by text, organisation number, external reference and reference, with filters; a refusal keeps what was typed")
    func search() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let kari = try await session(client, Self.caseworker)
            func found(_ query: String) async throws -> [String] {
                try await client.execute(uri: "/web/search?\(query)", method: .get, headers: cookieHeader(kari)) { r in
                    #expect(r.status == .ok, "\(query): \(String(buffer: r.body))")
                    return ["JS-2021-0001", "JS-2021-0002", "JS-2021-0003"].filter { String(buffer: r.body).contains("data-reference=\"\($0)\"") }
                }
            }
            #expect(try await found("q=stavanger") == ["JS-2021-0002"])
            #expect(try await found("q=958+935+420") == ["JS-2021-0001"])
            #expect(try await found("q=EXT-STAV") == ["JS-2021-0002"])
            #expect(try await found("q=JS-2021-0003") == ["JS-2021-0003"])
            #expect(try await found("q=Jobbsjansen&municipality=4601") == ["JS-2021-0003"])
            #expect(try await found("status=assessed") == ["JS-2021-0001", "JS-2021-0003"])
            #expect(try await found("caseworker=\(Self.other)") == ["JS-2021-0002"])
            #expect(try await found("round=JS/2021&q=kommune") == ["JS-2021-0001", "JS-2021-0002", "JS-2021-0003"])
            // The database's sentence for a round that does not exist, beside the form, the input kept.
            try await client.execute(uri: "/web/search?round=JS/1999&q=Oslo", method: .get, headers: cookieHeader(kari)) { r in
                #expect(r.status == .unprocessableContent)
                let html = String(buffer: r.body)
                #expect(html.contains("class=\"refusal\""))
                #expect(html.contains("value=\"JS/1999\""))
                #expect(html.contains("value=\"Oslo\""))
            }
        }
    }

    @Test("a value on a page cannot leave its attribute: a quote, <, > and & each followed by a combining mark (one Character in Swift) are escaped all the same")
    func combiningMarksEscaped() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let kari = try await session(client, Self.caseworker)
            // q = "\u{301} autofocus onfocus=x '\u{301} <\u{301}b>\u{301} &\u{301}
            let q = "%22%CC%81%20autofocus%20onfocus%3Dx%20%27%CC%81%20%3C%CC%81b%3E%CC%81%20%26%CC%81"
            let html = Array(String(buffer: try await get(client, "/web/search?q=\(q)", kari).body).utf8)
            // Compared as bytes: a String compares Characters, and `"` + U+0301 is one of them.
            let escaped = "value=\"&quot;\u{301} autofocus onfocus=x &#39;\u{301} &lt;\u{301}b&gt;\u{301} &amp;\u{301}\""
            #expect(html.firstRange(of: Array(escaped.utf8)) != nil, "\(String(decoding: html, as: UTF8.self))")
            for raw in ["\"\u{301} ", "'\u{301}", "<\u{301}", ">\u{301}", " &\u{301}"] {
                #expect(html.firstRange(of: Array(raw.utf8)) == nil, "\(raw.unicodeScalars.map(\.value))")
            }
        }
    }

    // MARK: - tilskot user password

    @Test("user password: one's own from stdin (only a SCRAM verifier reaches the server), then the web log-in takes it")
    func ownPassword() async throws {
        let db = try scene()
        defer { db.drop() }
        let result = try CLIRunner.run(["user", "password", "--as", Self.other], database: db, stdin: "ny-og-lang-passfrase-1\n")
        #expect(result.exitCode == 0, "\(result.stderr)")
        let stored = try db.connect().queryValue("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [Self.other], as: String.self)
        #expect(stored?.hasPrefix("SCRAM-SHA-256$") == true)
        // Too short: refused, nothing changed.
        let short = try CLIRunner.run(["user", "password", "--as", Self.other], database: db, stdin: "kort\n")
        #expect(short.exitCode == 1)
        #expect(try db.connect().queryValue("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [Self.other], as: String.self) == stored)
        try await app(db).test(.router) { client in
            let status3 = try await logIn(client, user: Self.other, password: "ny-og-lang-passfrase-1").status

            #expect(status3 == .seeOther)
            let status4 = try await logIn(client, user: Self.other, password: "feil-passfrase-1234").status

            #expect(status4 == .unauthorized)
        }
    }

    @Test("user password for someone else: an administrator only (42T21, the same sentence in psql); the keeper takes a verifier, never plain text")
    func othersPassword() async throws {
        let db = try scene()
        defer { db.drop() }
        let refused = try CLIRunner.run(["user", "password", Self.fourth, "--as", Self.caseworker], database: db, stdin: "kari-setter-olas-passord\n")
        #expect(refused.exitCode == 1)
        let psql = try db.connect(asLogin: Self.caseworker)
        var psqlMessage = ""
        do {
            try psql.execute("SELECT tilskot.user_password($1, $2)", [Self.fourth, "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy"])
        } catch {
            #expect(error.sqlState == "42T21")
            psqlMessage = error.message
        }
        #expect(!psqlMessage.isEmpty)
        #expect(refused.stderr.contains(psqlMessage), "\(refused.stderr)")
        // Nothing was set: the password kari tried does not log in.
        try await app(db).test(.router) { client in
            let status = try await logIn(client, user: Self.fourth, password: "kari-setter-olas-passord").status
            #expect(status == .unauthorized)
        }

        let done = try CLIRunner.run(["user", "password", Self.fourth, "--as", Self.admin], database: db, stdin: "administratoren-valde-dette\n")
        #expect(done.exitCode == 0, "\(done.stderr)")
        // The change is on record (who set whose password, when), and nothing of the password is.
        let superuser = try db.connect()
        defer { superuser.close() }
        let rows = try superuser.query("SELECT change, changed_by, coalesce(role, '-') AS role, coalesce(reason, '-') AS reason FROM tilskot.user_change WHERE login = $1 AND change = 'password'", [Self.fourth])
        #expect(rows.count == 1)
        #expect(rows.first?["changed_by"] == Self.admin)
        #expect(rows.first?["role"] == "-" && rows.first?["reason"] == "-")
        let audit = try superuser.queryValue("SELECT count(*) FROM tilskot.audit_log WHERE new::text LIKE '%SCRAM%' OR old::text LIKE '%SCRAM%'", as: Int.self)
        #expect(audit == 0)
        // Plain text through the wrapper is refused by the role keeper (23T50); so is a user outside tilskot's groups.
        let adminConnection = try db.connect(asLogin: Self.admin)
        do {
            try adminConnection.execute("SELECT tilskot.user_password($1, $2)", [Self.fourth, "plain-text-password"])
            Issue.record("a plain password was taken")
        } catch {
            #expect(error.sqlState == "23T50")
            #expect(error.message.contains("never as plain text"))
        }
        try await app(db).test(.router) { client in
            let status5 = try await logIn(client, user: Self.fourth, password: "administratoren-valde-dette").status

            #expect(status5 == .seeOther)
        }
    }
}
