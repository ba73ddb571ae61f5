import Foundation
import HTTPTypes
import Hummingbird
import PGClient
import TilskotCore
import TilskotStore

/// The case page's forms for the steps after a decision and beside it (issue 20):
/// POST /web/cases/{reference}/steps/{step} for
/// - `appeal-dismiss`, `appeal-forward`, `appeal-body`: the steps on the pending appeal
///   (fvl. §§ 33–34; `appeal dismiss | forward | body-decision` → Appeals.dismiss / forward / bodyDecision);
/// - `appeal-decide`: a new decision on the pending appeal — the directorate's change (omgjering,
///   § 33 second paragraph) or the appeal body's (§ 34), with the legal basis and the advance notice
///   of a change to the appellant's disadvantage (`application decide --by-appeal-body
///   --disadvantage-basis --advance-notice` → Decisions.decide with AppealDecisionTerms);
/// - `forewarn`, `forewarn-answer`: an advance notice (§ 16) and the party's answer
///   (`application forewarn | forewarn-answer` → AdvanceNotices.forewarn / answer);
/// - `disqualify`: a conflict of interest (§§ 6–10; `application disqualify` → Assessments.disqualify).
///
/// They go as CaseActions' forms go: the CSRF token and Origin checked by WebMiddleware, the case
/// claimed and its version (the hidden `etag`) compared in the request's transaction, then the
/// service the CLI command calls; the database judges who may and what fits, and a refusal shows the
/// case page again with its sentence beside the form and what was typed kept. Done: 303 to the case.
enum CaseStepActions {
    static let steps: Set<String> = ["appeal-dismiss", "appeal-forward", "appeal-body", "appeal-decide",
                                     "forewarn", "forewarn-answer", "disqualify"]

    static func register<Context: RequestContext>(on web: RouterGroup<Context>, pool: DatabasePool) {
        web.post("cases/{reference}/steps/{step}") { _, context -> Response in
            let step = context.parameters.get("step") ?? ""
            guard steps.contains(step) else { throw HTTPError(.notFound) }
            return try await act(pool: pool, referenceText: context.parameters.get("reference") ?? "", step: step,
                                 form: WebForm(body: RequestInfo.current?.body ?? []), problem: RequestMiddleware<Context>.problem)
        }
    }

    static func t(_ key: String) -> String { CasePage.t(key) }

    /// The change a form asks for, as the service call the CLI command makes. Only the input's form
    /// is read here (a date that is no date, a choice not made); everything else is the database's.
    static func change(_ step: String, _ reference: ApplicationReference, _ form: WebForm) throws -> @Sendable (Session) throws -> Void {
        switch step {
        case "appeal-dismiss":
            guard let ground = form["ground"].flatMap(AppealDismissalGround.init(rawValue:)) else {
                throw CaseActions.InputRefusal(sentence: t("step_ground_needed"))
            }
            let reasons = form["reasons"] ?? "", date = try CaseActions.date(form["date"], field: "date")
            return { session in _ = try Appeals.dismiss(reference, ground: ground, reasons: reasons, date: date, session: session) }
        case "appeal-forward":
            let reasons = form["reasons"], date = try CaseActions.date(form["date"], field: "date")
            return { session in _ = try Appeals.forward(reference, reasons: reasons, date: date, session: session) }
        case "appeal-body":
            let upheld: Bool
            switch form["outcome"] ?? "" {
            case "upheld": upheld = true
            case "quashed": upheld = false
            default: throw CaseActions.InputRefusal(sentence: t("step_body_outcome_needed"))
            }
            let reasons = form["reasons"] ?? "", bodyReference = form["body_reference"]
            let date = try CaseActions.date(form["date"], field: "date")
            return { session in
                _ = try Appeals.bodyDecision(reference, upheld: upheld, reasons: reasons, bodyReference: bodyReference,
                                             date: date, session: session)
            }
        case "appeal-decide":
            let request: DecisionRequest
            switch form["outcome"] ?? "" {
            case "grant":
                guard let amount = try CaseActions.money(form["amount"], field: "amount granted") else {
                    throw CaseActions.InputRefusal(sentence: t("case_amount_needed"))
                }
                request = .grant(amount)
            case "reject": request = .reject
            default: throw CaseActions.InputRefusal(sentence: t("case_outcome_needed"))
            }
            let instance: DecisionInstance = form["instance"] == "appeal_body" ? .appealBody : .directorate
            var advanceNotice: Int64?
            if let text = form["advance_notice"] {
                guard let id = Int64(text) else { throw CaseActions.InputRefusal(sentence: t("step_notice_needed")) }
                advanceNotice = id
            }
            let terms = AppealDecisionTerms(instance: instance, bodyReference: form["body_reference"],
                                            disadvantageBasis: form["disadvantage_basis"], advanceNoticeID: advanceNotice)
            // An empty conditions field carries the decision appealed's conditions over (as the CLI
            // without --conditions); the CLI's `--conditions ""` is the `no_conditions` box.
            let conditions = form["no_conditions"] != nil ? "" : form["conditions"]
            let reasons = form["reasons"], date = try CaseActions.date(form["date"], field: "decision date")
            return { session in
                _ = try Decisions.decide(reference, request, reasons: reasons, conditions: conditions, date: date, terms: terms,
                                         session: session)
            }
        case "forewarn":
            // Which purposes there are is the database's to say (advance_notice_before_insert), as for the CLI.
            guard let purpose = form["purpose"]?.lowercased() else { throw CaseActions.InputRefusal(sentence: t("step_purpose_needed")) }
            guard let sent = try CaseActions.date(form["sent"], field: "sent date") else { throw CaseActions.InputRefusal(sentence: t("step_sent_needed")) }
            guard let answerBy = try CaseActions.date(form["answer_by"], field: "answer-by date") else {
                throw CaseActions.InputRefusal(sentence: t("step_answer_by_needed"))
            }
            let proposal = form["proposal"] ?? "", channel = form["channel"] ?? ""
            let amount = try CaseActions.money(form["amount"], field: "amount")
            return { session in
                _ = try AdvanceNotices.forewarn(reference, purpose: purpose, proposal: proposal, amount: amount, sent: sent,
                                                channel: channel, answerBy: answerBy, session: session)
            }
        case "forewarn-answer":
            guard let id = form["notice"].flatMap({ Int64($0) }) else { throw CaseActions.InputRefusal(sentence: t("step_notice_needed")) }
            guard let received = try CaseActions.date(form["received"], field: "received date") else {
                throw CaseActions.InputRefusal(sentence: t("step_answer_received_needed"))
            }
            let summary = form["summary"] ?? ""
            return { session in
                // The version checked is this case's: the notice must be one of its own.
                _ = try AdvanceNotices.answer(id, of: reference, received: received, summary: summary, session: session)
            }
        case "disqualify":
            let person = form["person"], reason = form["reason"] ?? ""
            return { session in _ = try Assessments.disqualify(reference, person: person, reason: reason, session: session) }
        default:
            throw HTTPError(.notFound)
        }
    }

    /// POST /web/cases/{reference}/steps/{step}: CaseActions.post's checks, this file's changes.
    static func act(pool: DatabasePool, referenceText: String, step: String, form: WebForm,
                    problem: (any Error) -> Problem) async throws -> Response {
        try await CaseActions.post(pool: pool, referenceText: referenceText, action: step, route: "steps/\(step)", form: form,
                                   part: step == "disqualify" ? "h-application" : "h-decisions", problem: problem, change: change)
    }

    // MARK: - The forms

    /// The step forms that fit the case as the page read it (CasePage.render's `steps`): the appeal's
    /// steps while an appeal is pending (dismiss and forward before it is forwarded, the appeal
    /// body's decision after), advance notices on a decided case and answers to the unanswered ones,
    /// disqualification while the case is open. Who may is the database's to say when one is sent.
    static func forms(_ data: CasePage.Data, refusal: CasePage.Refusal?) -> [String: Any] {
        let d = data.detail
        let status = d.summary.status
        var out: [String: Any] = [:]
        func form(_ step: String, defaults: [String: String] = [:]) -> (form: [String: Any], typed: [String: String]) {
            var typed = defaults
            var form: [String: Any] = [:]
            if let refusal, refusal.action == step {
                typed = refusal.fields
                form["error"] = refusal.sentence
            }
            form["v"] = typed
            return (form, typed)
        }
        func options(_ values: [String], prefix: String, chosen: String?) -> [[String: Any]] {
            values.map { ["value": $0, "name": t("\(prefix)\($0)"), "selected": chosen == $0] }
        }
        let today = WebTime.today.description
        if let pending = d.appeals.first(where: \.isPending) {
            out["appeal_pending"] = true
            if pending.forwardedOn == nil {
                var dismiss = form("appeal-dismiss", defaults: ["date": today, "ground": pending.late ? "late" : ""])
                dismiss.form["grounds"] = options(AppealDismissalGround.allCases.map(\.rawValue), prefix: "step_ground_",
                                                  chosen: dismiss.typed["ground"])
                out["dismiss"] = dismiss.form
                out["forward"] = form("appeal-forward", defaults: ["date": today]).form
            } else {
                var body = form("appeal-body", defaults: ["date": today])
                body.form["outcomes"] = options(["upheld", "quashed"], prefix: "step_body_", chosen: body.typed["outcome"] ?? "upheld")
                out["body"] = body.form
            }
            var decide = form("appeal-decide", defaults: ["instance": pending.forwardedOn == nil ? "directorate" : "appeal_body"])
            decide.form["instances"] = options(["directorate", "appeal_body"], prefix: "step_instance_", chosen: decide.typed["instance"])
            decide.form["outcomes"] = ["grant", "reject"].map {
                ["value": $0, "name": t("outcome_\($0)"), "selected": (decide.typed["outcome"] ?? "grant") == $0]
            }
            decide.form["notices"] = d.advanceNotices.map { a -> [String: Any] in
                ["value": String(a.id), "name": "\(a.sentOn) – \(a.proposal)", "selected": decide.typed["advance_notice"] == String(a.id)]
            }
            decide.form["has_notices"] = !d.advanceNotices.isEmpty
            decide.form["no_conditions_checked"] = decide.typed["no_conditions"] != nil
            out["decide"] = decide.form
        }
        if d.currentDecision != nil && status != .withdrawn {
            var forewarn = form("forewarn", defaults: ["sent": today])
            forewarn.form["purposes"] = options(["change", "clawback"], prefix: "step_purpose_", chosen: forewarn.typed["purpose"] ?? "change")
            forewarn.form["channels"] = ["digital", "post", "email"].map {
                ["value": $0, "name": t("channel_\($0)"), "selected": (forewarn.typed["channel"] ?? "digital") == $0]
            }
            out["forewarn"] = forewarn.form
        }
        let unanswered = d.advanceNotices.filter { $0.answer == nil }
        if !unanswered.isEmpty {
            var answer = form("forewarn-answer", defaults: ["received": today])
            answer.form["notices"] = unanswered.map { a -> [String: Any] in
                ["value": String(a.id), "name": "\(a.sentOn) – \(a.proposal) (\(t("case_answer_by")) \(a.answerBy))",
                 "selected": answer.typed["notice"] == String(a.id)]
            }
            out["answer"] = answer.form
        }
        if status != .withdrawn && status != .closed {
            out["disqualify"] = form("disqualify").form
        }
        return out
    }
}
