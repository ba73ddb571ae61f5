import PGClient
import TilskotCore
import TilskotStore

/// Builds the decision letter of an application from the database: its current decision, and the
/// appeal that decision answers, if any.
public enum DecisionLetterSource {
    public static func letter(for reference: ApplicationReference, issuer: LetterIssuer = .imdi,
                              session: Session) throws(TilskotError) -> DecisionLetter {
        let detail = try Applications.show(reference, session: session)
        guard let decision = detail.currentDecision else {
            throw .refused("\(reference) has no decision yet, so there is no decision letter to write; decide it first")
        }
        var appeal: DecisionLetter.AppealContext?
        if let appealID = decision.appealID, let record = detail.appeals.first(where: { $0.id == appealID }),
           let appealed = detail.decisions.first(where: { $0.id == record.decisionID }) {
            appeal = .init(received: record.received, appealedDecisionDate: appealed.decisionDate,
                           upheld: record.outcome == "upheld")
        }
        let decider = try fullName(of: decision.decidedBy, session: session)
        return DecisionLetter(
            application: LetterCase(detail, issuer: issuer, orYear: decision.decisionDate.year),
            received: detail.summary.received, amountApplied: detail.summary.amountApplied, outcome: decision.outcome,
            amount: decision.amount, reasons: decision.reasons, conditions: decision.conditions,
            decisionDate: decision.decisionDate, decidedBy: decider, appeal: appeal)
    }

    /// The name given with `user add --name` (the role's comment), else the user name.
    static func fullName(of user: String, session: Session) throws(TilskotError) -> String {
        try session.run {
            try session.connection.queryValue(
                "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = $1", [user], as: String.self)
        } ?? user
    }
}
