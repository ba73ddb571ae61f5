import Testing
import TilskotCore
import TilskotReports

@Suite("decision letters (fvl. §§ 24–27)")
struct DecisionLetterTests {
    func letter(_ outcome: DecisionOutcome, amount: Int64 = 3_400_000, reasons: String? = "Ramma for 2021 er avgrensa.",
                appeal: DecisionLetter.AppealContext? = nil) throws -> DecisionLetter {
        DecisionLetter(application: LetterCase(reference: "JS-2021-0007", externalReference: "P-77", schemeName: "Jobbsjansen",
                                               year: 2021, organisationName: "Oslo kommune", organisationNumber: "958935420",
                                               title: "Jobbsjansen <Oslo> & co"),
                       received: try CalendarDate("2021-02-01"), amountApplied: Money(kroner: 4_000_000), outcome: outcome,
                       amount: Money(kroner: amount), reasons: reasons, conditions: "Rapport innan 1. mars 2022; Revidert rekneskap",
                       decisionDate: try CalendarDate("2021-04-01"), decidedBy: "Mona Leder", appeal: appeal)
    }

    @Test("a partial grant in Nynorsk carries decision, reasons, conditions, appeal right, deadline, appeal body, access")
    func partialNynorsk() throws {
        let text = try letter(.partiallyGranted).render(.markdown, language: .nn)
        #expect(text.contains("# Vedtak om tilskot frå Jobbsjansen 2021"))
        #expect(text.contains("Søknaden er delvis innvilga. Oslo kommune får eit tilskot på 3 400 000 kr. Det vart søkt om 4 000 000 kr."))
        #expect(text.contains("## Grunngiving"))
        #expect(text.contains("Hovudomsyna i vurderinga: Ramma for 2021 er avgrensa."))
        #expect(text.contains("- Rapport innan 1. mars 2022"))
        #expect(text.contains("- Revidert rekneskap"))
        #expect(text.contains("Klagefristen er tre veker frå den dagen dette brevet kom fram til dykk (forvaltningslova § 29)"))
        #expect(text.contains("Arbeids- og inkluderingsdepartementet, som er klageinstans"))
        #expect(text.contains("Send klaga til Integrerings- og mangfaldsdirektoratet (IMDi)"))
        #expect(text.contains("forvaltningslova §§ 18 og 19"))
        #expect(text.contains("**Dato:** 1. april 2021"))
        #expect(text.contains("Mona Leder"))
        // Text from the case cannot become markup.
        #expect(text.contains("Jobbsjansen \\<Oslo\\> & co"))
    }

    @Test("a full grant may go without reasons and says why; a rejection in Bokmål and English has its reasons")
    func fullGrantAndRejection() throws {
        let full = try letter(.granted, amount: 4_000_000, reasons: nil).render(.markdown, language: .nn)
        #expect(full.contains("forvaltningslova § 24 andre ledd"))
        let nb = try letter(.rejected, amount: 0).render(.markdown, language: .nb)
        #expect(nb.contains("Vedtak om avslag på søknad om tilskudd fra Jobbsjansen 2021"))
        #expect(nb.contains("Søknaden er avslått."))
        #expect(nb.contains("Hovedhensynene i vurderingen"))
        #expect(nb.contains("Klagefristen er tre uker"))
        #expect(!nb.contains("## Vilkår"))
        let en = try letter(.dismissed, amount: 0).render(.markdown, language: .en)
        #expect(en.contains("The application is dismissed"))
        #expect(en.contains("The deadline is three weeks from the day this letter reached you"))
        #expect(en.contains("the Ministry of Labour and Social Inclusion, which is the appeal body"))
        #expect(en.contains("**Date:** 1 April 2021"))
    }

    @Test("a decision on appeal says so; an upheld one says the appeal has gone to the appeal body")
    func appealLetters() throws {
        let changed = try letter(.granted, amount: 4_000_000, reasons: nil,
                                 appeal: .init(received: try CalendarDate("2021-04-10"), appealedDecisionDate: try CalendarDate("2021-04-01"), upheld: false))
        let text = changed.render(.markdown, language: .nn)
        #expect(text.contains("# Klagesak: Vedtak om tilskot"))
        #expect(text.contains("kjem i staden for vedtaket av 1. april 2021"))
        #expect(text.contains("Rett til å klage"))
        let upheld = try letter(.rejected, amount: 0,
                                appeal: .init(received: try CalendarDate("2021-04-10"), appealedDecisionDate: try CalendarDate("2021-04-01"), upheld: true))
        let upheldText = upheld.render(.markdown, language: .nn)
        #expect(upheldText.contains("held fast på vedtaket av 1. april 2021"))
        #expect(upheldText.contains("forvaltningslova § 33 fjerde ledd"))
    }

    @Test("HTML is one escaped, self-contained page")
    func html() throws {
        let page = try letter(.partiallyGranted).render(.html, language: .nn)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<html lang=\"nn\">"))
        #expect(page.contains("Jobbsjansen &lt;Oslo&gt; &amp; co"))
        #expect(!page.contains("<script"))
        #expect(!page.contains("http"))
        #expect(page.contains("<li>Rapport innan 1. mars 2022</li>"))
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
