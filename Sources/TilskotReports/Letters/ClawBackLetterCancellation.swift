import Foundation
import PGClient
import TilskotCore
import TilskotStore

/// The letter that withdraws a claw-back registered in error, after its decision letter was sent
/// (its notice recorded in tilskot.notice): the earlier decision is revoked in the party's favour
/// (fvl. § 35 first paragraph (a): a change that harms no one it is addressed to), nothing is owed
/// under it, and the due date and KID no longer apply. A decision wholly in the party's favour, so
/// the letter carries no appeal section.
public struct ClawBackCancellationLetter: Sendable, Equatable {
    public var application: LetterCase
    /// The claw-back decision that is withdrawn.
    public var decisionDate: CalendarDate
    public var amount: Money
    public var dueDate: CalendarDate
    public var kid: String?
    /// Why it was registered in error, in the manager's words.
    public var reason: String
    /// The day of the cancellation (the letter's date).
    public var cancelledOn: CalendarDate
    public var signedBy: LetterPerson

    public init(application: LetterCase, decisionDate: CalendarDate, amount: Money, dueDate: CalendarDate, kid: String?,
                reason: String, cancelledOn: CalendarDate, signedBy: LetterPerson) {
        self.application = application
        self.decisionDate = decisionDate
        self.amount = amount
        self.dueDate = dueDate
        self.kid = kid
        self.reason = reason
        self.cancelledOn = cancelledOn
        self.signedBy = signedBy
    }

    public func render(_ format: LetterFormat, language: LetterLanguage) -> String {
        document(language).render(format)
    }

    public func document(_ language: LetterLanguage) -> LetterDocument {
        let text = ClawBackCancellationLetterText(letter: self, language: language)
        return application.document(language, title: text.title, sections: [text.decisionSection, text.reasonsSection],
                                    date: cancelledOn, signedBy: signedBy, rights: .none)
    }

    /// The cancellation letter of claw-back `id`: refused while it is not cancelled as registered in
    /// error, and when no notice of its decision was recorded (then the party never had the decision,
    /// and there is nothing to withdraw in writing).
    public static func load(_ id: Int64, session: Session) throws(TilskotError) -> ClawBackCancellationLetter {
        let clawBack = try ClawBacks.show(id, session: session)
        let letterName = "the cancellation letter of claw-back \(id)"
        guard let cancellation = clawBack.cancellation else {
            throw .refused("\(letterName) refused: claw-back \(id) is not cancelled as registered in error\(clawBack.cancelled ? " (it was cancelled on appeal: its letter is `tilskot clawback letter \(id)`)" : "; cancel it first with `tilskot clawback cancel \(id) --reason …`")")
        }
        guard clawBack.noticeRecorded else {
            throw .refused("\(letterName) refused: no notice of claw-back \(id) was recorded, so the party never had the decision and there is nothing to withdraw in writing; if it was sent after all, record it with `tilskot clawback notify \(id) …` first")
        }
        return try session.run {
            let c = session.connection
            guard let day = try c.queryRow("SELECT (at AT TIME ZONE tilskot.installation_time_zone())::date AS day FROM tilskot.clawback_cancellation WHERE clawback_id = $1",
                                           [id]) else {
                throw TilskotError.refused("\(letterName) refused: claw-back \(id) is not cancelled")
            }
            let cancelledOn = try day.letterDate("day")
            let row = try LetterSource.loadCase(clawBack.reference, on: cancelledOn, letter: letterName, needsAppealBody: false, c)
            return ClawBackCancellationLetter(
                application: row.letterCase, decisionDate: clawBack.decisionDate, amount: clawBack.originalAmount,
                dueDate: clawBack.dueDate, kid: clawBack.kid, reason: cancellation.reason, cancelledOn: cancelledOn,
                signedBy: try LetterSource.signer(cancellation.cancelledBy, letter: letterName, c))
        }
    }
}

/// The wording of the cancellation letter in Nynorsk, Bokmål and English.
struct ClawBackCancellationLetterText {
    let letter: ClawBackCancellationLetter
    let language: LetterLanguage

    private var application: LetterCase { letter.application }
    private var scheme: String { application.schemeYear }
    private var org: String { application.organisationName }
    private func kr(_ m: Money) -> String { language.amount(m) }
    private func date(_ d: CalendarDate) -> String { language.longDate(d) }
    private var quotedTitle: String { application.quotedTitle(language) }
    private var reason: String { letter.reason.trimmingCharacters(in: .whitespacesAndNewlines) }

    var title: String {
        switch language {
        case .nn: "Oppheving av vedtak om tilbakebetaling av tilskot frå \(scheme)"
        case .nb: "Opphevelse av vedtak om tilbakebetaling av tilskudd fra \(scheme)"
        case .en: "Decision to claim back a grant from \(scheme) withdrawn"
        }
    }

    var decisionSection: LetterDocument.Section {
        let kid = letter.kid
        switch language {
        case .nn:
            return .init(heading: "Vedtak", paragraphs: [
                "Vi viser til vedtaket vårt av \(date(letter.decisionDate)) om at \(org) skulle betale tilbake \(kr(letter.amount)) av tilskotet til \(quotedTitle)\(kid.map { ", med KID \($0)" } ?? "").",
                "Vedtaket vart gjort ved ein feil, og vi opphevar det (forvaltningslova § 35 første ledd bokstav a). De skal ikkje betale noko tilbake etter dette vedtaket, og betalingsfristen \(date(letter.dueDate)) gjeld ikkje lenger.",
            ])
        case .nb:
            return .init(heading: "Vedtak", paragraphs: [
                "Vi viser til vårt vedtak av \(date(letter.decisionDate)) om at \(org) skulle betale tilbake \(kr(letter.amount)) av tilskuddet til \(quotedTitle)\(kid.map { ", med KID \($0)" } ?? "").",
                "Vedtaket ble truffet ved en feil, og vi opphever det (forvaltningsloven § 35 første ledd bokstav a). Dere skal ikke betale noe tilbake etter dette vedtaket, og betalingsfristen \(date(letter.dueDate)) gjelder ikke lenger.",
            ])
        case .en:
            return .init(heading: "Decision", paragraphs: [
                "We refer to our decision of \(date(letter.decisionDate)) that \(org) repay \(kr(letter.amount)) of the grant for \(quotedTitle)\(kid.map { ", with KID \($0)" } ?? "").",
                "That decision was made in error, and we revoke it (Public Administration Act section 35 first paragraph (a)). You do not have to repay anything under it, and the due date of \(date(letter.dueDate)) no longer applies.",
            ])
        }
    }

    var reasonsSection: LetterDocument.Section {
        switch language {
        case .nn: .init(heading: "Grunngiving", paragraphs: ["Dette var feil: \(reason)"])
        case .nb: .init(heading: "Begrunnelse", paragraphs: ["Dette var feil: \(reason)"])
        case .en: .init(heading: "Reasons", paragraphs: ["What was wrong: \(reason)"])
        }
    }
}
