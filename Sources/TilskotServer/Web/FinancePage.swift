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

    struct Data: Sendable {
        var planned: [PaymentRecord]
        var attested: [PaymentRecord]
        var clawBacks: [ClawBackRecord]
    }

    /// One READ ONLY transaction: planned payments (1 round trip), attested ones (1), claw-backs
    /// (ClawBacks.list: 1 for their ids, then per claw-back its record and its appeals).
    static func load(_ pool: DatabasePool) async throws -> (Data, Int) {
        try await WebRoundTrips.read(pool, "GET /web/finance") { session in
            Data(planned: try Payments.list(.init(status: .planned, limit: cap + 1), session: session),
                 attested: try Payments.list(.init(status: .attested, limit: cap + 1), session: session),
                 clawBacks: try ClawBacks.list(session: session))
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
        func row(_ p: PaymentRecord) -> [String: Any] {
            [
                "id": p.id, "reference": p.reference, "payment_reference": p.paymentReference, "round": p.round,
                "organisation": p.organisationName, "orgnr": p.organisationNumber, "amount": WebMoney.text(p.amount),
                "due": p.dueDate.description, "account": p.account, "planned_by": p.plannedBy,
                "attested_by": p.attestedBy ?? "", "checked": chosen.contains(p.id),
            ]
        }
        let lang = language
        let clawBacks: [[String: Any]] = data.clawBacks.map { c in
            let state: String = c.cancelled ? "clawback_cancelled"
                : c.appealPending ? "clawback_appealed"
                : c.outstanding.isZero || c.outstanding.isNegative ? "clawback_repaid" : "clawback_open"
            return [
                "id": c.id, "reference": c.reference, "amount": WebMoney.text(c.amount), "repaid": WebMoney.text(c.repaid),
                "outstanding": WebMoney.text(c.outstanding), "decided": c.decisionDate.description, "due": c.dueDate.description,
                "kid": c.kid ?? "", "state": WebText.string(state, lang), "state_code": state,
            ]
        }
        let planned = Array(data.planned.prefix(cap)), attested = Array(data.attested.prefix(cap))
        var values: [String: Any] = [
            "planned": planned.map(row), "has_planned": !planned.isEmpty, "planned_capped": data.planned.count > cap,
            "attested": attested.map(row), "has_attested": !attested.isEmpty, "attested_capped": data.attested.count > cap,
            "planned_total": WebMoney.text(planned.map(\.amount).reduce(.zero, +)),
            "attested_total": WebMoney.text(attested.map(\.amount).reduce(.zero, +)),
            "clawbacks": clawBacks, "has_clawbacks": !clawBacks.isEmpty,
            "run_date": (attested.map(\.dueDate).max() ?? CalendarDate.today()).description,
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
