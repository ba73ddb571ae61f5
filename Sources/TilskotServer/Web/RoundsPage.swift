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

    /// GET /web/rounds: `round list` and `followup summary`, as one JSON document
    /// (tilskot.rounds_page, SQL/schema/23_page_reads.sql: per round the functions `round show` and
    /// `followup summary` read) — 1 round trip, whatever the number of rounds (X-Tilskot-Round-Trips).
    static func list(pool: DatabasePool) async throws -> Response {
        let (text, trips) = try await WebRoundTrips.read(pool, "GET /web/rounds") { session in
            try WebJSON.text(session, "SELECT tilskot.rounds_page()")
        }
        let rows: [[String: Any]] = WebJSON.objects(WebJSON.parse(text)).map { r in
            let f = WebJSON.object(r["figures"]), m = WebJSON.object(r["money"])
            let scheme = WebJSON.string(r["scheme"]), year = WebJSON.int(r["year"])
            let frame = WebJSON.money(f["frame_ore"]), granted = WebJSON.money(f["granted_ore"]), paid = WebJSON.money(m["paid_ore"])
            return [
                "key": "\(scheme)/\(year)", "href": "/web/rounds/\(scheme)/\(year)",
                "label": "\(WebJSON.string(r["scheme_name"])) \(year)",
                "opens": WebJSON.string(r["opens"]), "closes": WebJSON.string(r["closes"]),
                "frame": WebMoney.text(frame), "granted": WebMoney.text(granted), "paid": WebMoney.text(paid),
                "remaining": WebMoney.text(WebJSON.money(f["remaining_ore"])), "applications": counts(f).values.reduce(0, +),
                "bar": WebMoney.bar(frame: frame, granted: granted, paid: paid, id: "bar-\(scheme)-\(year)", width: "160"),
            ]
        }
        let values: [String: Any] = ["rounds": rows, "has_rounds": !rows.isEmpty]
        return WebRoundTrips.stamp(WebRender.page("rounds", title: WebText.string("rounds_title", language), values), trips)
    }

    /// GET /web/rounds/{scheme}/{year}: `round show` and the round's line of `followup summary
    /// --round`, as one JSON document (tilskot.round_page: the functions Rounds.show and
    /// GrantMoney.rounds read) — 1 round trip. A round that does not exist: `round show`'s refusal
    /// (a second round trip, only then).
    static func show(pool: DatabasePool, scheme: String, year: String) async throws -> Response {
        let key: RoundKey
        do throws(ValidationError) {
            guard let y = Int(year) else { throw ValidationError(field: "round", message: "round \(scheme)/\(year): the year is not a number, e.g. JS/2021") }
            key = try RoundKey(scheme: try SchemeCode(scheme), year: y)
        } catch {
            return WebRender.message(titleKey: "not_found_title", sentence: error.message, status: .notFound)
        }
        let result: (String?, Int)
        do {
            result = try await WebRoundTrips.read(pool, "GET /web/rounds/\(key)") { session in
                let text = try WebJSON.text(session, "SELECT tilskot.round_page($1, $2)", [key.scheme.value, key.year])
                // None: the database's sentence of `round show` (an unknown scheme or round).
                if text == nil { _ = try Rounds.show(key, session: session) }
                return text
            }
        } catch let failure as DatabasePool.RequestFailure {
            // The database's sentence: a round that does not exist.
            return WebRender.message(titleKey: "not_found_title", sentence: failure.error.description, status: .notFound)
        }
        let (text, trips) = result
        let round = WebJSON.object(WebJSON.parse(text))
        let label = "\(WebJSON.string(round["scheme_name"])) \(key.year)"
        return WebRoundTrips.stamp(WebRender.page("rounds_round", title: label, values(round)), trips)
    }

    /// The counts by status of tilskot.round_figures ("status=n,…", as Rounds.summary reads them).
    static func counts(_ figures: [String: Any]) -> [ApplicationStatus: Int] {
        var counts: [ApplicationStatus: Int] = [:]
        for pair in WebJSON.string(figures["counts"]).split(separator: ",") {
            let parts = pair.split(separator: "=")
            if parts.count == 2, let status = ApplicationStatus(rawValue: String(parts[0])), let n = Int(parts[1]) {
                counts[status] = n
            }
        }
        return counts
    }

    /// The round page's values from tilskot.round_json.
    static func values(_ round: [String: Any]) -> [String: Any] {
        let f = WebJSON.object(round["figures"]), m = WebJSON.object(round["money"])
        let paid = WebJSON.money(m["paid_ore"])
        let lang = language
        let adjustments: [[String: Any]] = WebJSON.objects(round["adjustments"]).map { a in
            let kind = WebJSON.string(a["kind"]), amount = WebJSON.money(a["amount_ore"]), net = WebJSON.money(a["net_ore"])
            return [
                "id": WebJSON.int(a["id"]), "kind": WebText.string("adjustment_\(kind)", lang), "kind_code": kind,
                // A budget change's date is its budget decision's; else the day it was registered
                // (in the installation's time zone).
                "date": WebJSON.optionalString(a["decided"]) ?? WebJSON.string(a["registered"]),
                "amount": WebMoney.text(amount, signed: true), "reason": WebJSON.string(a["reason"]), "actor": WebJSON.string(a["actor"]),
                "corrects": WebJSON.optionalString(a["corrects_id"]).map { "[\($0)]" } ?? "",
                "net": kind != "budget" || net == amount ? "" : WebMoney.text(net, signed: true),
            ]
        }
        let frame = WebJSON.money(f["frame_ore"]), granted = WebJSON.money(f["granted_ore"])
        let figures: [[String: Any]] = [
            ("fig_initial_frame", "initial_frame_ore"), ("fig_frame", "frame_ore"), ("fig_granted", "granted_ore"), ("fig_paid", nil),
            ("fig_remaining", "remaining_ore"), ("fig_clawed_back", "clawed_back_ore"), ("fig_used", "used_ore"),
            ("fig_unused", "unused_ore"), ("fig_requested", "requested_ore"),
        ].map { (key: String, column: String?) -> [String: Any] in
            let amount = column.map { WebJSON.money(f[$0]) } ?? paid
            return ["name": WebText.string(key, lang), "code": key, "amount": WebMoney.text(amount), "ore": amount.ore]
        }
        let byStatus = counts(f)
        let counts: [[String: Any]] = ApplicationStatus.allCases.filter { (byStatus[$0] ?? 0) > 0 }.map {
            ["status": WebText.string("status_\($0.rawValue)", lang), "code": $0.rawValue, "count": byStatus[$0] ?? 0]
        }
        return [
            "key": "\(WebJSON.string(round["scheme"]))/\(WebJSON.int(round["year"]))",
            "label": "\(WebJSON.string(round["scheme_name"])) \(WebJSON.int(round["year"]))",
            "opens": WebJSON.string(round["opens"]), "closes": WebJSON.string(round["closes"]),
            "opened_by": WebJSON.string(f["opened_by"]),
            "adjustments": adjustments, "has_adjustments": !adjustments.isEmpty,
            "initial_frame": WebMoney.text(WebJSON.money(f["initial_frame_ore"])),
            "figures": figures,
            "frame": WebMoney.text(frame), "granted": WebMoney.text(granted), "paid": WebMoney.text(paid),
            "remaining": WebMoney.text(WebJSON.money(f["remaining_ore"])),
            "bar": WebMoney.bar(frame: frame, granted: granted, paid: paid, id: "bar-round"),
            "counts": counts, "has_counts": !counts.isEmpty, "applications": byStatus.values.reduce(0, +),
        ]
    }
}

/// The pages' JSON documents (the functions of SQL/schema/23_page_reads.sql: money in øre, dates
/// YYYY-MM-DD): read as one statement's text inside the request transaction, parsed after it.
enum WebJSON {
    /// The one value of one statement, as text (nil for SQL NULL).
    static func text(_ session: Session, _ sql: String, _ parameters: [any SQLParameter] = []) throws -> String? {
        try session.connection.queryValue(sql, parameters, as: String.self)
    }

    static func parse(_ text: String?) -> Any? {
        guard let text else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    static func object(_ value: Any?) -> [String: Any] { value as? [String: Any] ?? [:] }
    static func objects(_ value: Any?) -> [[String: Any]] { value as? [[String: Any]] ?? [] }
    static func money(_ value: Any?) -> Money { Money(ore: int64(value) ?? 0) }
    static func optionalMoney(_ value: Any?) -> Money? { int64(value).map { Money(ore: $0) } }
    static func int(_ value: Any?) -> Int { int64(value).map { Int($0) } ?? 0 }
    static func int64(_ value: Any?) -> Int64? {
        switch value {
        case let n as Int: Int64(n)
        case let n as Int64: n
        case let n as Double: Int64(n)
        case let n as NSNumber: n.int64Value
        default: nil
        }
    }
    static func bool(_ value: Any?) -> Bool {
        switch value {
        case let b as Bool: b
        case let n as NSNumber: n.boolValue
        default: false
        }
    }
    static func string(_ value: Any?) -> String { optionalString(value) ?? "" }
    /// A string, or a number as text; nil for null and absent.
    static func optionalString(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        return int64(value).map { String($0) }
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
