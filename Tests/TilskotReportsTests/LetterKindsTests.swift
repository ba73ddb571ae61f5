import Testing
import TilskotCore
import TilskotReports

/// Every letter kind besides the decision letter, rendered from plain structs in nn, nb and en:
/// the claw-back decision (account, KID, due date, interest), the advance notice (fvl. § 16), the
/// dismissal of an appeal (with its own right of appeal), the forwarding to the appeal body, and
/// the appeal body's decisions (final).
@Suite("letter kinds: claw-back, advance notice, appeal steps (fvl. §§ 16, 28–34)")
struct LetterKindsTests {
    func clawBack(kid: String? = "0000000120007") throws -> ClawBackLetter {
        ClawBackLetter(application: try LetterSamples.letterCase(), grantDecisionDate: try CalendarDate("2021-04-01"),
                       granted: Money(kroner: 3_400_000), paid: Money(kroner: 1_700_000), amount: Money(kroner: 100_000),
                       originalAmount: Money(kroner: 100_000), reasons: "Rapporten viser at 100 000 kr ikkje er brukt.",
                       decisionDate: try CalendarDate("2022-05-02"), dueDate: try CalendarDate("2022-06-01"),
                       decidedBy: LetterSamples.signer, appeal: nil, kid: kid)
    }

    @Test("a claw-back decision gives the account, the KID, the due date and the late-payment interest, in every language")
    func clawBackLetter() throws {
        let nn = try clawBack().render(.markdown, language: .nn)
        #expect(nn.contains("Beløpet på 100 000 kr skal vere betalt innan 1. juni 2022 til konto 7694 05 00008. Bruk KID 0000000120007 når de betaler."))
        #expect(nn.contains("forseinkingsrente frå forfallsdagen etter forseinkingsrentelova § 2"))
        #expect(nn.contains("etter § 3 (Noregs Banks styringsrente med tillegg av åtte prosentpoeng)"))
        #expect(nn.contains("Vedtaket er gjort etter Regelverk for tilskot til Jobbsjansen (fastsett 16. desember 2019"))
        #expect(nn.contains("Mona Leder  \navdelingsdirektør"))
        #expect(nn.contains("## Rett til å klage"))
        let nb = try clawBack().render(.markdown, language: .nb)
        #expect(nb.contains("til konto 7694 05 00008. Bruk KID 0000000120007 når dere betaler."))
        #expect(nb.contains("forsinkelsesrenteloven § 2"))
        let en = try clawBack().render(.markdown, language: .en)
        #expect(en.contains("must be paid by 1 June 2022 to account 7694 05 00008. Use KID 0000000120007 when you pay."))
        #expect(en.contains("section 2 of the Late Payment Interest Act"))
        let noKID = try clawBack(kid: nil).render(.markdown, language: .nn)
        #expect(noKID.contains("Merk innbetalinga med vår referanse JS-2021-0007."))
    }

    func notice(_ purpose: AdvanceNoticeLetter.Purpose) throws -> AdvanceNoticeLetter {
        AdvanceNoticeLetter(application: try LetterSamples.letterCase(), purpose: purpose,
                            proposal: purpose == .clawback ? "krav om tilbakebetaling av tilskot som ikkje er brukt <etter planen>"
                                                           : "å setje ned tilskotet etter klaga",
                            amount: Money(kroner: purpose == .clawback ? 100_000 : 2_000_000),
                            currentGrant: Money(kroner: 3_400_000), sentOn: try CalendarDate("2022-04-01"),
                            answerBy: try CalendarDate("2022-04-22"), signedBy: LetterSamples.signer)
    }

    @Test("an advance notice says what is proposed, the amount, the deadline and how to answer, and that it is no decision")
    func advanceNotice() throws {
        let nn = try notice(.clawback).render(.markdown, language: .nn)
        #expect(nn.contains("# Førehandsvarsel om krav om tilbakebetaling av tilskot frå Jobbsjansen 2021"))
        #expect(nn.contains("(forvaltningslova § 16)"))
        #expect(nn.contains("Beløpet vi vurderer å krevje betalt tilbake, er 100 000 kr."))
        #expect(nn.contains("Fristen for å svare er 22. april 2022."))
        #expect(nn.contains("per post til Integrerings- og mangfaldsdirektoratet (IMDi), Postboks 8059 Dep, 0031 Oslo"))
        #expect(nn.contains("ikkje eit vedtak og kan ikkje klagast på"))
        #expect(!nn.contains("## Rett til å klage"))
        #expect(nn.contains("**Dato:** 1. april 2022"))
        let change = try notice(.change).render(.markdown, language: .nb)
        #expect(change.contains("# Forhåndsvarsel om endring av vedtak om tilskudd fra Jobbsjansen 2021"))
        #expect(change.contains("Tilskuddet kan bli endret fra 3 400 000 kr til 2 000 000 kr."))
        #expect(change.contains("forvaltningsloven § 34 tredje ledd og § 35"))
        let en = try notice(.change).render(.markdown, language: .en)
        #expect(en.contains("The deadline to answer is 22 April 2022."))
        #expect(en.contains("This letter is not a decision and cannot be appealed."))
        let html = try notice(.clawback).render(.html, language: .nn)
        #expect(html.contains("&lt;etter planen&gt;"))
        #expect(!html.contains("<etter planen>"))
    }

    func step(_ kind: AppealStepLetter.Kind, ground: AppealStepLetter.Ground? = nil, year: Int = 2021) throws -> AppealStepLetter {
        AppealStepLetter(application: try LetterSamples.letterCase(year: year), kind: kind,
                         appealReceived: try CalendarDate("\(year)-05-10"), appealSent: try CalendarDate("\(year)-05-07"),
                         appealedDecisionDate: try CalendarDate("\(year)-04-01"), appealedOutcome: .partiallyGranted,
                         appealedAmount: Money(kroner: 1_000_000), ground: ground,
                         deadline: ground == .late ? try CalendarDate("\(year)-04-26") : nil,
                         reasons: kind == .forwarding ? nil : "Ingen særlege grunnar til å handsame klaga.",
                         stepDate: try CalendarDate("\(year)-05-20"), bodyReference: kind == .dismissal || kind == .forwarding ? nil : "22/77",
                         signedBy: LetterSamples.signer)
    }

    @Test("dismissing a late appeal keeps the decision, gives the ground and the deadline, and its own right of appeal")
    func dismissal() throws {
        let nn = try step(.dismissal, ground: .late).render(.markdown, language: .nn)
        #expect(nn.contains("# Vedtak om avvising av klage – Jobbsjansen 2021"))
        #expect(nn.contains("der søknaden vart delvis innvilga med 1 000 000 kr. Klaga er avvist"))
        #expect(nn.contains("Vedtaket av 1. april 2021 gjeld framleis og er ikkje endra."))
        #expect(nn.contains("og han gjekk ut 26. april 2021. Klaga vart send 7. mai 2021 og motteken 10. mai 2021."))
        #expect(nn.contains("(forvaltningslova § 31)"))
        #expect(nn.contains("De kan klage på avgjerda om å avvise klaga. Avvisinga er eit enkeltvedtak (forvaltningslova § 2 tredje ledd)."))
        #expect(nn.contains("sender vi klaga til Kunnskapsdepartementet"))
        let nb = try step(.dismissal, ground: .noStanding).render(.markdown, language: .nb)
        #expect(nb.contains("forvaltningsloven § 28 første ledd"))
        #expect(nb.contains("Vedtaket av 1. april 2021 gjelder fortsatt og er ikke endret."))
        let en = try step(.dismissal, ground: .withdrawn).render(.markdown, language: .en)
        #expect(en.contains("You have withdrawn the appeal."))
        #expect(en.contains("You may appeal against the decision to dismiss your appeal"))
    }

    @Test("forwarding tells the appellant the appeal body; the appeal body's decisions are final")
    func forwardingAndBody() throws {
        let forwarded = try step(.forwarding, year: 2022).render(.markdown, language: .nn)
        #expect(forwarded.contains("# Klaga er send til klageinstansen – Jobbsjansen 2022"))
        #expect(forwarded.contains("sende 20. mai 2022 klaga til Arbeids- og inkluderingsdepartementet, som er klageinstans (forvaltningslova § 33 fjerde ledd)"))
        #expect(!forwarded.contains("## Rett til å klage"))
        let upheld = try step(.bodyUpheld).render(.markdown, language: .nb)
        #expect(upheld.contains("Kunnskapsdepartementet har som klageinstans behandlet klagen deres"))
        #expect(upheld.contains("Klageinstansen stadfestet vedtaket 20. mai 2021."))
        #expect(upheld.contains("Klageinstansens referanse: 22/77."))
        #expect(upheld.contains("## Vedtaket er endelig"))
        let quashed = try step(.bodyQuashed, year: 2022).render(.markdown, language: .en)
        #expect(quashed.contains("The Ministry of Labour and Social Inclusion, as the appeal body"))
        #expect(quashed.contains("set the decision aside and sent the case back"))
        #expect(quashed.contains("(Public Administration Act section 34, fourth paragraph)"))
        #expect(quashed.contains("## The decision is final"))
    }
}
