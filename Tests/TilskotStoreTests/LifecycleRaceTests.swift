import Foundation
import PGClient
import Synchronization
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

@Suite("the frame under concurrent decisions")
struct LifecycleRaceTests {
    @Test("240 decisions from 4 connections on 4 threads race for one round's frame: 0 kr over it",
          arguments: [Connection.IsolationLevel.readCommitted, .serializable])
    func raceForTheFrame(isolation: Connection.IsolationLevel) throws {
        // setup: a round whose frame holds 100 of 240 equal grants, all assessed by a caseworker
        let db = try Lifecycle.database()
        defer { db.drop() }
        let owner = try db.connect()
        let frame: Int64 = 100 * 10_000
        let manager = try db.session(as: Lifecycle.mona)
        let key = try RoundKey("JS/2020")
        _ = try Rounds.open(key, frame: Money(ore: frame), opens: try CalendarDate("2020-01-06"),
                            closes: try CalendarDate("2020-03-01"), session: manager)
        let kari = try db.connect(actingAs: Lifecycle.kari)
        try kari.execute("""
            INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received)
            SELECT r.id, o.id, 'race ' || g, 10000, '2020-02-01'
            FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id AND s.code = 'JS' AND r.year = 2020,
                 tilskot.organisation o, generate_series(1, 240) g
            WHERE o.orgnr = '958935420'
            """)
        try kari.execute("""
            INSERT INTO tilskot.assessment (application_id, score, recommendation)
            SELECT a.id, 3, 'grant' FROM tilskot.application a JOIN tilskot.round r ON r.id = a.round_id WHERE r.year = 2020
            """)
        let ids = try owner.query("""
            SELECT a.id FROM tilskot.application a JOIN tilskot.round r ON r.id = a.round_id WHERE r.year = 2020 ORDER BY a.id
            """).map { try $0.int64("id") }
        #expect(ids.count == 240)

        // MUT: four managers' connections, each on its own thread, deciding interleaved slices
        let deciders = [Lifecycle.mona, Lifecycle.per, Lifecycle.adm, Lifecycle.mona]
        let granted = Mutex(0)
        let refusedOverFrame = Mutex(0)
        let unexpected = Mutex<[String]>([])
        let done = Mutex(0)
        let start = Mutex(false)
        for worker in 0..<4 {
            let slice = stride(from: worker, to: ids.count, by: 4).map { ids[$0] }
            let url = db.url(asLogin: deciders[worker])
            Thread {
                defer { done.withLock { $0 += 1 } }
                do {
                    let c = try Connection(url)
                    while !start.withLock({ $0 }) { usleep(1_000) }
                    for id in slice {
                        do {
                            // Under SERIALIZABLE a decider that loses the race on the round gets 40001
                            // and runs again; under READ COMMITTED it waits on the round's row lock.
                            _ = try c.retryingTransaction(isolation: isolation, attempts: 100) {
                                try c.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [id])
                            }
                            granted.withLock { $0 += 1 }
                        } catch let error as PGError where error.sqlState == "23T01" {
                            refusedOverFrame.withLock { $0 += 1 }
                        }
                    }
                } catch {
                    unexpected.withLock { $0.append("\(error)") }
                }
            }.start()
        }
        start.withLock { $0 = true }
        while done.withLock({ $0 }) < 4 { usleep(5_000) }

        // validate: exactly the frame's worth granted, the rest refused, the sums agree
        #expect(unexpected.withLock { $0 }.isEmpty)
        #expect(granted.withLock { $0 } == 100)
        #expect(refusedOverFrame.withLock { $0 } == 140)
        let row = try #require(try owner.queryRow("""
            SELECT r.frame_ore, r.granted_ore,
                   (SELECT coalesce(sum(d.amount_ore), 0) FROM tilskot.decision d JOIN tilskot.application a ON a.id = d.application_id
                    WHERE a.round_id = r.id AND d.is_current) AS decided_ore
            FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id WHERE s.code = 'JS' AND r.year = 2020
            """))
        let frameOre = try row.int64("frame_ore"), grantedOre = try row.int64("granted_ore"), decidedOre = try row.int64("decided_ore")
        #expect(decidedOre == grantedOre)
        #expect(grantedOre <= frameOre)
        #expect(frameOre - grantedOre == 0) // 0 kr over, and no room left unused either
    }
}
