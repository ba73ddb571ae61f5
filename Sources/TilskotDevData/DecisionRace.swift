import Foundation
import PGClient
import Synchronization
import TilskotCore
import TilskotStore

/// Several managers deciding applications of one round at the same time, each on their own
/// connection, through the service layer (`Decisions.decide`), for a fixed time: the benchmark's
/// concurrency figure. Grants that no longer fit the frame are refused by the database and the
/// worker rejects the application instead, so the frame runs out under load and the final
/// overspend (granted beyond the frame) can be checked: it must be 0 kr.
public enum DecisionRace {
    public static let scheme = "RACE"

    public struct Result: Sendable {
        public var decisions: Int
        public var grants: Int
        /// Grants refused because the frame would be exceeded (then rejected instead).
        public var frameRefusals: Int
        public var seconds: Double
        public var frame: Money
        /// The round's maintained sum of current grants.
        public var granted: Money
        /// The plain sum of current grants from the decisions themselves.
        public var grantedFromDecisions: Money
        public var decisionsPerSecond: Double { seconds > 0 ? Double(decisions) / seconds : 0 }
        /// Money granted beyond each round's frame, summed over the rounds, by the maintained sum or the
        /// decisions themselves, whichever is larger (0 kr when every frame held).
        public var overspendPerRound: Money
        public var overspend: Money { overspendPerRound }
    }

    /// `rounds` rounds of scheme RACE (RACE4 for four rounds: this year and the years before), with
    /// `applications` assessed applications spread over them and frames of about a third of what
    /// they ask for, in a database where `DevDataLoader.setUp` has made the users.
    public static func prepare(target: DatabaseTarget, applications: Int, rounds: Int = 1,
                               seed: UInt64 = 7) throws(TilskotError) -> [RoundKey] {
        let code = rounds == 1 ? scheme : "\(scheme)\(rounds)"
        let thisYear = CalendarDate.today().year
        let years = (0..<max(1, rounds)).map { thisYear - $0 }
        let keys = try years.map { year throws(TilskotError) in try read { () throws(ValidationError) in try RoundKey("\(code)/\(year)") } }
        let manager = try Session.open(target, actAs: DevDataLoader.manager)
        if try Schemes.find(keys[0].scheme, session: manager) == nil {
            _ = try Schemes.create(.init(code: keys[0].scheme, name: "Benchmark race (\(rounds) rounds)",
                                         applicantKinds: [.municipality]), session: manager)
        }
        try manager.transaction(reason: "benchmark race rounds") {
            for year in years {
                try manager.connection.execute("""
                    INSERT INTO tilskot.round (scheme_id, year, opens, closes, initial_frame_ore)
                    SELECT id, $2, make_date($2, 1, 1), make_date($2, 12, 31), 0 FROM tilskot.scheme
                    WHERE code = $1 AND NOT EXISTS (SELECT 1 FROM tilskot.round r WHERE r.scheme_id = scheme.id AND r.year = $2)
                    """, [code, year])
            }
        }
        // The applications, through the import (a round column), from the municipalities.
        let municipalities = Municipality.all(in: .division2024).compactMap { m in m.orgnr.map { (m, $0) } }
        var random = SeededRandom(seed: seed)
        // Each preparation adds its own applications, so a race can be run again in the same database.
        let batch = Int(Date().timeIntervalSince1970)
        var csv = "round,orgnr,title,amount,received,external_ref,org_name,org_kind,org_municipality\n"
        let today = CalendarDate.today()
        for n in 1...max(1, applications) {
            let year = years[n % years.count]
            let first = CalendarDate(year: year, month: 1, day: 1)!
            let last = min(today, CalendarDate(year: year, month: 12, day: 31)!)
            let received = first.adding(days: random.below(max(1, first.days(until: last))))
            let (m, orgnr) = municipalities[random.below(municipalities.count)]
            csv += "\(code)/\(year),\(orgnr),Race \(n),\(100_000 + random.below(900) * 1_000),\(received),\(code)-\(batch)-\(n),\(m.name) kommune,municipality,\(m.code)\n"
        }
        let file = FileManager.default.temporaryDirectory.appending(path: "tilskot-race-\(getpid()).csv")
        do { try csv.write(to: file, atomically: true, encoding: .utf8) } catch {
            throw .refused("cannot write \(file.path): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: file) }
        _ = try ApplicationImport.run(file: file, options: .init(),
                                      session: try Session.open(target, actAs: DevDataLoader.caseworker))
        let assessor = try Session.open(target, actAs: DevDataLoader.assessor)
        try assessor.transaction(reason: "benchmark race: assessed") {
            try assessor.connection.execute("""
                INSERT INTO tilskot.assessment (application_id, score, recommendation)
                SELECT a.id, 4, 'grant' FROM tilskot.application a JOIN tilskot.scheme s ON s.id = a.scheme_id
                WHERE s.code = $1 AND a.status = 'received' ORDER BY a.id
                """, [code])
        }
        // Whole øre (div): sum() is numeric, and a fraction above the frame would round to a 0 kr adjustment.
        try manager.transaction(reason: "benchmark race: frame") {
            try manager.connection.execute("""
                INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason)
                SELECT r.id, div(sum(a.amount_applied_ore), 300) * 100 - r.frame_ore, 'benchmark race: a third of what is asked'
                FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id JOIN tilskot.application a ON a.round_id = r.id
                WHERE s.code = $1 GROUP BY r.id, r.frame_ore HAVING div(sum(a.amount_applied_ore), 300) * 100 > r.frame_ore
                """, [code])
        }
        return keys
    }

    /// `workers` managers decide the rounds' assessed applications for `seconds`; worker w works in
    /// round w mod rounds, so with one round all of them queue on it, with four each has its own.
    public static func run(target: DatabaseTarget, rounds: [RoundKey], workers: Int, seconds: Double) throws(TilskotError) -> Result {
        let setup = try Session.open(target, actAs: DevDataLoader.manager)
        // What each worker will decide, read once: the reference and the amount applied for, per round.
        let perRound = try rounds.map { round throws(TilskotError) in
            try setup.run {
                try setup.connection.query("""
                    SELECT a.reference, a.amount_applied_ore FROM tilskot.application a JOIN tilskot.round r ON r.id = a.round_id
                    JOIN tilskot.scheme s ON s.id = r.scheme_id
                    WHERE s.code = $1 AND r.year = $2 AND a.status = 'assessed' ORDER BY a.id
                    """, [round.scheme.value, round.year]).map { (try $0.string("reference"), try $0.int64("amount_applied_ore")) }
            }
        }
        let counts = Mutex((decisions: 0, grants: 0, refusals: 0, failure: String?.none))
        let deadline = Date().addingTimeInterval(seconds)
        let started = Date()
        let finished = DispatchGroup()
        for worker in 0..<workers {
            // Each worker its own share of the applications, so they compete for the round, not the rows.
            let references = perRound[worker % perRound.count]
            let sharing = (workers - 1 - worker % perRound.count) / perRound.count + 1
            let mine = stride(from: worker / perRound.count, to: references.count, by: sharing).map { references[$0] }
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                do {
                    let session = try Session.open(target, actAs: DevDataLoader.manager)
                    var local = (decisions: 0, grants: 0, refusals: 0)
                    for (text, applied) in mine {
                        if Date() >= deadline { break }
                        let reference = try ApplicationReference(text)
                        do {
                            _ = try Decisions.decide(reference, .grant(Money(ore: applied)), session: session)
                            local.grants += 1
                        } catch let error as TilskotError where error.description.contains("over its frame") {
                            local.refusals += 1
                            _ = try Decisions.decide(reference, .reject, reasons: "The frame is used up.", session: session)
                        }
                        local.decisions += 1
                    }
                    counts.withLock { c in
                        c.decisions += local.decisions; c.grants += local.grants; c.refusals += local.refusals
                    }
                } catch {
                    counts.withLock { $0.failure = "\(error)" }
                }
            }
            thread.start()
        }
        finished.wait()
        let elapsed = Date().timeIntervalSince(started)
        let totals = counts.withLock { $0 }
        if let failure = totals.failure { throw .refused("a race worker failed: \(failure)") }
        return try setup.run {
            guard let row = try setup.connection.queryRow("""
                SELECT coalesce(sum(r.frame_ore), 0) AS frame_ore, coalesce(sum(r.granted_ore), 0) AS granted_ore,
                       coalesce(sum(greatest(0, r.granted_ore - r.frame_ore)), 0) AS over_maintained,
                       coalesce(sum((SELECT coalesce(sum(d.amount_ore), 0) FROM tilskot.decision d JOIN tilskot.application a ON a.id = d.application_id
                                     WHERE a.round_id = r.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted'))), 0) AS summed,
                       coalesce(sum(greatest(0, (SELECT coalesce(sum(d.amount_ore), 0) FROM tilskot.decision d JOIN tilskot.application a ON a.id = d.application_id
                                     WHERE a.round_id = r.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted')) - r.frame_ore)), 0) AS over_summed
                FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
                WHERE s.code = $1 AND r.year = ANY ($2::int[])
                """, [rounds[0].scheme.value, rounds.map(\.year)]) else { throw TilskotError.refused("the race rounds are gone") }
            return Result(decisions: totals.decisions, grants: totals.grants, frameRefusals: totals.refusals, seconds: elapsed,
                          frame: Money(ore: try row.int64("frame_ore")), granted: Money(ore: try row.int64("granted_ore")),
                          grantedFromDecisions: Money(ore: try row.int64("summed")),
                          overspendPerRound: Money(ore: max(try row.int64("over_maintained"), try row.int64("over_summed"))))
        }
    }

    static func read<T>(_ body: () throws(ValidationError) -> T) throws(TilskotError) -> T {
        do { return try body() } catch { throw .refused(error.message) }
    }
}
