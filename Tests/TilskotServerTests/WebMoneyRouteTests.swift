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

/// The rounds, reports and finance pages (issue 20) through `app.test(.router)` against the real
/// PostgreSQL: the round page's figures are `round show`'s and `followup summary`'s; attesting from
/// the finance page is refused by the database for a caseworker, an auditor and the manager who
/// decided (the page shows the sentence beside the form, the choice kept, nothing written) and works
/// for a finance officer; downloads carry the CLI's bytes and the right content type.
/// Serialized: every test's scene sets the same users' passwords (roles belong to the cluster).
@Suite("web: rounds, reports, finance", .serialized)
struct WebMoneyRouteTests: WebRouteSuite {
    static let caseworker = "w4_kari"
    static let manager = "w4_mona"
    static let finance = "w4_fia"
    /// Pays what `finance` attested (the payer is not the attester).
    static let payer = "w4_finn"
    static let auditor = "w4_arne"
    static let password = "korrekt-hest-batteri-w4"

    /// JS/2021 (frame 10 mill., +2 mill. by a budget decision of 2021-03-01, that change corrected by
    /// −500 000): Oslo (0001) granted 1 000 000 by mona, planned in two halves; the first attested by
    /// fia and paid by finn, the second waiting for attestation. Bergen (0002) received.
    func scene() throws -> TestDatabase {
        let (k, m) = (Self.caseworker, Self.manager)
        return try webScene(
            users: [k: .caseworker, m: .manager, Self.finance: .finance, Self.payer: .finance, Self.auditor: .auditor],
            steps: [
                ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
                ["round", "open", "JS/2021", "--frame", "10 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
                ["round", "adjust", "JS/2021", "--amount", "+2 000 000", "--decided", "2021-03-01", "--reason", "integreringspakke II", "--as", m],
                ["round", "adjust", "JS/2021", "--amount", "-500 000", "--corrects", "1", "--reason", "registrert feil beløp", "--as", m],
                ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", k],
                ["org", "add", "964338531", "--name", "Bergen kommune", "--kind", "municipality", "--municipality", "4601", "--as", k],
                ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen i Oslo",
                 "--amount", "1 000 000", "--received", "2021-02-01", "--as", k],
                ["application", "register", "--round", "JS/2021", "--org", "964338531", "--title", "Jobbsjansen i Bergen",
                 "--amount", "700 000", "--received", "2021-02-02", "--as", k],
                ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", k],
                ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--date", "2021-04-15", "--as", m],
                ["payment", "plan", "JS-2021-0001", "--instalments", "50%:2021-05-01,50%:2021-09-01", "--account", "8601 11 17947", "--as", k],
                ["payment", "attest", "1", "--as", Self.finance],
                ["payment", "pay", "1", "--voucher", "B-2021-17", "--date", "2021-05-02", "--as", Self.payer],
            ], passwords: [k, m, Self.finance, Self.auditor])
    }

    // MARK: - Helpers

    /// The value of attribute `attribute` on the element whose opening tag contains `marker`.
    func attribute(_ html: String, after marker: String, _ attribute: String) -> String? {
        guard let start = html.range(of: marker) else { return nil }
        let tag = html[start.lowerBound...].prefix { $0 != ">" }
        guard let a = tag.range(of: " \(attribute)=\"") else { return nil }
        return String(tag[a.upperBound...].prefix { $0 != "\"" })
    }

    /// A workbook's parts (unzip), with the moments of its basis ("data as of …") masked.
    func workbookParts(_ path: String) throws -> [String: String] {
        func unzip(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        var parts: [String: String] = [:]
        for name in try unzip(["-Z1", path]).split(separator: "\n").map(String.init) where !name.isEmpty {
            parts[name] = try unzip(["-p", path, name]).replacingOccurrences(
                of: "data as of [0-9-]+ [0-9:]+ [+-][0-9:]+", with: "data as of …", options: .regularExpression)
        }
        return parts
    }

    func paymentEvents(_ db: TestDatabase) throws -> Int64 {
        try db.connect().queryValue("SELECT count(*) FROM tilskot.payment_event", as: Int64.self) ?? -1
    }

    func cliJSON(_ arguments: [String], _ db: TestDatabase) throws -> Any {
        let result = try CLIRunner.run(arguments, database: db)
        #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    // MARK: - Rounds

    @Test("the round page's figures are round show's and followup summary's; adjustments with kind and date; counts by status; the bar's widths")
    func roundPage() async throws {
        let db = try scene()
        defer { db.drop() }
        let show = try #require(try cliJSON(["round", "show", "JS/2021", "--format", "json", "--as", Self.manager], db) as? [String: Any])
        let summary = try #require((try cliJSON(["followup", "summary", "--round", "JS/2021", "--format", "json", "--as", Self.manager], db)
            as? [[String: Any]])?.first)
        @Sendable func ore(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }
        let frame = try #require(ore(show["frame_ore"])), granted = try #require(ore(show["granted_ore"]))
        let paid = try #require(ore(summary["paid_ore"]))
        #expect(frame == 1_150_000_000 && granted == 100_000_000 && paid == 50_000_000)
        let expected: [(String, Int64?)] = [
            ("fig_initial_frame", ore(show["initial_frame_ore"])), ("fig_frame", frame), ("fig_granted", granted),
            ("fig_remaining", ore(show["remaining_ore"])), ("fig_used", ore(show["used_ore"])),
            ("fig_unused", ore(show["unused_ore"])), ("fig_requested", ore(show["requested_ore"])), ("fig_paid", paid),
            ("fig_clawed_back", ore(summary["clawed_back_ore"])),
        ]
        let applications = show["applications"] as? Int
        try await app(db).test(.router) { client in
            let cookie = try await session(client, Self.manager)
            let response = try await get(client, "/web/rounds/JS/2021", cookie)
            #expect(response.status == .ok)
            let html = String(buffer: response.body)
            // Each figure's øre beside its text, equal to the CLI's.
            for (figure, value) in expected {
                let shown = attribute(html, after: "data-figure=\"\(figure)\"", "data-ore").flatMap { Int64($0) }
                #expect(shown != nil && shown == value, "\(figure): page \(shown.map(String.init) ?? "none"), CLI \(value.map(String.init) ?? "none")")
            }
            // Norwegian grouping and kr.
            #expect(html.contains("11 500 000 kr"))
            #expect(html.contains("10 500 000 kr"))  // remaining
            #expect(html.contains("500 000 kr"))
            // The budget change with its decision's date and what it came to; the correction, of [1].
            #expect(html.contains("data-adjustment=\"1\" data-kind=\"budget\""))
            #expect(html.contains("2021-03-01"))
            #expect(html.contains("+2 000 000 kr"))
            #expect(html.contains("+1 500 000 kr"))
            #expect(html.contains("data-adjustment=\"2\" data-kind=\"correction\""))
            #expect(html.contains("-500 000 kr"))
            #expect(html.contains("retting av [1]"))
            // Counts by status, as round show's.
            #expect(applications == 2)
            #expect(html.contains("data-status=\"in_follow_up\"><th scope=\"row\">i oppfølging</th><td class=\"num\">1</td>"))
            #expect(html.contains("data-status=\"received\"><th scope=\"row\">motteken</th><td class=\"num\">1</td>"))
            // The bar: widths as attributes in a 1000-wide box (granted 1/11.5 → 87, paid → 43).
            #expect(html.contains("class=\"bar-granted\" x=\"0\" y=\"0\" width=\"87\""))
            #expect(html.contains("class=\"bar-paid\" x=\"0\" y=\"7\" width=\"43\""))
            #expect(!html.contains("style="))
            // Round trips: one, tilskot.round_page (SQL/schema/23_page_reads.sql).
            #expect(response.headers[HTTPField.Name("X-Tilskot-Round-Trips")!] == "1")

            // The list: every round with its figures and a link.
            let list = try await get(client, "/web/rounds", cookie)
            #expect(list.status == .ok)
            let listHTML = String(buffer: list.body)
            #expect(listHTML.contains("href=\"/web/rounds/JS/2021\""))
            #expect(listHTML.contains("<td class=\"num\" data-field=\"paid\">500 000 kr</td>"))
            #expect(listHTML.contains("<td class=\"num\" data-field=\"remaining\">10 500 000 kr</td>"))
            #expect(list.headers[HTTPField.Name("X-Tilskot-Round-Trips")!] == "1")  // tilskot.rounds_page

            // English: NOK and English grouping, the adjustment's kind in English.
            let english = String(buffer: try await get(client, "/web/rounds/JS/2021", cookie + "; tilskot_lang=en").body)
            #expect(english.contains("NOK 11,500,000"))
            #expect(english.contains("correction of [1]"))
            // A round that does not exist: the database's sentence, 404.
            let missing = try await get(client, "/web/rounds/JS/2019", cookie)
            #expect(missing.status == .notFound)
            #expect(unescaped(String(buffer: missing.body)).contains("JS/2019"))
        }
    }

    // MARK: - Finance

    @Test("attesting from the page: a caseworker, an auditor and the deciding manager are refused by the database, the sentence beside the form, the choice kept, nothing written")
    func attestRefused() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            for user in [Self.caseworker, Self.auditor, Self.manager] {
                let cli = try CLIRunner.run(["payment", "attest", "2", "--as", user], database: db)
                #expect(cli.exitCode == 1)
                let sentence = cli.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                let cookie = try await session(client, user)
                let page = String(buffer: try await get(client, "/web/finance", cookie).body)
                #expect(page.contains("name=\"payment\" value=\"2\""), "the planned payment is listed for \(user)")
                let token = try #require(csrf(page))
                let before = try db.rowCounts()
                let events = try paymentEvents(db)
                let response = try await client.execute(uri: "/web/finance/attest", method: .post, headers: postHeaders(cookie: cookie),
                                                        body: form([("csrf", token), ("payment", "2")]))
                #expect(response.status.code >= 400 && response.status.code < 500, "\(user): \(response.status)")
                let html = String(buffer: response.body)
                #expect(!sentence.isEmpty && unescaped(html).contains(sentence), "\(user): the CLI's sentence \(sentence) is not in the page")
                #expect(html.contains("id=\"attest-error\""))
                #expect(html.contains("value=\"2\" id=\"pay-2\" checked"), "the choice is kept for \(user)")
                #expect(try paymentEvents(db) == events)
                #expect(try db.rowCounts() == before)
            }
        }
    }

    @Test("a finance officer attests from the page: 303 to the page with a notice; the payment is attested by her")
    func attestWorks() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let cookie = try await session(client, Self.finance)
            let page = try await get(client, "/web/finance", cookie)
            let html = String(buffer: page.body)
            #expect(html.contains("id=\"planned-payments\""))
            #expect(html.contains("JS-2021-0001/2"))
            #expect(page.headers[HTTPField.Name("X-Tilskot-Round-Trips")!] == "1")  // tilskot.finance_page
            let response = try await client.execute(uri: "/web/finance/attest", method: .post, headers: postHeaders(cookie: cookie),
                                                    body: form([("csrf", try #require(csrf(html))), ("payment", "2")]))
            #expect(response.status == .seeOther)
            let location = try #require(response.headers[.location])
            #expect(location.hasPrefix("/web/finance?attested="))
            let attestedBy = try db.connect().queryValue("SELECT attested_by FROM tilskot.payment WHERE id = 2", as: String.self)
            #expect(attestedBy == Self.finance)
            let after = String(buffer: try await get(client, location, cookie).body)
            #expect(after.contains("Attestert: JS-2021-0001/2."))
            #expect(after.contains("id=\"attested-payments\""))
            #expect(!after.contains("name=\"payment\" value=\"2\""))

            // No CSRF token: 403 and nothing written (the middleware's rule, on this form too).
            let events = try paymentEvents(db)
            let forged = try await client.execute(uri: "/web/finance/attest", method: .post, headers: postHeaders(cookie: cookie),
                                                  body: form([("payment", "2")]))
            #expect(forged.status == .forbidden)
            #expect(try paymentEvents(db) == events)
        }
    }

    // MARK: - Downloads

    @Test("downloads: report CSV and xlsx, the payment run, the equality section and 360Giving carry the CLI's bytes and their content types")
    func downloads() async throws {
        let db = try scene()
        defer { db.drop() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("w4-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = Self.manager
        // The one change first: every report below, the CLI's and the page's, then has the same basis
        // (its "last change" is the audit log's newest entry).
        #expect(try CLIRunner.run(["payment", "attest", "2", "--as", Self.finance], database: db).exitCode == 0)
        let summaryCSV = try CLIRunner.run(["report", "summary", "--year", "2021", "--format", "csv", "--as", m], database: db)
        let followupCSV = try CLIRunner.run(["report", "followup", "--year", "2021", "--format", "csv", "--as", m], database: db)
        let xlsxPath = dir.appendingPathComponent("summary.xlsx").path
        let xlsx = try CLIRunner.run(["report", "summary", "--year", "2021", "--format", "xlsx", "--out", xlsxPath, "--as", m], database: db)
        #expect(xlsx.exitCode == 0, "\(xlsx.stderr)")
        let equality = try CLIRunner.run(["report", "equality", "--year", "2021", "--format", "html", "--lang", "nb", "--as", m], database: db)
        #expect(equality.exitCode == 0, "\(equality.stderr)")
        let run = try CLIRunner.run(["payment", "export", "--date", "2021-12-31", "--as", Self.finance], database: db)
        let giving = try CLIRunner.run(["export", "360giving", "--year", "2021", "--as", m], database: db)
        #expect(giving.exitCode == 0, "\(giving.stderr)")
        try await app(db).test(.router) { client in
            let cookie = try await session(client, m)
            let page = try await get(client, "/web/reports?year=2021", cookie)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            for name in ["summary", "geography", "applicants", "trend", "caseload", "followup"] {
                #expect(html.contains("id=\"report-\(name)\""), "\(name) is on the page")
                #expect(html.contains("href=\"/web/reports/\(name).csv?year=2021"), "\(name) has a CSV link")
                #expect(html.contains("href=\"/web/reports/\(name).xlsx?year=2021"), "\(name) has a workbook link")
            }
            #expect(html.contains("<caption>"))
            #expect(html.contains("<th scope=\"col\""))
            #expect(html.contains("href=\"/web/reports/equality?year=2021&amp;lang=en\""))
            #expect(html.contains("href=\"/web/reports/360giving.json?year=2021\""))
            let trips = Int(page.headers[HTTPField.Name("X-Tilskot-Round-Trips")!] ?? "") ?? -1
            // The defaults (the trend's scheme) and every report's rows and basis in one statement (ReportBatch).
            #expect(trips >= 1 && trips <= 2, "GET /web/reports?year=2021: \(trips) round trips")

            let csv = try await get(client, "/web/reports/summary.csv?year=2021", cookie)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            #expect(String(buffer: csv.body) == summaryCSV.stdout)
            let followup = try await get(client, "/web/reports/followup.csv?year=2021", cookie)
            #expect(String(buffer: followup.body) == followupCSV.stdout)

            let book = try await get(client, "/web/reports/summary.xlsx?year=2021", cookie)
            #expect(book.status == .ok)
            #expect(book.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            // The same workbook, part for part; the basis sheet's "data as of" is the second each was read.
            let webPath = dir.appendingPathComponent("web.xlsx").path
            try Data(buffer: book.body).write(to: URL(fileURLWithPath: webPath))
            let (webParts, cliParts) = (try workbookParts(webPath), try workbookParts(xlsxPath))
            #expect(webParts.count >= 4 && webParts.keys.contains("xl/worksheets/sheet1.xml"))
            #expect(webParts == cliParts)

            let section = try await get(client, "/web/reports/equality?year=2021&lang=nb", cookie)
            #expect(section.status == .ok)
            #expect(section.headers[.contentType] == "text/html; charset=utf-8")
            // The same document; its basis names the minute each was read.
            func basisMasked(_ text: String) -> String {
                text.replacingOccurrences(of: "data per [^(]*\\(", with: "data per … (", options: .regularExpression)
            }
            #expect(equality.stdout.contains("Grunnlag: data per "))
            #expect(basisMasked(String(buffer: section.body)) == basisMasked(equality.stdout))
            let policy = section.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
            #expect(policy.contains("style-src 'sha256-") && !policy.contains("unsafe-inline") && !policy.contains("script-src"))

            let runFile = try await get(client, "/web/finance/run.csv?date=2021-12-31", cookie)
            #expect(runFile.status == .ok)
            #expect(runFile.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(String(buffer: runFile.body) == run.stdout)
            #expect(run.stdout.contains("JS-2021-0001/2"))

            let package = try await get(client, "/web/reports/360giving.json?year=2021", cookie)
            #expect(package.status == .ok)
            #expect(package.headers[.contentType] == "application/json; charset=utf-8")
            #expect(String(buffer: package.body) == giving.stdout)
            // A year without grants: refused on a page, not half a file.
            let none = try await get(client, "/web/reports/360giving.json?year=2019", cookie)
            #expect(none.status.code >= 400 && none.status.code < 500)
        }
    }
}
