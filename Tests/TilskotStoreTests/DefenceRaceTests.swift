import Foundation
import PGClient
import Synchronization
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Issue 8's race: 8 connections × 500 decisions for one round's frame, half of them under
/// SERIALIZABLE, every serialization failure (40001) and deadlock (40P01) run again. Small amounts,
/// so it stays a test (a few seconds); docs/reliability.md records its figures.
@Suite("the frame under 8 × 500 concurrent decisions")
struct DefenceRaceTests {
    static let connections = 8
    static let perConnection = 500
    static let fitting = 1_500            // grants the frame holds
    static let amount: Int64 = 10_000     // 100 kr each

    @Test("8 connections × 500 decisions race for one frame: 0 kr over, 40001/40P01 retried, the sums agree")
    func eightByFiveHundred() throws {
        // setup: round JS/2020 holding 1 500 of 4 000 equal applications, all assessed by a caseworker
        let db = try Lifecycle.database()
        defer { db.drop() }
        let total = Self.connections * Self.perConnection
        _ = try Rounds.open(try RoundKey("JS/2020"), frame: Money(ore: Int64(Self.fitting) * Self.amount),
                            opens: try CalendarDate("2020-01-06"), closes: try CalendarDate("2020-03-01"),
                            session: try db.session(as: Lifecycle.mona))
        let kari = try db.connect(actingAs: Lifecycle.kari)
        try kari.execute("""
            INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received)
            SELECT r.id, o.id, 'race ' || g, $1, '2020-02-01'
              FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id AND s.code = 'JS' AND r.year = 2020,
                   tilskot.organisation o, generate_series(1, $2) g
             WHERE o.orgnr = '958935420'
            """, [Self.amount, total])
        try kari.execute("""
            INSERT INTO tilskot.assessment (application_id, score, recommendation)
            SELECT a.id, 3, 'grant' FROM tilskot.application a JOIN tilskot.round r ON r.id = a.round_id WHERE r.year = 2020
            """)
        let owner = try db.connect()
        let ids = try owner.query("""
            SELECT a.id FROM tilskot.application a JOIN tilskot.round r ON r.id = a.round_id WHERE r.year = 2020 ORDER BY a.id
            """).map { try $0.int64("id") }
        #expect(ids.count == total)

        // MUT: 8 managers' connections on 8 threads, interleaved slices; odd ones SERIALIZABLE
        let deciders = [Lifecycle.mona, Lifecycle.per, Lifecycle.adm]
        let granted = Mutex(0), overFrame = Mutex(0), retries = Mutex([String: Int]()), unexpected = Mutex<[String]>([])
        let done = Mutex(0), go = Mutex(false), mostAttempts = Mutex(1)
        let started = Date()
        for worker in 0..<Self.connections {
            let slice = stride(from: worker, to: ids.count, by: Self.connections).map { ids[$0] }
            let url = db.url(asLogin: deciders[worker % deciders.count])
            let isolation: Connection.IsolationLevel = worker % 2 == 1 ? .serializable : .readCommitted
            Thread {
                defer { done.withLock { $0 += 1 } }
                do {
                    let c = try Connection(url)
                    while !go.withLock({ $0 }) { usleep(500) }
                    for id in slice {
                        var attempt = 0
                        while true {
                            attempt += 1
                            do {
                                try c.transaction(isolation: isolation) {
                                    try c.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [id])
                                }
                                granted.withLock { $0 += 1 }
                                break
                            } catch let error as PGError where error.sqlState == "23T01" {
                                overFrame.withLock { $0 += 1 }
                                break
                            } catch let error as PGError where error.isRetryable && attempt < 1_000 {
                                // Run it again after a short random pause, as a client should: without
                                // one, a SERIALIZABLE decider can lose to the others again and again.
                                retries.withLock { $0[error.sqlState, default: 0] += 1 }
                                mostAttempts.withLock { $0 = max($0, attempt + 1) }
                                usleep(UInt32.random(in: 0...UInt32(min(1 << min(attempt, 10), 20) * 1_000)))
                            }
                        }
                    }
                } catch {
                    unexpected.withLock { $0.append("\(error)") }
                }
            }.start()
        }
        go.withLock { $0 = true }
        while done.withLock({ $0 }) < Self.connections { usleep(5_000) }
        let seconds = Date().timeIntervalSince(started)

        // validate: exactly the frame's worth granted, the rest refused, nothing lost, the sums agree
        #expect(unexpected.withLock { $0 }.isEmpty, "\(unexpected.withLock { $0 })")
        #expect(granted.withLock { $0 } == Self.fitting)
        #expect(overFrame.withLock { $0 } == total - Self.fitting)
        let row = try #require(try owner.queryRow("""
            SELECT r.frame_ore, r.granted_ore,
                   (SELECT coalesce(sum(d.amount_ore), 0) FROM tilskot.decision d JOIN tilskot.application a ON a.id = d.application_id
                     WHERE a.round_id = r.id AND d.is_current) AS decided_ore,
                   (SELECT count(*) FROM tilskot.application a WHERE a.round_id = r.id AND a.status = 'granted') AS granted_applications,
                   (SELECT count(*) FROM tilskot.audit_log l JOIN tilskot.decision d ON l.table_name = 'decision' AND l.row_id = d.id
                      JOIN tilskot.application a ON a.id = d.application_id WHERE a.round_id = r.id) AS audited
              FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id WHERE s.code = 'JS' AND r.year = 2020
            """))
        #expect(try row.int64("granted_ore") == (try row.int64("decided_ore")))
        #expect(try row.int64("frame_ore") - (try row.int64("granted_ore")) == 0) // 0 kr over, none left unused
        #expect(try row.int("granted_applications") == Self.fitting)
        #expect(try row.int("audited") == Self.fitting) // every grant has its audit entry, no refused one does
        let retried = retries.withLock { $0 }
        print("race 8×500: \(granted.withLock { $0 }) granted, \(overFrame.withLock { $0 }) refused over the frame, retries \(retried) (at most \(mostAttempts.withLock { $0 }) attempts for one decision), \(String(format: "%.1f", seconds)) s, \(Int(Double(total) / seconds)) decisions/s")
    }

    @Test("two finance users pay the last instalments of one grant at once, the same one and two over-attested ones: paid ≤ grant")
    func twoFinanceUsersPayAtOnce() throws {
        // setup: 24 grants of 1 000 000 kr, 600 000 kr paid. On 12, the last 400 000 kr attested the
        // proper way; on 12, two instalments of 400 000 kr marked attested with every trigger off (as
        // if an attestation check had been bypassed): then paying is the last line.
        let db = try FollowUp.database()
        defer { db.drop() }
        let owner = try db.connect()
        // fia plans (and may pay what she planned), frid attests: the attester is neither the planner
        // nor a payer (SQL/schema/09_payments.sql), so the racers fia and finn may both pay what frid attested.
        let fia = try db.connect(asLogin: FollowUp.fia)
        let frid = try db.connect(asLogin: FollowUp.frid)
        var last: [Int64] = [], overAttested: [(Int64, Int64)] = []
        let plan = "INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number) VALUES ($1, $2, '2021-05-01', '86011117947') RETURNING id"
        for index in 0..<24 {
            let app = try FollowUp.id(db, try FollowUp.granted(db, amount: "1 000 000"))
            let first = try #require(try fia.queryValue(plan, [app, 60_000_000], as: Int64.self))
            try frid.execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [first])
            try fia.execute("INSERT INTO tilskot.payment_event (payment_id, kind, voucher) VALUES ($1, 'pay', 'B-1')", [first])
            if index < 12 {
                // the last 400 000 kr, planned and attested the proper way: both will pay it
                let second = try #require(try fia.queryValue(plan, [app, 40_000_000], as: Int64.self))
                try frid.execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [second])
                last.append(second)
            } else {
                // two of 400 000 kr marked attested with every trigger off: each pays one
                try owner.executeScript("SET session_replication_role = replica")
                let extra = try owner.query("""
                    INSERT INTO tilskot.payment (application_id, instalment, amount_ore, due_date, account_number, status, planned_by, attested_by, attested_at)
                    VALUES ($1, 2, 40000000, '2021-09-01', '86011117947', 'attested', 'fu_fia', 'fu_frid', now()),
                           ($1, 3, 40000000, '2021-09-01', '86011117947', 'attested', 'fu_fia', 'fu_frid', now())
                    RETURNING id
                    """, [app]).map { try $0.int64("id") }
                try owner.executeScript("SET session_replication_role = origin")
                overAttested.append((extra[0], extra[1]))
            }
        }

        // MUT: fia and finn, each on a connection and thread of their own, pay at the same time:
        // both the same last instalment of 12 grants, then each one of the two over-attested ones of 12 more.
        let paid = Mutex(0), refused = Mutex([String: Int]()), unexpected = Mutex<[String]>([])
        let done = Mutex(0), go = Mutex(false)
        let targets = last, extras = overAttested
        for (worker, user) in [FollowUp.fia, FollowUp.finn].enumerated() {
            let url = db.url(asLogin: user)
            Thread {
                defer { done.withLock { $0 += 1 } }
                do {
                    let c = try Connection(url)
                    while !go.withLock({ $0 }) { usleep(500) }
                    for payment in targets + extras.map({ worker == 0 ? $0.0 : $0.1 }) {
                        do {
                            _ = try c.retryingTransaction {
                                try c.execute("INSERT INTO tilskot.payment_event (payment_id, kind, voucher) VALUES ($1, 'pay', $2)",
                                              [payment, "B-\(user)-\(payment)"])
                            }
                            paid.withLock { $0 += 1 }
                        } catch let error as PGError where error.sqlState.hasPrefix("23T") {
                            refused.withLock { $0[error.sqlState, default: 0] += 1 }
                        }
                    }
                } catch {
                    unexpected.withLock { $0.append("\(error)") }
                }
            }.start()
        }
        go.withLock { $0 = true }
        while done.withLock({ $0 }) < 2 { usleep(2_000) }

        // validate: the same instalment paid once (23T23 for the other), one of the two extra ones
        // (23T20: over the grant), every grant paid exactly in full, never beyond, with two payments
        #expect(unexpected.withLock { $0 }.isEmpty, "\(unexpected.withLock { $0 })")
        #expect(paid.withLock { $0 } == 24, "paid \(paid.withLock { $0 }), refused \(refused.withLock { $0 })")
        #expect(refused.withLock { $0 } == ["23T23": 12, "23T20": 12])
        let sums = try owner.query("""
            SELECT p.application_id, sum(p.amount_ore) AS out, count(e.id) AS pay_events
              FROM tilskot.payment p LEFT JOIN tilskot.payment_event e ON e.payment_id = p.id AND e.kind = 'pay'
             WHERE p.status = 'paid' GROUP BY p.application_id
            """)
        #expect(sums.count == 24)
        for row in sums {
            #expect(try row.int64("out") == 100_000_000)
            #expect(try row.int("pay_events") == 2)
        }
    }
}
