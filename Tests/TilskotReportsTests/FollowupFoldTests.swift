import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// The follow-up summary is folded at COMMIT whatever a session's settings say (followup_fold_queue,
/// SQL/schema/14_report_summaries.sql): the setting tilskot.followup_pending, which any session may
/// set, neither queues nor skips the fold.
@Suite("the follow-up summary's fold at COMMIT")
struct FollowupFoldTests {
    @Test("a session that sets tilskot.followup_pending cannot keep its payments out of the follow-up summary")
    func settingCannotSkipTheFold() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        try ReportSummaryTallyTests.users(db)
        let manager = try db.session(as: ReportSummaryTallyTests.manager)
        let caseworker = try db.session(as: ReportSummaryTallyTests.caseworker)
        _ = try Schemes.create(.init(code: try SchemeCode("JS"), name: "Jobbsjansen", applicantKinds: [.municipality]),
                               session: manager)
        let round = try RoundKey("JS/2021")
        _ = try Rounds.open(round, frame: Money(kroner: 40_000_000), opens: try CalendarDate("2021-01-04"),
                            closes: try CalendarDate("2021-03-01"), session: manager)
        let oslo = try OrganisationNumber("958935420")
        _ = try Organisations.add(.init(number: oslo, name: "Oslo kommune", kind: .municipality,
                                        municipality: try MunicipalityNumber("0301"), memberBased: false, externalBoard: false),
                                  session: caseworker)
        var granted: [ApplicationReference] = []
        for n in 1...2 {
            let registration = try Applications.register(
                .init(round: round, organisation: oslo, title: "Jobbsjansen \(n)", amount: try Money.parse("1 000 000"),
                      received: try CalendarDate("2021-02-01")), session: caseworker)
            let reference = try ApplicationReference(registration.reference)
            _ = try Assessments.assess(reference, score: 4, recommendation: .grant, session: caseworker)
            _ = try Decisions.decide(reference, .grant(try Money.parse("1 000 000")), date: try CalendarDate("2021-04-15"),
                                     session: manager)
            granted.append(reference)
        }
        let account = try BankAccountNumber("8601 11 17947")
        let owner = try db.connect()
        func planned() throws -> Int64 {
            try owner.queryValue("SELECT coalesce(sum(planned_ore), 0)::bigint FROM tilskot.followup_tally", as: Int64.self) ?? -1
        }

        // 'yes' before the change: a fold queued by the setting alone would not be queued at all.
        try caseworker.connection.execute("SET tilskot.followup_pending = 'yes'")
        _ = try Payments.plan(granted[0], instalments: try InstalmentSpec.parseList("100%:2021-05-01"), account: account,
                              session: caseworker)
        #expect(try planned() == 100_000_000)
        #expect(try ReportSummaryTallyTests.tableMismatches(owner).isEmpty)

        // 'no' just before COMMIT: a fold run by the setting alone would return without folding.
        let other = try db.session(as: ReportSummaryTallyTests.caseworker)
        try other.transaction {
            _ = try Payments.plan(granted[1], instalments: try InstalmentSpec.parseList("50%:2021-05-01,50%:2021-09-01"),
                                  account: account, session: other)
            try other.connection.execute("SET LOCAL tilskot.followup_pending = 'no'")
        }
        #expect(try planned() == 200_000_000)
        #expect(try ReportSummaryTallyTests.tableMismatches(owner).isEmpty)
        // Nothing left waiting: every delta was folded.
        #expect(try owner.queryValue("SELECT count(*) FROM tilskot.followup_delta", as: Int.self) == 0)
        #expect(try owner.queryValue("SELECT count(*) FROM tilskot.followup_fold_due", as: Int.self) == 0)
    }
}
