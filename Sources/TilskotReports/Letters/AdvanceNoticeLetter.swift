import Foundation
import TilskotCore

/// The advance notice (førehandsvarsel, fvl. § 16) before a decision to the party's disadvantage: a
/// claw-back, or a change of a grant on appeal to the appellant's disadvantage (§ 34 third
/// paragraph, § 35). It says what is proposed and the amount, the deadline to answer and how; it is
/// not a decision and carries no right of appeal. From tilskot.advance_notice.
public struct AdvanceNoticeLetter: Sendable, Equatable {
    public enum Purpose: String, Sendable, Equatable {
        case clawback, change
    }

    public var application: LetterCase
    public var purpose: Purpose
    /// What is proposed, in the words of the notice.
    public var proposal: String
    /// The amount proposed: the claw-back, or the new grant.
    public var amount: Money?
    /// The grant in force now (for a change: what it would change from).
    public var currentGrant: Money?
    public var sentOn: CalendarDate
    public var answerBy: CalendarDate
    public var signedBy: LetterPerson

    public init(application: LetterCase, purpose: Purpose, proposal: String, amount: Money?, currentGrant: Money?,
                sentOn: CalendarDate, answerBy: CalendarDate, signedBy: LetterPerson) {
        self.application = application
        self.purpose = purpose
        self.proposal = proposal
        self.amount = amount
        self.currentGrant = currentGrant
        self.sentOn = sentOn
        self.answerBy = answerBy
        self.signedBy = signedBy
    }

    public func render(_ format: LetterFormat, language: LetterLanguage) -> String {
        document(language).render(format)
    }

    public func document(_ language: LetterLanguage) -> LetterDocument {
        let text = AdvanceNoticeLetterText(letter: self, language: language)
        return application.document(language, title: text.title, sections: text.sections, date: sentOn,
                                    signedBy: signedBy, rights: .none)
    }
}

/// The wording of the advance notice in Nynorsk, Bokmål and English.
struct AdvanceNoticeLetterText {
    let letter: AdvanceNoticeLetter
    let language: LetterLanguage

    private var application: LetterCase { letter.application }
    private var scheme: String { application.schemeYear }
    private var org: String { application.organisationName }
    private func kr(_ m: Money) -> String { language.amount(m) }
    private func date(_ d: CalendarDate) -> String { language.longDate(d) }
    private var proposal: String { letter.proposal.trimmingCharacters(in: .whitespacesAndNewlines) }

    var title: String {
        switch (language, letter.purpose) {
        case (.nn, .clawback): "Førehandsvarsel om krav om tilbakebetaling av tilskot frå \(scheme)"
        case (.nb, .clawback): "Forhåndsvarsel om krav om tilbakebetaling av tilskudd fra \(scheme)"
        case (.en, .clawback): "Advance notice of a claim to repay a grant from \(scheme)"
        case (.nn, .change): "Førehandsvarsel om endring av vedtak om tilskot frå \(scheme)"
        case (.nb, .change): "Forhåndsvarsel om endring av vedtak om tilskudd fra \(scheme)"
        case (.en, .change): "Advance notice of a change to the decision on a grant from \(scheme)"
        }
    }

    var sections: [LetterDocument.Section] {
        let how = application.howToReach(language)
        let reference = application.reference
        let answerBy = date(letter.answerBy)
        var what: [String] = []
        var answer: [String] = []
        switch language {
        case .nn:
            what.append("Vi varslar med dette \(org) om at vi vurderer å gjere vedtak i saka om tilskot til \(application.quotedTitle(language)) (forvaltningslova § 16). Dette er det vi vurderer: \(proposal)")
            if let amount = letter.amount {
                switch letter.purpose {
                case .clawback: what.append("Beløpet vi vurderer å krevje betalt tilbake, er \(kr(amount)).")
                case .change: what.append(letter.currentGrant.map { "Tilskotet kan bli endra frå \(kr($0)) til \(kr(amount))." } ?? "Tilskotet kan bli \(kr(amount)).")
                }
            }
            if letter.purpose == .change {
                what.append("Ei endring til skade for dykk i ei klagesak kan berre gjerast på dei vilkåra forvaltningslova § 34 tredje ledd og § 35 set.")
            }
            answer = ["De kan uttale dykk før vi gjer vedtak. Fristen for å svare er \(answerBy). Send fråsegna \(how), og oppgi vår referanse \(reference).",
                      "Har vi ikkje fått svar innan fristen, gjer vi vedtak på grunnlag av opplysningane vi har.",
                      "Dette brevet er ikkje eit vedtak og kan ikkje klagast på. Når vedtaket er gjort, får de det skriftleg med opplysning om klagerett."]
            return [.init(heading: "Førehandsvarsel", paragraphs: what), .init(heading: "Frist for å uttale seg", paragraphs: answer)]
        case .nb:
            what.append("Vi varsler med dette \(org) om at vi vurderer å treffe vedtak i saken om tilskudd til \(application.quotedTitle(language)) (forvaltningsloven § 16). Dette er det vi vurderer: \(proposal)")
            if let amount = letter.amount {
                switch letter.purpose {
                case .clawback: what.append("Beløpet vi vurderer å kreve tilbakebetalt, er \(kr(amount)).")
                case .change: what.append(letter.currentGrant.map { "Tilskuddet kan bli endret fra \(kr($0)) til \(kr(amount))." } ?? "Tilskuddet kan bli \(kr(amount)).")
                }
            }
            if letter.purpose == .change {
                what.append("En endring til skade for dere i en klagesak kan bare gjøres på de vilkårene forvaltningsloven § 34 tredje ledd og § 35 setter.")
            }
            answer = ["Dere kan uttale dere før vi treffer vedtak. Fristen for å svare er \(answerBy). Send uttalelsen \(how), og oppgi vår referanse \(reference).",
                      "Har vi ikke fått svar innen fristen, treffer vi vedtak på grunnlag av opplysningene vi har.",
                      "Dette brevet er ikke et vedtak og kan ikke påklages. Når vedtaket er truffet, får dere det skriftlig med opplysning om klagerett."]
            return [.init(heading: "Forhåndsvarsel", paragraphs: what), .init(heading: "Frist for å uttale seg", paragraphs: answer)]
        case .en:
            what.append("We hereby notify \(org) that we are considering a decision in the case of the grant for \(application.quotedTitle(language)) (Public Administration Act section 16). This is what we are considering: \(proposal)")
            if let amount = letter.amount {
                switch letter.purpose {
                case .clawback: what.append("The amount we are considering claiming back is \(kr(amount)).")
                case .change: what.append(letter.currentGrant.map { "The grant may be changed from \(kr($0)) to \(kr(amount))." } ?? "The grant may become \(kr(amount)).")
                }
            }
            if letter.purpose == .change {
                what.append("A change to your disadvantage on appeal may only be made on the conditions of the Public Administration Act section 34, third paragraph, and section 35.")
            }
            answer = ["You may comment before we decide. The deadline to answer is \(answerBy). Send your comments \(how), quoting our reference \(reference).",
                      "If we have no answer by then, we will decide on the information we have.",
                      "This letter is not a decision and cannot be appealed. When the decision is made, you will receive it in writing with information on your right of appeal."]
            return [.init(heading: "Advance notice", paragraphs: what), .init(heading: "Deadline to comment", paragraphs: answer)]
        }
    }
}
