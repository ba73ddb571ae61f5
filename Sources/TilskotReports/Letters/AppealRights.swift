/// The parts every individual decision's letter carries whatever it decides (fvl. § 27 third
/// paragraph and § 18): the right to appeal, the deadline, where and how, and the right to see the
/// case documents; and the caseworker to contact. Shared by every letter kind.
public enum AppealRights {
    /// What the party may appeal against.
    public enum Subject: Sendable, Equatable {
        /// A decision on the application or a claw-back.
        case decision
        /// The dismissal of an appeal: itself an individual decision (fvl. § 2 third paragraph),
        /// appealed to the appeal body.
        case dismissal
    }

    /// The "right to appeal" section: the deadline as the law counts it (§ 29: three weeks from the
    /// day the letter reached the party; § 30: in time when sent before it ran out), what the appeal
    /// must say (§ 32), where and how to send it, and who decides it (§§ 28 and 33).
    static func section(_ language: LetterLanguage, case letterCase: LetterCase, subject: Subject) -> LetterDocument.Section {
        let body = letterCase.issuer.appealBody(language)
        let how = letterCase.howToReach(language)
        let reference = letterCase.reference
        switch language {
        case .nn:
            let what = subject == .dismissal ? "avgjerda om å avvise klaga. Avvisinga er eit enkeltvedtak (forvaltningslova § 2 tredje ledd)" : "vedtaket"
            return .init(heading: "Rett til å klage", paragraphs: [
                "De kan klage på \(what). Klagefristen er tre veker frå den dagen dette brevet kom fram til dykk (forvaltningslova § 29). Klaga er send i tide dersom ho er postlagd eller send før fristen går ut (§ 30).",
                "Klaga skal vere skriftleg og underteikna. Ho skal nemne kva vedtak de klagar over og kva endring de ønskjer, og ho bør grunngivast (forvaltningslova § 32). Send klaga \(how), og oppgi vår referanse \(reference).",
                "Dersom vi ikkje gir dykk medhald, sender vi klaga til \(body), som er klageinstans (forvaltningslova §§ 28 og 33).",
            ])
        case .nb:
            let what = subject == .dismissal ? "avgjørelsen om å avvise klagen. Avvisningen er et enkeltvedtak (forvaltningsloven § 2 tredje ledd)" : "vedtaket"
            return .init(heading: "Rett til å klage", paragraphs: [
                "Dere kan klage på \(what). Klagefristen er tre uker fra den dagen dette brevet kom frem til dere (forvaltningsloven § 29). Klagen er sendt i tide hvis den er postlagt eller sendt før fristen går ut (§ 30).",
                "Klagen skal være skriftlig og undertegnet. Den skal nevne hvilket vedtak dere klager over og hvilken endring dere ønsker, og den bør begrunnes (forvaltningsloven § 32). Send klagen \(how), og oppgi vår referanse \(reference).",
                "Hvis vi ikke gir dere medhold, sender vi klagen til \(body), som er klageinstans (forvaltningsloven §§ 28 og 33).",
            ])
        case .en:
            let what = subject == .dismissal ? "the decision to dismiss your appeal, which is itself an individual decision (Public Administration Act section 2, third paragraph)" : "this decision"
            return .init(heading: "Right of appeal", paragraphs: [
                "You may appeal against \(what). The deadline is three weeks from the day this letter reached you (Public Administration Act section 29). An appeal is in time if it was posted or sent before the deadline ran out (section 30).",
                "The appeal must be in writing and signed. It must state which decision you appeal against and the change you want, and it should give reasons (Public Administration Act section 32). Send it \(how), quoting our reference \(reference).",
                "If we do not find in your favour, we send the appeal to \(body), which is the appeal body (Public Administration Act sections 28 and 33).",
            ])
        }
    }

    /// The appeal has gone on to the appeal body, which decides finally (fvl. § 33 fourth paragraph).
    static func forwardedSection(_ language: LetterLanguage, case letterCase: LetterCase) -> LetterDocument.Section {
        let body = letterCase.issuer.appealBody(language)
        switch language {
        case .nn:
            return .init(heading: "Klaga er send til klageinstansen", paragraphs: [
                "Klaga er no send til \(body), som er klageinstans og gjer endeleg vedtak i saka (forvaltningslova § 33 fjerde ledd). De får svar direkte derifrå. Vedtaket gjeld medan klaga blir handsama, om ikkje de får utsett iverksetjinga (forvaltningslova § 42).",
            ])
        case .nb:
            return .init(heading: "Klagen er sendt til klageinstansen", paragraphs: [
                "Klagen er nå sendt til \(body), som er klageinstans og treffer endelig vedtak i saken (forvaltningsloven § 33 fjerde ledd). Dere får svar direkte derfra. Vedtaket gjelder mens klagen behandles, med mindre dere får utsatt iverksettelsen (forvaltningsloven § 42).",
            ])
        case .en:
            return .init(heading: "The appeal has gone to the appeal body", paragraphs: [
                "The appeal has now been sent to \(body), which is the appeal body and makes the final decision (Public Administration Act section 33, fourth paragraph). You will hear from them directly. The decision stands while the appeal is considered unless its effect is deferred (section 42).",
            ])
        }
    }

    /// A decision of the appeal body cannot be appealed further (fvl. § 28 third paragraph).
    static func finalSection(_ language: LetterLanguage) -> LetterDocument.Section {
        switch language {
        case .nn:
            return .init(heading: "Vedtaket er endeleg", paragraphs: [
                "Vedtaket er gjort av klageinstansen og kan ikkje klagast på (forvaltningslova § 28 tredje ledd).",
            ])
        case .nb:
            return .init(heading: "Vedtaket er endelig", paragraphs: [
                "Vedtaket er truffet av klageinstansen og kan ikke påklages (forvaltningsloven § 28 tredje ledd).",
            ])
        case .en:
            return .init(heading: "The decision is final", paragraphs: [
                "The decision is made by the appeal body and cannot be appealed (Public Administration Act section 28, third paragraph).",
            ])
        }
    }

    /// Whom to ask about the case: the caseworker with e-mail and telephone, else the issuer.
    static func contactSection(_ language: LetterLanguage, case letterCase: LetterCase) -> LetterDocument.Section {
        let issuer = letterCase.issuer
        let heading = language == .en ? "Contact" : "Kontakt"
        if let person = letterCase.contact {
            var means: [String] = []
            if let email = person.email ?? issuer.email { means.append((language == .en ? "e-mail " : "e-post ") + email) }
            if let phone = person.phone ?? issuer.phone { means.append((language == .en ? "telephone " : "telefon ") + phone) }
            let reach = means.isEmpty ? "" : ", " + means.joined(separator: ", ")
            switch language {
            case .nn: return .init(heading: heading, paragraphs: ["Har de spørsmål om saka, kan de kontakte sakshandsamaren \(person.name)\(reach). Oppgi vår referanse \(letterCase.reference)."])
            case .nb: return .init(heading: heading, paragraphs: ["Har dere spørsmål om saken, kan dere kontakte saksbehandleren \(person.name)\(reach). Oppgi vår referanse \(letterCase.reference)."])
            case .en: return .init(heading: heading, paragraphs: ["If you have questions about the case, please contact the case officer \(person.name)\(reach), quoting our reference \(letterCase.reference)."])
            }
        }
        let reach = [issuer.email.map { (language == .en ? "e-mail " : "e-post ") + $0 },
                     issuer.phone.map { (language == .en ? "telephone " : "telefon ") + $0 }].compactMap { $0 }.joined(separator: ", ")
        switch language {
        case .nn: return .init(heading: heading, paragraphs: ["Har de spørsmål om saka, kan de kontakte oss på \(reach.isEmpty ? issuer.name(language) : reach). Oppgi vår referanse \(letterCase.reference)."])
        case .nb: return .init(heading: heading, paragraphs: ["Har dere spørsmål om saken, kan dere kontakte oss på \(reach.isEmpty ? issuer.name(language) : reach). Oppgi vår referanse \(letterCase.reference)."])
        case .en: return .init(heading: heading, paragraphs: ["If you have questions about the case, please contact us (\(reach.isEmpty ? issuer.name(language) : reach)), quoting our reference \(letterCase.reference)."])
        }
    }

    /// The right to see the case documents (fvl. §§ 18 and 19).
    public static func accessSection(_ language: LetterLanguage) -> LetterDocument.Section {
        switch language {
        case .nn:
            return .init(heading: "Rett til innsyn", paragraphs: [
                "De har rett til å sjå dokumenta i saka, med dei unntaka som følgjer av forvaltningslova §§ 18 og 19.",
            ])
        case .nb:
            return .init(heading: "Rett til innsyn", paragraphs: [
                "Dere har rett til å se dokumentene i saken, med de unntakene som følger av forvaltningsloven §§ 18 og 19.",
            ])
        case .en:
            return .init(heading: "Access to the case documents", paragraphs: [
                "You have the right to see the documents of the case, with the exceptions in sections 18 and 19 of the Public Administration Act.",
            ])
        }
    }

    /// The closing words and the note that the letter is approved without a handwritten signature.
    public static func closing(_ language: LetterLanguage) -> (closing: String, note: String) {
        switch language {
        case .nn: return ("Med helsing", "Brevet er godkjent elektronisk og har difor ingen signatur.")
        case .nb: return ("Med hilsen", "Brevet er godkjent elektronisk og har derfor ingen signatur.")
        case .en: return ("Yours sincerely", "This letter is approved electronically and therefore has no signature.")
        }
    }
}
