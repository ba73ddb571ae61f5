import PGClient
import TilskotCore
import TilskotStore

/// Builds the letters of the steps on an appeal (tilskot.appeal_step: dismissal, forwarding, the
/// appeal body's decisions) and of advance notices (tilskot.advance_notice) from the database.
public enum AppealLetterSource {
    /// The letter of the latest step of `kind` on the application's appeals (for the appeal
    /// body's decisions: upheld or quashed, whichever came last).
    public static func step(_ kind: AppealStepLetter.Kind, reference: ApplicationReference,
                            session: Session) throws(TilskotError) -> AppealStepLetter {
        let kinds = kind == .bodyUpheld || kind == .bodyQuashed ? ["body_upheld", "body_quashed"] : [kind.rawValue]
        return try session.run {
            let c = session.connection
            guard let step = try c.queryRow("""
                SELECT s.kind, s.ground, s.step_date, s.reasons, s.body_reference, s.recorded_by,
                       p.received, p.sent_on, p.decision_id, d.decision_date, d.outcome, d.amount_ore
                  FROM tilskot.appeal_step s
                  JOIN tilskot.application a ON a.id = s.application_id
                  JOIN tilskot.appeal p ON p.id = s.appeal_id
                  JOIN tilskot.decision d ON d.id = p.decision_id
                 WHERE a.reference = $1 AND s.kind = ANY($2::text[])
                 ORDER BY s.id DESC LIMIT 1
                """, [reference.description, kinds]) else {
                let what = switch kind {
                case .dismissal: "no appeal on \(reference) has been dismissed (`tilskot appeal dismiss`)"
                case .forwarding: "no appeal on \(reference) has been sent to the appeal body (`tilskot appeal forward`)"
                case .bodyUpheld, .bodyQuashed: "no decision of the appeal body to uphold or quash on \(reference) is recorded (`tilskot appeal body-decision`); a change by the appeal body is the decision letter (--kind decision)"
                }
                throw TilskotError.refused("there is no such letter to write: \(what)")
            }
            let stepDate = try step.letterDate("step_date")
            // The appeal body named is the one of the appealed decision's date (fvl. § 28).
            let decisionDate = try step.letterDate("decision_date")
            let letterName = "the appeal letter of \(reference)"
            let row = try LetterSource.loadCase(reference.description, on: decisionDate, letter: letterName, c)
            let stepKind = AppealStepLetter.Kind(rawValue: try step.string("kind")) ?? kind
            var deadline: CalendarDate?
            if step["ground"] == "late", let text = try c.queryValue(
                "SELECT tilskot.decision_appeal_deadline($1)::text", [try step.int64("decision_id")], as: String.self) {
                deadline = try CalendarDate(text)
            }
            return AppealStepLetter(
                application: row.letterCase, kind: stepKind, appealReceived: try step.letterDate("received"),
                appealSent: step["sent_on"] == nil ? nil : try step.letterDate("sent_on"),
                appealedDecisionDate: decisionDate, appealedOutcome: LetterSource.outcome(try step.string("outcome")),
                appealedAmount: try step.letterMoney("amount_ore"),
                ground: step["ground"].flatMap(AppealStepLetter.Ground.init(rawValue:)), deadline: deadline,
                reasons: step["reasons"], stepDate: stepDate, bodyReference: step["body_reference"],
                signedBy: try LetterSource.signer(try step.string("recorded_by"), letter: letterName, c))
        }
    }

    /// The letter of advance notice `id` (of the application `reference`, when given), or of the
    /// application's latest advance notice when `id` is nil.
    public static func advanceNotice(_ id: Int64?, reference: ApplicationReference?,
                                     session: Session) throws(TilskotError) -> AdvanceNoticeLetter {
        try session.run {
            let c = session.connection
            guard let notice = try c.queryRow("""
                SELECT n.purpose, n.proposal, n.amount_ore, n.sent_on, n.answer_by, n.registered_by, a.reference,
                       (SELECT d.amount_ore FROM tilskot.decision d WHERE d.application_id = a.id AND d.is_current) AS grant_ore
                  FROM tilskot.advance_notice n JOIN tilskot.application a ON a.id = n.application_id
                 WHERE ($1::bigint IS NULL OR n.id = $1) AND ($2::text IS NULL OR a.reference = $2)
                 ORDER BY n.id DESC LIMIT 1
                """, [id, reference?.description]) else {
                throw TilskotError.refused(id.map { "there is no advance notice \($0)\(reference.map { " on \($0)" } ?? "")" }
                    ?? "\(reference?.description ?? "the application") has no advance notice (`tilskot application forewarn`)")
            }
            let sentOn = try notice.letterDate("sent_on")
            let applicationReference = try notice.string("reference")
            let letterName = "the advance-notice letter of \(applicationReference)"
            let row = try LetterSource.loadCase(applicationReference, on: sentOn, letter: letterName, needsAppealBody: false, c)
            return AdvanceNoticeLetter(
                application: row.letterCase,
                purpose: AdvanceNoticeLetter.Purpose(rawValue: try notice.string("purpose")) ?? .clawback,
                proposal: try notice.string("proposal"),
                amount: notice["amount_ore"] == nil ? nil : try notice.letterMoney("amount_ore"),
                currentGrant: notice["grant_ore"] == nil ? nil : try notice.letterMoney("grant_ore"),
                sentOn: sentOn, answerBy: try notice.letterDate("answer_by"),
                signedBy: try LetterSource.signer(try notice.string("registered_by"), letter: letterName, c))
        }
    }
}
