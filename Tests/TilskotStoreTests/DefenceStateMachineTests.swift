import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// The state machine as a property of the database: random sequences of plain-SQL steps by random
/// people — legal ones, illegal ones and outright attacks — never leave an illegal state behind.
/// After every run: each status change in the audit log is an edge of the machine, the frame holds
/// and its sum is right, one current decision per application and it matches the status, nobody
/// decided what they assessed or were disqualified on, and every refusal was one of ours or
/// PostgreSQL's own (never an internal error).
@Suite("the state machine under random plain-SQL steps")
struct DefenceStateMachineTests {
    /// SplitMix64: a seeded generator, so a failing run can be repeated from its seed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let people = [Lifecycle.kari, Lifecycle.ola, Lifecycle.mona, Lifecycle.per, Lifecycle.adm, Lifecycle.fia, Lifecycle.aud]

    @Test("random steps never reach an illegal state", arguments: [20_211, 20_222, 135_300])
    func randomSteps(seed: UInt64) throws {
        // setup: a small frame (3 mill. kr) that the 12 applications of 1 mill. kr each can overrun
        let db = try Lifecycle.database()
        defer { db.drop() }
        _ = try Rounds.open(try RoundKey("JS/2020"), frame: try Money.parse("3 mill"), opens: try CalendarDate("2020-01-06"),
                            closes: try CalendarDate("2020-03-01"), session: try db.session(as: Lifecycle.mona))
        let owner = try db.connect()
        try db.connect(asLogin: Lifecycle.kari).execute("""
            INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received)
            SELECT r.id, o.id, 'walk ' || g, 100000000, '2020-02-01'
              FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id AND s.code = 'JS' AND r.year = 2020,
                   tilskot.organisation o, generate_series(1, 12) g
             WHERE o.orgnr = '958935420'
            """)
        let apps = try owner.query("SELECT a.id FROM tilskot.application a JOIN tilskot.round r ON r.id = a.round_id WHERE r.year = 2020")
            .map { try $0.int64("id") }
        var connections: [String: Connection] = [:]
        for person in Self.people { connections[person] = try db.connect(asLogin: person) }

        // MUT: 400 random steps
        var random = Seeded(state: seed)
        var succeeded = 0, refused = 0
        var unexpected: [String] = []
        for step in 0..<400 {
            let person = Self.people.randomElement(using: &random)!
            let other = Self.people.randomElement(using: &random)!
            let app = apps.randomElement(using: &random)!
            let amount = [0, 50_000_000, 99_999_900, 100_000_000, 100_000_001, -1].randomElement(using: &random)!
            // Weighted: mostly the steps of a case, some withdrawals and moves, a few outright attacks.
            let weights = [4, 10, 2, 10, 6, 1, 1, 1, 1, 1]
            var pick = Int.random(in: 0..<weights.reduce(0, +), using: &random)
            let action = weights.firstIndex { pick -= $0; return pick < 0 }!
            let outcome = ["granted", "granted", "granted", "granted", "partially_granted", "partially_granted", "partially_granted",
                           "rejected", "rejected", "dismissed"].randomElement(using: &random)!
            let (sql, parameters): (String, [any SQLParameter]) = switch action {
            case 0: ("INSERT INTO tilskot.assignment (application_id, caseworker) VALUES ($1, $2)", [app, [person, other].randomElement(using: &random)!])
            case 1: ("INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES ($1, $2, $3)",
                        [app, Int.random(in: 0...6, using: &random), ["grant", "partial", "reject", "maybe"].randomElement(using: &random)!])
            case 2: ("INSERT INTO tilskot.disqualification (application_id, person, reason) VALUES ($1, $2, 'random')", [app, other])
            case 3: ("INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date) VALUES ($1, $2, $3, $4, '2020-04-01')",
                           [app, outcome,
                            Bool.random(using: &random) ? nil : Int64(amount), Bool.random(using: &random) ? "grunngiving" : nil])
            case 4: ("INSERT INTO tilskot.appeal (application_id, decision_id, received, grounds, late, late_reason) SELECT application_id, id, $2::date, 'klage', $3, $4 FROM tilskot.decision WHERE application_id = $1 AND is_current",
                     [app, ["2020-04-10", "2020-06-01", "2020-03-01"].randomElement(using: &random)!, Bool.random(using: &random),
                      Bool.random(using: &random) ? "kom seint fram" : nil])
            case 5: ("INSERT INTO tilskot.withdrawal (application_id, reason) VALUES ($1, 'trekt')", [app])
            case 6: ("INSERT INTO tilskot.round_move (application_id, to_round_id, reason) SELECT $1, id, 'flytt' FROM tilskot.round WHERE year = $2 AND scheme_id = (SELECT id FROM tilskot.scheme WHERE code = 'JS')",
                     [app, [2020, 2021, 2022].randomElement(using: &random)!])
            case 7: ("UPDATE tilskot.application SET status = $2 WHERE id = $1",
                      [app, ["granted", "closed", "received", "in_follow_up", "appealed"].randomElement(using: &random)!])
            case 8: ("UPDATE tilskot.round SET granted_ore = 0 WHERE year = 2020", [])
            default: ("DELETE FROM tilskot.decision WHERE application_id = $1", [app])
            }
            let connection = connections[person]!
            switch Result(catching: { () throws(PGError) in try connection.execute(sql, parameters) }) {
            case .success: succeeded += 1
            case .failure(let error):
                refused += 1
                // Ours (23T…, 42T…: e.g. 42T05, a self-assignment of a case that has had a grant,
                // SQL/schema/06_assessment.sql) or PostgreSQL's own rule and input classes.
                if !["23", "42", "22"].contains(String(error.sqlState.prefix(2))) {
                    unexpected.append("step \(step) (seed \(seed)), \(person): \(sql.prefix(60)) → \(error)")
                }
            }
        }

        // validate: the invariants, from the database's own record
        #expect(unexpected.isEmpty, "\(unexpected)")
        #expect(succeeded > 20 && refused > 20, "succeeded \(succeeded), refused \(refused)")
        let checks: [(String, String)] = [
            ("status changes off the machine", """
                SELECT count(*) FROM tilskot.audit_log l
                 WHERE l.table_name = 'application' AND l.action = 'UPDATE' AND l.old ? 'status'
                   AND NOT EXISTS (SELECT 1 FROM tilskot.status_transition t
                                    WHERE t.from_status = l.old ->> 'status' AND t.to_status = l.new ->> 'status')
                """),
            ("rounds over their frame or with a wrong sum", """
                SELECT count(*) FROM tilskot.round r
                 WHERE r.granted_ore > r.frame_ore
                    OR r.granted_ore <> (SELECT coalesce(sum(d.amount_ore), 0) FROM tilskot.decision d
                                           JOIN tilskot.application a ON a.id = d.application_id
                                          WHERE a.round_id = r.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted'))
                """),
            ("applications with more than one current decision", """
                SELECT count(*) FROM (SELECT application_id FROM tilskot.decision WHERE is_current GROUP BY 1 HAVING count(*) > 1) s
                """),
            ("decided statuses that are not the current decision's outcome", """
                SELECT count(*) FROM tilskot.application a JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
                 WHERE a.status IN ('granted', 'partially_granted', 'rejected', 'dismissed') AND a.status <> d.outcome
                """),
            ("decisions by an assessor of the application", """
                SELECT count(*) FROM tilskot.decision d
                 WHERE EXISTS (SELECT 1 FROM tilskot.assessment s WHERE s.application_id = d.application_id AND s.assessor = d.decided_by)
                """),
            ("decisions or assessments by someone disqualified before", """
                SELECT count(*) FROM tilskot.disqualification q
                 WHERE EXISTS (SELECT 1 FROM tilskot.decision d WHERE d.application_id = q.application_id AND d.decided_by = q.person AND d.decided_at > q.at)
                    OR EXISTS (SELECT 1 FROM tilskot.assessment s WHERE s.application_id = q.application_id AND s.assessor = q.person AND s.at > q.at)
                """),
            ("grants above the amount applied for, refusals with money, or missing reasons", """
                SELECT count(*) FROM tilskot.decision d JOIN tilskot.application a ON a.id = d.application_id
                 WHERE d.amount_ore > a.amount_applied_ore
                    OR (d.outcome IN ('rejected', 'dismissed') AND d.amount_ore <> 0)
                    OR (d.outcome <> 'granted' AND btrim(coalesce(d.reasons, '')) = '')
                """),
            ("applications whose status is not where their history ends", """
                SELECT count(*) FROM tilskot.application ap
                 WHERE ap.status IS DISTINCT FROM (SELECT l.new ->> 'status' FROM tilskot.audit_log l
                                                    WHERE l.application_id = ap.id AND l.table_name = 'application' AND l.new ? 'status'
                                                    ORDER BY l.id DESC LIMIT 1)
                """),
            ("actors that are not people", "SELECT count(*) FROM tilskot.audit_log WHERE actor LIKE 'tilskot\\_%'"),
        ]
        for (what, sql) in checks {
            #expect(try owner.queryValue(sql, as: Int.self) == 0, "\(what) (seed \(seed))")
        }
        let statuses = try owner.query("SELECT DISTINCT status FROM tilskot.application WHERE id = ANY ($1::bigint[])",
                                       ["{\(apps.map(String.init).joined(separator: ","))}"]).map { try $0.string("status") }
        #expect(statuses.count >= 3, "the walk reached only \(statuses)")
        print("state machine walk (seed \(seed)): \(succeeded) steps taken, \(refused) refused, statuses reached \(statuses.sorted())")
    }
}
