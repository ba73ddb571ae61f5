import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// The sums the database maintains so that reports at a million applications read one row instead
/// of the history — round.granted_ore (kept by the decision trigger), round.frame_ore (kept by the
/// frame-adjustment trigger) and the application tally (14_report_summaries.sql) — stay equal to the plain aggregates over the rows they summarise,
/// after a long random mix of imports, assessments, decisions, appeals, withdrawals, moves and frame
/// adjustments, refusals included.
@Suite("maintained summaries at scale")
struct ImportSummaryTests {
    static let caseworker = "sum_kari"
    static let assessor = "sum_ola"
    static let manager = "sum_mona"
    static let appealManager = "sum_per"
    /// Registers the appeals, so that both managers may decide them: the manager who registered an
    /// appeal does not decide it (SQL/schema/08_appeals_withdrawals_moves.sql).
    static let appealRegistrar = "sum_ida"
    struct Mismatch: Error, CustomStringConvertible {
        var description: String
    }

    /// Every round's maintained sums against the plain aggregates, as a list of differences.
    static func mismatches(_ c: Connection) throws -> [String] {
        try c.query("""
            SELECT s.code || '/' || r.year AS round, r.granted_ore, r.frame_ore,
                   coalesce((SELECT sum(d.amount_ore) FROM tilskot.decision d JOIN tilskot.application a ON a.id = d.application_id
                             WHERE a.round_id = r.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted')), 0) AS plain_granted,
                   r.initial_frame_ore + coalesce((SELECT sum(amount_ore) FROM tilskot.frame_adjustment f WHERE f.round_id = r.id), 0) AS plain_frame,
                   (SELECT count(*) FROM tilskot.application a
                     WHERE a.round_id = r.id AND a.status IN ('granted', 'partially_granted', 'rejected', 'dismissed', 'appealed')
                       AND NOT EXISTS (SELECT 1 FROM tilskot.decision d WHERE d.application_id = a.id AND d.is_current)) AS decided_without_decision
            FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id ORDER BY r.id
            """).compactMap { row in
                let round = try row.string("round")
                var problems: [String] = []
                if try row.int64("granted_ore") != row.int64("plain_granted") {
                    problems.append("granted_ore \(try row.int64("granted_ore")) but the decisions sum to \(try row.int64("plain_granted"))")
                }
                if try row.int64("frame_ore") != row.int64("plain_frame") {
                    problems.append("frame_ore \(try row.int64("frame_ore")) but initial + adjustments is \(try row.int64("plain_frame"))")
                }
                if try row.int64("granted_ore") > row.int64("frame_ore") { problems.append("granted over the frame") }
                if try row.int("decided_without_decision") > 0 { problems.append("decided applications without a current decision") }
                return problems.isEmpty ? nil : "\(round): " + problems.joined(separator: "; ")
            }
    }

    /// Runs one step; false when the service layer refused it (a rule said no), rethrows anything else.
    static func attempt(_ body: () throws(TilskotError) -> Void) throws -> Bool {
        do {
            try body()
            return true
        } catch {
            if case .refused = error { return false }
            throw error
        }
    }

    /// Tally rows (application_tally) that differ from the plain aggregate over applications and current decisions.
    static func tallyMismatches(_ c: Connection) throws -> [String] {
        try c.query("""
            WITH plain AS (
                SELECT a.round_id, coalesce(o.municipality, '') AS municipality, o.kind, o.member_based, o.external_board,
                       count(*) AS applications, sum(a.amount_applied_ore) AS requested_ore,
                       count(*) FILTER (WHERE a.status = 'withdrawn') AS withdrawn,
                       count(*) FILTER (WHERE a.status IN ('received', 'in_review', 'assessed')) AS pending,
                       count(*) FILTER (WHERE a.status = 'appealed') AS appealed,
                       count(*) FILTER (WHERE d.outcome = 'granted') AS granted,
                       count(*) FILTER (WHERE d.outcome = 'partially_granted') AS partially_granted,
                       count(*) FILTER (WHERE d.outcome = 'rejected') AS rejected,
                       count(*) FILTER (WHERE d.outcome = 'dismissed') AS dismissed,
                       coalesce(sum(d.amount_ore) FILTER (WHERE d.outcome IN ('granted', 'partially_granted')), 0) AS granted_ore
                FROM tilskot.application a JOIN tilskot.organisation o ON o.id = a.organisation_id
                LEFT JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
                GROUP BY 1, 2, 3, 4, 5),
            kept AS (
                SELECT round_id, municipality, kind, member_based, external_board, applications, requested_ore, withdrawn,
                       pending, appealed, granted, partially_granted, rejected, dismissed, granted_ore
                FROM tilskot.application_tally
                WHERE (applications, requested_ore, withdrawn, pending, appealed, granted, partially_granted, rejected,
                       dismissed, granted_ore) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
            SELECT 'tally ' || coalesce(to_jsonb(k)::text, 'missing') || ' plain ' || coalesce(to_jsonb(p)::text, 'missing') AS problem
            FROM kept k FULL JOIN plain p USING (round_id, municipality, kind, member_based, external_board)
            WHERE to_jsonb(k) IS DISTINCT FROM to_jsonb(p)
            """).map { try $0.string("problem") }
    }

    @Test("granted and frame sums and the application tally equal the plain aggregates after 400 random lifecycle steps")
    func randomOperations() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        try db.addUsers([Self.caseworker: .caseworker, Self.assessor: .caseworker, Self.manager: .manager,
                         Self.appealManager: .manager, Self.appealRegistrar: .manager])
        let manager = try db.session(as: Self.manager)
        let appealManager = try db.session(as: Self.appealManager)
        let appealRegistrar = try db.session(as: Self.appealRegistrar)
        let caseworker = try db.session(as: Self.caseworker)
        let assessor = try db.session(as: Self.assessor)
        _ = try Schemes.create(.init(code: try SchemeCode("JS"), name: "Jobbsjansen", applicantKinds: [.municipality]), session: manager)
        let rounds = [try RoundKey("JS/2021"), try RoundKey("JS/2022")]
        for (index, round) in rounds.enumerated() {
            // Small frames, so that the frame refuses grants along the way.
            _ = try Rounds.open(round, frame: Money(kroner: 3_000_000), opens: try CalendarDate("\(2021 + index)-01-01"),
                                closes: try CalendarDate("\(2021 + index)-12-31"), session: manager)
        }
        // 80 applications through the import, 40 per round, from a handful of municipalities.
        let orgs = [("958935420", "Oslo kommune", "0301"), ("964965226", "Stavanger kommune", "1103"),
                    ("964338531", "Kristiansand kommune", "4204")]
        var seedRandom = TestRandom(seed: 20_211_231)
        for (index, round) in rounds.enumerated() {
            var csv = "orgnr,title,amount,received,external_ref,org_name,org_kind,org_municipality\n"
            for n in 1...40 {
                let org = orgs[n % orgs.count]
                csv += "\(org.0),Søknad \(n),\(50_000 + seedRandom.below(20) * 25_000),\(2021 + index)-02-\(10 + n % 15),S\(index)-\(n),\(org.1),municipality,\(org.2)\n"
            }
            let file = FileManager.default.temporaryDirectory.appending(path: "sum-\(UUID().uuidString).csv")
            try csv.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            _ = try ApplicationImport.run(file: file, options: .init(round: round), session: caseworker)
        }
        let references = try db.connect().query("SELECT reference FROM tilskot.application ORDER BY id")
            .map { try ApplicationReference(try $0.string("reference")) }

        var done = [String: Int]()
        let today = try db.today()   // the installation's day, as the database judges dates
        for step in 1...400 {
            let reference = references[seedRandom.below(references.count)]
            let action = seedRandom.below(10)
            // Refusals are part of the mix: a refused step must leave the sums as they were.
            let worked = try Self.attempt { () throws(TilskotError) in
                switch action {
                case 0, 1:
                    let recommendation: Recommendation = [.grant, .partial, .reject][seedRandom.below(3)]
                    _ = try Assessments.assess(reference, score: 1 + seedRandom.below(5), recommendation: recommendation,
                                               amount: recommendation == .partial ? Money(kroner: 10_000) : nil, session: assessor)
                case 2, 3, 4:
                    let request: DecisionRequest = [.grant(Money(kroner: Int64(25_000 * (1 + seedRandom.below(8))))), .reject, .dismiss][seedRandom.below(3)]
                    _ = try Decisions.decide(reference, request, reasons: "Grunngiving.", session: manager)
                case 5:
                    _ = try Appeals.register(reference, received: today, grounds: "Klage.", late: true,
                                             lateReason: "Sein klage i testen.", session: appealRegistrar)
                case 6:
                    let request: DecisionRequest = seedRandom.below(2) == 0 ? .grant(Money(kroner: 50_000)) : .reject
                    _ = try Decisions.decide(reference, request, reasons: "Klagevedtak.", session: appealManager)
                case 7:
                    _ = try Applications.withdraw(reference, reason: "Trekt.", session: caseworker)
                case 8:
                    _ = try Applications.move(reference, to: rounds[seedRandom.below(2)], reason: "Flytt.", session: caseworker)
                default:
                    let amount = Money(kroner: Int64(seedRandom.below(5) - 2) * 250_000)
                    if !amount.isZero {
                        _ = try Rounds.adjust(rounds[seedRandom.below(2)], amount: amount, reason: "Justering.", session: manager)
                    }
                }
            }
            if worked { done["\(action)", default: 0] += 1 }
            if step % 50 == 0 {
                let problems = try Self.mismatches(try db.connect()) + Self.tallyMismatches(try db.connect())
                #expect(problems.isEmpty, "after step \(step): \(problems.joined(separator: "; "))")
            }
        }
        // The mix did reach the states it is about.
        let statuses = try db.connect().query("SELECT DISTINCT status FROM tilskot.application").map { try $0.string("status") }
        #expect(Set(statuses).isSuperset(of: ["granted", "rejected", "withdrawn"]), "\(statuses)")
        #expect(done.count >= 6, "\(done)")
    }
}
