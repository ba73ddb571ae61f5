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
    private var body: String { application.issuer.appealBody(language) }
    private var amount: String { language.amount(letter.amount) }
    private var applied: String { language.amount(letter.amountApplied) }
    private func kr(_ m: Money) -> String { language.amount(m) }
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
        guard letter.appeal != nil || letter.byAppealBody else { return base }
        switch language {
        case .nn, .nb: return "Klagesak: " + base
        case .en: return "Appeal: " + base
        }
    }

    /// "innvilga med 3 400 000 kr", "avslått": what a decision said, for the sentence naming the
    /// decision a new one replaces.
    private func said(_ outcome: DecisionOutcome, _ money: Money) -> String {
        switch (language, outcome) {
        case (.nn, .granted): "søknaden vart innvilga med \(kr(money))"
        case (.nn, .partiallyGranted): "søknaden vart delvis innvilga med \(kr(money))"
        case (.nn, .rejected): "søknaden vart avslått"
        case (.nn, .dismissed): "søknaden vart avvist"
        case (.nb, .granted): "søknaden ble innvilget med \(kr(money))"
        case (.nb, .partiallyGranted): "søknaden ble delvis innvilget med \(kr(money))"
        case (.nb, .rejected): "søknaden ble avslått"
        case (.nb, .dismissed): "søknaden ble avvist"
        case (.en, .granted): "the application was granted with \(kr(money))"
        case (.en, .partiallyGranted): "the application was partly granted with \(kr(money))"
        case (.en, .rejected): "the application was refused"
        case (.en, .dismissed): "the application was dismissed"
        }
    }

    // MARK: - The decision

    var decisionSection: LetterDocument.Section {
        var paragraphs: [String] = []
        let decider = letter.byAppealBody ? body : issuer
        switch language {
        case .nn:
            var p = letter.byAppealBody
                ? "\(decider.capitalisedFirst) har som klageinstans handsama klaga frå \(org) i saka om tilskot til \(quotedTitle). "
                : "\(decider.capitalisedFirst) har handsama søknaden frå \(org) om tilskot til \(quotedTitle), motteken \(date(letter.received)). "
            switch letter.outcome {
            case .granted: p += "Søknaden er innvilga. \(org) får eit tilskot på \(amount)."
            case .partiallyGranted: p += "Søknaden er delvis innvilga. \(org) får eit tilskot på \(amount). Det vart søkt om \(applied)."
            case .rejected: p += "Søknaden er avslått."
            case .dismissed: p += "Søknaden er avvist og er ikkje realitetshandsama."
            }
            paragraphs.append(p)
            if let appeal = letter.appeal {
                var q = appeal.upheld
                    ? "Vi har vurdert klaga de sende, motteken \(date(appeal.received)), og held fast på vedtaket av \(date(appeal.appealedDecisionDate))."
                    : "Vedtaket er gjort etter klaga de sende, motteken \(date(appeal.received)), og kjem i staden for vedtaket av \(date(appeal.appealedDecisionDate))"
                if !appeal.upheld {
                    if let before = appeal.previousOutcome, let old = appeal.previousAmount {
                        q += ", der \(said(before, old)). "
                        q += old == letter.amount ? "Tilskotet er framleis \(amount)." : "Tilskotet er endra frå \(kr(old)) til \(amount)."
                    } else {
                        q += "."
                    }
                    q += " Vilkåra i det førre vedtaket gjeld framleis så langt dette vedtaket ikkje endrar dei."
                }
                paragraphs.append(q)
            }
            if let reference = letter.bodyReference { paragraphs.append("Klageinstansen sin referanse: \(reference).") }
        case .nb:
            var p = letter.byAppealBody
                ? "\(decider.capitalisedFirst) har som klageinstans behandlet klagen fra \(org) i saken om tilskudd til \(quotedTitle). "
                : "\(decider.capitalisedFirst) har behandlet søknaden fra \(org) om tilskudd til \(quotedTitle), mottatt \(date(letter.received)). "
            switch letter.outcome {
            case .granted: p += "Søknaden er innvilget. \(org) får et tilskudd på \(amount)."
            case .partiallyGranted: p += "Søknaden er delvis innvilget. \(org) får et tilskudd på \(amount). Det ble søkt om \(applied)."
            case .rejected: p += "Søknaden er avslått."
            case .dismissed: p += "Søknaden er avvist og er ikke realitetsbehandlet."
            }
            paragraphs.append(p)
            if let appeal = letter.appeal {
                var q = appeal.upheld
                    ? "Vi har vurdert klagen dere sendte, mottatt \(date(appeal.received)), og opprettholder vedtaket av \(date(appeal.appealedDecisionDate))."
                    : "Vedtaket er truffet etter klagen dere sendte, mottatt \(date(appeal.received)), og erstatter vedtaket av \(date(appeal.appealedDecisionDate))"
                if !appeal.upheld {
                    if let before = appeal.previousOutcome, let old = appeal.previousAmount {
                        q += ", der \(said(before, old)). "
                        q += old == letter.amount ? "Tilskuddet er fortsatt \(amount)." : "Tilskuddet er endret fra \(kr(old)) til \(amount)."
                    } else {
                        q += "."
                    }
                    q += " Vilkårene i det forrige vedtaket gjelder fortsatt så langt dette vedtaket ikke endrer dem."
                }
                paragraphs.append(q)
            }
            if let reference = letter.bodyReference { paragraphs.append("Klageinstansens referanse: \(reference).") }
        case .en:
            var p = letter.byAppealBody
                ? "\(decider.capitalisedFirst), as the appeal body, has considered the appeal from \(org) in the case of a grant for \(quotedTitle). "
                : "\(decider.capitalisedFirst) has considered the application from \(org) for a grant for \(quotedTitle), received on \(date(letter.received)). "
            switch letter.outcome {
            case .granted: p += "The application is granted. \(org) is awarded a grant of \(amount)."
            case .partiallyGranted: p += "The application is partly granted. \(org) is awarded a grant of \(amount); the amount applied for was \(applied)."
            case .rejected: p += "The application is refused."
            case .dismissed: p += "The application is dismissed and has not been considered on its merits."
            }
            paragraphs.append(p)
            if let appeal = letter.appeal {
                var q = appeal.upheld
                    ? "We have considered your appeal, received on \(date(appeal.received)), and uphold the decision of \(date(appeal.appealedDecisionDate))."
                    : "This decision follows your appeal, received on \(date(appeal.received)), and replaces the decision of \(date(appeal.appealedDecisionDate))"
                if !appeal.upheld {
                    if let before = appeal.previousOutcome, let old = appeal.previousAmount {
                        q += ", in which \(said(before, old)). "
                        q += old == letter.amount ? "The grant remains \(amount)." : "The grant is changed from \(kr(old)) to \(amount)."
                    } else {
                        q += "."
                    }
                    q += " The conditions of the earlier decision still apply unless this decision changes them."
                }
                paragraphs.append(q)
            }
            if let reference = letter.bodyReference { paragraphs.append("The appeal body's reference: \(reference).") }
        }
        let heading = language == .en ? "Decision" : "Vedtak"
        return .init(heading: heading, paragraphs: paragraphs)
    }

    // MARK: - Reasons (fvl. §§ 24–25)

    var reasonsSection: LetterDocument.Section {
        let reasons = (letter.reasons ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var paragraphs = [application.rulesSentence(language)]
        // A dismissal is not a decision on the merits: no amounts, no "main considerations of the
        // assessment", only why the application could not be considered.
        if letter.outcome == .dismissed {
            switch language {
            case .nn: paragraphs.append("Søknaden er avvist av denne grunnen: \(reasons)")
            case .nb: paragraphs.append("Søknaden er avvist av denne grunnen: \(reasons)")
            case .en: paragraphs.append("The application is dismissed for this reason: \(reasons)")
            }
            return .init(heading: language == .en ? "Reasons" : (language == .nn ? "Grunngiving" : "Begrunnelse"), paragraphs: paragraphs)
        }
        switch language {
        case .nn:
            paragraphs.append("Vi har lagt til grunn opplysningane i søknaden: \(org) søkte om \(applied) til \(quotedTitle).")
            paragraphs.append(reasons.isEmpty
                ? "Søknaden er innvilga fullt ut, og vedtaket er difor ikkje grunngitt nærare (forvaltningslova § 24 andre ledd)."
                : "Hovudomsyna i vurderinga: \(reasons)")
            return .init(heading: "Grunngiving", paragraphs: paragraphs)
        case .nb:
            paragraphs.append("Vi har lagt til grunn opplysningene i søknaden: \(org) søkte om \(applied) til \(quotedTitle).")
            paragraphs.append(reasons.isEmpty
                ? "Søknaden er innvilget i sin helhet, og vedtaket er derfor ikke begrunnet nærmere (forvaltningsloven § 24 andre ledd)."
                : "Hovedhensynene i vurderingen: \(reasons)")
            return .init(heading: "Begrunnelse", paragraphs: paragraphs)
        case .en:
            paragraphs.append("We have relied on the information in the application: \(org) applied for \(applied) for \(quotedTitle).")
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
                "Tilskotet på \(amount) skal nyttast til det formålet det er gitt til. Tilskot som ikkje er brukt etter føresetnadene, kan krevjast betalt tilbake.",
            ] + (items.isEmpty ? [] : ["Tilskotet er i tillegg gitt på desse vilkåra:"]), items: items)
        case .nb:
            return .init(heading: "Vilkår", paragraphs: [
                "Tilskuddet på \(amount) skal brukes til det formålet det er gitt til. Tilskudd som ikke er brukt etter forutsetningene, kan kreves tilbakebetalt.",
            ] + (items.isEmpty ? [] : ["Tilskuddet er i tillegg gitt på disse vilkårene:"]), items: items)
        case .en:
            return .init(heading: "Conditions", paragraphs: [
                "The grant of \(amount) must be used for the purpose for which it is given. Funds not used as intended may be claimed back.",
            ] + (items.isEmpty ? [] : ["The grant is also given on these conditions:"]), items: items)
        }
    }

    // MARK: - Reporting, payment, control

    var reportingSection: LetterDocument.Section {
        guard let duty = letter.reportDuty else {
            switch language {
            case .nn: return .init(heading: "Rapportering", paragraphs: ["De skal rapportere om korleis tilskotet er brukt og kva som er oppnådd, etter krava i regelverket for ordninga. Vi sender dykk fristen for rapporten."])
            case .nb: return .init(heading: "Rapportering", paragraphs: ["Dere skal rapportere om hvordan tilskuddet er brukt og hva som er oppnådd, etter kravene i regelverket for ordningen. Vi sender dere fristen for rapporten."])
            case .en: return .init(heading: "Reporting", paragraphs: ["You must report on how the grant was used and what it achieved, as the scheme's rules require. We will send you the deadline for the report."])
            }
        }
        switch language {
        case .nn:
            return .init(heading: "Rapportering", paragraphs: [
                "De skal sende ein rapport om korleis tilskotet er brukt og kva som er oppnådd, innan \(date(duty.dueDate)). Prosjektperioden sluttar \(date(duty.projectEnd))."
                + (duty.accountRequired ? " Rapporten skal ha eit rekneskap stadfesta av revisor." : " Rapporten skal ha eit rekneskap for tilskotet."),
            ])
        case .nb:
            return .init(heading: "Rapportering", paragraphs: [
                "Dere skal sende en rapport om hvordan tilskuddet er brukt og hva som er oppnådd, innen \(date(duty.dueDate)). Prosjektperioden slutter \(date(duty.projectEnd))."
                + (duty.accountRequired ? " Rapporten skal ha et regnskap attestert av revisor." : " Rapporten skal ha et regnskap for tilskuddet."),
            ])
        case .en:
            return .init(heading: "Reporting", paragraphs: [
                "You must send a report on how the grant was used and what it achieved by \(date(duty.dueDate)). The project period ends on \(date(duty.projectEnd))."
                + (duty.accountRequired ? " The report must include an account certified by an auditor." : " The report must include an account of the grant."),
            ])
        }
    }

    var paymentSection: LetterDocument.Section {
        let items = letter.instalments.map { i in
            switch language {
            case .nn: "\(i.number). utbetaling: \(kr(i.amount)), om lag \(date(i.dueDate))"
            case .nb: "\(i.number). utbetaling: \(kr(i.amount)), omkring \(date(i.dueDate))"
            case .en: "Instalment \(i.number): \(kr(i.amount)), around \(date(i.dueDate))"
            }
        }
        let account = letter.paymentAccount.map(LetterLanguage.accountNumber)
        switch language {
        case .nn:
            var p = items.isEmpty ? ["Vi sender dykk utbetalingsplanen når han er klar."] : ["Tilskotet blir utbetalt slik:"]
            p.append(account.map { "Tilskotet blir betalt til konto \($0). Gi oss beskjed straks dersom kontonummeret er feil." }
                     ?? "Tilskotet blir betalt til kontonummeret de har gitt oss.")
            return .init(heading: "Utbetaling", paragraphs: p, items: items)
        case .nb:
            var p = items.isEmpty ? ["Vi sender dere utbetalingsplanen når den er klar."] : ["Tilskuddet blir utbetalt slik:"]
            p.append(account.map { "Tilskuddet blir betalt til konto \($0). Gi oss beskjed straks hvis kontonummeret er feil." }
                     ?? "Tilskuddet blir betalt til kontonummeret dere har gitt oss.")
            return .init(heading: "Utbetaling", paragraphs: p, items: items)
        case .en:
            var p = items.isEmpty ? ["We will send you the payment plan when it is ready."] : ["The grant is paid as follows:"]
            p.append(account.map { "The grant is paid to account \($0). Tell us at once if the account number is wrong." }
                     ?? "The grant is paid to the account number you have given us.")
            return .init(heading: "Payment", paragraphs: p, items: items)
        }
    }

    /// Bevilgningsreglementet § 10 second paragraph: the grant-giver and Riksrevisjonen may check
    /// that the grant is used as intended.
    var controlSection: LetterDocument.Section {
        switch language {
        case .nn:
            return .init(heading: "Kontroll", paragraphs: [
                "\(issuer.capitalisedFirst) og Riksrevisjonen kan kontrollere at tilskotet blir brukt etter føresetnadene (løyvingsreglementet § 10 andre ledd).",
            ])
        case .nb:
            return .init(heading: "Kontroll", paragraphs: [
                "\(issuer.capitalisedFirst) og Riksrevisjonen kan kontrollere at tilskuddet blir brukt etter forutsetningene (bevilgningsreglementet § 10 andre ledd).",
            ])
        case .en:
            return .init(heading: "Control", paragraphs: [
                "\(issuer.capitalisedFirst) and the Office of the Auditor General (Riksrevisjonen) may check that the grant is used as intended (Appropriation Regulations, section 10, second paragraph).",
            ])
        }
    }
}
