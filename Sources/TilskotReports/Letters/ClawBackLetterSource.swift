import PGClient
import TilskotCore
import TilskotStore

/// Builds the letter of a claw-back from the database: the claw-back as it now stands (after any
/// appeal), the grant it belongs to and what was paid.
public enum ClawBackLetterSource {
    public static func letter(for id: Int64, issuer: LetterIssuer = .imdi, session: Session) throws(TilskotError) -> ClawBackLetter {
        let clawBack = try ClawBacks.show(id, session: session)
        let reference = try ApplicationReference.parsed(clawBack.reference)
        let detail = try Applications.show(reference, session: session)
        guard let grant = detail.currentDecision else {
            throw .refused("\(reference) has no decision, so there is no claw-back letter to write")
        }
        let money = try GrantMoney.grant(reference, session: session)
        // The appeal the claw-back's current amount answers: the last one resolved.
        let resolved = clawBack.appeals.last(where: { $0.outcome != nil })
        return ClawBackLetter(
            application: LetterCase(detail, issuer: issuer, orYear: clawBack.decisionDate.year),
            grantDecisionDate: grant.decisionDate, granted: grant.amount, paid: money?.paid ?? .zero,
            amount: clawBack.amount, originalAmount: clawBack.originalAmount, reasons: clawBack.reasons,
            decisionDate: clawBack.decisionDate, dueDate: clawBack.dueDate,
            decidedBy: try DecisionLetterSource.fullName(of: resolved?.resolvedBy ?? clawBack.demandedBy, session: session),
            appeal: resolved.map { .init(received: $0.received, outcome: $0.outcome ?? "upheld", reasons: $0.resolutionReasons) })
    }
}

extension ApplicationReference {
    /// A reference read back from the database, where it is always well-formed.
    static func parsed(_ text: String) throws(TilskotError) -> ApplicationReference {
        do {
            return try ApplicationReference(text)
        } catch {
            throw .refused(error.message)
        }
    }
}
