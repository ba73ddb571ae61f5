import Foundation
import HTTPTypes
import Hummingbird
import PGClient
import TilskotCore
import TilskotReports
import TilskotStore

/// A case on one page (issue 20): GET /web/cases/{reference}. One READ ONLY request transaction as
/// the session's user, calling the services the CLI commands call: `application show`
/// (Applications.show — the application, organisation, assessments with the superseded ones,
/// decisions, appeals, notices and advance notices, and the audit history, which is the same query
/// as `audit list --application`: Audit.history), and the rest of `followup show` in one statement
/// (tilskot.case_followup: the reporting duty and reports, the payments, the claw-backs — the rows
/// of `clawback list --application` —, the grant's money of tilskot.grant_money and its settlement). The case's version is the API's ETag (TilskotAPI.caseVersion's
/// hash of `application show --format json`), carried by every form as a hidden field.
///
/// The forms are shown when they fit the case's status; whether the user may is never judged here:
/// the database refuses, and the page shows its sentence beside the form (CaseActions).
enum CasePage {
    /// What the page shows, read in one transaction.
    struct Data: Sendable {
        var detail: ApplicationDetail
        var etag: String
        /// The follow-up part (`followup show`'s reporting duty and reports, payments, claw-backs,
        /// the grant's money and settlement) as one JSON document: tilskot.case_followup
        /// (SQL/schema/23_page_reads.sql), one round trip.
        var followUp: String?
        /// The database round trips of the read: the statements the services sent (WebRoundTrips),
        /// not counting the request transaction's own two (BEGIN with the identity row in one pipeline, COMMIT).
        var roundTrips: Int
    }

    /// A form that was refused: which action, the database's (or the input's) sentence, and what was typed.
    struct Refusal: Sendable {
        var action: String
        var sentence: String
        var fields: [String: String]
    }

    /// The page's read: the services of `application show` and `followup show`, in one transaction.
    static func read(_ reference: ApplicationReference, session: Session) throws -> Data {
        let (data, statements) = try WebRoundTrips.counted(session) { () throws -> Data in
            let detail = try Applications.show(reference, session: session)
            let etag = Encoding.etag(detail.document)
            return Data(
                detail: detail, etag: etag,
                followUp: try WebJSON.text(session, "SELECT tilskot.case_followup($1)", [reference.description]),
                roundTrips: 0)
        }
        var out = data
        out.roundTrips = statements
        return out
    }

    static var language: WebLanguage { WebPageContext.current?.language ?? .nn }
    static func t(_ key: String) -> String { WebText.string(key, language) }

    /// GET /web/cases/{reference}, or the page again after a refused form (with `refusal`).
    static func page(pool: DatabasePool, referenceText: String, refusal: Refusal? = nil,
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let reference = try? ApplicationReference(referenceText) else {
            return WebRender.message(titleKey: "not_found_title", sentence: t("case_no_such"), status: .notFound)
        }
        let started = ContinuousClock.now
        let data: Data
        do {
            data = try await WebPages.read(pool, "GET /web/cases/{reference}") { session in try read(reference, session: session) }
        } catch let failure as DatabasePool.RequestFailure {
            let problem = Problem.from(failure.error, database: failure.database)
            if problem.status == .notFound {
                return WebRender.message(titleKey: "not_found_title", sentence: problem.detail, status: .notFound)
            }
            throw failure
        }
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let values = render(data, refusal: refusal)
        let title = "\(data.detail.summary.reference) – \(data.detail.summary.title)"
        return WebRoundTrips.stamp(WebRender.page("case", title: title, values, status: status, headers: [
            (HTTPField.Name("Server-Timing")!, String(format: "db;dur=%.1f", ms)),
        ]), data.roundTrips)
    }

    // MARK: - The page's values

    /// "2021-03-01 13:00" in the installation's time zone.
    static func time(_ date: Date) -> String { WebTime.minute(date) }

    static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }

    static func render(_ data: Data, refusal: Refusal?) -> [String: Any] {
        let d = data.detail
        let s = d.summary
        let status = s.status
        let ref = s.reference
        var values: [String: Any] = [
            "reference": ref, "title": s.title, "round": s.round, "scheme": d.schemeName,
            "organisation": s.organisationName, "orgnr": s.organisationNumber,
            "amount": s.amountApplied.description, "received": s.received.description,
            "status": t("status_\(status.rawValue)"), "status_code": status.rawValue,
            "late": s.late,
            "registered_by": d.registeredBy, "registered_at": time(d.registeredAt),
            "caseworkers": d.assignedTo.joined(separator: ", "), "has_caseworkers": !d.assignedTo.isEmpty,
            "etag": data.etag, "round_trips": data.roundTrips,
        ]
        // What a template tests with a section is set only when there is something (an empty text
        // would render the section).
        values["municipality"] = s.municipality.flatMap(nonEmpty)
        values["granted"] = s.granted?.description
        values["external_ref"] = s.externalRef.flatMap(nonEmpty)
        values["late_reason"] = d.lateReason.flatMap(nonEmpty)
        values["withdrawal_reason"] = d.withdrawalReason.flatMap(nonEmpty)
        values["disqualifications"] = d.disqualifications.map {
            ["person": $0.person, "reason": $0.reason, "declared_by": $0.declaredBy, "at": time($0.at)]
        }
        values["has_disqualifications"] = !d.disqualifications.isEmpty
        // Assessments, newest first; a superseded one stays, marked as such.
        values["assessments"] = d.assessments.reversed().map { a -> [String: Any] in
            ["assessor": a.assessor, "score": a.score, "recommendation": t("recommend_\(a.recommendation.rawValue)"),
             "amount": a.recommendedAmount?.description ?? "", "notes": a.notes ?? "", "at": time(a.at),
             "current": a.isCurrent, "superseded": !a.isCurrent]
        }
        values["has_assessments"] = !d.assessments.isEmpty
        values["decisions"] = d.decisions.reversed().map { x -> [String: Any] in
            ["id": x.id, "outcome": t("status_\(x.outcome.rawValue)"), "amount": x.amount.description,
             "reasons": x.reasons ?? "", "conditions": x.conditions ?? "", "decided_by": x.decidedBy,
             "date": x.decisionDate.description, "current": x.isCurrent, "superseded": !x.isCurrent,
             "instance": x.instance.rawValue]
        }
        values["has_decisions"] = !d.decisions.isEmpty
        values["notices"] = d.notices.map { n -> [String: Any] in
            ["sent": n.sentOn.description, "channel": n.channel, "received": n.receivedOn?.description ?? "",
             "presumed": n.presumedReceived.description, "deadline": n.appealDeadline.description,
             "registered_by": n.registeredBy,
             "subject": n.decisionID != nil ? t("notice_of_decision") : n.clawbackID != nil ? t("notice_of_clawback") : t("notice_of_dismissal")]
        }
        values["has_notices"] = !d.notices.isEmpty
        if let notice = d.currentNotice { values["deadline"] = notice.appealDeadline.description }
        values["advance_notices"] = d.advanceNotices.map { a -> [String: Any] in
            ["id": a.id, "purpose": a.purpose, "proposal": a.proposal, "sent": a.sentOn.description,
             "answer_by": a.answerBy.description, "answered": a.answer?.receivedOn.description ?? "",
             "letters": letterLinks(ref, kind: "advance-notice", notice: a.id)]
        }
        values["has_advance_notices"] = !d.advanceNotices.isEmpty
        values["appeals"] = d.appeals.reversed().map { a -> [String: Any] in
            var row: [String: Any] = [
                "received": a.received.description, "sent": a.sentOn?.description ?? "", "grounds": a.grounds,
                "late": a.late, "registered_by": a.registeredBy, "outcome": a.outcome ?? t("appeal_pending"),
                "steps": a.steps.map { step -> [String: Any] in
                    var out: [String: Any] = ["kind": step.kind, "date": step.date.description, "reasons": step.reasons ?? "", "by": step.recordedBy]
                    out["ground"] = step.ground.flatMap(nonEmpty)
                    return out
                },
            ]
            row["body"] = a.appealBody.flatMap(nonEmpty)
            return row
        }
        values["has_appeals"] = !d.appeals.isEmpty
        // Follow-up: money, duty, payments, reports, claw-backs (tilskot.case_followup).
        let f = WebJSON.object(WebJSON.parse(data.followUp))
        if let m = f["money"] as? [String: Any] {
            func kr(_ key: String) -> String { WebJSON.money(m[key]).description }
            values["money"] = ["granted": kr("granted_ore"), "planned": kr("planned_ore"), "paid": kr("paid_ore"),
                               "clawed_back": kr("clawed_back_ore"), "repaid": kr("repaid_ore"), "net": kr("net_ore")]
        }
        if let st = f["settlement"] as? [String: Any] {
            func kr(_ key: String) -> String { WebJSON.money(st[key]).description }
            values["settlement"] = ["by": WebJSON.string(st["settled_by"]), "paid": kr("paid_ore"), "withheld": kr("withheld_ore"),
                                    "net_used": kr("net_used_ore"), "unused": kr("unused_ore")]
        }
        if let duty = f["duty"] as? [String: Any] {
            values["duty"] = ["due": WebJSON.string(duty["due_date"]), "project_end": WebJSON.string(duty["project_end"]),
                              "account": t(WebJSON.bool(duty["account_required"]) ? "yes" : "no")]
        }
        let payments = WebJSON.objects(f["payments"])
        values["payments"] = payments.map { p -> [String: Any] in
            ["ref": "\(WebJSON.string(p["reference"]))/\(WebJSON.int(p["instalment"]))", "amount": WebJSON.money(p["amount_ore"]).description,
             "due": WebJSON.string(p["due_date"]), "status": WebJSON.string(p["status"]),
             "attested_by": WebJSON.string(p["attested_by"]), "paid_on": WebJSON.string(p["paid_on"])]
        }
        values["has_payments"] = !payments.isEmpty
        let reports = WebJSON.objects(f["reports"])
        values["reports"] = reports.map { r -> [String: Any] in
            ["date": WebJSON.string(r["report_date"]), "status": WebJSON.string(r["status"]),
             "account": t(WebJSON.bool(r["account_approved"]) ? "yes" : "no"),
             "reviewed_by": WebJSON.string(r["reviewed_by"]), "reasons": WebJSON.string(r["review_reasons"])]
        }
        values["has_reports"] = !reports.isEmpty
        let clawBacks = WebJSON.objects(f["clawbacks"])
        values["clawbacks"] = clawBacks.map { c -> [String: Any] in
            ["id": WebJSON.int(c["id"]), "amount": WebJSON.money(c["amount_ore"]).description,
             "decided": WebJSON.string(c["decision_date"]), "due": WebJSON.string(c["due_date"]),
             "repaid": WebJSON.money(c["repaid_ore"]).description, "cancelled": WebJSON.bool(c["cancelled"]),
             "reasons": WebJSON.string(c["reasons"])]
        }
        values["has_clawbacks"] = !clawBacks.isEmpty
        values["history"] = d.history.map { e -> [String: Any] in
            ["at": time(e.at), "actor": e.actor, "what": e.summary, "reason": e.reason ?? ""]
        }
        values["has_history"] = !d.history.isEmpty
        if d.currentDecision != nil {
            values["letters"] = letterLinks(ref, kind: "decision", notice: nil)
            values["has_letters"] = true
        }
        let caseForms = forms(data, refusal: refusal)
        // The steps on appeals, advance notices and disqualification (CaseStepActions).
        let stepForms = CaseStepActions.forms(data, refusal: refusal)
        values["forms"] = caseForms
        values["step_forms"] = stepForms
        // A refusal of a form this case does not offer (sent from an older page, or by hand) is
        // shown at the top of the page, so that its sentence is never lost.
        if let refusal, !shows(error: caseForms), !shows(error: stepForms) {
            values["refusal"] = refusal.sentence
        }
        return values
    }

    /// Whether one of the forms carries a refusal beside it.
    static func shows(error forms: [String: Any]) -> Bool {
        forms.values.contains { value in
            guard let form = value as? [String: Any] else { return false }
            return form["error"] != nil || shows(error: form)
        }
    }

    /// View in nn, nb, en and download as HTML or Markdown: /web/cases/{ref}/letter.
    static func letterLinks(_ reference: String, kind: String, notice: Int64?) -> [[String: String]] {
        let extra = notice.map { "&notice=\($0)" } ?? ""
        return LetterLanguage.allCases.map { lang -> [String: String] in
            let base = "/web/cases/\(reference)/letter?kind=\(kind)\(extra)&lang=\(lang.rawValue)"
            return ["lang": lang.rawValue, "name": WebLanguage(rawValue: lang.rawValue)?.ownName ?? lang.rawValue,
                    "view": base, "html": base + "&format=html&download=1", "markdown": base + "&format=markdown"]
        }
    }

    // MARK: - The forms

    /// The forms that fit the case's status, each with what was typed and the refusal beside it
    /// when it is the one refused. Fitting the status is about what makes sense to offer; who may
    /// is the database's to say when the form is sent.
    static func forms(_ data: Data, refusal: Refusal?) -> [String: Any] {
        let d = data.detail
        let status = d.summary.status
        var out: [String: Any] = [:]
        func form(_ action: String, defaults: [String: String] = [:]) -> [String: Any] {
            var typed = defaults
            var form: [String: Any] = [:]
            if let refusal, refusal.action == action {
                typed = refusal.fields
                form["error"] = refusal.sentence
            }
            form["v"] = typed
            return form
        }
        let undecided: Set<ApplicationStatus> = [.received, .inReview, .assessed]
        if undecided.contains(status) {
            out["assign"] = form("assign")
            out["withdraw"] = form("withdraw")
        }
        if status == .inReview || status == .assessed {
            var assess = form("assess")
            let typed = assess["v"] as? [String: String] ?? [:]
            assess["scores"] = (1...5).map { ["value": $0, "selected": typed["score"] == String($0)] }
            assess["recommendations"] = Recommendation.allCases.map {
                ["value": $0.rawValue, "name": t("recommend_\($0.rawValue)"), "selected": typed["recommendation"] == $0.rawValue]
            }
            out["assess"] = assess
        }
        // A decision on an appeal has its own form (CaseStepActions' appeal-decide: the instance, the
        // appeal body's reference, a change to the appellant's disadvantage).
        if status == .assessed {
            var decide = form("decide")
            let typed = decide["v"] as? [String: String] ?? [:]
            decide["outcomes"] = ["grant", "reject", "dismiss"].map {
                ["value": $0, "name": t("outcome_\($0)"), "selected": (typed["outcome"] ?? "grant") == $0]
            }
            out["decide"] = decide
        }
        if d.currentDecision != nil && d.currentNotice == nil {
            var notice = form("notice", defaults: ["sent": WebTime.today.description])
            let typed = notice["v"] as? [String: String] ?? [:]
            notice["channels"] = ["digital", "post", "email"].map {
                ["value": $0, "name": t("channel_\($0)"), "selected": (typed["channel"] ?? "digital") == $0]
            }
            out["notice"] = notice
        }
        let decided: Set<ApplicationStatus> = [.granted, .partiallyGranted, .rejected, .dismissed, .inFollowUp]
        if decided.contains(status) && d.currentNotice != nil && !d.appeals.contains(where: \.isPending) {
            var appeal = form("appeal", defaults: ["received": WebTime.today.description])
            let typed = appeal["v"] as? [String: String] ?? [:]
            appeal["late_checked"] = typed["late"] != nil
            out["appeal"] = appeal
        }
        return out
    }
}
