import Foundation
import HTTPTypes
import Hummingbird
import PGClient
import TilskotCore
import TilskotReports
import TilskotStore

/// The finance page (issue 20): payments waiting for attestation with the Attest form, the
/// attested payments of the next payment run (and the run file to download), and the claw-backs.
/// The reads are `payment list --status planned|attested` and `clawback list`; the form is
/// `payment attest ID…` (Payments.attest) as the session's user. Who may attest is the database's
/// to say (finance users only, never the one who decided the grant: SQL/schema/09_payments.sql);
/// a refusal shows its sentence beside the form, with the payments chosen still ticked.
enum FinancePage {
    static var language: WebLanguage { WebPageContext.current?.language ?? .nn }
    /// The most payments a list shows; more are said to exist (narrow with `payment list`).
    static let cap = 500

    /// What the page shows: tilskot.finance_page's JSON document (SQL/schema/23_page_reads.sql) —
    /// planned and attested payments (`payment list --status planned|attested`, at most cap + 1 of
    /// each, to say that there are more) and every claw-back (`clawback list`: tilskot.clawback_row,
    /// the row ClawBacks reads).
    struct Data: Sendable {
        var json: String?
    }

    /// One READ ONLY transaction, one round trip, whatever the number of claw-backs.
    static func load(_ pool: DatabasePool) async throws -> (Data, Int) {
        try await WebRoundTrips.read(pool, "GET /web/finance") { session in
            Data(json: try WebJSON.text(session, "SELECT tilskot.finance_page($1)", [cap + 1]))
        }
    }

    /// GET /web/finance.
    static func page(pool: DatabasePool, query: String) async throws -> Response {
        let given = WebForm(urlEncoded: query)
        var notice: String?
        if let attested = given["attested"] {
            notice = WebMoney.fill(WebText.string("finance_attested", language), attested)
        }
        let (data, trips) = try await load(pool)
        return WebRoundTrips.stamp(render(data, chosen: [], error: nil, notice: notice, status: .ok), trips)
    }

    /// POST /web/finance/attest: `payment attest ID…` as the session's user, all or none. Done:
    /// 303 to the page with a notice. Refused: the page again, 4xx, the database's sentence beside
    /// the form and the chosen payments still ticked; nothing is written (the transaction rolls back).
    static func attest(pool: DatabasePool, body: [UInt8]) async throws -> Response {
        let ids = chosenIDs(body)
        guard let identity = RequestInfo.current?.identity else { throw Problem.unauthorized("no session") }
        do {
            let records = try await pool.request(.init(identity: identity, readOnly: false, applicationName: "tilskot serve POST /web/finance/attest")) { session in
                try Payments.attest(ids, session: session)
            }
            let names = records.map(\.paymentReference).joined(separator: ", ")
            return WebRender.redirect("/web/finance?attested=" + WebMiddleware<BasicRequestContext>.percentEncoded(names))
        } catch let failure as DatabasePool.RequestFailure {
            let problem = Problem.from(failure.error, database: failure.database)
            let (data, _) = try await load(pool)
            return render(data, chosen: Set(ids), error: problem.detail, notice: nil, status: problem.status)
        }
    }

    /// The ticked boxes: every `payment` field of the form (a form repeats the name once per box).
    /// Only the form is read here; a payment that does not exist is the Store's to refuse.
    static func chosenIDs(_ body: [UInt8]) -> [Int64] {
        String(decoding: body, as: UTF8.self).split(separator: "&").compactMap { pair -> Int64? in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "payment" else { return nil }
            return Int64(String(parts[1]).removingPercentEncoding ?? "")
        }
    }

    static func render(_ data: Data, chosen: Set<Int64>, error: String?, notice: String?, status: HTTPResponse.Status) -> Response {
        let document = WebJSON.object(WebJSON.parse(data.json))
        func row(_ p: [String: Any]) -> [String: Any] {
            let id = Int64(WebJSON.int(p["id"]))
            return [
                "id": id, "reference": WebJSON.string(p["reference"]),
                "payment_reference": "\(WebJSON.string(p["reference"]))/\(WebJSON.int(p["instalment"]))",
                "round": WebJSON.string(p["round"]), "organisation": WebJSON.string(p["organisation"]),
                "orgnr": WebJSON.string(p["orgnr"]), "amount": WebMoney.text(WebJSON.money(p["amount_ore"])),
                "due": WebJSON.string(p["due_date"]), "account": WebJSON.string(p["account_number"]),
                "planned_by": WebJSON.string(p["planned_by"]), "attested_by": WebJSON.string(p["attested_by"]),
                "checked": chosen.contains(id),
            ]
        }
        let lang = language
        let clawBacks: [[String: Any]] = WebJSON.objects(document["clawbacks"]).map { c in
            let outstanding = WebJSON.money(c["outstanding_ore"])
            let state: String = WebJSON.bool(c["cancelled"]) ? "clawback_cancelled"
                : WebJSON.bool(c["appeal_pending"]) ? "clawback_appealed"
                : outstanding.isZero || outstanding.isNegative ? "clawback_repaid" : "clawback_open"
            return [
                "id": WebJSON.int(c["id"]), "reference": WebJSON.string(c["reference"]),
                "amount": WebMoney.text(WebJSON.money(c["amount_ore"])), "repaid": WebMoney.text(WebJSON.money(c["repaid_ore"])),
                "outstanding": WebMoney.text(outstanding), "decided": WebJSON.string(c["decision_date"]),
                "due": WebJSON.string(c["due_date"]), "kid": WebJSON.string(c["kid"]),
                "state": WebText.string(state, lang), "state_code": state,
            ]
        }
        let allPlanned = WebJSON.objects(document["planned"]), allAttested = WebJSON.objects(document["attested"])
        let planned = Array(allPlanned.prefix(cap)), attested = Array(allAttested.prefix(cap))
        func total(_ rows: [[String: Any]]) -> Money { rows.map { WebJSON.money($0["amount_ore"]) }.reduce(.zero, +) }
        var values: [String: Any] = [
            "planned": planned.map(row), "has_planned": !planned.isEmpty, "planned_capped": allPlanned.count > cap,
            "attested": attested.map(row), "has_attested": !attested.isEmpty, "attested_capped": allAttested.count > cap,
            "planned_total": WebMoney.text(total(planned)),
            "attested_total": WebMoney.text(total(attested)),
            "clawbacks": clawBacks, "has_clawbacks": !clawBacks.isEmpty,
            "run_date": attested.map { WebJSON.string($0["due_date"]) }.max() ?? WebTime.today.description,
        ]
        if let error { values["error"] = error }
        if let notice { values["notice"] = notice }
        return WebRender.page("finance", title: WebText.string("finance_title", lang), values, status: status)
    }

    /// GET /web/finance/run.csv?date=YYYY-MM-DD: `payment export --date` (Payments.run), the same
    /// CSV bytes, as a download.
    static func runFile(pool: DatabasePool, query: String) async throws -> Response {
        let given = WebForm(urlEncoded: query)
        let day: CalendarDate
        do throws(ValidationError) {
            day = try CalendarDate(given["date"] ?? "", field: "payment run date")
        } catch {
            return WebRender.message(titleKey: "error_title", sentence: error.message, status: .unprocessableContent)
        }
        let text = try await WebPages.read(pool, "GET /web/finance/run.csv") { session in
            FollowupTables.paymentRun(try Payments.run(date: day, session: session), .csv).render(.csv)
        }
        return ReportsPage.download(Array(text.utf8), contentType: "text/csv; charset=utf-8", filename: "payment-run-\(day).csv")
    }
}
