import Foundation
import PGClient
import Testing
import TilskotCore
@testable import TilskotReports
import TilskotStore
import TilskotTestSupport

@Suite("equality-report section (Tilskotsordningar)")
struct EqualitySectionTests {
    func section(_ language: ReportLanguage, division: CountyDivision? = nil) throws -> EqualitySection {
        let figures = try EqualityQuery.fetch(year: 2021, division: division, session: try Sample.auditorSession())
        return EqualitySection(figures, language: language)
    }

    @Test("Nynorsk, generated from the sample, states the seed's figures exactly")
    func nynorsk() throws {
        let text = try section(.nn).renderMarkdown()
        #expect(text.hasPrefix("## Tilskotsordningar\n"))
        #expect(text.contains("I statsbudsjettet for 2021 vart det sett av 110,3 mill. kroner til Jobbsjansen."))
        #expect(text.contains("110,3 mill. kroner"))
        #expect(text.contains("auka med 25 mill. kroner gjennom integreringspakke II"))
        #expect(text.contains("slik at den totale tilskotsramma vart 135,3 mill. kroner i 2021."))
        #expect(text.contains("IMDi fekk 41 søknader, og alle vart innvilga."))
        #expect(text.contains("41 søknader, og alle vart innvilga"))
        // The other schemes, with their purpose from the scheme record.
        #expect(text.contains("### Integreringsarbeid i regi av frivillige organisasjonar"))
        #expect(text.contains("### Nasjonale ressursmiljø på integreringsfeltet"))
        #expect(text.contains("### Tilskot for auka etnisk mangfald i arbeidslivet"))
        #expect(text.contains("Føremål: Auka sysselsetjing blant heimeverande innvandrarkvinner"))
        #expect(text.contains("IMDi fekk 14 søknader: 9 vart innvilga, 2 vart delvis innvilga, 2 fekk avslag og 1 vart trekt."))
        #expect(text.contains("| Jobbsjansen | 135,3 mill. kr | 41 | 41 | 134,9 mill. kr | 99,7 % |"))
        #expect(text.contains("| 30 Viken |"))
        #expect(text.contains("Grunnlag: data per "))
        #expect(text.contains("rundane JS/2021, FRIVILLIG/2021, RESSURS/2021, MANGFALD/2021; fylkesinndelinga 2020–2023"))
    }

    @Test("Bokmål and English state the same figures")
    func bokmalAndEnglish() throws {
        let nb = try section(.nb).renderMarkdown()
        #expect(nb.hasPrefix("## Tilskuddsordninger\n"))
        #expect(nb.contains("I statsbudsjettet for 2021 ble det satt av 110,3 mill. kroner til Jobbsjansen."))
        #expect(nb.contains("økt med 25 mill. kroner gjennom integreringspakke II"))
        #expect(nb.contains("den samlede tilskuddsrammen ble 135,3 mill. kroner i 2021"))
        #expect(nb.contains("41 søknader, og alle ble innvilget"))
        let en = try section(.en).renderMarkdown()
        #expect(en.hasPrefix("## Grant schemes\n"))
        #expect(en.contains("The state budget for 2021 set aside NOK 110.3 million for Jobbsjansen."))
        #expect(en.contains("increased by NOK 25 million through integreringspakke II"))
        #expect(en.contains("bringing the total frame to NOK 135.3 million in 2021"))
        #expect(en.contains("41 applications, and all were granted"))
        #expect(en.contains("| Jobbsjansen | NOK 135.3m | 41 | 41 | NOK 134.9m | 99.7% |"))
    }

    @Test("HTML is one self-contained page: inline CSS and two SVG charts, nothing fetched, no script, A4 print rules")
    func htmlSelfContained() throws {
        let html = try section(.nn).renderHTML()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"nn\">"))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(html.contains("@page { size: A4;"))
        #expect(html.contains("@media print"))
        #expect(html.components(separatedBy: "<svg ").count - 1 == 2)
        #expect(html.contains("<title id=\"chart1-title\">Tilskotsramme og innvilga beløp per ordning, 2021</title>"))
        #expect(html.contains("135,3 mill. kr</text>"))
        #expect(html.contains("<p>I statsbudsjettet for 2021 vart det sett av 110,3 mill. kroner til Jobbsjansen."))
        #expect(html.contains("41 søknader, og alle vart innvilga"))
        for forbidden in ["<script", "src=", "href=", "@import", "url(", "<link", "<iframe"] {
            #expect(!html.lowercased().contains(forbidden), "\(forbidden)")
        }
        // Only the SVG namespace names a URL.
        let urls = html.components(separatedBy: "http").count - 1
        #expect(urls == 2)
        #expect(html.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    }

    @Test("in the 2024 division, 2021's Viken, Vestfold og Telemark and Troms og Finnmark are split by municipality")
    func division2024() throws {
        let text = try section(.nn, division: .division2024).renderMarkdown()
        #expect(!text.contains("30 Viken"))
        for county in ["31 Østfold", "32 Akershus", "33 Buskerud", "39 Vestfold", "40 Telemark", "55 Troms", "56 Finnmark"] {
            #expect(text.contains("| \(county) |"), "\(county)")
        }
        #expect(text.contains("fylkesinndelinga 2024–"))
        // Same money in total either way.
        let old = try section(.nn).tables[1].rows.map { Int($0[1])! }.reduce(0, +)
        let new = try section(.nn, division: .division2024).tables[1].rows.map { Int($0[1])! }.reduce(0, +)
        #expect(old == 66 && new == 66)
    }

    @Test("text from data cannot become markup: names, goals and reasons are escaped in Markdown and HTML")
    func escaping() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        try Sample.users(db)
        let manager = try db.session(as: "mona")
        let evil = "<script>alert('x')</script> & \"*Ordning*\" | [lenkje](javascript:alert(1)) # _x_"
        _ = try Schemes.create(.init(code: try SchemeCode("EVIL"), name: evil, goal: "<img src=x onerror=alert(1)> **feit**",
                                     targetGroup: "`kode` \n# overskrift", applicantKinds: [.municipality]), session: manager)
        let round = try RoundKey("EVIL/2021")
        _ = try Rounds.open(round, frame: Money(kroner: 1_000_000), opens: try CalendarDate("2021-01-01"),
                            closes: try CalendarDate("2021-12-31"), session: manager)
        _ = try Rounds.adjust(round, amount: Money(kroner: 500_000), reason: "</p><script>x()</script>", session: manager)
        let figures = try EqualityQuery.fetch(year: 2021, session: manager)
        let html = EqualitySection(figures, language: .nn).renderHTML()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;*Ordning*&quot;"))
        #expect(html.contains("gjennom &lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;"))
        let markdown = EqualitySection(figures, language: .nn).renderMarkdown()
        #expect(markdown.contains("### \\<script\\>alert('x')\\</script\\> & \"\\*Ordning\\*\" \\| \\[lenkje\\](javascript:alert(1)) \\# \\_x\\_"))
        #expect(markdown.contains("\\`kode\\`  \\# overskrift"))
        #expect(!markdown.contains("\n# "))
    }

    @Test("mixed outcomes, one application, and a lowered frame read as whole sentences")
    func sentences() throws {
        func figures(_ s: EqualityQuery.SchemeFigures) -> EqualityQuery.Figures {
            EqualityQuery.Figures(year: 2022, schemes: [s], counties: [],
                                  basis: ReportBasis(readAt: Date(timeIntervalSince1970: 0), lastChange: nil, rounds: ["X/2022"]))
        }
        var s = EqualityQuery.SchemeFigures(
            scheme: "X", name: "Ordning X", goal: nil, targetGroup: nil, year: 2022, initialFrameOre: 15_000_000_000,
            frameOre: 14_500_000_000, adjustments: [.init(amountOre: -500_000_000, reason: "revidert nasjonalbudsjett 2022")],
            applications: 45, granted: 38, partiallyGranted: 4, rejected: 1, dismissed: 1, withdrawn: 1, pending: 0,
            requestedOre: 0, grantedOre: 13_965_000_000)
        let nn = EqualitySection(figures(s), language: .nn).schemes[0].figures
        #expect(nn == "I statsbudsjettet for 2022 vart det sett av 150 mill. kroner til Ordning X. Tilskotsramma vart seinare redusert med 5 mill. kroner gjennom revidert nasjonalbudsjett 2022, slik at den totale tilskotsramma vart 145 mill. kroner i 2022. IMDi fekk 45 søknader: 38 vart innvilga, 4 vart delvis innvilga, 1 fekk avslag, 1 vart avvist og 1 vart trekt. Til saman vart 139,7 mill. kroner innvilga, 96,3 prosent av tilskotsramma.")
        let en = EqualitySection(figures(s), language: .en).schemes[0].figures
        #expect(en.contains("45 applications: 38 were granted, 4 were partly granted, 1 was rejected, 1 was dismissed and 1 was withdrawn."))
        s = EqualityQuery.SchemeFigures(
            scheme: "X", name: "Ordning X", goal: "Mål", targetGroup: nil, year: 2022, initialFrameOre: 80_000_000,
            frameOre: 80_000_000, adjustments: [], applications: 1, granted: 1, partiallyGranted: 0, rejected: 0,
            dismissed: 0, withdrawn: 0, pending: 0, requestedOre: 0, grantedOre: 50_000_000)
        let one = EqualitySection(figures(s), language: .nn).schemes[0]
        #expect(one.figures == "I statsbudsjettet for 2022 vart det sett av 800 000 kroner til Ordning X. IMDi fekk 1 søknad, og han vart innvilga. Til saman vart 500 000 kroner innvilga, 62,5 prosent av tilskotsramma.")
        #expect(one.purpose == ["Føremål: Mål."])
    }

    @Test("budget changes at their net after corrections are narrated; a typo corrected to 0 kr and its correction are not (issue 17)")
    func budgetChangesOnly() throws {
        // As registered: +25 mill. integreringspakke II, a typo of +10 000 mill. and its correction of
        // −10 000 mill.; a raise of 2 mill. corrected by +1 mill. to the 3 mill. decided.
        let s = EqualityQuery.SchemeFigures(
            scheme: "JS", name: "Jobbsjansen", goal: nil, targetGroup: nil, year: 2021, initialFrameOre: 11_030_000_000,
            frameOre: 13_830_000_000,
            adjustments: [.init(amountOre: 2_500_000_000, reason: "integreringspakke II"),
                          .init(amountOre: 1_000_000_000_000, reason: "test av beløpsformat"),
                          .init(amountOre: -1_000_000_000_000, reason: "Retta feilregistrert justering"),
                          .init(amountOre: 200_000_000, reason: "tilleggsløyving"),
                          .init(amountOre: 100_000_000, reason: "Retta beløp")],
            budgetChanges: [.init(amountOre: 2_500_000_000, reason: "integreringspakke II"),
                            .init(amountOre: 300_000_000, reason: "tilleggsløyving")],
            applications: 0, granted: 0, partiallyGranted: 0, rejected: 0, dismissed: 0, withdrawn: 0, pending: 0,
            requestedOre: 0, grantedOre: 0)
        let figures = EqualityQuery.Figures(year: 2021, schemes: [s], counties: [],
                                            basis: ReportBasis(readAt: Date(timeIntervalSince1970: 0), lastChange: nil, rounds: ["JS/2021"]))
        let nn = EqualitySection(figures, language: .nn).schemes[0].figures
        #expect(nn.hasPrefix("I statsbudsjettet for 2021 vart det sett av 110,3 mill. kroner til Jobbsjansen. Tilskotsramma vart seinare auka med 25 mill. kroner gjennom integreringspakke II og auka med 3 mill. kroner gjennom tilleggsløyving, slik at den totale tilskotsramma vart 138,3 mill. kroner i 2021."))
        #expect(!nn.contains("beløpsformat") && !nn.contains("Retta"))
    }

    // MARK: - Participants by gender (issue 17)

    static let genderRows = [
        ParticipantGenderRow(scheme: "JS", name: "Jobbsjansen", female: "1234", male: "x", otherOrUnknown: "<5", total: "1300"),
        ParticipantGenderRow(scheme: nil, name: "Total", female: "1234", male: "x", otherOrUnknown: "<5", total: "1300"),
    ]

    @Test("the gender table in nn, nb and en, Markdown and HTML: after the other tables, counts grouped, <5 and x kept, the note beneath")
    func genderTable() throws {
        let figures = EqualityQuery.Figures(year: 2021, schemes: [], counties: [],
                                            basis: ReportBasis(readAt: Date(timeIntervalSince1970: 0), lastChange: nil, rounds: []))
        func section(_ language: ReportLanguage) -> EqualitySection {
            var section = EqualitySection(figures, language: language)
            section.addGender(EqualityGender(year: 2021, rows: Self.genderRows))
            return section
        }
        let nn = section(.nn)
        #expect(nn.tables.count == 3 && nn.tables[2].columns == ["Ordning", "Kvinner", "Menn", "Anna / ikkje oppgitt", "I alt"])
        let markdown = nn.renderMarkdown()
        #expect(markdown.contains("**Deltakarar i prosjekta etter kjønn per ordning, 2021**"))
        #expect(markdown.contains("| Jobbsjansen | 1 234 | x | \\<5 | 1 300 |"))
        #expect(markdown.contains("| I alt | 1 234 | x | \\<5 | 1 300 |"))
        #expect(markdown.contains("«\\<5»: 1–4 personar; «x»: skjult slik at ingen små tal kan reknast ut."))
        let nb = section(.nb).renderMarkdown()
        #expect(nb.contains("| Ordning | Kvinner | Menn | Annet / ikke oppgitt | I alt |"))
        #expect(nb.contains("Deltakere i prosjektene etter kjønn per ordning, 2021") && nb.contains("1–4 personer"))
        let en = section(.en).renderMarkdown()
        #expect(en.contains("| Scheme | Women | Men | Other or not stated | Total |"))
        #expect(en.contains("| Total | 1,234 | x | \\<5 | 1,300 |") && en.contains("“\\<5”: 1–4 persons"))
        let html = nn.renderHTML()
        #expect(html.contains("<caption>Deltakarar i prosjekta etter kjønn per ordning, 2021</caption>"))
        #expect(html.contains("<td class=\"num\" data-label=\"Anna / ikkje oppgitt\">&lt;5</td>"))
        #expect(html.contains("<p class=\"table-note\">Kjelde: deltakarregisteret"))
        // No participants in the year: no table and no note.
        var empty = EqualitySection(figures, language: .nn)
        empty.addGender(EqualityGender(year: 2021, rows: []))
        #expect(empty.tables.count == 2 && !empty.renderMarkdown().contains("kjønn"))
    }

    @Test("the sample's illustrative participants give the gender table, suppressed in the database; the CLI places it, and leaves it out with a note for a role the database refuses")
    func genderFromTheSample() throws {
        let db = try Sample.freshSample()
        defer { db.drop() }
        let gender = try EqualityGender.fetch(year: 2021, session: try db.session(as: "mona"))
        // Jobbsjansen 2021: 27 women, 16 men, 2 other or not stated (SampleParticipants). The 2 are
        // small, the total 45 is published, so the 16 go too.
        #expect(gender.rows.map { [$0.name, $0.female, $0.male, $0.otherOrUnknown, $0.total] }
                == [["Jobbsjansen", "27", "x", "<5", "45"], ["Total", "27", "x", "<5", "45"]])
        let codes = try db.connect().query("SELECT code FROM tilskot.participant").map { try $0.string("code") }
        #expect(codes.count == 45 && codes.allSatisfy { $0.hasPrefix("EKSEMPEL-") })
        let manager = try CLIRunner.run(["report", "equality", "--year", "2021", "--as", "mona"], database: db)
        #expect(manager.exitCode == 0, "\(manager.stderr)")
        #expect(manager.stdout.contains("| Jobbsjansen | 27 | x | \\<5 | 45 |"))
        let finance = try CLIRunner.run(["report", "equality", "--year", "2021", "--as", "rp_finance"], database: db)
        #expect(finance.exitCode == 0, "\(finance.stderr)")
        #expect(!finance.stdout.contains("kjønn") && finance.stdout.contains("41 søknader"))
        #expect(finance.stderr.contains("note: the table of participants by gender is left out: participant gender report refused: rp_finance has no tilskot role that reads reports"))
    }
}
