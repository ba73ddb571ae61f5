import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// The caseload histogram recounted once per touched case at COMMIT (14_report_summaries.sql). The
/// figures themselves are compared with the plain queries in ReportSummaryTallyTests; these check
/// what the fold at COMMIT could break: the order against the frame's check (07_decisions.sql), and
/// that no session can skip it.
@Suite("the caseload histogram recounted at commit (0038)")
struct CaseloadAtCommitTests {
    /// Histogram rows that differ from the plain aggregate over the cases (zero rows aside).
    static func caseloadMismatches(_ db: TestDatabase) throws -> Int {
        try db.connect().queryValue("""
            WITH plain AS (
                SELECT a.round_id, coalesce(g.caseworker, asm.assessor, '(unassigned)') AS caseworker, a.status,
                       fd.decision_date IS NOT NULL AS decided, coalesce(fd.decision_date - a.received, 0) AS days_to_decision,
                       count(*) AS applications, sum(coalesce(ap.appeals, 0)) AS appeals
                FROM tilskot.application a
                LEFT JOIN LATERAL (SELECT caseworker FROM tilskot.assignment g
                                   WHERE g.application_id = a.id ORDER BY g.id DESC LIMIT 1) g ON true
                LEFT JOIN tilskot.assessment asm ON asm.application_id = a.id AND asm.is_current
                LEFT JOIN LATERAL (SELECT decision_date FROM tilskot.decision d
                                   WHERE d.application_id = a.id ORDER BY d.id LIMIT 1) fd ON true
                LEFT JOIN LATERAL (SELECT count(*) AS appeals FROM tilskot.appeal p WHERE p.application_id = a.id) ap ON true
                GROUP BY 1, 2, 3, 4, 5),
            kept AS (
                SELECT round_id, caseworker, status, decided, days_to_decision, applications, appeals
                FROM tilskot.caseload_tally WHERE (applications, appeals) <> (0, 0))
            SELECT count(*) FROM ((SELECT * FROM plain EXCEPT SELECT * FROM kept) UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM plain)) x
            """, as: Int.self) ?? -1
    }

    @Test("a grant's caseload fold runs at COMMIT before the frame takes the round's row lock, not under it")
    func foldBeforeFrame() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let reference = try Lifecycle.assessed(db, amount: "1 000 000")
        let applicationId = try #require(try db.connect().queryValue(
            "SELECT id FROM tilskot.application WHERE reference = $1", [reference.description], as: Int64.self))
        // The owner holds the round's row as another decider does at its commit.
        let owner = try db.connect()
        try owner.execute("BEGIN")
        try owner.execute("SELECT 1 FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id WHERE s.code = 'JS' AND r.year = 2021 FOR NO KEY UPDATE OF r")
        let mona = try db.connect(asLogin: Lifecycle.mona)
        let pid = try #require(try mona.queryValue("SELECT pg_backend_pid()", as: Int.self))
        try mona.execute("BEGIN")
        try mona.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [applicationId])

        // Mona's COMMIT waits for the round's row on its own thread.
        let box = Unchecked(mona)
        let done = DispatchSemaphore(value: 0)
        let outcome = Unchecked(Outcome())
        Thread.detachNewThread {
            do { try box.value.execute("COMMIT"); outcome.value.committed = true } catch { outcome.value.error = "\(error)" }
            done.signal()
        }
        let watcher = try db.connect()
        var waiting = false
        for _ in 0..<200 where !waiting {
            waiting = try watcher.queryValue("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1",
                                             [pid], as: Bool.self) ?? false
            if !waiting { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(waiting, "the COMMIT never waited for the round's row")
        // While it waits, the fold has written the histogram already (its lock on the table is held to the end).
        let folded = try watcher.queryValue("""
            SELECT count(*) FROM pg_locks WHERE pid = $1 AND granted AND relation = 'tilskot.caseload_tally'::regclass
            """, [pid], as: Int.self)
        #expect((folded ?? 0) > 0, "the caseload fold had not run before the frame's lock")
        try owner.execute("ROLLBACK")
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(outcome.value.committed, "\(outcome.value.error ?? "")")

        let c = try db.connect()
        #expect(try c.queryValue("SELECT status || ' ' || decided FROM tilskot.application_caseload WHERE application_id = $1",
                                 [applicationId], as: String.self) == "granted true")
        #expect(try Lifecycle.count(db, "caseload_touched") == 0)
        #expect(try Lifecycle.count(db, "caseload_delta") == 0)
        #expect(try Self.caseloadMismatches(db) == 0)
    }

    @Test("a session that sets 0035's tilskot.caseload_pending cannot keep its changes out of the histogram")
    func settingCannotSkipTheFold() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let kari = try db.connect(asLogin: Lifecycle.kari)
        let reference = try Lifecycle.assessed(db, amount: "1 000 000")
        let applicationId = try #require(try kari.queryValue(
            "SELECT id FROM tilskot.application WHERE reference = $1", [reference.description], as: Int64.self))
        let mona = try db.connect(asLogin: Lifecycle.mona)
        try mona.execute("SET tilskot.caseload_pending = 'yes'")
        try mona.execute("BEGIN")
        try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, reasons) VALUES ($1, 'rejected', 'Svakt grunnlag.')",
                         [applicationId])
        try mona.execute("SET LOCAL tilskot.caseload_pending = 'no'")
        try mona.execute("COMMIT")
        #expect(try Self.caseloadMismatches(db) == 0)
        #expect(try Lifecycle.count(db, "caseload_touched") == 0)
    }

    /// A transaction is folded once however many cases it touches (each fold after the first
    /// finds its note gone; a statement writes a marker only when the transaction has none). What
    /// that could break: a fold forced mid-way must not stop later changes being folded, and a
    /// marker rolled back with a savepoint must not leave the deltas after it unfolded.
    @Test("one long transaction — registrations one statement at a time, a fold forced mid-way, a savepoint rolled back, many cases assessed in one statement — is folded whole")
    func longTransactionFoldedWhole() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let kari = try db.connect(asLogin: Lifecycle.kari)
        let register = """
            INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received, external_ref)
            SELECT r.id, o.id, 'Jobbsjansen ' || $1::text, 100000000, DATE '2021-02-01', 'long-' || $1::text
              FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id, tilskot.organisation o
             WHERE s.code = 'JS' AND r.year = 2021 AND o.orgnr = '958935420'
            """
        try kari.execute("BEGIN")
        for n in 1...30 { try kari.execute(register, ["\(n)"]) }
        // Folds what is queued now, inside the transaction; what follows must queue a fold again.
        try kari.execute("SET CONSTRAINTS ALL IMMEDIATE")
        try kari.execute("SET CONSTRAINTS ALL DEFERRED")
        try kari.execute("SAVEPOINT before_more")
        for n in 31...35 { try kari.execute(register, ["\(n)"]) }
        try kari.execute("ROLLBACK TO SAVEPOINT before_more")
        for n in 36...60 { try kari.execute(register, ["\(n)"]) }
        try kari.execute("""
            INSERT INTO tilskot.assessment (application_id, score, recommendation)
            SELECT id, 4, 'grant' FROM tilskot.application WHERE external_ref LIKE 'long-%' AND external_ref <= 'long-5' ORDER BY id
            """)
        try kari.execute("SET CONSTRAINTS ALL IMMEDIATE")
        try kari.execute("SET CONSTRAINTS ALL DEFERRED")
        try kari.execute("""
            INSERT INTO tilskot.assignment (application_id, caseworker)
            SELECT id, 'lc_kari' FROM tilskot.application WHERE external_ref LIKE 'long-%' ORDER BY id
            """)
        try kari.execute("COMMIT")

        #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.application WHERE external_ref LIKE 'long-%'",
                                            as: Int.self) == 55)
        #expect(try Self.caseloadMismatches(db) == 0)
        #expect(try db.connect().queryValue("""
            SELECT sum(applications) FROM tilskot.caseload_tally t JOIN tilskot.round r ON r.id = t.round_id
             JOIN tilskot.scheme s ON s.id = r.scheme_id WHERE s.code = 'JS' AND r.year = 2021 AND t.caseworker = 'lc_kari'
            """, as: Int.self) == 55)
        for table in ["caseload_touched", "caseload_delta", "caseload_fold_due"] {
            #expect(try Lifecycle.count(db, table) == 0, "\(table) left behind")
        }
    }

    @Test("nobody writes the notes of touched cases or queues a fold by hand")
    func nobodyWritesTheNotes() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        for login in [Lifecycle.kari, Lifecycle.mona, Lifecycle.fia, Lifecycle.adm] {
            let c = try db.connect(asLogin: login)
            for statement in [
                "INSERT INTO tilskot.caseload_touched (application_id) VALUES (1)",
                "DELETE FROM tilskot.caseload_touched",
                "INSERT INTO tilskot.caseload_fold_due DEFAULT VALUES",
                "INSERT INTO tilskot.caseload_delta (round_id, caseworker, status, decided, days_to_decision, applications, appeals, appeals_upheld, appeals_changed, appeals_pending) VALUES (1, 'x', 'received', false, 0, 1, 0, 0, 0, 0)",
            ] {
                #expect(throws: PGError.self, "\(login): \(statement)") { try c.execute(statement) }
            }
        }
    }
}

private struct Outcome {
    var committed = false
    var error: String?
}

/// A value handed to a thread that waits on a lock (a COMMIT, a statement); only that thread touches
/// it until it reports back.
final class Unchecked<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
