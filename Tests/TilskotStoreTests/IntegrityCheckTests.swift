import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotLocalCluster
import TilskotStore
import TilskotTestSupport

/// deploy/check-integrity.sql, the auditor's check for what triggers cannot stop: a superuser or an
/// owner who switches the rules off, writes past them and switches them on again.
@Suite("the auditor's integrity check detects writes past the rules")
struct IntegrityCheckTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "deploy/check-integrity.sql").path

    /// Runs the check as the auditor: the failing checks' names, and psql's exit status.
    func check(_ db: TestDatabase) throws -> (exitCode: Int32, failing: [String], output: String) {
        let result = try ChildProcess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-d", db.url(asLogin: Lifecycle.aud), "-f", Self.script],
                                          separateStandardError: true)
        let failing = result.output.split(separator: "\n")
            .filter { $0.contains("| f  |") }
            .map { String($0.split(separator: "|")[0]).trimmingCharacters(in: .whitespaces) }
        return (result.exitCode, failing, result.output + result.errorOutput)
    }

    @Test("clean after normal work; after replica-mode writes and a disabled trigger it names each trace and exits non-zero")
    func detectsTampering() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let decided = try Lifecycle.assessed(db)
        _ = try Decisions.decide(decided, .grant(try Money.parse("5 000 000")), session: try db.session(as: Lifecycle.mona))
        let target = try Lifecycle.assessed(db, org: Lifecycle.stavanger)
        let clean = try check(db)
        #expect(clean.exitCode == 0, "\(clean.output)")
        #expect(clean.failing.isEmpty)
        #expect(clean.output.contains("every check holds"))

        // MUT: a superuser writes a grant with every trigger off, then leaves one trigger disabled
        let owner = try db.connect()
        try owner.execute("SET session_replication_role = replica")
        try owner.execute("""
            INSERT INTO tilskot.decision (application_id, outcome, amount_ore, decided_by)
            SELECT id, 'granted', amount_applied_ore, 'lc_per' FROM tilskot.application WHERE reference = $1
            """, [target.description])
        try owner.execute("UPDATE tilskot.application SET status = 'granted' WHERE reference = $1", [target.description])
        // …and pays the first grant more than it grants, with no attestation or payment event
        try owner.execute("""
            INSERT INTO tilskot.payment (application_id, instalment, amount_ore, due_date, account_number, status,
                                         planned_by, attested_by, paid_on, voucher)
            SELECT id, 1, 600000000, '2021-05-01', '86011117947', 'paid', 'lc_fia', 'lc_fia', '2021-05-01', 'B-1'
              FROM tilskot.application WHERE reference = $1
            """, [decided.description])
        try owner.execute("RESET session_replication_role")
        try owner.execute("ALTER TABLE tilskot.audit_log DISABLE TRIGGER audit_log_no_update_delete")

        // validate: each trace is named
        let tampered = try check(db)
        #expect(tampered.exitCode != 0)
        #expect(Set(tampered.failing) == [
            "triggers: every trigger on a tilskot table is enabled",
            "audit: every decision row was logged",
            "audit: every payment row was logged",
            "history: every application's status is where its audit history ends",
            "money: every round's granted sum equals its current grants",
            "money: no grant has more attested and paid than it grants",
            "history: every attested or paid instalment has its attestation and payment events",
            // The reports' summaries missed the grant and the payment: their triggers were off too.
            "reports: the application summary (summary, trend, geography) is what its applications and decisions add up to",
            "reports: the caseload histogram (caseload) is what the cases add up to",
            "reports: the follow-up summary (followup) is what the payments, claw-backs and reports add up to",
            // lc_fia planned, attested (and the instalment is paid): the duties kept apart (09_payments.sql).
            "payments: no instalment is attested by its decider or planner, or paid by its attester",
        ], "\(tampered.output)")
        #expect(tampered.output.contains("\(decided): 600000000 øre out of 500000000"))
        #expect(tampered.output.contains("audit_log.audit_log_no_update_delete is disabled"))
        #expect(tampered.output.contains("\(target) is granted"))
    }

    @Test("a report summary written past its triggers is named, and only it, with its round")
    func detectsSummaryWrittenDirectly() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let reference = try Lifecycle.assessed(db)
        _ = try Decisions.decide(reference, .grant(try Money.parse("5 000 000")), session: try db.session(as: Lifecycle.mona))
        #expect(try check(db).failing.isEmpty)
        let roundId = try #require(try db.connect().queryValue(
            "SELECT round_id FROM tilskot.application WHERE reference = $1", [reference.description], as: Int64.self))

        // MUT: the owner adds an applicant that never applied to the applicants report's summary
        try db.connect().execute("UPDATE tilskot.applicant_tally SET organisations = organisations + 1 WHERE round_id = $1", [roundId])
        let tampered = try check(db)
        #expect(tampered.exitCode != 0)
        #expect(tampered.failing == ["reports: the applicant summary (applicants) is the distinct organisations that applied in each round"],
                "\(tampered.output)")
        #expect(tampered.output.contains("round \(roundId)"))
    }

    @Test("four-eyes, disqualification, settled closings, reasons, payment roles, appeals and dates: each broken row is named")
    func detectsRuleGaps() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let mona = try db.session(as: Lifecycle.mona)
        let assessed = try Lifecycle.assessed(db)                                   // kari assessed it
        let other = try Lifecycle.assessed(db, org: Lifecycle.stavanger)
        _ = try Decisions.decide(other, .reject, reasons: "Svak plan", session: mona)
        #expect(try check(db).failing.isEmpty)

        // MUT: the superuser writes, with every trigger off, what each rule forbids.
        let owner = try db.connect()
        try owner.execute("SET session_replication_role = replica")
        let app = try #require(try owner.queryValue("SELECT id FROM tilskot.application WHERE reference = $1", [assessed.description], as: Int64.self))
        let otherApp = try #require(try owner.queryValue("SELECT id FROM tilskot.application WHERE reference = $1", [other.description], as: Int64.self))
        // The CHECKs hold even in replica mode: the superuser drops the ones in the way first.
        try owner.execute("ALTER TABLE tilskot.decision DROP CONSTRAINT decision_reasons_present")
        try owner.execute("ALTER TABLE tilskot.application DROP CONSTRAINT application_late_has_reason")
        // kari, the assessor, decides (four-eyes), with reasons that are a zero-width space (reasons)…
        try owner.execute("""
            INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decided_by, is_current)
            VALUES ($1, 'rejected', 0, E'\\u200B', 'lc_kari', false)
            """, [app])
        // …ola is disqualified and assesses afterwards (disqualification)…
        try owner.execute("INSERT INTO tilskot.disqualification (application_id, person, reason, declared_by, at) VALUES ($1, 'lc_ola', 'Inhabil', 'lc_ola', now() - interval '1 hour')", [app])
        try owner.execute("""
            INSERT INTO tilskot.assessment (application_id, assessor, score, recommendation, is_current)
            VALUES ($1, 'lc_ola', 3, 'reject', false)
            """, [app])
        // …the rejected case gets an appeal registered and decided by mona (appeals), is closed with an
        // instalment still planned (closing) that fia planned and attested (payment roles), and a
        // late registration at -infinity (dates).
        let appeal = try #require(try owner.queryValue("""
            INSERT INTO tilskot.appeal (application_id, decision_id, received, registered_by, grounds)
            SELECT $1, id, tilskot.today(), 'lc_mona', 'Ueinig' FROM tilskot.decision WHERE application_id = $1 RETURNING id
            """, [otherApp], as: Int64.self))
        let decision = try #require(try owner.queryValue("""
            INSERT INTO tilskot.decision (application_id, outcome, amount_ore, decided_by, appeal_id, is_current)
            VALUES ($1, 'granted', 500000000, 'lc_mona', $2, false) RETURNING id
            """, [otherApp, appeal], as: Int64.self))
        try owner.execute("UPDATE tilskot.appeal SET outcome = 'changed', resolved_by_decision_id = $2, resolved_at = now() WHERE id = $1", [appeal, decision])
        try owner.execute("""
            INSERT INTO tilskot.payment (application_id, instalment, amount_ore, due_date, account_number, status, planned_by, attested_by)
            VALUES ($1, 1, 100, '2021-05-01', '86011117947', 'attested', 'lc_fia', 'lc_fia')
            """, [otherApp])
        try owner.execute("INSERT INTO tilskot.closing (application_id, closed_by) VALUES ($1, 'lc_mona')", [otherApp])
        try owner.execute("ALTER TABLE tilskot.application DROP CONSTRAINT application_received_finite")
        try owner.execute("""
            INSERT INTO tilskot.application (reference, scheme_id, round_id, organisation_id, title, amount_applied_ore, received,
                                             late, late_reason, registered_by)
            SELECT 'JS-2021-0999', scheme_id, round_id, organisation_id, 'Uendeleg', 1, '-infinity', true, E'\\t', 'lc_mona'
              FROM tilskot.application WHERE id = $1
            """, [app])
        try owner.execute("RESET session_replication_role")

        // validate: each gap is named, with its rows
        let tampered = try check(db)
        #expect(tampered.exitCode != 0)
        for name in ["four-eyes: no decision is made by someone who assessed the case",
                     "disqualification: no assessment or decision is made by someone disqualified on the case",
                     "closing: every closed grant is settled (report approved, money paid, withheld or repaid)",
                     "reasons: every text that must give reasons has words",
                     "payments: no instalment is attested by its decider or planner, or paid by its attester",
                     "appeals: no appeal is decided by the manager who registered it",
                     "dates: no stored date or time is infinite"] {
            #expect(tampered.failing.contains(name), "\(name) not failing:\n\(tampered.output)")
        }
        for detail in ["\(assessed) decided by its assessor lc_kari", "\(assessed) assessed by disqualified lc_ola",
                       "\(other): no approved report; instalment 1 attested", "attested by its planner lc_fia",
                       "\(other) appeal \(appeal) registered and decided by lc_mona", "application.received: 1 row(s)",
                       "application JS-2021-0999 (late)"] {
            #expect(tampered.output.contains(detail), "\(detail) not named:\n\(tampered.output)")
        }
    }
}
