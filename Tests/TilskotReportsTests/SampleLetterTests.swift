import Testing
import TilskotCore
import TilskotReports
import TilskotStore

/// The sample's letters read from the database as an auditor would read them: the issuer, the
/// signer's name and title and the appeal body of the decision's date come from the sample's
/// settings (TilskotSample's SampleLetterSettings), so a 2021 decision names Kunnskapsdepartementet
/// and a 2022 one Arbeids- og inkluderingsdepartementet.
@Suite("the sample's letters from the database")
struct SampleLetterTests {
    @Test("a 2021 grant names Kunnskapsdepartementet, a 2022 one Arbeids- og inkluderingsdepartementet; signed by Mona Hansen, avdelingsdirektør")
    func appealBodyByDate() throws {
        let session = try Sample.auditorSession()
        let old = try DecisionLetterSource.letter(for: try ApplicationReference("JS-2021-0001"), session: session)
        #expect(old.application.issuer.appealBody(.nn) == "Kunnskapsdepartementet")
        #expect(old.decidedBy == LetterPerson(name: "Mona Hansen", title: "avdelingsdirektør", email: "mona.hansen@imdi.no", phone: "24 16 88 13"))
        #expect(old.application.regulation?.title == "Regelverk for tilskot til Jobbsjansen")
        #expect(old.application.contact?.name == "Kari Nordmann" || old.application.contact?.name == "Ola Nordmann")
        let text = old.render(.markdown, language: .nn)
        #expect(text.contains("sender vi klaga til Kunnskapsdepartementet, som er klageinstans"))
        #expect(text.contains("Postboks 8059 Dep, 0031 Oslo"))
        let new = try DecisionLetterSource.letter(for: try ApplicationReference("JS-2022-0001"), session: session)
        #expect(new.application.issuer.appealBody(.en) == "the Ministry of Labour and Social Inclusion")
        #expect(new.render(.markdown, language: .en).contains("we send the appeal to the Ministry of Labour and Social Inclusion"))
    }

    @Test("the sample's dismissed appeal has its letter with its own right of appeal")
    func dismissedAppeal() throws {
        let session = try Sample.auditorSession()
        let letter = try AppealLetterSource.step(.dismissal, reference: try ApplicationReference("FO-2021-0007"), session: session)
        #expect(letter.kind == .dismissal)
        let text = letter.render(.markdown, language: .nn)
        #expect(text.contains("Klaga er avvist og er ikkje handsama realitetsmessig"))
        #expect(text.contains("De kan klage på avgjerda om å avvise klaga."))
    }
}
