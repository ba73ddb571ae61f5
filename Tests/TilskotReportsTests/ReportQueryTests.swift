import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotReports
import TilskotStore
import TilskotTestSupport

@Suite("report queries on the sample")
struct ReportQueryTests {
    @Test("summary: one row per round of the year, outcomes adding up to the applications, money in øre")
    func summary() throws {
        let result = try SummaryQuery.fetch(year: 2021, session: try Sample.auditorSession())
        #expect(result.rows.map(\.scheme) == ["FRIVILLIG", "JS", "MANGFALD", "RESSURS"])
        let js = try #require(result.rows.first { $0.scheme == "JS" })
        #expect(js.frameOre == 13_530_000_000 && js.initialFrameOre == 11_030_000_000)
        #expect(js.applications == 41 && js.granted == 41 && js.pending == 0)
        #expect(js.grantedOre == 13_490_000_000 && js.requestedOre == 13_490_000_000)
        #expect(js.frameUsedPercent == 99.7)
        for r in result.rows {
            #expect(r.granted + r.partiallyGranted + r.rejected + r.dismissed + r.withdrawn + r.pending == r.applications)
        }
        #expect(result.basis.rounds == ["FRIVILLIG/2021", "JS/2021", "MANGFALD/2021", "RESSURS/2021"])
        #expect(result.basis.lastChange != nil)
        let table = SummaryReport.table(result.rows, basis: result.basis, format: .table)
        #expect(table.footnote?.hasPrefix("Basis: data as of ") == true)
        #expect(table.rows.last?.first == .text("total"))
        let json = SummaryReport.table(result.rows, basis: result.basis, format: .json)
        #expect(json.rows.count == 4)
    }

    @Test("2022 summary shows partial grants, appeals resolved, a withdrawal, a dismissal and pending cases")
    func summary2022() throws {
        let rows = try SummaryQuery.fetch(year: 2022, session: try Sample.auditorSession()).rows
        let js = try #require(rows.first { $0.scheme == "JS" })
        #expect(js.applications == 45)
        #expect(js.partiallyGranted == 4)      // three, and the appeal that was changed to a partial grant
        #expect(js.rejected == 1)              // the appeal that was upheld
        #expect(js.withdrawn == 1 && js.dismissed == 1)
        #expect(js.frameOre == 14_500_000_000)
        #expect(js.grantedOre == 13_970_000_000)
        #expect(rows.first { $0.scheme == "FRIVILLIG" }?.pending == 2)
    }

    @Test("geography: by county in the year's division, or in the 2024 division mapped by municipality")
    func geography() throws {
        let session = try Sample.auditorSession()
        let old = try GeographyQuery.fetch(year: 2021, by: .county, scheme: "JS", session: session)
        #expect(old.basis.division == .division2020)
        #expect(old.basis.rounds == ["JS/2021"])
        let viken = try #require(old.rows.first { $0.areaCode == "30" })
        #expect(viken.areaName == "Viken" && viken.applications == 10)
        let new = try GeographyQuery.fetch(year: 2021, by: .county, division: .division2024, scheme: "JS", session: session)
        #expect(!new.rows.contains { ["30", "38", "54"].contains($0.areaCode) })
        let split = Dictionary(uniqueKeysWithValues: new.rows.map { ($0.areaCode, $0.applications) })
        // Viken's 10: Fredrikstad, Sarpsborg, Halden, Moss (31); Bærum, Lørenskog, Lillestrøm, Asker, Ullensaker (32); Drammen (33)…
        #expect(split["31"] == 4 && split["32"] == 5 && split["33"] == 1)
        #expect(split["39"] == 4 && split["40"] == 2)
        #expect(split["55"] == 2 && split["56"] == 1)
        #expect(new.rows.map(\.applications).reduce(0, +) == 41)
        #expect(new.rows.map(\.grantedOre).reduce(0, +) == old.rows.map(\.grantedOre).reduce(0, +))
        #expect(new.basis.notes.contains { $0.contains("30 Viken → 31/32/33") })
        let municipalities = try GeographyQuery.fetch(year: 2021, by: .municipality, division: .division2024, scheme: "JS", session: session)
        #expect(municipalities.rows.contains { $0.areaCode == "3301" && $0.areaName == "Drammen" })
        #expect(municipalities.rows.count == 41)
    }

    @Test("applicants: kinds per scheme, governance for voluntary organisations, and the board rule")
    func applicants() throws {
        let result = try ApplicantsQuery.fetch(year: 2021, session: try Sample.auditorSession())
        let js = try #require(result.rows.first { $0.scheme == "JS" })
        #expect(js.kind == "municipality" && js.governance == "" && js.organisations == 41)
        let ressurs = result.rows.filter { $0.scheme == "RESSURS" }
        #expect(Set(ressurs.map(\.governance)) == ["member_based", "external_board"])
        #expect(!result.rows.contains { $0.governance == "neither" })
        let table = ApplicantsReport.table(result.rows, basis: result.basis, format: .markdown)
        #expect(table.footnote?.contains("member-based or has an external board") == true)
    }

    @Test("trend: counts and amounts per year with the change in per cent; years without a round show zeros")
    func trend() throws {
        let result = try TrendQuery.fetch(scheme: try SchemeCode("JS"), from: 2019, to: 2022, session: try Sample.auditorSession())
        #expect(result.schemeName == "Jobbsjansen")
        #expect(result.rows.map(\.year) == [2019, 2020, 2021, 2022])
        #expect(result.rows.map(\.applications) == [0, 33, 41, 45])
        #expect(result.rows[0].hasRound == false)
        #expect(result.rows[1].applicationsChangePercent == nil)          // from 0: no percentage
        #expect(result.rows[2].applicationsChangePercent == 24.2)         // 33 → 41
        #expect(result.rows[3].applicationsChangePercent == 9.8)          // 41 → 45
        let table = TrendReport.table(scheme: "JS", result.rows, basis: result.basis, format: .table)
        // A change cell, shown "+24,2 %" in Nynorsk and "+24.2 %" in English (Presentation).
        #expect(table.rows[2][6] == .change(24.2))
        #expect(table.rows[2][6].display(Presentation(language: .nn)) == "+24,2 %")
        #expect(table.rows[2][6].display(Presentation(language: .en)) == "+24.2 %")
        #expect(table.footnote?.contains("rounds JS/2020, JS/2021, JS/2022") == true)
        #expect(throws: TilskotError.self) { try TrendQuery.fetch(scheme: try SchemeCode("NOPE"), from: 2020, to: 2021, session: try Sample.auditorSession()) }
        #expect(throws: TilskotError.refused("the trend runs from 2022 to 2020, which is backwards; give --from before --to, e.g. --from 2020 --to 2022")) {
            try TrendQuery.fetch(scheme: try SchemeCode("JS"), from: 2022, to: 2020, session: try Sample.auditorSession())
        }
    }

    @Test("caseload: per caseworker and status, median days to decision, appeals and their outcome")
    func caseload() throws {
        let result = try CaseloadQuery.fetch(year: 2022, session: try Sample.auditorSession())
        let kariAll = try #require(result.rows.first { $0.caseworker == "kari" && $0.status == "all" })
        let olaAll = try #require(result.rows.first { $0.caseworker == "ola" && $0.status == "all" })
        // JS 2022 alternates kari/ola; ola has the voluntary and business rounds too.
        #expect(kariAll.applications + olaAll.applications + (result.rows.first { $0.caseworker == "(unassigned)" && $0.status == "all" }?.applications ?? 0) == 45 + 12 + 6 + 3)
        let appeals = result.rows.filter { $0.status == "all" }.map(\.appeals).reduce(0, +)
        let upheld = result.rows.filter { $0.status == "all" }.map(\.appealsUpheld).reduce(0, +)
        let changed = result.rows.filter { $0.status == "all" }.map(\.appealsChanged).reduce(0, +)
        #expect(appeals == 2 && upheld == 1 && changed == 1)
        // JS 2022: received 1–26 February, decided 20 April.
        let median = try #require(kariAll.medianDaysToDecision)
        #expect(median > 40 && median < 90)
        #expect(result.rows.contains { $0.caseworker == "(unassigned)" && $0.status == "received" })
        let all = try CaseloadQuery.fetch(year: nil, session: try Sample.auditorSession())
        #expect(all.basis.rounds.count == 11)
    }

    @Test("followup: payments, claw-backs and reports per round once the follow-up module is in the database")
    func followup() throws {
        let session = try Sample.auditorSession()
        let hasModule = try session.connection.queryValue("SELECT to_regclass('tilskot.grant_money') IS NOT NULL", as: Bool.self) == true
        if hasModule {
            let result = try FollowupQuery.fetch(year: 2021, session: session)
            let js = try #require(result.rows.first { $0.scheme == "JS" })
            #expect(js.grants == 41 && js.grantedOre == 13_490_000_000 && js.netOre == 13_490_000_000)
            #expect(js.paidOre == 0)
        } else {
            #expect(throws: TilskotError.refused(FollowupQuery.missingModule)) { try FollowupQuery.fetch(year: 2021, session: session) }
        }
    }
}
