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

/// The case on one page and its forms (issue 20), through `app.test(.router)` against the real
/// PostgreSQL: the page's parts and its round trips, each form posted as the wrong user refused by
/// the database with nothing written, the over-the-frame refusal beside the decision form with
/// what was typed kept, the CSRF token and the case's version (a stale page is refused), letters,
/// and registering an application.
// Serialized: every test sets the passwords of the same five roles (roles belong to the cluster).
@Suite("web: the case page and its forms", .serialized)
struct WebCaseRouteTests: WebRouteSuite {
    static let caseworker = "w3_kari"
    static let other = "w3_ola"
    static let manager = "w3_mona"
    static let auditor = "w3_arne"
    static let finance = "w3_frida"
    static let password = "korrekt-hest-batteri-w3"

    /// JS/2021 with a frame of 1 000 000 kr: 0001 (Oslo, 1 400 000 kr) assigned to kari and assessed
    /// by her twice (the first superseded); 0002 (Stavanger) in review with kari; 0003 (Bergen) received.
    func scene() throws -> TestDatabase {
        try webScene(users: [Self.manager: .manager, Self.caseworker: .caseworker, Self.other: .caseworker,
                             Self.auditor: .auditor, Self.finance: .finance], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "1 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
            ["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103", "--as", Self.caseworker],
            ["org", "add", "964338531", "--name", "Bergen kommune", "--kind", "municipality", "--municipality", "4601", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen Oslo",
             "--amount", "1 400 000", "--received", "2021-02-01", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "964965226", "--title", "Jobbsjansen Stavanger",
             "--amount", "1 000 000", "--received", "2021-02-02", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "964338531", "--title", "Jobbsjansen Bergen",
             "--amount", "900 000", "--received", "2021-02-03", "--as", Self.caseworker],
            ["application", "assign", "JS-2021-0001", "--as", Self.caseworker],
            ["application", "assign", "JS-2021-0002", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0001", "--score", "3", "--recommend", "grant", "--notes", "first look", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0001", "--score", "5", "--recommend", "grant", "--notes", "second look", "--as", Self.caseworker],
        ], passwords: [Self.caseworker, Self.other, Self.manager, Self.auditor, Self.finance])
    }

    /// The issuer, staff, regulations and appeal bodies letters need (as CaseworkRouteTests'),
    /// written by an administrator.
    func configureLetters(_ db: TestDatabase) throws {
        let c = try db.connectAsAdmin()
        try c.execute("""
            INSERT INTO tilskot.issuer (name_nn, name_nb, name_en, orgnr, postal_address, email, website, phone, digital_channel, repayment_account)
            VALUES ('Integrerings- og mangfaldsdirektoratet (IMDi)', 'Integrerings- og mangfoldsdirektoratet (IMDi)',
                    'the Directorate of Integration and Diversity (IMDi)', '987879696', 'Postboks 8059 Dep, 0031 Oslo',
                    'post@imdi.no', 'www.imdi.no', '24 16 88 00', 'eDialog på www.imdi.no', '76940500008')
            ON CONFLICT DO NOTHING
            """)
        for (login, name) in [Self.manager: "Mona Manager", Self.caseworker: "Kari Caseworker"] {
            try c.execute("""
                INSERT INTO tilskot.staff (login, full_name, job_title, email, phone)
                VALUES ($1, $2, 'seniorrådgivar', $1 || '@imdi.no', '24 16 88 99') ON CONFLICT DO NOTHING
                """, [login, name])
        }
        let schemeID = try #require(try c.queryValue("SELECT id FROM tilskot.scheme WHERE code = 'JS'", as: Int64.self))
        try c.execute("""
            INSERT INTO tilskot.scheme_regulation (scheme_id, title, adopted_on, in_force_from, url)
            VALUES ($1, 'Regelverk for tilskot til Jobbsjansen', '2019-12-16', '2020-01-01', 'https://www.imdi.no/tilskudd/')
            """, [schemeID])
        try c.execute("""
            INSERT INTO tilskot.scheme_appeal_body (scheme_id, from_date, name_nn, name_nb, name_en) VALUES
                ($1, '2018-01-17', 'Kunnskapsdepartementet', 'Kunnskapsdepartementet', 'the Ministry of Education and Research')
            """, [schemeID])
    }

    /// The refusal shown on a page (for a failing expectation's message).
    func refusal(_ html: String) -> String {
        guard let start = html.range(of: "class=\"refusal\"") else { return "(no refusal)" }
        return String(html[start.upperBound...].prefix(400))
    }

    // MARK: - Helpers

    /// The case page as `cookie` sees it: status, HTML, the CSRF token and the case's version.
    func casePage(_ client: some TestClientProtocol, _ cookie: String, _ reference: String) async throws
        -> (status: HTTPResponse.Status, html: String, csrf: String, etag: String, roundTrips: Int?) {
        try await client.execute(uri: "/web/cases/\(reference)", method: .get, headers: cookieHeader(cookie)) { r in
            let html = String(buffer: r.body)
            let trips = r.headers[HTTPField.Name("X-Tilskot-Round-Trips")!].flatMap { Int($0) }
            return (r.status, html, hidden(html, "csrf") ?? "", hidden(html, "etag", after: "case-action") ?? "", trips)
        }
    }

    // MARK: - Tests

    @Test("the case page: application, organisation, both assessments with the superseded one marked, history, forms; its round trips")
    func page() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let kari = try await session(client, Self.caseworker)
            let page = try await casePage(client, kari, "JS-2021-0001")
            #expect(page.status == .ok)
            let html = page.html
            #expect(html.contains("Jobbsjansen Oslo") && html.contains("Oslo kommune") && html.contains("958935420"))
            #expect(html.contains("first look") && html.contains("second look"))
            // The superseded assessment stays, marked as such; the current one as current.
            let rows = html.components(separatedBy: "<tr class=\"superseded\">")
            #expect(rows.count == 2, "one superseded assessment row")
            #expect(rows.count == 2 && rows[1].prefix(600).contains("first look") && rows[1].prefix(600).contains("erstatta"))
            #expect(html.contains("<tr class=\"current\">"))
            #expect(html.contains("id=\"case-history\""))
            // An assessed case offers assessing again, deciding and withdrawing; no notice before a decision.
            #expect(html.contains("id=\"form-assess\"") && html.contains("id=\"form-decide\"") && html.contains("id=\"form-withdraw\""))
            #expect(!html.contains("id=\"form-notice\""))
            #expect(!page.etag.isEmpty && !page.csrf.isEmpty)
            // The forms carry the API's version of the case: the ETag of GET /applications/{reference}.
            var api = HTTPFields()
            api[.authorization] = "Bearer " + (try await TokenVerifier.issueLocal(login: Self.caseworker, ttl: 600, key: WebHarness.key))
            let apiETag = try await client.execute(uri: "/applications/JS-2021-0001", method: .get, headers: api) { $0.headers[.eTag] }
            #expect(apiETag == page.etag)
            // The case in two statements: its document (tilskot.application_case, as `application show`)
            // and its follow-up (tilskot.case_followup), besides the request's own BEGIN with the
            // identity statement (one round trip) and COMMIT.
            let trips = try #require(page.roundTrips)
            #expect(trips == 2)
            // The auditor reads the page too.
            let arne = try await session(client, Self.auditor)
            #expect(try await casePage(client, arne, "JS-2021-0001").status == .ok)
            // A case that does not exist: 404 page.
            #expect(try await casePage(client, kari, "JS-2021-0099").status == .notFound)
        }
    }

    @Test("each form posted as the wrong user is refused by the database beside the form, and nothing is written")
    func wrongUsers() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let arne = try await session(client, Self.auditor)
            let frida = try await session(client, Self.finance)
            let kari = try await session(client, Self.caseworker)
            let attempts: [(who: String, cookie: String, reference: String, action: String, fields: [(String, String)])] = [
                ("auditor", arne, "JS-2021-0003", "assign", []),
                ("auditor", arne, "JS-2021-0002", "assess", [("score", "4"), ("recommendation", "grant")]),
                ("auditor", arne, "JS-2021-0001", "decide", [("outcome", "reject"), ("reasons", "nei")]),
                ("auditor", arne, "JS-2021-0003", "withdraw", [("reason", "søkjaren trekte")]),
                ("finance", frida, "JS-2021-0003", "assign", []),
                ("finance", frida, "JS-2021-0002", "assess", [("score", "4"), ("recommendation", "grant")]),
                ("finance", frida, "JS-2021-0001", "decide", [("outcome", "reject"), ("reasons", "nei")]),
                ("caseworker", kari, "JS-2021-0001", "decide", [("outcome", "reject"), ("reasons", "nei, ikkje no")]),
            ]
            for attempt in attempts {
                let before = try auditCount(db)
                let page = try await casePage(client, attempt.cookie, attempt.reference)
                #expect(page.status == .ok)
                let result = try await post(client, attempt.cookie, "/web/cases/\(attempt.reference)/\(attempt.action)",
                                            [("csrf", page.csrf), ("etag", page.etag)] + attempt.fields)
                #expect(result.status == .forbidden || result.status == .conflict || result.status == .unprocessableContent,
                        "\(attempt.who) \(attempt.action): \(result.status)")
                #expect(result.location == nil)
                #expect(result.html.contains("id=\"\(attempt.action)-error\""), "\(attempt.who) \(attempt.action): the sentence beside the form")
                #expect(try auditCount(db) == before, "\(attempt.who) \(attempt.action) wrote nothing")
                // What was typed is kept.
                for (name, value) in attempt.fields where name == "reasons" || name == "reason" {
                    #expect(result.html.contains(value), "\(attempt.who) \(attempt.action) keeps \(name)")
                }
            }
            // The caseworker deciding reads the sentence the CLI prints for the same decision.
            let cli = try CLIRunner.run(["application", "decide", "JS-2021-0001", "--reject", "--reasons", "nei, ikkje no", "--as", Self.caseworker],
                                        database: db)
            #expect(cli.exitCode == 1)
            let sentence = cli.stderr.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "error: ", with: "")
            let page = try await casePage(client, kari, "JS-2021-0001")
            let result = try await post(client, kari, "/web/cases/JS-2021-0001/decide",
                                        [("csrf", page.csrf), ("etag", page.etag), ("outcome", "reject"), ("reasons", "nei, ikkje no")])
            #expect(!sentence.isEmpty && unescaped(result.html).contains(sentence), "CLI: \(sentence)")
            try #require(try db.connect().queryValue("SELECT count(*) FROM tilskot.decision", as: Int64.self) == 0)
        }
    }

    @Test("a manager's grant over the round's frame: the database's sentence beside the decision form, what was typed kept, nothing written; then a grant within it")
    func overTheFrame() async throws {
        let db = try scene()
        defer { db.drop() }
        try configureLetters(db)
        try await app(db).test(.router) { client in
            let mona = try await session(client, Self.manager)
            let page = try await casePage(client, mona, "JS-2021-0001")
            let before = try auditCount(db)
            let over = try await post(client, mona, "/web/cases/JS-2021-0001/decide", [
                ("csrf", page.csrf), ("etag", page.etag), ("outcome", "grant"), ("amount", "1 400 000"),
                ("reasons", "Godt prosjekt"), ("conditions", "Rapport innan 2022"),
            ])
            #expect(over.status == .unprocessableContent || over.status == .conflict)
            let html = unescaped(over.html)
            #expect(html.contains("decision refused:") && html.contains("over its frame"))
            #expect(over.html.contains("id=\"decide-error\""))
            #expect(over.html.contains("value=\"1 400 000\"") && over.html.contains("Godt prosjekt") && over.html.contains("Rapport innan 2022"))
            #expect(try auditCount(db) == before)
            // The sentence is the CLI's for the same decision.
            let cli = try CLIRunner.run(["application", "decide", "JS-2021-0001", "--grant", "1 400 000", "--as", Self.manager], database: db)
            #expect(cli.exitCode == 1)
            #expect(cli.stderr.contains("over its frame"))
            // Within the frame it is made: 303 to the case page, which shows it, its letters and the notice form.
            let fresh = try await casePage(client, mona, "JS-2021-0001")
            let granted = try await post(client, mona, "/web/cases/JS-2021-0001/decide", [
                ("csrf", fresh.csrf), ("etag", fresh.etag), ("outcome", "grant"), ("amount", "900 000"),
                ("reasons", "Delvis innvilga: ramma"),
            ])
            #expect(granted.status == .seeOther, "grant: \(refusal(granted.html))")
            #expect(granted.location == "/web/cases/JS-2021-0001#h-decisions")
            let after = try await casePage(client, mona, "JS-2021-0001")
            #expect(after.html.contains("Delvis innvilga: ramma") && after.html.contains("id=\"case-letters\""))
            #expect(after.html.contains("id=\"form-notice\"") && !after.html.contains("id=\"form-decide\""))
            // A form sent with the version read before the grant (another tab): refused with the
            // page's sentence, nothing written.
            let beforeStale = try auditCount(db)
            let stale = try await post(client, mona, "/web/cases/JS-2021-0001/decide", [
                ("csrf", fresh.csrf), ("etag", fresh.etag), ("outcome", "reject"), ("reasons", "Avslått likevel"),
            ])
            #expect(stale.status == .conflict)
            #expect(stale.html.contains("saka er endra sidan du opna sida"))
            #expect(try auditCount(db) == beforeStale)
            // The letter: viewed in the page (en), downloaded as Markdown and as the API's HTML.
            try await client.execute(uri: "/web/cases/JS-2021-0001/letter?kind=decision&lang=en", method: .get, headers: cookieHeader(mona)) { r in
                #expect(r.status == .ok)
                let letter = String(buffer: r.body)
                #expect(letter.contains("<article class=\"letter\" lang=\"en\">"))
                #expect(!letter.contains("<style"))
            }
            try await client.execute(uri: "/web/cases/JS-2021-0001/letter?kind=decision&lang=nb&format=markdown", method: .get,
                                     headers: cookieHeader(mona)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/markdown") == true)
                #expect(r.headers[.contentDisposition]?.contains("attachment") == true)
                #expect(String(buffer: r.body).contains("# "))
            }
            try await client.execute(uri: "/web/cases/JS-2021-0001/letter?kind=decision&lang=nn&format=html&download=1", method: .get,
                                     headers: cookieHeader(mona)) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).hasPrefix("<!DOCTYPE html>"))
            }
            // Record the notice, sent today (the form's default; the decision is dated today): the
            // appeal deadline shows, and registering an appeal is offered.
            let today = try #require(after.html.range(of: "id=\"notice-sent\"").flatMap { start -> String? in
                let rest = after.html[start.upperBound...]
                return rest.range(of: "value=\"").map { String(rest[$0.upperBound...].prefix(10)) }
            })
            let noticed = try await post(client, mona, "/web/cases/JS-2021-0001/notice", [
                ("csrf", after.csrf), ("etag", after.etag), ("sent", today), ("channel", "post"),
            ])
            #expect(noticed.status == .seeOther, "notice: \(refusal(noticed.html))")
            let final = try await casePage(client, mona, "JS-2021-0001")
            #expect(final.html.contains("id=\"case-notices\"") && final.html.contains("Klagefrist"))
            #expect(final.html.contains("id=\"form-appeal\""))
        }
    }

    @Test("a form without the CSRF token is refused (403) and writes nothing; one from a stale page is refused with a sentence saying the case changed")
    func csrfAndStale() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let kari = try await session(client, Self.caseworker)
            let page = try await casePage(client, kari, "JS-2021-0002")
            let before = try auditCount(db)
            let noToken = try await post(client, kari, "/web/cases/JS-2021-0002/assess",
                                         [("etag", page.etag), ("score", "4"), ("recommendation", "grant")])
            #expect(noToken.status == .forbidden)
            #expect(try auditCount(db) == before)
            // Someone changes the case after the page was read (here: another assessment by the CLI).
            let changed = try CLIRunner.run(["application", "assess", "JS-2021-0002", "--score", "2", "--recommend", "reject", "--as", Self.caseworker],
                                            database: db)
            #expect(changed.exitCode == 0)
            let afterChange = try auditCount(db)
            let stale = try await post(client, kari, "/web/cases/JS-2021-0002/assess", [
                ("csrf", page.csrf), ("etag", page.etag), ("score", "4"), ("recommendation", "grant"), ("notes", "mitt syn"),
            ])
            #expect(stale.status == .conflict)
            #expect(stale.html.contains("saka er endra sidan du opna sida"))
            #expect(stale.html.contains("mitt syn"))
            #expect(try auditCount(db) == afterChange)
            // The page shown again carries the case's version now: sent again, it is saved.
            let again = try #require(hidden(stale.html, "etag", after: "case-action"))
            #expect(again != page.etag)
            let saved = try await post(client, kari, "/web/cases/JS-2021-0002/assess", [
                ("csrf", page.csrf), ("etag", again), ("score", "4"), ("recommendation", "grant"), ("notes", "mitt syn"),
            ])
            #expect(saved.status == .seeOther)
            #expect(try auditCount(db) > afterChange)
        }
    }

    @Test("register an application: the form, the input's refusal and the database's beside it with what was typed kept, then 303 to the new case")
    func register() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let kari = try await session(client, Self.caseworker)
            let csrf = try await client.execute(uri: "/web/applications/new", method: .get, headers: cookieHeader(kari)) { r in
                #expect(r.status == .ok)
                return try #require(hidden(String(buffer: r.body), "csrf", after: "form-register"))
            }
            let before = try auditCount(db)
            let badOrg = try await post(client, kari, "/web/applications/new", [
                ("csrf", csrf), ("round", "JS/2021"), ("orgnr", "12345"), ("title", "Eit nytt prosjekt"), ("amount", "500 000"),
            ])
            #expect(badOrg.status == .unprocessableContent)
            #expect(badOrg.html.contains("id=\"register-error\"") && badOrg.html.contains("Eit nytt prosjekt"))
            let badRound = try await post(client, kari, "/web/applications/new", [
                ("csrf", csrf), ("round", "JS/2030"), ("orgnr", "964338531"), ("title", "Eit nytt prosjekt"), ("amount", "500 000"),
                ("received", "2021-02-10"),
            ])
            #expect(badRound.status == .unprocessableContent)
            #expect(badRound.html.contains("id=\"register-error\"") && badRound.html.contains("JS/2030"))
            #expect(try auditCount(db) == before)
            // The auditor registers nothing: the database refuses.
            let arne = try await session(client, Self.auditor)
            let arneCSRF = try await client.execute(uri: "/web/applications/new", method: .get, headers: cookieHeader(arne)) { r in
                try #require(hidden(String(buffer: r.body), "csrf", after: "form-register"))
            }
            let refused = try await post(client, arne, "/web/applications/new", [
                ("csrf", arneCSRF), ("round", "JS/2021"), ("orgnr", "964338531"), ("title", "Revisorens søknad"), ("amount", "500 000"),
                ("received", "2021-02-10"),
            ])
            #expect(refused.status == .forbidden || refused.status == .unprocessableContent)
            #expect(refused.html.contains("id=\"register-error\"") && refused.html.contains("Revisorens søknad"))
            #expect(try auditCount(db) == before)
            let made = try await post(client, kari, "/web/applications/new", [
                ("csrf", csrf), ("round", "JS/2021"), ("orgnr", "964338531"), ("title", "Eit nytt prosjekt"), ("amount", "500 000"),
                ("received", "2021-02-10"), ("external_ref", "W3-EXT-1"),
            ])
            #expect(made.status == .seeOther)
            #expect(made.location == "/web/cases/JS-2021-0004")
            let page = try await casePage(client, kari, "JS-2021-0004")
            #expect(page.html.contains("Eit nytt prosjekt") && page.html.contains("W3-EXT-1"))
            // A received case offers taking it; taken, it is in review with kari.
            #expect(page.html.contains("id=\"form-assign\""))
            let taken = try await post(client, kari, "/web/cases/JS-2021-0004/assign", [("csrf", page.csrf), ("etag", page.etag)])
            #expect(taken.status == .seeOther)
            let after = try await casePage(client, kari, "JS-2021-0004")
            #expect(after.html.contains("status-in_review"))
        }
    }

    // MARK: - The installation's time zone

    /// Every "YYYY-MM-DD HH:MM" on a page, in order.
    func times(_ html: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: #"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b"#)
        return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { String(html[Range($0.range, in: html)!]) }
    }

    /// A page's time read in `from`, written in `to`.
    func converted(_ time: String, from: String, to: String) throws -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        f.timeZone = TimeZone(identifier: from)
        let instant = try #require(f.date(from: time))
        f.timeZone = TimeZone(identifier: to)
        return f.string(from: instant)
    }

    @Test("the case page shows times in the installation's time zone: each of them moves when an administrator sets America/New_York (read with the schema level)")
    func installationTimeZone() async throws {
        let db = try scene()
        defer { db.drop() }
        // The schema level and the zone are read again on every request here (the server's default: every 10 s).
        try await app(db, schemaRecheck: .zero).test(.router) { client in
            let kari = try await session(client, Self.caseworker)
            let oslo = try await casePage(client, kari, "JS-2021-0001")
            let osloTimes = times(oslo.html)
            #expect(osloTimes.count >= 4, "registered, two assessments, history")
            // The case's first event (its registration) is the audit log's, in Oslo.
            let registered = try #require(try db.connect().queryValue("""
                SELECT to_char(min(l.at) AT TIME ZONE 'Europe/Oslo', 'YYYY-MM-DD HH24:MI')
                  FROM tilskot.audit_log l JOIN tilskot.application a ON a.id = l.application_id
                 WHERE a.reference = 'JS-2021-0001'
                """, as: String.self))
            #expect(osloTimes.contains(registered), "\(osloTimes) \(registered)")

            try db.connectAsAdmin().execute("UPDATE tilskot.installation SET time_zone = 'America/New_York'")
            let newYork = try await casePage(client, kari, "JS-2021-0001")
            #expect(newYork.status == .ok)
            let newYorkTimes = times(newYork.html)
            #expect(newYorkTimes == (try osloTimes.map { try converted($0, from: "Europe/Oslo", to: "America/New_York") }))
            #expect(newYorkTimes != osloTimes)
            // The round trips of the page are the same: the zone costs none of its own.
            #expect(newYork.roundTrips == oslo.roundTrips)
            // A page without a read of its own takes the zone the server last read: the register
            // form's received date defaults to today in New York.
            let day = DateFormatter()
            day.locale = Locale(identifier: "en_US_POSIX")
            day.dateFormat = "yyyy-MM-dd"
            day.timeZone = TimeZone(identifier: "America/New_York")
            let today = day.string(from: Date())
            let form = try await get(client, "/web/applications/new", kari)
            #expect(String(buffer: form.body).contains(#"id="register-received" name="received" type="text" inputmode="numeric" placeholder="YYYY-MM-DD" value="\#(today)""#))
        }
    }
}
