import Foundation
import HTTPTypes
import Hummingbird
import PGClient
import TilskotCore
import TilskotStore

/// The pages' reads: each one READ ONLY transaction as the session's user, calling the services the
/// CLI commands call (named beside each), and the rows as the templates show them.
enum WebPages {
    /// One READ ONLY request transaction as the session's user.
    static func read<T: Sendable>(_ pool: DatabasePool, _ name: String, _ body: @escaping @Sendable (Session) throws -> T) async throws -> T {
        guard let identity = RequestInfo.current?.identity else { throw Problem.unauthorized("no session") }
        return try await pool.request(.init(identity: identity, readOnly: true, applicationName: "tilskot serve \(name)"), body)
    }

    static var language: WebLanguage { WebPageContext.current?.language ?? .nn }

    // MARK: - My work

    struct Work: Sendable {
        var cases: [ApplicationSummary]
        /// tilskot.work_page's JSON: the reports due and, for a manager, the cases ready for decision.
        var rest: String?
    }

    /// My work in two statements: `application list --mine` (by status and age), then
    /// tilskot.work_page (SQL/schema/23_page_reads.sql): `followup due --mine --include-overdue` (30
    /// days ahead) and for a manager the assessed cases without those whose current assessment is
    /// their own (the assessor cannot decide: 06_assessment.sql), filtered and limited in SQL, so the
    /// 500 are 500 shown.
    static func work(pool: DatabasePool) async throws -> Response {
        let today = WebTime.today
        let (work, trips) = try await WebRoundTrips.read(pool, "GET /web/work") { session in
            var mine = Applications.Filter(limit: 500)
            mine.mine = true
            let cases = try Applications.list(mine, session: session)
            let rest = try WebJSON.text(session, "SELECT tilskot.work_page($1::date, 500)", [today.description])
            return Work(cases: cases, rest: rest)
        }
        let rest = WebJSON.object(WebJSON.parse(work.rest))
        let reports = WebJSON.objects(rest["reports"])
        // ready_for_decision is null for a user who is not a manager.
        let manager = rest["ready"].map { !($0 is NSNull) } ?? false
        let ready = WebJSON.objects(rest["ready"])
        let appeals = WebJSON.objects(rest["appeals"]).map(appealRow)
        let deadlines = WebJSON.objects(rest["appeal_deadlines"]).map(deadlineRow)
        let statusOrder = ApplicationStatus.allCases
        let cases = work.cases.sorted {
            let a = statusOrder.firstIndex(of: $0.status) ?? 0, b = statusOrder.firstIndex(of: $1.status) ?? 0
            return a != b ? a < b : $0.received < $1.received
        }
        let values: [String: Any] = [
            "cases": cases.map { caseRow($0, today: today) },
            "has_cases": !cases.isEmpty,
            "reports": reports.map(reportRow),
            "has_reports": !reports.isEmpty,
            "appeals": appeals,
            "has_appeals": !appeals.isEmpty,
            "deadlines": deadlines,
            "has_deadlines": !deadlines.isEmpty,
            "manager": manager,
            "ready": ready.map { readyRow($0, today: today) },
            "has_ready": !ready.isEmpty,
        ]
        return WebRoundTrips.stamp(WebRender.page("work", title: WebText.string("work_title", language), values), trips)
    }

    static func caseRow(_ a: ApplicationSummary, today: CalendarDate) -> [String: Any] {
        [
            "reference": a.reference, "round": a.round, "organisation": a.organisationName, "orgnr": a.organisationNumber,
            "title": a.title, "status": WebText.string("status_\(a.status.rawValue)", language), "status_code": a.status.rawValue,
            "received": a.received.description, "age": max(0, a.received.days(until: today)), "amount": a.amountApplied.description,
            "granted": a.granted?.description ?? "",
        ]
    }

    /// A case of tilskot.ready_for_decision, as caseRow shows a case.
    static func readyRow(_ a: [String: Any], today: CalendarDate) -> [String: Any] {
        let status = WebJSON.string(a["status"])
        let received = WebJSON.string(a["received"])
        let age = (try? CalendarDate(received, field: "received")).map { max(0, $0.days(until: today)) } ?? 0
        return [
            "reference": WebJSON.string(a["reference"]), "round": WebJSON.string(a["round"]),
            "organisation": WebJSON.string(a["organisation"]), "orgnr": WebJSON.string(a["orgnr"]),
            "title": WebJSON.string(a["title"]), "status": WebText.string("status_\(status)", language), "status_code": status,
            "received": received, "age": age, "amount": WebJSON.money(a["amount_applied_ore"]).description,
            "granted": WebJSON.optionalMoney(a["granted_ore"])?.description ?? "",
        ]
    }

    /// A pending appeal of tilskot.work_page: after a month unanswered it needs a preliminary answer
    /// (fvl. § 11 a third paragraph), unless it is with the appeal body.
    static func appealRow(_ a: [String: Any]) -> [String: Any] {
        let days = WebJSON.int(a["days"])
        let forwarded = WebJSON.optionalString(a["forwarded_on"])
        return [
            "reference": WebJSON.string(a["reference"]), "organisation": WebJSON.string(a["organisation"]),
            "received": WebJSON.string(a["received"]), "days": days, "month_passed": days > 30 && forwarded == nil,
            "late": WebText.string(WebJSON.bool(a["late"]) ? "yes" : "no", language),
            "forwarded": forwarded.map { "\($0) (\(WebJSON.string(a["appeal_body"])))" } ?? WebText.string("work_not_forwarded", language),
        ]
    }

    /// A decided case of tilskot.work_page whose appeal deadline (fvl. § 29) has not run out.
    static func deadlineRow(_ a: [String: Any]) -> [String: Any] {
        // A decision's outcomes are named as the statuses they give (granted, partially_granted, …).
        let outcome = WebJSON.string(a["outcome"])
        return [
            "reference": WebJSON.string(a["reference"]), "organisation": WebJSON.string(a["organisation"]),
            "outcome": WebText.string("status_\(outcome)", language), "outcome_code": outcome,
            "deadline": WebJSON.string(a["deadline"]), "days_left": WebJSON.int(a["days_left"]),
        ]
    }

    /// A report of tilskot.work_page (tilskot.reports_outstanding's columns).
    static func reportRow(_ r: [String: Any]) -> [String: Any] {
        let daysLeft = WebJSON.int(r["days_left"])
        return [
            "reference": WebJSON.string(r["reference"]), "organisation": WebJSON.string(r["organisation"]),
            "granted": WebJSON.money(r["granted_ore"]).description, "due": WebJSON.string(r["due_date"]),
            "days_left": daysLeft, "overdue": daysLeft < 0,
            "account": WebText.string(WebJSON.bool(r["account_required"]) ? "yes" : "no", language),
        ]
    }

    // MARK: - Search

    /// Search: `application list --search TEXT` with --round, --status, --municipality and
    /// --assigned (the same Applications.Filter); a reference typed in whole finds that case
    /// (`application show`). A filter the input form refuses, or a refusal from the database
    /// (an unknown round), is shown beside the form, with what was typed kept.
    static func search(pool: DatabasePool, query: String) async throws -> Response {
        // A form sent with GET: application/x-www-form-urlencoded in the query ("+" is a space).
        var given: [String: String] = [:]
        for (key, value) in WebForm(urlEncoded: query).fields {
            let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { given[key] = text }
        }
        let text = given["q"], roundText = given["round"], statusText = given["status"]
        let municipalityText = given["municipality"], caseworker = given["caseworker"]
        var values: [String: Any] = [
            "q": text ?? "", "round": roundText ?? "", "municipality": municipalityText ?? "", "caseworker": caseworker ?? "",
            "statuses": ApplicationStatus.allCases.map {
                ["code": $0.rawValue, "name": WebText.string("status_\($0.rawValue)", language), "selected": $0.rawValue == statusText]
            },
        ]
        let title = WebText.string("search_title", language)
        guard !given.isEmpty else {
            values["hint"] = WebText.string("search_hint", language)
            return WebRender.page("search", title: title, values)
        }
        var filter = Applications.Filter(limit: 201)
        var reference: ApplicationReference?
        var problem: String?
        do throws(ValidationError) {
            if let roundText { filter.round = try RoundKey(roundText) }
            if let municipalityText { filter.municipality = try MunicipalityNumber(municipalityText) }
        } catch {
            problem = error.message
        }
        if let statusText {
            if let status = ApplicationStatus(rawValue: statusText) { filter.status = status } else { problem = problem ?? "status \(statusText)?" }
        }
        filter.assigned = caseworker
        if let text {
            if let parsed = try? ApplicationReference(text) {
                reference = parsed
            } else if text.count < 3 {
                problem = problem ?? WebText.string("search_too_short", language)
            } else {
                filter.search = text
            }
        }
        if let problem {
            values["error"] = problem
            return WebRender.page("search", title: title, values, status: .unprocessableContent)
        }
        let chosen = filter, wanted = reference
        let rows: [ApplicationSummary]
        do {
            rows = try await read(pool, "GET /web/search") { session in
                if let wanted { return [try Applications.show(wanted, session: session).summary] }
                return try Applications.list(chosen, session: session)
            }
        } catch let failure as DatabasePool.RequestFailure {
            // The database's sentence (an unknown round, a reference not found), beside the form.
            values["error"] = failure.error.description
            return WebRender.page("search", title: title, values, status: .unprocessableContent)
        }
        let today = WebTime.today
        values["searched"] = true
        values["results"] = rows.prefix(200).map { caseRow($0, today: today) }
        values["has_results"] = !rows.isEmpty
        values["capped"] = rows.count > 200
        values["count"] = min(rows.count, 200)
        return WebRender.page("search", title: title, values)
    }
}
