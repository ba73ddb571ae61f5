import Foundation
import TilskotCore

/// The letters of the steps on an appeal that are not a new decision on the grant (tilskot.appeal_step):
/// the first instance dismissing the appeal (avvising, fvl. § 33 second paragraph: the decision
/// stays in force, and the dismissal has its own right of appeal, § 2 third paragraph), or upholding
/// its decision and sending the appeal to the appeal body (§ 33 fourth paragraph); and the appeal
/// body's decisions recorded by the directorate: upheld (stadfesta) or quashed and sent back for a
/// new decision (oppheva, § 34 fourth paragraph), both final (§ 28 third paragraph). A change by
/// the appeal body is a new decision: its letter is a DecisionLetter.
public struct AppealStepLetter: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case dismissal = "dismiss", forwarding = "forward", bodyUpheld = "body_upheld", bodyQuashed = "body_quashed"
    }

    /// Why an appeal is dismissed (tilskot.appeal_step.ground).
    public enum Ground: String, Sendable, Equatable {
        case late, noStanding = "no_standing", withdrawn, other
    }

    public var application: LetterCase
    public var kind: Kind
    public var appealReceived: CalendarDate
    /// When the appellant sent it (fvl. § 30), when recorded.
    public var appealSent: CalendarDate?
    /// The decision appealed: its date, outcome and amount.
    public var appealedDecisionDate: CalendarDate
    public var appealedOutcome: DecisionOutcome
    public var appealedAmount: Money
    public var ground: Ground?
    /// The appeal deadline that had run out, for a late appeal.
    public var deadline: CalendarDate?
    public var reasons: String?
    public var stepDate: CalendarDate
    public var bodyReference: String?
    /// Who signs: the person who recorded the step.
    public var signedBy: LetterPerson

    public init(application: LetterCase, kind: Kind, appealReceived: CalendarDate, appealSent: CalendarDate?,
                appealedDecisionDate: CalendarDate, appealedOutcome: DecisionOutcome, appealedAmount: Money,
                ground: Ground?, deadline: CalendarDate?, reasons: String?, stepDate: CalendarDate,
                bodyReference: String?, signedBy: LetterPerson) {
        self.application = application
        self.kind = kind
        self.appealReceived = appealReceived
        self.appealSent = appealSent
        self.appealedDecisionDate = appealedDecisionDate
        self.appealedOutcome = appealedOutcome
        self.appealedAmount = appealedAmount
        self.ground = ground
        self.deadline = deadline
        self.reasons = reasons
        self.stepDate = stepDate
        self.bodyReference = bodyReference
        self.signedBy = signedBy
    }

    public func render(_ format: LetterFormat, language: LetterLanguage) -> String {
        document(language).render(format)
    }

    public func document(_ language: LetterLanguage) -> LetterDocument {
        let text = AppealStepLetterText(letter: self, language: language)
        let rights: LetterCase.Rights = switch kind {
        case .dismissal: .appeal
        case .forwarding: .forwarded
        case .bodyUpheld, .bodyQuashed: .final
        }
        return application.document(language, title: text.title, sections: text.sections, date: stepDate,
                                    signedBy: signedBy, rights: rights, appealWhat: .dismissal)
    }
}

/// The wording of the appeal-step letters in Nynorsk, Bokmål and English.
struct AppealStepLetterText {
    let letter: AppealStepLetter
    let language: LetterLanguage

    private var application: LetterCase { letter.application }
    private var scheme: String { application.schemeYear }
    private var issuer: String { application.issuer.name(language) }
    private var body: String { application.issuer.appealBody(language) }
    private func date(_ d: CalendarDate) -> String { language.longDate(d) }
    private var decided: String { date(letter.appealedDecisionDate) }
    private var reasons: String { (letter.reasons ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }

    /// What the appealed decision said.
    private var said: String {
        let kr = language.amount(letter.appealedAmount)
        switch (language, letter.appealedOutcome) {
        case (.nn, .granted): return "søknaden vart innvilga med \(kr)"
        case (.nb, .granted): return "søknaden ble innvilget med \(kr)"
        case (.nn, .partiallyGranted): return "søknaden vart delvis innvilga med \(kr)"
        case (.nb, .partiallyGranted): return "søknaden ble delvis innvilget med \(kr)"
        case (.nn, .rejected): return "søknaden vart avslått"
        case (.nb, .rejected): return "søknaden ble avslått"
        case (.nn, .dismissed): return "søknaden vart avvist"
        case (.nb, .dismissed): return "søknaden ble avvist"
        case (.en, .granted): return "the application was granted with \(kr)"
        case (.en, .partiallyGranted): return "the application was partly granted with \(kr)"
        case (.en, .rejected): return "the application was refused"
        case (.en, .dismissed): return "the application was dismissed"
        }
    }

    var title: String {
        switch (language, letter.kind) {
        case (.nn, .dismissal): return "Vedtak om avvising av klage – \(scheme)"
        case (.nb, .dismissal): return "Vedtak om avvisning av klage – \(scheme)"
        case (.en, .dismissal): return "Decision to dismiss an appeal – \(scheme)"
        case (.nn, .forwarding): return "Klaga er send til klageinstansen – \(scheme)"
        case (.nb, .forwarding): return "Klagen er sendt til klageinstansen – \(scheme)"
        case (.en, .forwarding): return "Your appeal has been sent to the appeal body – \(scheme)"
        case (.nn, .bodyUpheld): return "Klagesak: klageinstansen har stadfesta vedtaket – \(scheme)"
        case (.nb, .bodyUpheld): return "Klagesak: klageinstansen har stadfestet vedtaket – \(scheme)"
        case (.en, .bodyUpheld): return "Appeal: the appeal body has upheld the decision – \(scheme)"
        case (.nn, .bodyQuashed): return "Klagesak: klageinstansen har oppheva vedtaket – \(scheme)"
        case (.nb, .bodyQuashed): return "Klagesak: klageinstansen har opphevet vedtaket – \(scheme)"
        case (.en, .bodyQuashed): return "Appeal: the appeal body has set the decision aside – \(scheme)"
        }
    }

    var sections: [LetterDocument.Section] {
        let heading = switch (language, letter.kind) {
        case (.en, .forwarding): "Your appeal"
        case (.en, _): "Decision"
        case (_, .forwarding): language == .nn ? "Klaga" : "Klagen"
        default: "Vedtak"
        }
        var sections = [LetterDocument.Section(heading: heading, paragraphs: main)]
        if !reasons.isEmpty || letter.kind == .dismissal {
            sections.append(.init(heading: language == .en ? "Reasons" : (language == .nn ? "Grunngiving" : "Begrunnelse"),
                                  paragraphs: why + (reasons.isEmpty ? [] : [reasonsLead + reasons])))
        }
        return sections
    }

    private var reasonsLead: String {
        switch (language, letter.kind) {
        case (.nn, .bodyUpheld), (.nn, .bodyQuashed): "Klageinstansen grunngir det slik: "
        case (.nb, .bodyUpheld), (.nb, .bodyQuashed): "Klageinstansen begrunner det slik: "
        case (.en, .bodyUpheld), (.en, .bodyQuashed): "The appeal body gives these reasons: "
        case (.nn, _): "Vår vurdering: "
        case (.nb, _): "Vår vurdering: "
        case (.en, _): "Our assessment: "
        }
    }

    private var main: [String] {
        let received = date(letter.appealReceived)
        let step = date(letter.stepDate)
        let reference = letter.bodyReference
        switch language {
        case .nn:
            switch letter.kind {
            case .dismissal:
                return ["Vi har motteke klaga dykkar \(received) på vedtaket av \(decided), der \(said). Klaga er avvist og er ikkje handsama realitetsmessig (forvaltningslova § 33 andre ledd).",
                        "Vedtaket av \(decided) gjeld framleis og er ikkje endra."]
            case .forwarding:
                return ["Vi har vurdert klaga de sende, motteken \(received), på vedtaket av \(decided), der \(said). Vi har ikkje funne grunn til å endre vedtaket, og sende \(step) klaga til \(body), som er klageinstans (forvaltningslova § 33 fjerde ledd)."]
            case .bodyUpheld:
                return ["\(body.capitalisedFirst) har som klageinstans handsama klaga dykkar, motteken \(received), på vedtaket av \(decided), der \(said). Klageinstansen stadfesta vedtaket \(step). Vedtaket av \(decided) står ved lag."]
                    + (reference.map { ["Klageinstansen sin referanse: \($0)."] } ?? [])
            case .bodyQuashed:
                return ["\(body.capitalisedFirst) har som klageinstans handsama klaga dykkar, motteken \(received), på vedtaket av \(decided), der \(said). Klageinstansen oppheva vedtaket \(step) og sende saka tilbake til \(issuer) for ny handsaming (forvaltningslova § 34 fjerde ledd). Vi gjer nytt vedtak og sender dykk det."]
                    + (reference.map { ["Klageinstansen sin referanse: \($0)."] } ?? [])
            }
        case .nb:
            switch letter.kind {
            case .dismissal:
                return ["Vi har mottatt klagen deres \(received) på vedtaket av \(decided), der \(said). Klagen er avvist og er ikke realitetsbehandlet (forvaltningsloven § 33 andre ledd).",
                        "Vedtaket av \(decided) gjelder fortsatt og er ikke endret."]
            case .forwarding:
                return ["Vi har vurdert klagen dere sendte, mottatt \(received), på vedtaket av \(decided), der \(said). Vi har ikke funnet grunn til å endre vedtaket, og sendte \(step) klagen til \(body), som er klageinstans (forvaltningsloven § 33 fjerde ledd)."]
            case .bodyUpheld:
                return ["\(body.capitalisedFirst) har som klageinstans behandlet klagen deres, mottatt \(received), på vedtaket av \(decided), der \(said). Klageinstansen stadfestet vedtaket \(step). Vedtaket av \(decided) blir stående."]
                    + (reference.map { ["Klageinstansens referanse: \($0)."] } ?? [])
            case .bodyQuashed:
                return ["\(body.capitalisedFirst) har som klageinstans behandlet klagen deres, mottatt \(received), på vedtaket av \(decided), der \(said). Klageinstansen opphevet vedtaket \(step) og sendte saken tilbake til \(issuer) for ny behandling (forvaltningsloven § 34 fjerde ledd). Vi treffer nytt vedtak og sender dere det."]
                    + (reference.map { ["Klageinstansens referanse: \($0)."] } ?? [])
            }
        case .en:
            switch letter.kind {
            case .dismissal:
                return ["We received your appeal on \(received) against the decision of \(decided), in which \(said). The appeal is dismissed and has not been considered on its merits (Public Administration Act section 33, second paragraph).",
                        "The decision of \(decided) stands unchanged."]
            case .forwarding:
                return ["We have considered your appeal, received on \(received), against the decision of \(decided), in which \(said). We found no reason to change the decision, and on \(step) we sent the appeal to \(body), which is the appeal body (Public Administration Act section 33, fourth paragraph)."]
            case .bodyUpheld:
                return ["\(body.capitalisedFirst), as the appeal body, has considered your appeal, received on \(received), against the decision of \(decided), in which \(said). On \(step) the appeal body upheld the decision. The decision of \(decided) stands."]
                    + (reference.map { ["The appeal body's reference: \($0)."] } ?? [])
            case .bodyQuashed:
                return ["\(body.capitalisedFirst), as the appeal body, has considered your appeal, received on \(received), against the decision of \(decided), in which \(said). On \(step) the appeal body set the decision aside and sent the case back to \(issuer) for a new decision (Public Administration Act section 34, fourth paragraph). We will make a new decision and send it to you."]
                    + (reference.map { ["The appeal body's reference: \($0)."] } ?? [])
            }
        }
    }

    /// Why an appeal is dismissed, by its ground (fvl. §§ 28, 29–31, 33).
    private var why: [String] {
        guard letter.kind == .dismissal, let ground = letter.ground else { return [] }
        let deadline = letter.deadline.map(date)
        let sent = letter.appealSent.map(date)
        switch (language, ground) {
        case (.nn, .late):
            return ["Klaga kom for seint. Klagefristen er tre veker frå den dagen vedtaket kom fram (forvaltningslova § 29)\(deadline.map { ", og han gjekk ut \($0)" } ?? ""). Klaga vart \(sent.map { "send \($0) og " } ?? "")motteken \(date(letter.appealReceived)). Vi har vurdert om klaga likevel skal handsamast (forvaltningslova § 31), og har kome til at ho ikkje skal det."]
        case (.nb, .late):
            return ["Klagen kom for sent. Klagefristen er tre uker fra den dagen vedtaket kom frem (forvaltningsloven § 29)\(deadline.map { ", og den gikk ut \($0)" } ?? ""). Klagen ble \(sent.map { "sendt \($0) og " } ?? "")mottatt \(date(letter.appealReceived)). Vi har vurdert om klagen likevel skal behandles (forvaltningsloven § 31), og har kommet til at den ikke skal det."]
        case (.en, .late):
            return ["The appeal came too late. The deadline is three weeks from the day the decision reached you (Public Administration Act section 29)\(deadline.map { ", and it ran out on \($0)" } ?? ""). The appeal was \(sent.map { "sent on \($0) and " } ?? "")received on \(date(letter.appealReceived)). We have considered whether to deal with it nevertheless (section 31) and concluded that we should not."]
        case (.nn, .noStanding):
            return ["Berre ein part eller ein annan med rettsleg klageinteresse i saka kan klage (forvaltningslova § 28 første ledd). Etter vår vurdering har de ikkje slik klagerett i denne saka."]
        case (.nb, .noStanding):
            return ["Bare en part eller en annen med rettslig klageinteresse i saken kan klage (forvaltningsloven § 28 første ledd). Etter vår vurdering har dere ikke slik klagerett i denne saken."]
        case (.en, .noStanding):
            return ["Only a party or another with a legal interest in the case may appeal (Public Administration Act section 28, first paragraph). In our assessment you do not have that right in this case."]
        case (.nn, .withdrawn):
            return ["De har trekt klaga tilbake."]
        case (.nb, .withdrawn):
            return ["Dere har trukket klagen tilbake."]
        case (.en, .withdrawn):
            return ["You have withdrawn the appeal."]
        case (.nn, .other):
            return ["Vilkåra for å handsame klaga er ikkje oppfylte (forvaltningslova § 33 andre ledd)."]
        case (.nb, .other):
            return ["Vilkårene for å behandle klagen er ikke oppfylt (forvaltningsloven § 33 andre ledd)."]
        case (.en, .other):
            return ["The conditions for considering the appeal are not met (Public Administration Act section 33, second paragraph)."]
        }
    }
}
