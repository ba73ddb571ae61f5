import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotSample
import TilskotStore
import TilskotTestSupport

/// The audit reason is set per step, never carried into the next (issue 14, "also seen": the sample
/// loader's `tilskot.reason` stayed set across its steps, so 378 audit rows carried another step's
/// reason). A step is one service call (Session.transaction); inside a larger transaction (the
/// sample loader, a caller's own) its reason — the one it was given, or the one it set itself, as a
/// decision makes its reasons the reason of its statement — is put back to the outer one when it ends.
@Suite("the audit reason is set per step")
struct AuditReasonTests {
    /// SampleLoader's reason for every step that gives none of its own.
    static let sampleReason = "sample data (tilskot sample load)"

    /// Audit rows whose reason is not the one of the step that wrote them, as one line each.
    ///
    /// A row carries its statement's reason when the statement gives one — a decision's reasons, a
    /// withdrawal's or a frame adjustment's reason, on the row itself and on the rows its triggers
    /// update in the same statement (the application's status, a superseded decision, the appeal's
    /// outcome, the round's frame) — and otherwise `fallback`, the reason of the transaction around
    /// the step. An appeal step's reasons (a dismissal's, the appeal body's) are its own like a
    /// decision's. The rows of one statement are consecutive in the log (one connection writes them), so
    /// an UPDATE carrying a reason must have its reason-giving INSERT with no other INSERT between them.
    static func misplaced(_ c: Connection, fallback: String, since: Int64 = 0) throws -> [String] {
        try c.query("""
            WITH a AS (SELECT id, table_name, action, row_id, application_id, new, reason
                         FROM tilskot.audit_log WHERE id > $2),
                 giving AS (SELECT id, application_id, (new ->> 'round_id')::bigint AS round_id,
                                   coalesce(new ->> 'reasons', new ->> 'reason') AS own
                              FROM a WHERE action = 'INSERT' AND table_name IN ('decision', 'withdrawal', 'frame_adjustment', 'appeal_step'))
            SELECT format('%s %s %s (row %s, application %s): reason %L', a.id, a.table_name, a.action, a.row_id,
                          coalesce(a.application_id::text, '-'), a.reason) AS problem
              FROM a
             WHERE NOT CASE
                 WHEN a.action = 'INSERT' AND a.table_name IN ('decision', 'withdrawal', 'frame_adjustment', 'appeal_step')
                     THEN a.reason IS NOT DISTINCT FROM coalesce(nullif(btrim(coalesce(a.new ->> 'reasons', a.new ->> 'reason')), ''), $1)
                 WHEN a.action = 'INSERT'
                     THEN a.reason IS NOT DISTINCT FROM $1
                 ELSE a.reason IS NOT DISTINCT FROM $1
                      OR EXISTS (SELECT 1 FROM giving g
                                  WHERE g.own = a.reason
                                    AND (g.application_id = a.application_id
                                         OR (a.table_name = 'round' AND g.round_id = a.row_id))
                                    AND NOT EXISTS (SELECT 1 FROM a b
                                                     WHERE b.action = 'INSERT' AND b.id <> g.id
                                                       AND b.id BETWEEN least(a.id, g.id) AND greatest(a.id, g.id)))
             END
             ORDER BY a.id
            """, [fallback, since]).map { try $0.string("problem") }
    }

    @Test("after a sample load no audit row carries another step's reason")
    func sampleLoad() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        // The sample's people (SampleLoader.manager, .appealRegistrar, .caseworkers), made once per
        // process like every fixture's users.
        try db.addUsers(["kari": .caseworker, "ola": .caseworker, "mona": .manager, "ida": .manager])
        // Only the load's rows: the migrations write audit rows of their own (e.g. 0003's notice channels).
        let before = try db.connect().queryValue("SELECT coalesce(max(id), 0) FROM tilskot.audit_log", as: Int64.self) ?? 0
        let outcome = try SampleLoader.load(session: try db.session())
        #expect(outcome.rounds.map(\.registered).reduce(0, +) > 150)
        let c = try db.connect()
        // The load gives reasons of its own (decisions with reasons, withdrawals, frame adjustments,
        // appeal decisions), so the check has something to find.
        let own = try c.queryValue("SELECT count(*) FROM tilskot.audit_log WHERE reason IS DISTINCT FROM $1",
                                   [Self.sampleReason], as: Int.self) ?? 0
        #expect(own >= 20, "only \(own) audit rows with a reason of their own")
        #expect(try c.queryValue("""
            SELECT count(*) FROM tilskot.audit_log WHERE table_name = 'decision' AND action = 'INSERT' AND new ->> 'reasons' IS NULL
            """, as: Int.self) ?? 0 > 100)
        let problems = try Self.misplaced(c, fallback: Self.sampleReason, since: before)
        #expect(problems.isEmpty, "\(problems.count) audit rows carry another step's reason: \(problems.prefix(10))")
    }

    @Test("a request's steps (tilskot serve: no savepoints): each step's rows carry its own reason, none another's; a refusal ends the request")
    func stepsOfARequest() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let rejected = try Lifecycle.assessed(db, amount: "1 000 000")
        let granted = try Lifecycle.assessed(db, org: Lifecycle.stavanger, amount: "2 000 000")
        let c = try db.connect()
        let since = try c.queryValue("SELECT coalesce(max(id), 0) FROM tilskot.audit_log", as: Int64.self) ?? 0

        // MUT: as DatabasePool.request runs one: the request's transaction, its role set with
        // set_config(…, true), a Session.forRequest; two steps, the first with reasons, the second without.
        let connection = try db.connect()
        try connection.transaction(opening: "SELECT set_config('role', $1, true)", [Lifecycle.mona]) { _ in
            let session = Session.forRequest(connection: connection, target: DatabaseTarget(conninfo: db.url, source: .explicit), actingAs: Lifecycle.mona)
            _ = try Decisions.decide(rejected, .reject, reasons: "Avslag: ramma er brukt opp", date: try CalendarDate("2021-04-15"),
                                     session: session)
            _ = try Decisions.decide(granted, .grant(Money(kroner: 2_000_000)), date: try CalendarDate("2021-04-15"), session: session)
        }
        let problems = try Self.misplaced(c, fallback: "", since: since).filter { !$0.hasSuffix("reason NULL") && !$0.hasSuffix("reason ''") }
        #expect(problems.isEmpty, "\(problems)")
        let reasons = try c.query("""
            SELECT a.reference, l.table_name, coalesce(l.reason, '') AS reason FROM tilskot.audit_log l
              JOIN tilskot.application a ON a.id = l.application_id WHERE l.id > $1 ORDER BY l.id
            """, [since]).map { "\(try $0.string("reference")) \(try $0.string("table_name")): \(try $0.string("reason"))" }
        #expect(reasons.filter { $0.hasPrefix(rejected.description) }.allSatisfy { $0.hasSuffix("Avslag: ramma er brukt opp") })
        #expect(reasons.filter { $0.hasPrefix(granted.description) }.allSatisfy { $0.hasSuffix(": ") }, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix(granted.description + " decision") })

        // A refused step: the request's transaction ends with it (no savepoint to go back to), nothing written.
        let after = try c.queryValue("SELECT coalesce(max(id), 0) FROM tilskot.audit_log", as: Int64.self) ?? 0
        let again = try db.connect()
        #expect(throws: (any Error).self) {
            try again.transaction(opening: "SELECT set_config('role', $1, true)", [Lifecycle.mona]) { _ in
                let session = Session.forRequest(connection: again, target: DatabaseTarget(conninfo: db.url, source: .explicit), actingAs: Lifecycle.mona)
                _ = try Decisions.decide(granted, .reject, reasons: "Avslag", date: try CalendarDate("2021-04-15"), session: session)
            }
        }
        #expect(try c.queryValue("SELECT coalesce(max(id), 0) FROM tilskot.audit_log", as: Int64.self) == after)
    }

    @Test("service calls with different reasons in one outer transaction: each step's rows carry its own")
    func stepsInOneTransaction() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let rejected = try Lifecycle.assessed(db, amount: "1 000 000")
        let granted = try Lifecycle.assessed(db, org: Lifecycle.stavanger, amount: "2 000 000")
        let withdrawn = try Lifecycle.register(db, amount: "500 000")
        let later = try Lifecycle.register(db, amount: "700 000")
        let c = try db.connect()
        let since = try c.queryValue("SELECT coalesce(max(id), 0) FROM tilskot.audit_log", as: Int64.self) ?? 0

        // MUT: one outer transaction (as the sample loader or a script would run it), steps by
        // different people; the outer transaction's reason is "batch".
        let session = try db.session()
        defer { _ = try? session.connection.executeScript("RESET ROLE") }
        try session.transaction(reason: "batch") {
            try session.act(as: Lifecycle.mona)
            _ = try Decisions.decide(rejected, .reject, reasons: "Avslag: ramma er brukt opp", date: try CalendarDate("2021-04-15"),
                                     session: session)
            // The next step gives no reason: its rows carry the batch's, not the rejection's.
            _ = try Decisions.decide(granted, .grant(Money(kroner: 2_000_000)), date: try CalendarDate("2021-04-15"), session: session)
            try session.act(as: Lifecycle.kari)
            _ = try Applications.withdraw(withdrawn, reason: "Trekt av kommunen", session: session)
            // A refused step in between: rolled back to its savepoint, with whatever it had set.
            try session.act(as: Lifecycle.mona)
            expectRefused("\(withdrawn) was withdrawn and cannot be decided") {
                _ = try Decisions.decide(withdrawn, .reject, reasons: "Avslag på ein trekt søknad", date: try CalendarDate("2021-04-15"),
                                         session: session)
            }
            try session.act(as: Lifecycle.kari)
            _ = try Assessments.assess(later, score: 3, recommendation: .grant, session: session)
            try session.act(as: Lifecycle.mona)
            _ = try Rounds.adjust(Lifecycle.round, amount: try Money.parse("1 mill"), reason: "tilleggsløyving", session: session)
            _ = try Decisions.decide(later, .grant(Money(kroner: 700_000)), date: try CalendarDate("2021-04-16"), session: session)
        }

        // validate: every row of the batch carries its own step's reason
        let problems = try Self.misplaced(c, fallback: "batch", since: since)
        #expect(problems.isEmpty, "\(problems)")
        func reasons(_ reference: ApplicationReference, _ table: String) throws -> [String?] {
            try c.query("""
                SELECT l.reason FROM tilskot.audit_log l JOIN tilskot.application a ON a.id = l.application_id
                 WHERE l.id > $1 AND a.reference = $2 AND l.table_name = $3 ORDER BY l.id
                """, [since, reference.description, table]).map { $0["reason"] }
        }
        #expect(try reasons(rejected, "decision") == ["Avslag: ramma er brukt opp"])
        #expect(try reasons(granted, "decision") == ["batch"])
        #expect(try reasons(granted, "application").allSatisfy { $0 == "batch" })
        #expect(try reasons(withdrawn, "withdrawal") == ["Trekt av kommunen"])
        #expect(try reasons(later, "assessment") == ["batch"])
        #expect(try reasons(later, "decision") == ["batch"])
        #expect(try c.queryValue("""
            SELECT reason FROM tilskot.audit_log WHERE id > $1 AND table_name = 'frame_adjustment'
            """, [since], as: String.self) == "tilleggsløyving")
        // Nothing of the batch carries a step's reason outside that step.
        #expect(try c.queryValue("""
            SELECT count(*) FROM tilskot.audit_log WHERE id > $1 AND reason NOT IN ('batch', 'Avslag: ramma er brukt opp',
                                                                                    'Trekt av kommunen', 'tilleggsløyving')
            """, [since], as: Int.self) == 0)
        #expect(try c.queryValue("SELECT count(*) FROM tilskot.audit_log WHERE reason = 'Avslag på ein trekt søknad'", as: Int.self) == 0)
    }
}
