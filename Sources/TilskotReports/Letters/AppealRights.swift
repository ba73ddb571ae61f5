/// The parts every individual decision's letter carries whatever it decides (fvl. § 27 third
/// paragraph and § 18): the right to appeal, the deadline, where and how, and the right to see the
/// case documents. Shared by decision letters and claw-back letters.
public enum AppealRights {
    /// The "right to appeal" section. `forwarded` is for an appeal the directorate did not uphold:
    /// it has gone on to the appeal body, which decides finally (fvl. § 33 fourth paragraph).
    public static func section(_ language: LetterLanguage, issuer: LetterIssuer, reference: String,
                               forwarded: Bool = false) -> LetterDocument.Section {
        let name = issuer.name(language)
        let body = issuer.appealBody(language)
        switch language {
        case .nn:
            if forwarded {
                return .init(heading: "Klaga er send til klageinstansen", paragraphs: [
                    "Klaga er no send til \(body), som er klageinstans og gjer endeleg vedtak i saka (forvaltningslova § 33 fjerde ledd). De får svar direkte derifrå.",
                ])
            }
            return .init(heading: "Rett til å klage", paragraphs: [
                "De kan klage på vedtaket. Klagefristen er tre veker frå den dagen dette brevet kom fram til dykk (forvaltningslova § 29).",
                "Klaga skal vere skriftleg og underteikna. Ho skal nemne kva vedtak de klagar over og kva endring de ønskjer, og ho bør grunngivast (forvaltningslova § 32). Send klaga til \(name) og oppgi vår referanse \(reference).",
                "Dersom vi ikkje gir dykk medhald, sender vi klaga til \(body), som er klageinstans (forvaltningslova §§ 28 og 33).",
            ])
        case .nb:
            if forwarded {
                return .init(heading: "Klagen er sendt til klageinstansen", paragraphs: [
                    "Klagen er nå sendt til \(body), som er klageinstans og treffer endelig vedtak i saken (forvaltningsloven § 33 fjerde ledd). Dere får svar direkte derfra.",
                ])
            }
            return .init(heading: "Rett til å klage", paragraphs: [
                "Dere kan klage på vedtaket. Klagefristen er tre uker fra den dagen dette brevet kom frem til dere (forvaltningsloven § 29).",
                "Klagen skal være skriftlig og undertegnet. Den skal nevne hvilket vedtak dere klager over og hvilken endring dere ønsker, og den bør begrunnes (forvaltningsloven § 32). Send klagen til \(name) og oppgi vår referanse \(reference).",
                "Hvis vi ikke gir dere medhold, sender vi klagen til \(body), som er klageinstans (forvaltningsloven §§ 28 og 33).",
            ])
        case .en:
            if forwarded {
                return .init(heading: "The appeal has gone to the appeal body", paragraphs: [
                    "The appeal has now been sent to \(body), which is the appeal body and makes the final decision (Public Administration Act section 33, fourth paragraph). You will hear from them directly.",
                ])
            }
            return .init(heading: "Right of appeal", paragraphs: [
                "You may appeal against this decision. The deadline is three weeks from the day this letter reached you (Public Administration Act section 29).",
                "The appeal must be in writing and signed. It must state which decision you appeal against and the change you want, and it should give reasons (Public Administration Act section 32). Send it to \(name), quoting our reference \(reference).",
                "If we do not find in your favour, we send the appeal to \(body), which is the appeal body (Public Administration Act sections 28 and 33).",
            ])
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
