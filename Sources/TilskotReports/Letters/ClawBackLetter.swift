import Foundation
import TilskotCore

/// The letter of a claw-back decision (vedtak om tilbakebetaling): an individual decision like the
/// grant itself, so it carries what the Public Administration Act requires — the decision, its
/// reasons (§§ 24–25), the right to appeal with deadline and appeal body (§ 27), and access to the
/// documents (§ 18) — plus how to pay: the account, the KID, the due date, and the late-payment
/// interest (forsinkelsesrenteloven §§ 2 and 3) if it is missed. Built as a LetterDocument
/// and rendered by the same Markdown and HTML renderers as the decision letter.
public struct ClawBackLetter: Sendable, Equatable {
    /// The appeal the current amount answers, when an appeal changed or upheld it.
    public struct AppealContext: Sendable, Equatable {
        public var received: CalendarDate
        /// "upheld", "reduced" or "cancelled".
        public var outcome: String
        public var reasons: String?

        public init(received: CalendarDate, outcome: String, reasons: String?) {
            self.received = received
            self.outcome = outcome
            self.reasons = reasons
        }
    }

    /// The application the grant was for, its party and who writes.
    public var application: LetterCase
    public var grantDecisionDate: CalendarDate
    public var granted: Money
    public var paid: Money
    /// What is demanded now, and what was first demanded.
    public var amount: Money
    public var originalAmount: Money
    public var reasons: String
    public var decisionDate: CalendarDate
    public var dueDate: CalendarDate
    public var decidedBy: LetterPerson
    public var appeal: AppealContext?
    /// The customer identification (KID, mod 10) the payment is marked with.
    public var kid: String?

    public init(application: LetterCase, grantDecisionDate: CalendarDate, granted: Money, paid: Money, amount: Money,
                originalAmount: Money, reasons: String, decisionDate: CalendarDate, dueDate: CalendarDate,
                decidedBy: LetterPerson, appeal: AppealContext?, kid: String? = nil) {
        self.kid = kid
        self.application = application
        self.grantDecisionDate = grantDecisionDate
        self.granted = granted
        self.paid = paid
        self.amount = amount
        self.originalAmount = originalAmount
        self.reasons = reasons
        self.decisionDate = decisionDate
        self.dueDate = dueDate
        self.decidedBy = decidedBy
        self.appeal = appeal
    }

    public func render(_ format: LetterFormat, language: LetterLanguage) -> String {
        document(language).render(format)
    }

    public func document(_ language: LetterLanguage) -> LetterDocument {
        let text = ClawBackLetterText(letter: self, language: language)
        var sections = [text.decisionSection, text.reasonsSection]
        if amount.ore > 0 { sections.append(text.paymentSection) }
        return application.document(language, title: text.title, sections: sections, date: decisionDate,
                                    signedBy: decidedBy, rights: appeal?.outcome == "upheld" ? .forwarded : .appeal)
    }
}

/// The wording of a claw-back letter in Nynorsk, Bokmål and English.
struct ClawBackLetterText {
    let letter: ClawBackLetter
    let language: LetterLanguage

    private var application: LetterCase { letter.application }
    private var scheme: String { application.schemeYear }
    private var org: String { application.organisationName }
    private func kr(_ m: Money) -> String { language.amount(m) }
    private func date(_ d: CalendarDate) -> String { language.longDate(d) }
    private var quotedTitle: String { application.quotedTitle(language) }

    var title: String {
        let base: String
        switch language {
        case .nn: base = "Vedtak om tilbakebetaling av tilskot frå \(scheme)"
        case .nb: base = "Vedtak om tilbakebetaling av tilskudd fra \(scheme)"
        case .en: base = "Decision to claim back a grant from \(scheme)"
        }
        guard letter.appeal != nil else { return base }
        return (language == .en ? "Appeal: " : "Klagesak: ") + base
    }

    var decisionSection: LetterDocument.Section {
        var paragraphs: [String] = []
        let cancelled = letter.amount.isZero
        switch language {
        case .nn:
            paragraphs.append("\(org) fekk \(date(letter.grantDecisionDate)) eit tilskot på \(kr(letter.granted)) til \(quotedTitle). Av tilskotet er \(kr(letter.paid)) utbetalt.")
            paragraphs.append(cancelled
                ? "Kravet om tilbakebetaling er oppheva. De skal ikkje betale noko tilbake."
                : "\(application.issuer.name(language).capitalisedFirst) krev at \(org) betaler tilbake \(kr(letter.amount)) av tilskotet.")
            if let appeal = letter.appeal {
                switch appeal.outcome {
                case "reduced": paragraphs.append("Vedtaket er gjort etter klaga de sende, motteken \(date(appeal.received)). Kravet var først på \(kr(letter.originalAmount)) og er sett ned til \(kr(letter.amount)).")
                case "cancelled": paragraphs.append("Vedtaket er gjort etter klaga de sende, motteken \(date(appeal.received)). Kravet var på \(kr(letter.originalAmount)).")
                default: paragraphs.append("Vi har vurdert klaga de sende, motteken \(date(appeal.received)), og held fast på kravet.")
                }
            }
        case .nb:
            paragraphs.append("\(org) fikk \(date(letter.grantDecisionDate)) et tilskudd på \(kr(letter.granted)) til \(quotedTitle). Av tilskuddet er \(kr(letter.paid)) utbetalt.")
            paragraphs.append(cancelled
                ? "Kravet om tilbakebetaling er opphevet. Dere skal ikke betale noe tilbake."
                : "\(application.issuer.name(language).capitalisedFirst) krever at \(org) betaler tilbake \(kr(letter.amount)) av tilskuddet.")
            if let appeal = letter.appeal {
                switch appeal.outcome {
                case "reduced": paragraphs.append("Vedtaket er truffet etter klagen dere sendte, mottatt \(date(appeal.received)). Kravet var først på \(kr(letter.originalAmount)) og er satt ned til \(kr(letter.amount)).")
                case "cancelled": paragraphs.append("Vedtaket er truffet etter klagen dere sendte, mottatt \(date(appeal.received)). Kravet var på \(kr(letter.originalAmount)).")
                default: paragraphs.append("Vi har vurdert klagen dere sendte, mottatt \(date(appeal.received)), og opprettholder kravet.")
                }
            }
        case .en:
            paragraphs.append("On \(date(letter.grantDecisionDate)) \(org) was awarded a grant of \(kr(letter.granted)) for \(quotedTitle), of which \(kr(letter.paid)) has been paid.")
            paragraphs.append(cancelled
                ? "The claim for repayment is withdrawn. You do not have to repay anything."
                : "\(application.issuer.name(language).capitalisedFirst) claims repayment of \(kr(letter.amount)) of the grant from \(org).")
            if let appeal = letter.appeal {
                switch appeal.outcome {
                case "reduced": paragraphs.append("This decision follows your appeal, received on \(date(appeal.received)). The claim was first \(kr(letter.originalAmount)) and is reduced to \(kr(letter.amount)).")
                case "cancelled": paragraphs.append("This decision follows your appeal, received on \(date(appeal.received)). The claim was \(kr(letter.originalAmount)).")
                default: paragraphs.append("We have considered your appeal, received on \(date(appeal.received)), and uphold the claim.")
                }
            }
        }
        return .init(heading: language == .en ? "Decision" : "Vedtak", paragraphs: paragraphs)
    }

    var reasonsSection: LetterDocument.Section {
        let appealReasons = (letter.appeal?.reasons ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        func onAppeal(_ lead: String) -> [String] { appealReasons.isEmpty ? [] : ["\(lead) \(appealReasons)"] }
        switch language {
        case .nn:
            return .init(heading: "Grunngiving", paragraphs: [
                "Tilskot som ikkje er brukt etter føresetnadene i tilskotsbrevet, kan krevjast betalt tilbake. " + application.rulesSentence(language),
                "Hovudomsyna i vurderinga: \(letter.reasons)",
            ] + onAppeal("I klagesaka har vi lagt vekt på dette:"))
        case .nb:
            return .init(heading: "Begrunnelse", paragraphs: [
                "Tilskudd som ikke er brukt etter forutsetningene i tilskuddsbrevet, kan kreves tilbakebetalt. " + application.rulesSentence(language),
                "Hovedhensynene i vurderingen: \(letter.reasons)",
            ] + onAppeal("I klagesaken har vi lagt vekt på dette:"))
        case .en:
            return .init(heading: "Reasons", paragraphs: [
                "Funds not used as the award letter required may be claimed back. " + application.rulesSentence(language),
                "The main considerations: \(letter.reasons)",
            ] + onAppeal("On the appeal we have considered:"))
        }
    }

    /// How to pay: the account, the KID (else our reference), the due date, and the late-payment
    /// interest of forsinkelsesrenteloven (§ 2: from the due date; § 3: the rate the Ministry of
    /// Finance sets each half-year, Norges Bank's policy rate plus eight percentage points).
    var paymentSection: LetterDocument.Section {
        let account = application.issuer.repaymentAccount.map(LetterLanguage.accountNumber)
        switch language {
        case .nn:
            var first = "Beløpet på \(kr(letter.amount)) skal vere betalt innan \(date(letter.dueDate))"
            first += account.map { " til konto \($0)." } ?? "."
            first += letter.kid.map { " Bruk KID \($0) når de betaler." } ?? " Merk innbetalinga med vår referanse \(application.reference)."
            return .init(heading: "Innbetaling", paragraphs: [
                first,
                "Blir beløpet ikkje betalt innan fristen, må de betale forseinkingsrente frå forfallsdagen etter forseinkingsrentelova § 2. Renta er den Finansdepartementet fastset for kvart halvår etter § 3 (Noregs Banks styringsrente med tillegg av åtte prosentpoeng).",
                "Ei klage gir ikkje sjølv utsetjing av fristen; de kan be om utsett iverksetjing (forvaltningslova § 42).",
            ])
        case .nb:
            var first = "Beløpet på \(kr(letter.amount)) skal være betalt innen \(date(letter.dueDate))"
            first += account.map { " til konto \($0)." } ?? "."
            first += letter.kid.map { " Bruk KID \($0) når dere betaler." } ?? " Merk innbetalingen med vår referanse \(application.reference)."
            return .init(heading: "Innbetaling", paragraphs: [
                first,
                "Blir beløpet ikke betalt innen fristen, må dere betale forsinkelsesrente fra forfallsdagen etter forsinkelsesrenteloven § 2. Renten er den Finansdepartementet fastsetter for hvert halvår etter § 3 (Norges Banks styringsrente med tillegg av åtte prosentpoeng).",
                "En klage gir ikke i seg selv utsettelse av fristen; dere kan be om utsatt iverksettelse (forvaltningsloven § 42).",
            ])
        case .en:
            var first = "The amount of \(kr(letter.amount)) must be paid by \(date(letter.dueDate))"
            first += account.map { " to account \($0)." } ?? "."
            first += letter.kid.map { " Use KID \($0) when you pay." } ?? " Please mark the payment with our reference \(application.reference)."
            return .init(heading: "Payment", paragraphs: [
                first,
                "If it is not paid by then, late-payment interest runs from the due date under section 2 of the Late Payment Interest Act, at the rate the Ministry of Finance sets for each half-year under section 3 (Norges Bank's policy rate plus eight percentage points).",
                "An appeal does not in itself postpone the deadline; you may ask for the decision's effect to be deferred (Public Administration Act section 42).",
            ])
        }
    }
}
