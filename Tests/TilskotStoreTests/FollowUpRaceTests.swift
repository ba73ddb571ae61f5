import Foundation
import PGClient
import Synchronization
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Two finance users at once, on two connections and two threads, each trying to get money out of
/// the same grants. The application's row lock makes the second wait and then see the first's
/// payment, so exactly one of each pair gets through and no grant is ever paid beyond its amount.
@Suite("payments under concurrency: two finance users at once")
struct FollowUpRaceTests {
    static let grants = 12

    /// Runs `work(worker, connection)` on two threads with their own connections as `users`, started together.
    func race(_ db: TestDatabase, users: [String], _ work: @escaping @Sendable (Int, Connection) throws -> Void) -> [String] {
        let unexpected = Mutex<[String]>([])
        let done = Mutex(0)
        let start = Mutex(false)
        for (worker, user) in users.enumerated() {
            let url = db.url(asLogin: user)
            Thread {
                defer { done.withLock { $0 += 1 } }
                do {
                    let c = try Connection(url)
                    try c.executeScript("SET search_path = tilskot, public")
                    while !start.withLock({ $0 }) { usleep(500) }
                    try work(worker, c)
                } catch {
                    unexpected.withLock { $0.append("\(error)") }
                }
            }.start()
        }
        start.withLock { $0 = true }
        while done.withLock({ $0 }) < users.count { usleep(2_000) }
        return unexpected.withLock { $0 }
    }

    func grantedApplications(_ db: TestDatabase) throws -> [Int64] {
        var ids: [Int64] = []
        for _ in 0..<Self.grants {
            ids.append(try FollowUp.id(db, try FollowUp.granted(db, amount: "1 000 000")))
        }
        return ids
    }

    @Test("two finance users plan 60 % of the same grants at once: one plan per grant gets in")
    func planningRace() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let apps = try grantedApplications(db)
        let accepted = Mutex(0)
        let refused = Mutex(0)
        // MUT: each user plans 600 000 kr on every grant, in opposite orders so that they collide.
        let errors = race(db, users: [FollowUp.fia, FollowUp.finn]) { worker, c in
            for app in worker == 0 ? apps : apps.reversed() {
                do {
                    _ = try c.retryingTransaction {
                        try c.execute("INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number) VALUES ($1, 60000000, '2021-05-01', '86011117947')", [app])
                    }
                    accepted.withLock { $0 += 1 }
                } catch let error as PGError where error.sqlState == "23T20" {
                    refused.withLock { $0 += 1 }
                }
            }
        }
        // validate
        #expect(errors.isEmpty, "\(errors)")
        #expect(accepted.withLock { $0 } == Self.grants)
        #expect(refused.withLock { $0 } == Self.grants)
        let over = try db.connect().queryValue(
            "SELECT count(*) FROM tilskot.grant_money WHERE planned_ore > granted_ore", as: Int.self)
        #expect(over == 0)
    }

    @Test("two finance users attest the last instalments of an over-planned grant at once: only one gets through")
    func attestationRace() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let apps = try grantedApplications(db)
        // setup: each grant has 600 000 kr planned and attested, and two more instalments of 400 000 kr
        // slipped in with triggers off (so both fit no plan check): only one of them may be attested.
        let owner = try db.connect()
        // fia plans the first instalment and frid attests it (the attester is not the planner,
        // SQL/schema/09_payments.sql); the racers fia and finn planned none of the slipped-in ones.
        let fia = try db.connect(asLogin: FollowUp.fia)
        let frid = try db.connect(asLogin: FollowUp.frid)
        var pairs: [(Int64, Int64)] = []
        for app in apps {
            let first = try #require(try fia.queryValue(
                "INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number) VALUES ($1, 60000000, '2021-05-01', '86011117947') RETURNING id",
                [app], as: Int64.self))
            try frid.execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [first])
            try owner.executeScript("SET session_replication_role = replica")
            let ids = try owner.query("""
                INSERT INTO tilskot.payment (application_id, instalment, amount_ore, due_date, account_number, planned_by)
                VALUES ($1, 2, 40000000, '2021-09-01', '86011117947', 'fu_kari'), ($1, 3, 40000000, '2021-09-01', '86011117947', 'fu_kari')
                RETURNING id
                """, [app]).map { try $0.int64("id") }
            try owner.executeScript("SET session_replication_role = origin")
            pairs.append((ids[0], ids[1]))
        }
        let racing = pairs
        let attested = Mutex(0)
        let refused = Mutex(0)
        // MUT: fia attests every second instalment while finn attests every third.
        let errors = race(db, users: [FollowUp.fia, FollowUp.finn]) { worker, c in
            for pair in racing {
                do {
                    _ = try c.retryingTransaction {
                        try c.execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [worker == 0 ? pair.0 : pair.1])
                    }
                    attested.withLock { $0 += 1 }
                } catch let error as PGError where error.sqlState == "23T20" {
                    refused.withLock { $0 += 1 }
                }
            }
        }
        // validate: per grant, 600 000 + one 400 000 attested; never more than the grant
        #expect(errors.isEmpty, "\(errors)")
        #expect(attested.withLock { $0 } == Self.grants)
        #expect(refused.withLock { $0 } == Self.grants)
        let over = try owner.queryValue("""
            SELECT count(*) FROM (SELECT application_id, sum(amount_ore) AS out FROM tilskot.payment
                                   WHERE status IN ('attested', 'paid') GROUP BY application_id) s
              JOIN tilskot.grant_money g USING (application_id) WHERE s.out > g.granted_ore
            """, as: Int.self)
        #expect(over == 0)
    }
}
