import PGClient
import TilskotCore
import TilskotStore

/// Builds the letters of a claw-back from the database: the decision as it now stands (after any
/// appeal), with the grant it belongs to, what was paid, the issuer's repayment account and the
/// claw-back's KID; and the advance notice (fvl. § 16) it followed.
public enum ClawBackLetterSource {
    public static func letter(for id: Int64, session: Session) throws(TilskotError) -> ClawBackLetter {
        let clawBack = try ClawBacks.show(id, session: session)
        let reference = try ApplicationReference.parsed(clawBack.reference)
        let money = try GrantMoney.grant(reference, session: session)
        // The appeal the claw-back's current amount answers: the last one resolved.
        let resolved = clawBack.appeals.last(where: { $0.outcome != nil })
        return try session.run {
            let c = session.connection
            let letterName = "the letter of claw-back \(id)"
            let row = try LetterSource.loadCase(clawBack.reference, on: clawBack.decisionDate, letter: letterName, c)
            guard row.letterCase.issuer.repaymentAccount != nil || clawBack.amount.isZero else {
                throw TilskotError.refused("\(letterName) refused: no repayment account is set, so the letter cannot say where to pay; an administrator sets it with `tilskot issuer set --repayment-account …`")
            }
            guard let grant = try c.queryRow("""
                SELECT d.decision_date, d.amount_ore FROM tilskot.decision d WHERE d.application_id = $1 AND d.is_current
                """, [row.applicationID]) else {
                throw TilskotError.refused("\(reference) has no decision, so there is no claw-back letter to write")
            }
            let kid = try c.queryValue("SELECT kid FROM tilskot.clawback WHERE id = $1", [id], as: String.self)
            return ClawBackLetter(
                application: row.letterCase,
                grantDecisionDate: try grant.letterDate("decision_date"), granted: try grant.letterMoney("amount_ore"),
                paid: money?.paid ?? .zero, amount: clawBack.amount, originalAmount: clawBack.originalAmount,
                reasons: clawBack.reasons, decisionDate: clawBack.decisionDate, dueDate: clawBack.dueDate,
                decidedBy: try LetterSource.signer(resolved?.resolvedBy ?? clawBack.demandedBy, letter: letterName, c),
                appeal: resolved.map { .init(received: $0.received, outcome: $0.outcome ?? "upheld", reasons: $0.resolutionReasons) },
                kid: kid)
        }
    }

    /// The advance notice the claw-back followed, as its letter.
    public static func advanceNotice(for id: Int64, session: Session) throws(TilskotError) -> AdvanceNoticeLetter {
        let noticeID = try session.run {
            try session.connection.queryRow("SELECT advance_notice_id, notice_exception FROM tilskot.clawback WHERE id = $1", [id])
        }
        guard let noticeID else { throw .refused("there is no claw-back \(id)") }
        guard let advance = try? noticeID.decodeIfPresent("advance_notice_id", as: Int64.self) else {
            throw .refused("claw-back \(id) was decided without advance notice (\(noticeID["notice_exception"] ?? "no reason recorded")), so there is no advance-notice letter to write")
        }
        return try AppealLetterSource.advanceNotice(advance, reference: nil, session: session)
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
