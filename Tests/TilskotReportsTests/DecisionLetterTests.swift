import Testing
import TilskotCore
import TilskotReports

/// The parts of a case every letter test builds on: IMDi as issuer with the appeal body of 2021
/// (Kunnskapsdepartementet) or of 2022 (Arbeids- og inkluderingsdepartementet), the scheme's
/// regulations, a caseworker to contact and a signer with name and title.
enum LetterSamples {
    static let kd = (nn: "Kunnskapsdepartementet", nb: "Kunnskapsdepartementet", en: "the Ministry of Education and Research")
    static let aid = (nn: "Arbeids- og inkluderingsdepartementet", nb: "Arbeids- og inkluderingsdepartementet",
                      en: "the Ministry of Labour and Social Inclusion")

    static func issuer(year: Int) -> LetterIssuer {
        var issuer = LetterIssuer.imdi
        let body = year >= 2022 ? aid : kd
        issuer.appealBodies = [.nn: body.nn, .nb: body.nb, .en: body.en]
        return issuer
    }

    static func letterCase(year: Int = 2021, title: String = "Jobbsjansen <Oslo> & co") throws -> LetterCase {
        LetterCase(issuer: issuer(year: year), reference: "JS-\(year)-0007", externalReference: "P-77", schemeName: "Jobbsjansen",
                   year: year, organisationName: "Oslo kommune", organisationNumber: "958935420", title: title,
                   regulation: LetterRegulation(title: "Regelverk for tilskot til Jobbsjansen", adopted: try CalendarDate("2019-12-16"),
                                                url: "https://www.imdi.no/tilskudd/jobbsjansen"),
                   contact: LetterPerson(name: "Kari Nordmann", title: "seniorrådgivar", email: "kari.nordmann@imdi.no", phone: "24 16 88 11"))
    }

    static let signer = LetterPerson(name: "Mona Leder", title: "avdelingsdirektør")
}

@Suite("decision letters (fvl. §§ 24–27)")
struct DecisionLetterTests {
    func letter(_ outcome: DecisionOutcome, amount: Int64 = 3_400_000, reasons: String? = "Ramma for 2021 er avgrensa.",
                appeal: DecisionLetter.AppealContext? = nil, year: Int = 2021, planned: Bool = true) throws -> DecisionLetter {
        DecisionLetter(application: try LetterSamples.letterCase(year: year),
                       received: try CalendarDate("\(year)-02-01"), amountApplied: Money(kroner: 4_000_000), outcome: outcome,
                       amount: Money(kroner: amount), reasons: reasons, conditions: "Rapport innan 1. mars 2022; Revidert rekneskap",
                       decisionDate: try CalendarDate("\(year)-04-01"), decidedBy: LetterSamples.signer, appeal: appeal,
                       reportDuty: .init(projectEnd: try CalendarDate("\(year)-12-31"), dueDate: try CalendarDate("\(year + 1)-03-31"),
                                         accountRequired: true),
                       instalments: planned ? [.init(number: 1, amount: Money(kroner: amount / 2), dueDate: try CalendarDate("\(year)-05-01")),
                                               .init(number: 2, amount: Money(kroner: amount - amount / 2), dueDate: try CalendarDate("\(year)-09-01"))] : [],
                       paymentAccount: planned ? "15038012345" : nil)
    }

    @Test("a partial grant in Nynorsk carries decision, reasons with the regulations, conditions, reporting, payment, control, contact, appeal right, access and signature")
    func partialNynorsk() throws {
        let text = try letter(.partiallyGranted).render(.markdown, language: .nn)
        #expect(text.contains("# Vedtak om tilskot frå Jobbsjansen 2021"))
        #expect(text.contains("Søknaden er delvis innvilga. Oslo kommune får eit tilskot på 3 400 000 kr. Det vart søkt om 4 000 000 kr."))
        #expect(text.contains("## Grunngiving"))
        #expect(text.contains("Vedtaket er gjort etter Regelverk for tilskot til Jobbsjansen (fastsett 16. desember 2019, https://www.imdi.no/tilskudd/jobbsjansen)"))
        #expect(text.contains("Hovudomsyna i vurderinga: Ramma for 2021 er avgrensa."))
        #expect(text.contains("- Rapport innan 1. mars 2022"))
        #expect(text.contains("- Revidert rekneskap"))
        #expect(text.contains("innan 31. mars 2022. Prosjektperioden sluttar 31. desember 2021. Rapporten skal ha eit rekneskap stadfesta av revisor."))
        #expect(text.contains("- 1. utbetaling: 1 700 000 kr, om lag 1. mai 2021"))
        #expect(text.contains("Tilskotet blir betalt til konto 1503 80 12345."))
        #expect(text.contains("og Riksrevisjonen kan kontrollere at tilskotet blir brukt etter føresetnadene (løyvingsreglementet § 10 andre ledd)"))
        #expect(text.contains("sakshandsamaren Kari Nordmann, e-post kari.nordmann@imdi.no, telefon 24 16 88 11"))
        #expect(text.contains("Klagefristen er tre veker frå den dagen dette brevet kom fram til dykk (forvaltningslova § 29)"))
        #expect(text.contains("per post til Integrerings- og mangfaldsdirektoratet (IMDi), Postboks 8059 Dep, 0031 Oslo, på e-post til post@imdi.no eller digitalt via eDialog på www.imdi.no"))
        #expect(text.contains("sender vi klaga til Kunnskapsdepartementet, som er klageinstans"))
        #expect(!text.contains("Arbeids- og inkluderingsdepartementet"))
        #expect(text.contains("forvaltningslova §§ 18 og 19"))
        #expect(text.contains("**Dato:** 1. april 2021"))
        #expect(text.contains("Mona Leder  \navdelingsdirektør  \nIntegrerings- og mangfaldsdirektoratet (IMDi)"))
        // Text from the case cannot become markup.
        #expect(text.contains("Jobbsjansen \\<Oslo\\> & co"))
    }

    @Test("the appeal body is the one of the decision's year: 2021 Kunnskapsdepartementet, 2022 Arbeids- og inkluderingsdepartementet")
    func appealBodyByYear() throws {
        for language in LetterLanguage.allCases {
            let old = try letter(.rejected, amount: 0, year: 2021).render(.markdown, language: language)
            let new = try letter(.rejected, amount: 0, year: 2022).render(.markdown, language: language)
            let kd = language == .en ? LetterSamples.kd.en : LetterSamples.kd.nn
            let aid = language == .en ? LetterSamples.aid.en : LetterSamples.aid.nn
            #expect(old.contains("\(kd), which is the appeal body") || old.contains("\(kd), som er klageinstans"), "\(language)")
            #expect(!old.contains(aid))
            #expect(new.contains("\(aid), which is the appeal body") || new.contains("\(aid), som er klageinstans"), "\(language)")
            #expect(!new.contains(kd))
        }
    }

    @Test("a grant in Bokmål and English has the reporting duty, payment plan, account and control clause")
    func grantParts() throws {
        let nb = try letter(.granted, amount: 4_000_000, reasons: nil).render(.markdown, language: .nb)
        #expect(nb.contains("Vedtaket er truffet etter Regelverk for tilskot til Jobbsjansen (fastsatt 16. desember 2019"))
        #expect(nb.contains("innen 31. mars 2022"))
        #expect(nb.contains("Rapporten skal ha et regnskap attestert av revisor."))
        #expect(nb.contains("- 2. utbetaling: 2 000 000 kr, omkring 1. september 2021"))
        #expect(nb.contains("Tilskuddet blir betalt til konto 1503 80 12345."))
        #expect(nb.contains("(bevilgningsreglementet § 10 andre ledd)"))
        #expect(nb.contains("forvaltningsloven § 24 andre ledd"))
        let en = try letter(.granted, amount: 4_000_000, reasons: nil).render(.markdown, language: .en)
        #expect(en.contains("The decision is made under Regelverk for tilskot til Jobbsjansen (adopted 16 December 2019"))
        #expect(en.contains("by 31 March 2022"))
        #expect(en.contains("- Instalment 1: NOK 2 000 000, around 1 May 2021"))
        #expect(en.contains("The grant is paid to account 1503 80 12345."))
        #expect(en.contains("the Office of the Auditor General (Riksrevisjonen) may check that the grant is used as intended (Appropriation Regulations, section 10, second paragraph)"))
        #expect(en.contains("Mona Leder  \navdelingsdirektør"))
        let unplanned = try letter(.granted, amount: 4_000_000, reasons: nil, planned: false).render(.markdown, language: .nn)
        #expect(unplanned.contains("Vi sender dykk utbetalingsplanen når han er klar."))
    }

    @Test("a rejection has its reasons and no grant sections; a dismissal says neither 'applied for' nor 'main considerations'")
    func rejectionAndDismissal() throws {
        let nb = try letter(.rejected, amount: 0).render(.markdown, language: .nb)
        #expect(nb.contains("Vedtak om avslag på søknad om tilskudd fra Jobbsjansen 2021"))
        #expect(nb.contains("Søknaden er avslått."))
        #expect(nb.contains("Hovedhensynene i vurderingen"))
        #expect(nb.contains("Klagefristen er tre uker"))
        for heading in ["## Vilkår", "## Rapportering", "## Utbetaling", "## Kontroll"] { #expect(!nb.contains(heading)) }
        for language in LetterLanguage.allCases {
            let text = try letter(.dismissed, amount: 0, reasons: "Søknaden kom etter fristen.").render(.markdown, language: language)
            #expect(!text.contains("søkte om") && !text.contains("applied for"), "\(language)")
            #expect(!text.contains("Hovudomsyna") && !text.contains("Hovedhensynene") && !text.contains("main considerations"), "\(language)")
            #expect(!text.contains("0 kr") && !text.contains("NOK 0"), "\(language)")
            #expect(text.contains("Søknaden kom etter fristen."))
        }
        let en = try letter(.dismissed, amount: 0, reasons: "Late.").render(.markdown, language: .en)
        #expect(en.contains("The application is dismissed and has not been considered on its merits."))
        #expect(en.contains("The application is dismissed for this reason: Late."))
        #expect(en.contains("**Date:** 1 April 2021"))
    }

    @Test("a decision on appeal names the decision it replaces and what changed; one by the appeal body is final")
    func appealLetters() throws {
        let appeal = DecisionLetter.AppealContext(received: try CalendarDate("2021-04-10"), appealedDecisionDate: try CalendarDate("2021-04-01"),
                                                  upheld: false, previousOutcome: .partiallyGranted, previousAmount: Money(kroner: 3_400_000))
        let changed = try letter(.granted, amount: 4_000_000, reasons: nil, appeal: appeal)
        let nn = changed.render(.markdown, language: .nn)
        #expect(nn.contains("# Klagesak: Vedtak om tilskot"))
        #expect(nn.contains("kjem i staden for vedtaket av 1. april 2021, der søknaden vart delvis innvilga med 3 400 000 kr. Tilskotet er endra frå 3 400 000 kr til 4 000 000 kr."))
        #expect(nn.contains("Vilkåra i det førre vedtaket gjeld framleis"))
        #expect(nn.contains("## Rett til å klage"))
        let en = changed.render(.markdown, language: .en)
        #expect(en.contains("replaces the decision of 1 April 2021, in which the application was partly granted with NOK 3 400 000. The grant is changed from NOK 3 400 000 to NOK 4 000 000."))
        var byBody = changed
        byBody.byAppealBody = true
        byBody.bodyReference = "22/1234"
        let final = byBody.render(.markdown, language: .nb)
        #expect(final.contains("Kunnskapsdepartementet har som klageinstans behandlet klagen fra Oslo kommune"))
        #expect(final.contains("Klageinstansens referanse: 22/1234."))
        #expect(final.contains("## Vedtaket er endelig"))
        #expect(final.contains("kan ikke påklages (forvaltningsloven § 28 tredje ledd)"))
        #expect(!final.contains("## Rett til å klage"))
    }

    @Test("HTML is one escaped, self-contained page")
    func html() throws {
        let page = try letter(.partiallyGranted).render(.html, language: .nn)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<html lang=\"nn\">"))
        #expect(page.contains("Jobbsjansen &lt;Oslo&gt; &amp; co"))
        #expect(!page.contains("<script"))
        #expect(page.contains("<li>Rapport innan 1. mars 2022</li>"))
        #expect(page.contains("<li>1. utbetaling: 1 700 000 kr, om lag 1. mai 2021</li>"))
    }

    @Test("reasons typed over several lines cannot start a list or a heading in the Markdown letter")
    func reasonsOverLines() throws {
        let text = try letter(.rejected, amount: 0, reasons: "Ramma er brukt opp.\n- Tiltaket er ikkje prioritert\n# Ny overskrift")
            .render(.markdown, language: .nn)
        #expect(text.contains("Ramma er brukt opp. - Tiltaket er ikkje prioritert \\# Ny overskrift"), "\(text)")
        #expect(!text.contains("\n- Tiltaket"))
        #expect(!text.contains("\n# Ny"))
    }
}
