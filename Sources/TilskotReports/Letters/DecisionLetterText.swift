import Foundation
import TilskotCore

/// The wording of a decision letter in Nynorsk, Bokmål and English. Kept apart from the letter's
/// structure so a legal reviewer reads all the text of one language in one place.
struct DecisionLetterText {
    let letter: DecisionLetter
    let language: LetterLanguage

    private var application: LetterCase { letter.application }
    private var scheme: String { application.schemeYear }
    private var org: String { application.organisationName }
    private var issuer: String { application.issuer.name(language) }
    private var amount: String { language.amount(letter.amount) }
    private var applied: String { language.amount(letter.amountApplied) }
    private func date(_ d: CalendarDate) -> String { language.longDate(d) }
    private var quotedTitle: String { application.quotedTitle(language) }

    var title: String {
        let base: String
        switch (language, letter.outcome) {
        case (.nn, .granted), (.nn, .partiallyGranted): base = "Vedtak om tilskot frå \(scheme)"
        case (.nn, .rejected): base = "Vedtak om avslag på søknad om tilskot frå \(scheme)"
        case (.nn, .dismissed): base = "Vedtak om avvising av søknad om tilskot frå \(scheme)"
        case (.nb, .granted), (.nb, .partiallyGranted): base = "Vedtak om tilskudd fra \(scheme)"
        case (.nb, .rejected): base = "Vedtak om avslag på søknad om tilskudd fra \(scheme)"
        case (.nb, .dismissed): base = "Vedtak om avvisning av søknad om tilskudd fra \(scheme)"
        case (.en, .granted), (.en, .partiallyGranted): base = "Decision on a grant from \(scheme)"
        case (.en, .rejected): base = "Decision to refuse an application for a grant from \(scheme)"
        case (.en, .dismissed): base = "Decision to dismiss an application for a grant from \(scheme)"
        }
        guard letter.appeal != nil else { return base }
        switch language {
        case .nn, .nb: return "Klagesak: " + base
        case .en: return "Appeal: " + base
        }
    }

    // MARK: - The decision

    var decisionSection: LetterDocument.Section {
        var paragraphs: [String] = []
        switch language {
        case .nn:
            var p = "\(issuer.capitalisedFirst) har handsama søknaden frå \(org) om tilskot til \(quotedTitle), motteken \(date(letter.received)). "
            switch letter.outcome {
            case .granted: p += "Søknaden er innvilga. \(org) får eit tilskot på \(amount)."
            case .partiallyGranted: p += "Søknaden er delvis innvilga. \(org) får eit tilskot på \(amount). Det vart søkt om \(applied)."
            case .rejected: p += "Søknaden er avslått."
            case .dismissed: p += "Søknaden er avvist og er ikkje realitetshandsama."
            }
            paragraphs.append(p)
            if let appeal = letter.appeal {
                paragraphs.append(appeal.upheld
                    ? "Vi har vurdert klaga de sende, motteken \(date(appeal.received)), og held fast på vedtaket av \(date(appeal.appealedDecisionDate))."
                    : "Vedtaket er gjort etter klaga de sende, motteken \(date(appeal.received)), og kjem i staden for vedtaket av \(date(appeal.appealedDecisionDate)).")
            }
        case .nb:
            var p = "\(issuer.capitalisedFirst) har behandlet søknaden fra \(org) om tilskudd til \(quotedTitle), mottatt \(date(letter.received)). "
            switch letter.outcome {
            case .granted: p += "Søknaden er innvilget. \(org) får et tilskudd på \(amount)."
            case .partiallyGranted: p += "Søknaden er delvis innvilget. \(org) får et tilskudd på \(amount). Det ble søkt om \(applied)."
            case .rejected: p += "Søknaden er avslått."
            case .dismissed: p += "Søknaden er avvist og er ikke realitetsbehandlet."
            }
            paragraphs.append(p)
            if let appeal = letter.appeal {
                paragraphs.append(appeal.upheld
                    ? "Vi har vurdert klagen dere sendte, mottatt \(date(appeal.received)), og opprettholder vedtaket av \(date(appeal.appealedDecisionDate))."
                    : "Vedtaket er truffet etter klagen dere sendte, mottatt \(date(appeal.received)), og erstatter vedtaket av \(date(appeal.appealedDecisionDate)).")
            }
        case .en:
            var p = "\(issuer.capitalisedFirst) has considered the application from \(org) for a grant for \(quotedTitle), received on \(date(letter.received)). "
            switch letter.outcome {
            case .granted: p += "The application is granted. \(org) is awarded a grant of \(amount)."
            case .partiallyGranted: p += "The application is partly granted. \(org) is awarded a grant of \(amount); the amount applied for was \(applied)."
            case .rejected: p += "The application is refused."
            case .dismissed: p += "The application is dismissed and has not been considered on its merits."
            }
            paragraphs.append(p)
            if let appeal = letter.appeal {
                paragraphs.append(appeal.upheld
                    ? "We have considered your appeal, received on \(date(appeal.received)), and uphold the decision of \(date(appeal.appealedDecisionDate))."
                    : "This decision follows your appeal, received on \(date(appeal.received)), and replaces the decision of \(date(appeal.appealedDecisionDate)).")
            }
        }
        let heading = language == .en ? "Decision" : "Vedtak"
        return .init(heading: heading, paragraphs: paragraphs)
    }

    // MARK: - Reasons (fvl. §§ 24–25)

    var reasonsSection: LetterDocument.Section {
        let reasons = (letter.reasons ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        switch language {
        case .nn:
            var paragraphs = [
                "Vedtaket er gjort etter regelverket for tilskotsordninga \(application.schemeName) og reglane om tilskot i Reglement for økonomistyring i staten og Bestemmelser om økonomistyring i staten, kapittel 6.",
                "Vi har lagt til grunn opplysningane i søknaden: \(org) søkte om \(applied) til \(quotedTitle).",
            ]
            paragraphs.append(reasons.isEmpty
                ? "Søknaden er innvilga fullt ut, og vedtaket er difor ikkje grunngitt nærare (forvaltningslova § 24 andre ledd)."
                : "Hovudomsyna i vurderinga: \(reasons)")
            return .init(heading: "Grunngiving", paragraphs: paragraphs)
        case .nb:
            var paragraphs = [
                "Vedtaket er truffet etter regelverket for tilskuddsordningen \(application.schemeName) og reglene om tilskudd i Reglement for økonomistyring i staten og Bestemmelser om økonomistyring i staten, kapittel 6.",
                "Vi har lagt til grunn opplysningene i søknaden: \(org) søkte om \(applied) til \(quotedTitle).",
            ]
            paragraphs.append(reasons.isEmpty
                ? "Søknaden er innvilget i sin helhet, og vedtaket er derfor ikke begrunnet nærmere (forvaltningsloven § 24 andre ledd)."
                : "Hovedhensynene i vurderingen: \(reasons)")
            return .init(heading: "Begrunnelse", paragraphs: paragraphs)
        case .en:
            var paragraphs = [
                "The decision is made under the rules of the grant scheme \(application.schemeName) and the rules on grants in the Regulations and Provisions on Financial Management in Central Government, chapter 6.",
                "We have relied on the information in the application: \(org) applied for \(applied) for \(quotedTitle).",
            ]
            paragraphs.append(reasons.isEmpty
                ? "The application is granted in full, so no further reasons are given (Public Administration Act section 24, second paragraph)."
                : "The main considerations: \(reasons)")
            return .init(heading: "Reasons", paragraphs: paragraphs)
        }
    }

    // MARK: - Conditions

    var conditionsSection: LetterDocument.Section {
        let items = letter.conditionItems
        switch language {
        case .nn:
            return .init(heading: "Vilkår", paragraphs: [
                "Tilskotet skal nyttast til det formålet det er gitt til. Tilskot som ikkje er brukt etter føresetnadene, kan krevjast betalt tilbake.",
            ] + (items.isEmpty ? [] : ["Tilskotet er i tillegg gitt på desse vilkåra:"]), items: items)
        case .nb:
            return .init(heading: "Vilkår", paragraphs: [
                "Tilskuddet skal brukes til det formålet det er gitt til. Tilskudd som ikke er brukt etter forutsetningene, kan kreves tilbakebetalt.",
            ] + (items.isEmpty ? [] : ["Tilskuddet er i tillegg gitt på disse vilkårene:"]), items: items)
        case .en:
            return .init(heading: "Conditions", paragraphs: [
                "The grant must be used for the purpose for which it is given. Funds not used as intended may be claimed back.",
            ] + (items.isEmpty ? [] : ["The grant is also given on these conditions:"]), items: items)
        }
    }
}
