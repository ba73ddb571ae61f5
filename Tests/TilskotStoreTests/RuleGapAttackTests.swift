import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Issue 14: breach 8 and the "also seen" gaps, attacked through plain SQL as the person who would
/// break each rule (has_words in SQL/migrations/0001_baseline.sql; 00_foundation.sql, 08, 09).
/// Each was seen to succeed on 8d3dbba's code.
@Suite("rule gaps under attack: reasons without words, payment and appeal four-eyes, infinite dates, audit reasons")
struct RuleGapAttackTests {
    /// Texts that are there but are no reasons: a tab and line break, a zero-width space, a no-break
    /// space, an ideographic space with a word joiner.
    static let noWords = ["\t\n", "\u{200B}", "\u{00A0}", "\u{3000}\u{2060}\u{FEFF}"]

    /// The SQLSTATE `body` failed with, or nil when it went through.
    func sqlState(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as PGError {
            return error.sqlState
        } catch {
            return "\(error)"
        }
    }

    func id(_ db: TestDatabase, _ reference: ApplicationReference) throws -> Int64 {
        try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = $1",
                                                 [reference.description], as: Int64.self))
    }

    @Test("breach 8: a refusal, withdrawal, disqualification, move or late reason without words is refused through SQL")
    func reasonsHaveWords() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let mona = try db.connect(asLogin: Lifecycle.mona)
        let kari = try db.connect(asLogin: Lifecycle.kari)
        let app = try id(db, try Lifecycle.assessed(db))
        for text in Self.noWords {
            for outcome in ["rejected", "dismissed"] {
                expectSQLError("23T05", "the reasons have no words") {
                    try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES ($1, $2, 0, $3)",
                                     [app, outcome, text])
                }
            }
            expectSQLError("23T05", "the reasons have no words") {
                try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES ($1, 'partially_granted', 100, $2)",
                                 [app, text])
            }
            expectSQLError("23T05", "the reason has no words") {
                try kari.execute("INSERT INTO tilskot.withdrawal (application_id, reason) VALUES ($1, $2)", [app, text])
            }
            expectSQLError("23T05", "the reason has no words") {
                try kari.execute("INSERT INTO tilskot.disqualification (application_id, reason) VALUES ($1, $2)", [app, text])
            }
            expectSQLError("23T05", "the reason has no words") {
                try kari.execute("""
                    INSERT INTO tilskot.round_move (application_id, to_round_id, reason)
                    SELECT $1, r.id, $2 FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id WHERE s.code = 'JS' AND r.year = 2022
                    """, [app, text])
            }
            expectSQLError("23T05", "the reason has no words") {
                try mona.execute("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason) SELECT round_id, 100, $2 FROM tilskot.application WHERE id = $1",
                                 [app, text])
            }
            expectSQLError("23T08", "the reason for registering it late has no words") {
                try mona.execute("""
                    INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received, late, late_reason)
                    SELECT round_id, organisation_id, 'Seint', 100, '2020-12-01', true, $2 FROM tilskot.application WHERE id = $1
                    """, [app, text])
            }
        }
        // Nothing was stored; with words (any script) it is.
        #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.decision", as: Int.self) == 0)
        try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES ($1, 'rejected', 0, $2)",
                         [app, "\u{200B}Ramma er brukt opp\u{00A0}"])
        // The last line holds for the owner too (who may write past the triggers' sentences but not the CHECKs).
        let owner = try db.connect()
        try owner.execute("SET session_replication_role = replica")
        expectSQLError("23514") {
            try owner.execute("INSERT INTO tilskot.withdrawal (application_id, reason, withdrawn_by) VALUES ($1, $2, 'x')", [app, "\u{200B}"])
        }
    }

    @Test("breach 8 in follow-up: withholding, report rejection, claw-back and its appeal without words are refused")
    func followUpReasonsHaveWords() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db)
        let app = try FollowUp.id(db, reference)
        let planned = try FollowUp.plan(db, reference, "50%:2021-05-01,50%:2021-09-01")
        let fia = try db.connect(asLogin: FollowUp.fia)
        let mona = try db.connect(asLogin: FollowUp.mona)
        for text in Self.noWords {
            expectSQLError("23T23", "the reason has no words") {
                try fia.execute("INSERT INTO tilskot.payment_event (payment_id, kind, reason) VALUES ($1, 'withhold', $2)", [planned[0].id, text])
            }
        }
        // A claw-back needs money paid: attest (fia) and pay (finn) the first instalment.
        try fia.execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [planned[0].id])
        try db.connect(asLogin: FollowUp.finn).execute("INSERT INTO tilskot.payment_event (payment_id, kind, voucher, paid_on) VALUES ($1, 'pay', 'B-1', '2021-05-03')",
                                                      [planned[0].id])
        for text in Self.noWords {
            expectSQLError("23T27", "the reasons have no words") {
                try mona.execute("INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, due_date) VALUES ($1, 100, $2, tilskot.today() + 30)",
                                 [app, text])
            }
        }
        let clawback = try #require(try mona.queryValue("""
            INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, due_date, notice_exception)
            VALUES ($1, 100, 'Ubrukte midlar', tilskot.today() + 30, $2) RETURNING id
            """, [app, FollowUp.noNotice], as: Int64.self))
        let kari = try db.connect(asLogin: FollowUp.kari)
        for text in Self.noWords {
            expectSQLError("23T27", "the grounds have no words") {
                try kari.execute("INSERT INTO tilskot.clawback_appeal (clawback_id, received, grounds) VALUES ($1, tilskot.today(), $2)", [clawback, text])
            }
        }
        let report = try #require(try kari.queryValue("INSERT INTO tilskot.recipient_report (application_id, report_date) VALUES ($1, '2021-12-01') RETURNING id",
                                                      [app], as: Int64.self))
        for text in Self.noWords {
            expectSQLError("23T24", "the reasons have no words") {
                try kari.execute("INSERT INTO tilskot.report_review (report_id, outcome, reasons) VALUES ($1, 'rejected', $2)", [report, text])
            }
        }
    }
}

extension RuleGapAttackTests {
    @Test("payments: the planner does not attest her instalment, the attester does not pay it (through SQL, as finance)")
    func paymentDutiesApart() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db)
        let app = try FollowUp.id(db, reference)
        let fia = try db.connect(asLogin: FollowUp.fia)
        let finn = try db.connect(asLogin: FollowUp.finn)
        // fia plans the instalment herself (finance may plan) and tries to attest it.
        let payment = try #require(try fia.queryValue("""
            INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number)
            VALUES ($1, 100000000, '2021-05-01', '86011117947') RETURNING id
            """, [app], as: Int64.self))
        expectSQLError("23T21", "fu_fia planned instalment 1 of \(reference)") {
            try fia.execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [payment])
        }
        // finn attests; finn may then not pay what he attested; fia (the planner) may.
        try finn.execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [payment])
        expectSQLError("23T21", "fu_finn attested instalment 1 of \(reference) (1 000 000 kr, due 2021-05-01) and cannot also approve its payment") {
            try finn.execute("INSERT INTO tilskot.payment_event (payment_id, kind, voucher, paid_on) VALUES ($1, 'pay', 'B-1', '2021-05-03')", [payment])
        }
        try fia.execute("INSERT INTO tilskot.payment_event (payment_id, kind, voucher, paid_on) VALUES ($1, 'pay', 'B-1', '2021-05-03')", [payment])
        let row = try #require(try db.connect().queryRow("SELECT status, planned_by, attested_by, paid_by FROM tilskot.payment WHERE id = $1", [payment]))
        #expect(try [row.string("status"), row.string("planned_by"), row.string("attested_by"), row.string("paid_by")]
                == ["paid", FollowUp.fia, FollowUp.finn, FollowUp.fia])
    }

    @Test("payments at every isolation level: a pay by the attester, whose attestation commits after the payer's snapshot, never passes")
    func paymentDutiesAtEveryLevel() throws {
        for level in ["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"] {
            let db = try FollowUp.database()
            defer { db.drop() }
            let planned = try FollowUp.plan(db, try FollowUp.granted(db), "100%:2021-05-01")
            let attacker = try db.connect(asLogin: FollowUp.fia)
            let other = try db.connect(asLogin: FollowUp.fia)
            try attacker.executeScript("BEGIN ISOLATION LEVEL \(level)")
            _ = try attacker.queryValue("SELECT count(*) FROM tilskot.payment", as: Int.self)  // the snapshot
            try other.execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [planned[0].id])
            let state = sqlState {
                try attacker.execute("INSERT INTO tilskot.payment_event (payment_id, kind, voucher, paid_on) VALUES ($1, 'pay', 'B-1', '2021-05-03')",
                                     [planned[0].id])
                try attacker.executeScript("COMMIT")
            }
            _ = try? attacker.executeScript("ROLLBACK")
            #expect(state == "23T21" || state == "40001", "\(level): the attester paid her own attestation (\(state ?? "committed"))")
            #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.payment WHERE paid_by = attested_by", as: Int.self) == 0)
        }
    }

    @Test("appeals: the manager who registered an appeal cannot decide it, at every isolation level; another manager can")
    func appealDecidedByAnother() throws {
        for level in ["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"] {
            let db = try Lifecycle.database()
            defer { db.drop() }
            let reference = try Lifecycle.assessed(db)
            let app = try id(db, reference)
            let mona = try db.connect(asLogin: Lifecycle.mona)
            try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES ($1, 'rejected', 0, 'Svak plan')", [app])
            // Session A (mona) takes its snapshot; session B (mona again) registers the appeal and commits.
            let a = try db.connect(asLogin: Lifecycle.mona)
            try a.executeScript("BEGIN ISOLATION LEVEL \(level)")
            _ = try a.queryValue("SELECT count(*) FROM tilskot.appeal", as: Int.self)
            try mona.execute("INSERT INTO tilskot.appeal (application_id, received, grounds) VALUES ($1, tilskot.today(), 'Vi er ueinige')", [app])
            // 23T03 (READ COMMITTED sees the appeal) or 40001 (an older snapshot), never a decision.
            let state = sqlState {
                try a.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore) VALUES ($1, 'granted', 500000000)", [app])
                try a.executeScript("COMMIT")
            }
            _ = try? a.executeScript("ROLLBACK")
            #expect(state == "23T03" || state == "40001", "\(level): the registrar decided her own appeal (\(state ?? "committed"))")
            expectSQLError("23T03", "lc_mona registered the appeal on \(reference) and cannot also decide it") {
                try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore) VALUES ($1, 'granted', 500000000)", [app])
            }
            try db.connect(asLogin: Lifecycle.per).execute(
                "INSERT INTO tilskot.decision (application_id, outcome, amount_ore) VALUES ($1, 'granted', 500000000)", [app])
            #expect(try db.connect().queryValue("SELECT outcome FROM tilskot.appeal WHERE application_id = $1", [app], as: String.self) == "changed")
        }
    }

    @Test("infinite dates are refused wherever a user stores one; a late registration at -infinity no longer breaks the case")
    func infiniteDates() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let mona = try db.connect(asLogin: Lifecycle.mona)
        let kari = try db.connect(asLogin: Lifecycle.kari)
        let app = try id(db, try Lifecycle.assessed(db))
        for value in ["-infinity", "infinity"] {
            expectSQLError("23T13", "received is \(value), which is not a calendar date") {
                try mona.execute("""
                    INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received, late, late_reason)
                    SELECT round_id, organisation_id, 'Uendeleg', 100, $2::date, true, 'kom seint' FROM tilskot.application WHERE id = $1
                    """, [app, value])
            }
            expectSQLError("23T13", "decision date is \(value)") {
                try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date) VALUES ($1, 'rejected', 0, 'Nei', $2::date)",
                                 [app, value])
            }
            expectSQLError("23T13", "opens is \(value)") {
                try mona.execute("INSERT INTO tilskot.round (scheme_id, year, opens, closes, initial_frame_ore) SELECT id, 2030, $1::date, '2030-03-01', 0 FROM tilskot.scheme WHERE code = 'JS'",
                                 [value])
            }
        }
        // The case goes on: a decision after all this works (before the fix, every later decision
        // failed with "cannot subtract infinite dates").
        try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES ($1, 'rejected', 0, 'Nei')", [app])
        _ = kari
        // Every date and time column of every table but the summaries has its CHECK, even for the owner.
        let unchecked = try db.connect().query("""
            SELECT c.relname || '.' || a.attname AS col
              FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             WHERE c.relnamespace = 'tilskot'::regnamespace AND c.relkind IN ('r', 'p')
               AND a.atttypid IN ('date'::regtype, 'timestamptz'::regtype, 'timestamp'::regtype)
               AND c.relname NOT IN ('followup_tally', 'followup_delta', 'grant_followup')
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'c' AND k.convalidated
                                 AND pg_get_constraintdef(k.oid) = format('CHECK (isfinite(%I))', a.attname))
            """).map { try $0.string("col") }
        #expect(unchecked.isEmpty, "\(unchecked)")
    }
}
