import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PGClient
import Testing
import TilskotCore
import TilskotServer
import TilskotStore
import TilskotTestSupport

/// Issue 20's "one or two database round trips per page": each page reads what it shows through one
/// function of SQL/schema/23_page_reads.sql (X-Tilskot-Round-Trips), whatever the number of rounds,
/// payments and claw-backs; the figures stay the CLI's; and the functions use the indexes for one case.
/// Serialized: every test's scene sets the same users' passwords (roles belong to the cluster).
@Suite("web: one or two round trips per page", .serialized)
struct WebRoundTripTests {
    static let caseworker = "s9r_kari"
    static let manager = "s9r_mona"
    static let manager2 = "s9r_mons"
    static let finance = "s9r_fia"
    static let payer = "s9r_finn"
    static let password = "korrekt-hest-batteri-s9r"
    static let key: [UInt8] = Array("tilskot-web-round-trip-tests-key-0123456789".utf8)
    static let origin = "http://localhost"
    static let tripsHeader = HTTPField.Name("X-Tilskot-Round-Trips")!

    /// Three rounds of JS (2020, 2021, 2022). JS-2021-0001 (Oslo) granted 1 000 000 by mona, planned
    /// in two halves (the first attested and paid, the second waiting), a report received, and two
    /// claw-backs (the second as a further demand), 30 000 repaid on the first. JS-2021-0002 (Bergen)
    /// assessed by kari; JS-2022-0001 (Oslo) assessed by mona herself.
    func scene() throws -> TestDatabase {
        let (k, m, f) = (Self.caseworker, Self.manager, Self.finance)
        let db = try TestDatabase.scene(
            users: [k: .caseworker, m: .manager, Self.manager2: .manager, f: .finance, Self.payer: .finance],
            steps: [
                ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
                ["round", "open", "JS/2020", "--frame", "5 000 000", "--opens", "2020-01-06", "--closes", "2020-03-01", "--as", m],
                ["round", "open", "JS/2021", "--frame", "10 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
                ["round", "open", "JS/2022", "--frame", "8 000 000", "--opens", "2022-01-03", "--closes", "2022-03-01", "--as", m],
                ["round", "adjust", "JS/2021", "--amount", "+2 000 000", "--decided", "2021-03-01", "--reason", "integreringspakke II", "--as", m],
                ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", k],
                ["org", "add", "964338531", "--name", "Bergen kommune", "--kind", "municipality", "--municipality", "4601", "--as", k],
                ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen i Oslo",
                 "--amount", "1 000 000", "--received", "2021-02-01", "--as", k],
                ["application", "register", "--round", "JS/2021", "--org", "964338531", "--title", "Jobbsjansen i Bergen",
                 "--amount", "700 000", "--received", "2021-02-02", "--as", k],
                ["application", "register", "--round", "JS/2022", "--org", "958935420", "--title", "Jobbsjansen i Oslo 2022",
                 "--amount", "400 000", "--received", "2022-02-01", "--as", k],
                ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", k],
                ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--date", "2021-04-15", "--as", m],
                ["application", "assess", "JS-2021-0002", "--score", "3", "--recommend", "grant", "--as", k],
                ["application", "assess", "JS-2022-0001", "--score", "3", "--recommend", "grant", "--as", m],
                ["payment", "plan", "JS-2021-0001", "--instalments", "50%:2021-05-01,50%:2021-09-01", "--account", "8601 11 17947", "--as", k],
                ["payment", "attest", "1", "--as", f],
                ["payment", "pay", "1", "--voucher", "B-2021-17", "--date", "2021-05-02", "--as", Self.payer],
                ["followup", "receive", "JS-2021-0001", "--report-date", "2022-02-01", "--as", k],
                ["clawback", "demand", "JS-2021-0001", "--amount", "100 000", "--reasons", "Ubrukte midlar", "--due", "2022-06-01",
                 "--date", "2022-04-20", "--without-notice", "fvl. § 16 tredje ledd bokstav c: mottakaren har sjølv rapportert midlane", "--as", m],
                ["clawback", "demand", "JS-2021-0001", "--amount", "50 000", "--reasons", "Meir ubrukt", "--due", "2022-07-01",
                 "--date", "2022-05-02", "--another",
                 "--without-notice", "fvl. § 16 tredje ledd bokstav c: mottakaren har sjølv rapportert midlane", "--as", m],
            ])
        try db.setPasswords([k, m, Self.manager2, f], to: Self.password)
        // 30 000 repaid on the first claw-back, with its KID.
        let kid = try #require(try db.connect().queryValue("SELECT kid FROM tilskot.clawback ORDER BY id LIMIT 1", as: String.self))
        let repaid = try CLIRunner.run(["clawback", "repay", "--kid", kid, "--amount", "30 000", "--date", "2022-05-10", "--as", f], database: db)
        #expect(repaid.exitCode == 0, "\(repaid.stderr)")
        return db
    }

    func app(_ db: TestDatabase) async throws -> some ApplicationProtocol {
        var logger = Logger(label: "tilskot.serve.test")
        logger.logLevel = .warning
        let configuration = ServerConfiguration(
            database: DatabaseTarget(conninfo: db.url(asLogin: "tilskot_authenticator"), source: .explicit),
            poolSize: 2, tokens: try await TokenVerifier(localKey: Self.key), logger: logger)
        return try buildApplication(configuration)
    }

    // MARK: - Helpers

    func cookieValue(_ setCookie: String) -> String {
        let first = setCookie.split(separator: ";")[0]
        return String(first[first.index(after: first.firstIndex(of: "=")!)...])
    }

    func setCookie(_ response: TestResponse, _ name: String) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix(name + "=") }
    }

    func csrf(_ html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return String(rest[..<rest.firstIndex(of: "\"")!])
    }

    /// Logs `user` in through the log-in form: the session's Cookie header.
    func session(_ client: some TestClientProtocol, _ user: String) async throws -> String {
        let (pre, token) = try await client.execute(uri: "/web/login", method: .get) { response in
            (cookieValue(try #require(setCookie(response, "tilskot_presession"))), try #require(csrf(String(buffer: response.body))))
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        headers[.cookie] = "tilskot_presession=\(pre)"
        headers[.origin] = Self.origin
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = [("csrf", token), ("user", user), ("password", Self.password)]
            .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
        let response = try await client.execute(uri: "/web/login", method: .post, headers: headers, body: ByteBuffer(string: body))
        #expect(response.status == .seeOther, "log-in as \(user): \(response.status)")
        return "tilskot_session=" + cookieValue(try #require(setCookie(response, "tilskot_session")))
    }

    /// A page: its status, HTML and X-Tilskot-Round-Trips.
    func page(_ client: some TestClientProtocol, _ uri: String, _ cookie: String) async throws
        -> (status: HTTPResponse.Status, html: String, trips: Int?) {
        var headers = HTTPFields()
        headers[.cookie] = cookie
        return try await client.execute(uri: uri, method: .get, headers: headers) { r in
            (r.status, String(buffer: r.body), r.headers[Self.tripsHeader].flatMap { Int($0) })
        }
    }

    func cliJSON(_ arguments: [String], _ db: TestDatabase) throws -> Any {
        let result = try CLIRunner.run(arguments, database: db)
        #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    func ore(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }

    /// The value of attribute `attribute` on the element whose opening tag contains `marker`.
    func attribute(_ html: String, after marker: String, _ attribute: String) -> String? {
        guard let start = html.range(of: marker) else { return nil }
        let tag = html[start.lowerBound...].prefix { $0 != ">" }
        guard let a = tag.range(of: " \(attribute)=\"") else { return nil }
        return String(tag[a.upperBound...].prefix { $0 != "\"" })
    }

    // MARK: - Tests

    @Test("the rounds list, a round, the finance page: one round trip each with three rounds and two claw-backs; the figures are the CLI's")
    func moneyPages() async throws {
        let db = try scene()
        defer { db.drop() }
        let summary = try #require(try cliJSON(["followup", "summary", "--format", "json", "--as", Self.manager], db) as? [[String: Any]])
        // Per round, each figure's øre as `round show` and `followup summary` print them.
        let shows: [(String, [(String, Int64?)])] = try ["JS/2020", "JS/2021", "JS/2022"].map { key in
            let show = try #require(try cliJSON(["round", "show", key, "--format", "json", "--as", Self.manager], db) as? [String: Any])
            let money = try #require(summary.first { $0["round"] as? String == key })
            return (key, [
                ("fig_initial_frame", ore(show["initial_frame_ore"])), ("fig_frame", ore(show["frame_ore"])),
                ("fig_granted", ore(show["granted_ore"])), ("fig_remaining", ore(show["remaining_ore"])),
                ("fig_used", ore(show["used_ore"])), ("fig_unused", ore(show["unused_ore"])),
                ("fig_requested", ore(show["requested_ore"])), ("fig_paid", ore(money["paid_ore"])),
                ("fig_clawed_back", ore(money["clawed_back_ore"])),
            ])
        }
        // JS/2021: 150 000 clawed back (both claw-backs in force).
        #expect(ore(summary.first { $0["round"] as? String == "JS/2021" }?["clawed_back_ore"]) == 15_000_000)
        let clawbacks = try #require(try cliJSON(["clawback", "list", "--format", "json", "--as", Self.manager], db) as? [[String: Any]])
        let clawbackIDs = clawbacks.compactMap { $0["id"] as? Int }
        #expect(clawbackIDs.count == 2)
        try await app(db).test(.router) { client in
            let cookie = try await session(client, Self.manager)
            let list = try await page(client, "/web/rounds", cookie)
            #expect(list.status == .ok)
            #expect(list.trips == 1, "GET /web/rounds: \(list.trips.map(String.init) ?? "none") round trips")
            for (key, _) in shows { #expect(list.html.contains("href=\"/web/rounds/\(key)\"")) }
            for (key, expected) in shows {
                let round = try await page(client, "/web/rounds/\(key)", cookie)
                #expect(round.status == .ok)
                #expect(round.trips == 1, "GET /web/rounds/\(key): \(round.trips.map(String.init) ?? "none")")
                for (figure, value) in expected {
                    let shown = attribute(round.html, after: "data-figure=\"\(figure)\"", "data-ore").flatMap { Int64($0) }
                    #expect(shown != nil && shown == value, "\(key) \(figure): page \(shown.map(String.init) ?? "none"), CLI \(value.map(String.init) ?? "none")")
                }
            }
            // A round that does not exist: `round show`'s sentence, the second round trip only then.
            let missing = try await page(client, "/web/rounds/JS/2019", cookie)
            #expect(missing.status == .notFound)
            #expect(missing.html.contains("JS/2019"))

            let fia = try await session(client, Self.finance)
            let finance = try await page(client, "/web/finance", fia)
            #expect(finance.status == .ok)
            #expect(finance.trips == 1, "GET /web/finance: \(finance.trips.map(String.init) ?? "none")")
            #expect(finance.html.contains("JS-2021-0001/2"))
            // Each claw-back as `clawback list` says: 100 000 with 30 000 repaid is open; 50 000 open.
            for id in clawbackIDs {
                #expect(finance.html.contains("<tr data-clawback=\"\(id)\" data-state=\"clawback_open\">"))
            }
            #expect(finance.html.contains("30 000 kr") && finance.html.contains("70 000 kr"))
        }
    }

    @Test("the reports page: every report's rows and basis in one statement (two with the defaults); each report as the CLI writes it")
    func reportsPage() async throws {
        let db = try scene()
        defer { db.drop() }
        let m = Self.manager
        let arguments: [(String, [String])] = [
            ("summary", ["--year", "2021"]), ("geography", ["--year", "2021", "--by", "county"]), ("applicants", ["--year", "2021"]),
            ("trend", ["--scheme", "JS", "--from", "2020", "--to", "2022"]), ("caseload", ["--year", "2021"]), ("followup", ["--year", "2021"]),
        ]
        let cli: [(String, String)] = try arguments.map { name, options in
            let result = try CLIRunner.run(["report", name] + options + ["--format", "csv", "--as", m], database: db)
            #expect(result.exitCode == 0, "\(name): \(result.stderr)")
            return (name, result.stdout)
        }
        try await app(db).test(.router) { client in
            let cookie = try await session(client, m)
            let given = try await page(client, "/web/reports?year=2021&scheme=JS&from=2020&to=2022", cookie)
            #expect(given.status == .ok)
            #expect(given.trips == 1, "GET /web/reports with year and scheme: \(given.trips.map(String.init) ?? "none")")
            #expect(given.html.contains("id=\"report-trend\""))
            let plain = try await page(client, "/web/reports", cookie)
            #expect(plain.status == .ok)
            #expect(plain.trips == 2, "GET /web/reports: \(plain.trips.map(String.init) ?? "none")")
            // Each report's CSV (read through the same batch) is the CLI's, byte for byte.
            for (name, text) in cli {
                let csv = try await page(client, "/web/reports/\(name).csv?year=2021&scheme=JS&from=2020&to=2022&by=county", cookie)
                #expect(csv.status == .ok)
                #expect(csv.html == text, "\(name).csv differs from `report \(name) --format csv`")
                #expect(!text.isEmpty)
            }
            // A refusal of one report (the trend's span backwards) is the page's sentence, as the CLI's.
            let backwards = try await page(client, "/web/reports?year=2021&scheme=JS&from=2022&to=2020", cookie)
            #expect(backwards.status != .ok)
            #expect(backwards.html.contains("backwards"))
        }
    }

    @Test("the case page: Applications.show and one statement for the follow-up (tilskot.case_followup), whatever the number of payments and claw-backs; the grant's money is GrantMoney.grant's")
    func casePage() async throws {
        let db = try scene()
        defer { db.drop() }
        // What `application show` costs alone, counted as the page counts (Connection.statementWatch).
        let store = try db.session(as: Self.manager)
        final class Count: @unchecked Sendable { var n = 0 }
        let count = Count()
        store.connection.statementWatch = { count.n += 1; return {} }
        _ = try Applications.show(try ApplicationReference("JS-2021-0001"), session: store)
        store.connection.statementWatch = nil
        let showStatements = count.n
        let money = try #require(try GrantMoney.grant(try ApplicationReference("JS-2021-0001"), session: store))
        try await app(db).test(.router) { client in
            let cookie = try await session(client, Self.manager)
            let shown = try await page(client, "/web/cases/JS-2021-0001", cookie)
            #expect(shown.status == .ok)
            let trips = try #require(shown.trips)
            print("web case page JS-2021-0001 (2 payments, a report, 2 claw-backs): \(trips) round trips; application show alone \(showStatements)")
            #expect(trips == showStatements + 1)
            // The follow-up part, as GrantMoney.grant (tilskot.grant_money) and `clawback list` read it.
            #expect(money.clawedBack == Money(ore: 15_000_000) && money.repaid == Money(ore: 3_000_000))
            for amount in [money.granted, money.planned, money.paid, money.clawedBack, money.repaid, money.net] {
                #expect(shown.html.contains("<dd>\(amount.description)</dd>"), "\(amount) on the case page")
            }
            #expect(shown.html.contains("id=\"case-clawbacks\"") && shown.html.contains("Meir ubrukt"))
            #expect(shown.html.contains("JS-2021-0001/1") && shown.html.contains("JS-2021-0001/2"))
            #expect(shown.html.contains("id=\"case-duty\"") && shown.html.contains("id=\"case-reports\""))
            // A case without follow-up: the same one statement.
            let plain = try await page(client, "/web/cases/JS-2021-0002", cookie)
            #expect(plain.status == .ok && !plain.html.contains("id=\"case-money\""))
        }
    }

    @Test("My work: the manager's cases ready for decision leave out those she assessed, in the SQL (tilskot.ready_for_decision)")
    func readyForDecision() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            func ready(_ html: String) -> String {
                guard let start = html.range(of: "id=\"ready-for-decision\""), let end = html.range(of: "</table>", range: start.upperBound..<html.endIndex)
                else { return "" }
                return String(html[start.upperBound..<end.lowerBound])
            }
            let mona = try await page(client, "/web/work", try await session(client, Self.manager))
            #expect(mona.status == .ok)
            // Her cases, then her reports due with the ready list (tilskot.work_page).
            #expect(mona.trips == 2, "GET /web/work: \(mona.trips.map(String.init) ?? "none") round trips")
            #expect(ready(mona.html).contains("JS-2021-0002"))
            #expect(!ready(mona.html).contains("JS-2022-0001"))  // her own assessment
            let mons = try await page(client, "/web/work", try await session(client, Self.manager2))
            #expect(ready(mons.html).contains("JS-2021-0002") && ready(mons.html).contains("JS-2022-0001"))
            // A caseworker has no such list.
            let kari = try await page(client, "/web/work", try await session(client, Self.caseworker))
            #expect(kari.status == .ok && ready(kari.html).isEmpty && kari.trips == 2)
        }
    }

    @Test("My work: her reports due and overdue are those `followup due --mine --include-overdue` lists (tilskot.reports_outstanding)")
    func reportsDue() async throws {
        let db = try scene()
        defer { db.drop() }
        let (k, m) = (Self.caseworker, Self.manager)
        // Two grants of 2020 in follow-up, their reports not in (due 2021-03-31); kari took the first.
        for step in [
            ["application", "register", "--round", "JS/2020", "--org", "964338531", "--title", "Jobbsjansen i Bergen 2020",
             "--amount", "300 000", "--received", "2020-02-01", "--as", k],
            ["application", "register", "--round", "JS/2020", "--org", "958935420", "--title", "Jobbsjansen i Oslo 2020",
             "--amount", "200 000", "--received", "2020-02-03", "--as", k],
            ["application", "assign", "JS-2020-0001", "--as", k],
            ["application", "assess", "JS-2020-0001", "--score", "4", "--recommend", "grant", "--as", k],
            ["application", "assess", "JS-2020-0002", "--score", "4", "--recommend", "grant", "--as", k],
            ["application", "decide", "JS-2020-0001", "--grant", "300 000", "--date", "2020-04-15", "--as", m],
            ["application", "decide", "JS-2020-0002", "--grant", "200 000", "--date", "2020-04-15", "--as", m],
            ["payment", "plan", "JS-2020-0001", "--instalments", "100%:2020-05-01", "--account", "8601 11 17947", "--as", k],
            ["payment", "plan", "JS-2020-0002", "--instalments", "100%:2020-05-01", "--account", "8601 11 17947", "--as", k],
        ] {
            let result = try CLIRunner.run(step, database: db)
            #expect(result.exitCode == 0, "\(step): \(result.stderr)")
        }
        let listed = try CLIRunner.run(["followup", "due", "--mine", "--include-overdue", "--format", "json", "--as", k], database: db)
        #expect(listed.exitCode == 0, "\(listed.stderr)")
        let cli = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(cli.compactMap { $0["reference"] as? String } == ["JS-2020-0001"])
        try await app(db).test(.router) { client in
            let kari = try await page(client, "/web/work", try await session(client, k))
            guard let start = kari.html.range(of: "id=\"my-reports\""),
                  let end = kari.html.range(of: "</table>", range: start.upperBound..<kari.html.endIndex) else {
                Issue.record("no table of reports on My work")
                return
            }
            let table = String(kari.html[start.upperBound..<end.lowerBound])
            #expect(table.contains("JS-2020-0001") && table.contains("2021-03-31") && !table.contains("JS-2020-0002"))
            #expect(kari.trips == 2)
            // Mona is assigned to neither.
            let mona = try await page(client, "/web/work", try await session(client, m))
            #expect(mona.status == .ok && !mona.html.contains("id=\"my-reports\""))
        }
    }

    @Test("My work: the appeals pending (every one for a manager, her own for a caseworker) and her decisions whose appeal deadline runs")
    func appealsAndDeadlines() async throws {
        let db = try scene()
        defer { db.drop() }
        let (k, m) = (Self.caseworker, Self.manager)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let yesterday = formatter.string(from: Date().addingTimeInterval(-86_400))
        for step in [
            // Kari's case decided and noticed yesterday: its deadline runs three weeks on.
            ["application", "assign", "JS-2021-0002", "--as", k],
            ["application", "decide", "JS-2021-0002", "--grant", "700 000", "--date", yesterday, "--as", m],
            ["application", "notify", "JS-2021-0002", "--sent", yesterday, "--channel", "digital", "--as", k],
            // A case of nobody's, appealed in 2022 and waiting since.
            ["application", "decide", "JS-2022-0001", "--grant", "400 000", "--date", "2022-04-01", "--as", Self.manager2],
            ["application", "notify", "JS-2022-0001", "--sent", "2022-04-02", "--channel", "digital", "--as", k],
            ["application", "appeal", "JS-2022-0001", "--received", "2022-04-10", "--grounds", "Vi er usamde", "--as", m],
        ] {
            let result = try CLIRunner.run(step, database: db)
            #expect(result.exitCode == 0, "\(step): \(result.stderr)")
        }
        @Sendable func table(_ html: String, _ id: String) -> String? {
            guard let start = html.range(of: "id=\"\(id)\""),
                  let end = html.range(of: "</table>", range: start.upperBound..<html.endIndex) else { return nil }
            return String(html[start.upperBound..<end.lowerBound])
        }
        try await app(db).test(.router) { client in
            let mona = try await page(client, "/web/work", try await session(client, m))
            #expect(mona.status == .ok && mona.trips == 2)
            let appeals = try #require(table(mona.html, "my-appeals"))
            #expect(appeals.contains("JS-2022-0001") && appeals.contains("2022-04-10") && appeals.contains("class=\"overdue\""))
            #expect(table(mona.html, "my-appeal-deadlines") == nil)  // no case of hers
            let kari = try await page(client, "/web/work", try await session(client, k))
            #expect(kari.status == .ok && table(kari.html, "my-appeals") == nil)
            let deadlines = try #require(table(kari.html, "my-appeal-deadlines"))
            let expected = try #require(try db.connect().queryValue("""
                SELECT to_char(tilskot.decision_appeal_deadline(d.id), 'YYYY-MM-DD') FROM tilskot.decision d
                  JOIN tilskot.application a ON a.id = d.application_id WHERE a.reference = 'JS-2021-0002' AND d.is_current
                """, as: String.self))
            #expect(deadlines.contains("JS-2021-0002") && deadlines.contains(expected) && !deadlines.contains("JS-2022-0001"))
        }
        // An appeal registered on her case shows on her page, and its deadline row goes.
        let appealed = try CLIRunner.run(["application", "appeal", "JS-2021-0002", "--received", yesterday, "--grounds", "For lite", "--as", m], database: db)
        #expect(appealed.exitCode == 0, "\(appealed.stderr)")
        try await app(db).test(.router) { client in
            let kari = try await page(client, "/web/work", try await session(client, k))
            let appeals = try #require(table(kari.html, "my-appeals"))
            #expect(appeals.contains("JS-2021-0002") && !appeals.contains("JS-2022-0001") && !appeals.contains("class=\"overdue\""))
            #expect(table(kari.html, "my-appeal-deadlines") == nil)
        }
    }

    /// The plans of every statement a function runs (auto_explain with nested statements, its LOG
    /// lines sent to psql as the superuser), as one text.
    func nestedPlans(_ db: TestDatabase, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", db.url, "-X", "-q", "-v", "ON_ERROR_STOP=1",
                             "-c", "LOAD 'auto_explain'", "-c", "SET auto_explain.log_min_duration = 0",
                             "-c", "SET auto_explain.log_nested_statements = on", "-c", "SET client_min_messages = log",
                             "-c", sql]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }

    @Test("EXPLAIN at the sample scale: a case's follow-up and a round's page find their rows by index (no sequential scan of application or audit_log)")
    func plans() throws {
        let db = try scene()
        defer { db.drop() }
        // The synthetic data set (`tilskot dev generate`), as the benchmark's sample, then fresh statistics.
        let generated = try CLIRunner.run(["dev", "generate", "--applications", "1500", "--seed", "20"], database: db)
        #expect(generated.exitCode == 0, "\(generated.stderr)")
        try db.connect().execute("ANALYZE")
        let c = try db.connect()
        let reference = try #require(try c.queryValue(
            "SELECT a.reference FROM tilskot.application a JOIN tilskot.payment p ON p.application_id = a.id ORDER BY a.id DESC LIMIT 1",
            as: String.self))
        let round = try #require(try c.queryRow("""
            SELECT s.code, r.year FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
             ORDER BY (SELECT count(*) FROM tilskot.application a WHERE a.round_id = r.id) DESC LIMIT 1
            """))
        let cases = try nestedPlans(db, "SELECT tilskot.case_followup('\(reference)')")
        #expect(cases.contains("Index Scan using application_reference_unique on application"), "\(cases)")
        #expect(!cases.contains("Seq Scan on application ") && !cases.contains("Seq Scan on audit_log"), "\(cases)")
        #expect(cases.contains("payment_application_idx"), "\(cases)")
        let page = try nestedPlans(db, "SELECT tilskot.round_page('\(round["code"] ?? "")', \(round["year"] ?? "0"))")
        #expect(!page.contains("Seq Scan on application ") && !page.contains("Seq Scan on audit_log"), "\(page)")
        #expect(page.contains("Index") , "\(page)")
    }
}
