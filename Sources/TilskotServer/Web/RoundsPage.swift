import Foundation
import HTTPTypes
import Hummingbird
import PGClient
import TilskotCore
import TilskotReports
import TilskotStore

/// The rounds' pages (issue 20): every round, and one round's frame, its adjustments (budget changes
/// and corrections), granted, paid and remaining as numbers and a bar, and its applications by
/// status. The figures are those of `round show` / `round list` (Rounds) and `followup summary`
/// (GrantMoney.rounds), read in one READ ONLY request transaction as the session's user.
enum RoundsPage {
    static var language: WebLanguage { WebPageContext.current?.language ?? .nn }

    /// GET /web/rounds: `round list` and `followup summary`. Round trips in the transaction:
    /// Rounds.list reads the round keys, then 3 per round (its lookup, its sums, its adjustments);
    /// GrantMoney.rounds 1 — 2 + 3 × rounds (reported in X-Tilskot-Round-Trips).
    static func list(pool: DatabasePool) async throws -> Response {
        let ((rounds, money), trips) = try await WebRoundTrips.read(pool, "GET /web/rounds") { session in
            (try Rounds.list(session: session), try GrantMoney.rounds(session: session))
        }
        let paid = Dictionary(money.map { ($0.key, $0.paid) }, uniquingKeysWith: { a, _ in a })
        let rows: [[String: Any]] = rounds.map { r in
            let key = "\(r.key.scheme.value)/\(r.key.year)"
            let p = paid[key] ?? .zero
            return [
                "key": key, "href": "/web/rounds/\(r.key.scheme.value)/\(r.key.year)", "label": r.label,
                "opens": r.opens.description, "closes": r.closes.description,
                "frame": WebMoney.text(r.frame), "granted": WebMoney.text(r.granted), "paid": WebMoney.text(p),
                "remaining": WebMoney.text(r.remaining), "applications": r.applications,
                "bar": WebMoney.bar(frame: r.frame, granted: r.granted, paid: p, id: "bar-\(r.key.scheme.value)-\(r.key.year)", width: "160"),
            ]
        }
        let values: [String: Any] = ["rounds": rows, "has_rounds": !rows.isEmpty]
        return WebRoundTrips.stamp(WebRender.page("rounds", title: WebText.string("rounds_title", language), values), trips)
    }

    /// GET /web/rounds/{scheme}/{year}: `round show` (Rounds.show: 3 round trips — the round's
    /// lookup, its sums and counts, its adjustments) and the round's line of `followup summary
    /// --round` (GrantMoney.rounds: 2 — the lookup, the sums): 5 round trips in one transaction.
    static func show(pool: DatabasePool, scheme: String, year: String) async throws -> Response {
        let key: RoundKey
        do throws(ValidationError) {
            guard let y = Int(year) else { throw ValidationError(field: "round", message: "round \(scheme)/\(year): the year is not a number, e.g. JS/2021") }
            key = try RoundKey(scheme: try SchemeCode(scheme), year: y)
        } catch {
            return WebRender.message(titleKey: "not_found_title", sentence: error.message, status: .notFound)
        }
        let result: ((RoundSummary, GrantMoneyRecord?), Int)
        do {
            result = try await WebRoundTrips.read(pool, "GET /web/rounds/\(key)") { session in
                (try Rounds.show(key, session: session), try GrantMoney.rounds(key, session: session).first)
            }
        } catch let failure as DatabasePool.RequestFailure {
            // The database's sentence: a round that does not exist.
            return WebRender.message(titleKey: "not_found_title", sentence: failure.error.description, status: .notFound)
        }
        let ((r, money), trips) = result
        return WebRoundTrips.stamp(WebRender.page("rounds_round", title: r.label, values(r, money)), trips)
    }

    static func values(_ r: RoundSummary, _ money: GrantMoneyRecord?) -> [String: Any] {
        let paid = money?.paid ?? .zero
        let lang = language
        let adjustments: [[String: Any]] = r.adjustments.map { a in
            [
                "id": a.id, "kind": WebText.string("adjustment_\(a.kind.rawValue)", lang), "kind_code": a.kind.rawValue,
                // A budget change's date is its budget decision's; else the day it was registered (Oslo).
                "date": a.decided?.description ?? String(Presentation().time(a.at).prefix(10)),
                "amount": WebMoney.text(a.amount, signed: true), "reason": a.reason, "actor": a.actor,
                "corrects": a.corrects.map { "[\($0)]" } ?? "",
                "net": a.net.flatMap { $0 == a.amount ? nil : WebMoney.text($0, signed: true) } ?? "",
            ]
        }
        let figures: [[String: Any]] = [
            ("fig_initial_frame", r.initialFrame), ("fig_frame", r.frame), ("fig_granted", r.granted), ("fig_paid", paid),
            ("fig_remaining", r.remaining), ("fig_clawed_back", r.clawedBack), ("fig_used", r.used), ("fig_unused", r.unused),
            ("fig_requested", r.requested),
        ].map { key, amount in ["name": WebText.string(key, lang), "code": key, "amount": WebMoney.text(amount), "ore": amount.ore] }
        let counts: [[String: Any]] = ApplicationStatus.allCases.filter { r.count($0) > 0 }.map {
            ["status": WebText.string("status_\($0.rawValue)", lang), "code": $0.rawValue, "count": r.count($0)]
        }
        return [
            "key": "\(r.key.scheme.value)/\(r.key.year)", "label": r.label, "opens": r.opens.description, "closes": r.closes.description,
            "opened_by": r.openedBy,
            "adjustments": adjustments, "has_adjustments": !adjustments.isEmpty, "initial_frame": WebMoney.text(r.initialFrame),
            "figures": figures,
            "frame": WebMoney.text(r.frame), "granted": WebMoney.text(r.granted), "paid": WebMoney.text(paid),
            "remaining": WebMoney.text(r.remaining),
            "bar": WebMoney.bar(frame: r.frame, granted: r.granted, paid: paid, id: "bar-round"),
            "counts": counts, "has_counts": !counts.isEmpty, "applications": r.applications,
        ]
    }
}

/// Amounts as the pages show them: Norwegian grouping and "kr" in nn and nb ("3 400 000 kr"),
/// "NOK 3,400,000" in English (Presentation.money, as the CLI's tables); and the bar of a frame.
enum WebMoney {
    /// A sentence of the string table with its "%@" places filled in order.
    static func fill(_ template: String, _ values: String...) -> String {
        var out = template
        for value in values {
            guard let range = out.range(of: "%@") else { break }
            out.replaceSubrange(range, with: value)
        }
        return out
    }

    static func text(_ money: Money, signed: Bool = false) -> String {
        let language = ReportLanguage(rawValue: (WebPageContext.current?.language ?? .nn).rawValue) ?? .nn
        let text = Presentation(language: language).money(money.ore)
        return signed && !money.isNegative && !money.isZero ? "+" + text : text
    }

    /// The bar of a frame: the whole frame, what is granted of it and, inside that, what is paid;
    /// widths in a 1000-wide view box as SVG attributes (the Content-Security-Policy allows no
    /// style attribute), colours as presentation attributes. The numbers stand beside it in text;
    /// the bar's <title> says them too.
    /// `width`: the drawn width ("100%" of its place, or pixels in a table's cell).
    static func bar(frame: Money, granted: Money, paid: Money, id: String, width drawn: String = "100%") -> [String: Any] {
        func width(_ part: Money) -> Int {
            guard frame.ore > 0, part.ore > 0 else { return 0 }
            return Int(min(1000, (Double(part.ore) / Double(frame.ore) * 1000).rounded()))
        }
        let lang = WebPageContext.current?.language ?? .nn
        let title = WebMoney.fill(WebText.string("bar_title", lang), text(granted), text(frame), text(paid))
        return ["id": id, "width": drawn, "granted_width": width(granted), "paid_width": width(paid), "title": title,
                "granted_percent": frame.ore > 0 ? Int((Double(granted.ore) / Double(frame.ore) * 100).rounded()) : 0]
    }
}

/// The database round trips of a page's transaction: every statement the page's Store calls send
/// (Connection.statementWatch), not counting the request transaction's own BEGIN, identity
/// (DatabasePool.request's one set_config row) and COMMIT. Pages send the count back in
/// `X-Tilskot-Round-Trips`, which the tests read.
enum WebRoundTrips {
    static let header = HTTPField.Name("X-Tilskot-Round-Trips")!

    final class Counter: @unchecked Sendable { var count = 0 }

    /// One READ ONLY request transaction as the session's user, counting its statements.
    static func read<T: Sendable>(_ pool: DatabasePool, _ name: String, _ body: @escaping @Sendable (Session) throws -> T) async throws -> (T, Int) {
        try await WebPages.read(pool, name) { session in try counted(session) { try body(session) } }
    }

    static func counted<T>(_ session: Session, _ body: () throws -> T) rethrows -> (T, Int) {
        let counter = Counter()
        let connection = session.connection
        let previous = connection.statementWatch
        connection.statementWatch = { counter.count += 1; return {} }
        defer { connection.statementWatch = previous }
        let value = try body()
        return (value, counter.count)
    }

    static func stamp(_ response: Response, _ trips: Int) -> Response {
        var response = response
        response.headers[header] = String(trips)
        return response
    }
}
