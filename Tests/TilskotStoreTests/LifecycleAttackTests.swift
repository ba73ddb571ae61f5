import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Each rule of design.md's "last line of defence", attacked with plain SQL by a login role in its
/// group — what a user with psql and their own credentials could try. The service layer is not used
/// except to set the scene.
@Suite("lifecycle rules under attack through plain SQL")
struct LifecycleAttackTests {
    /// The id of an application by reference.
    func id(_ db: TestDatabase, _ reference: ApplicationReference) throws -> Int64 {
        try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = $1",
                                                 [reference.description], as: Int64.self))
    }

    @Test("status moves only along the state machine: not by UPDATE (no grant), not even by the owner against the machine")
    func stateMachine() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let reference = try Lifecycle.register(db)
        let app = try id(db, reference)
        for user in [Lifecycle.kari, Lifecycle.mona, Lifecycle.adm] {
            let c = try db.connect(asLogin: user)
            expectSQLError("42501") { try c.execute("UPDATE tilskot.application SET status = 'granted' WHERE id = $1", [app]) }
            expectSQLError("42501") { try c.execute("UPDATE tilskot.application SET round_id = round_id WHERE id = $1", [app]) }
        }
        // A caseworker cannot choose the status, the reference or the registrar on insert either.
        let kari = try db.connect(asLogin: Lifecycle.kari)
        expectSQLError("42501") {
            try kari.execute("""
                INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received, status)
                SELECT round_id, organisation_id, 'x', 1, received, 'granted' FROM tilskot.application WHERE id = $1
                """, [app])
        }
        expectSQLError("42501") {
            try kari.execute("""
                INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received, registered_by)
                SELECT round_id, organisation_id, 'x', 1, received, 'lc_mona' FROM tilskot.application WHERE id = $1
                """, [app])
        }
        // The owner (a superuser) has every privilege, and the trigger still holds the machine.
        let owner = try db.connect()
        expectSQLError("23T02", "cannot go from received to granted") {
            try owner.execute("UPDATE tilskot.application SET status = 'granted' WHERE id = $1", [app])
        }
        expectSQLError("23T02", "cannot go from received to closed") {
            try owner.execute("UPDATE tilskot.application SET status = 'closed' WHERE id = $1", [app])
        }
        expectSQLError("23T09") {
            try owner.execute("UPDATE tilskot.application SET reference = 'JS-2021-9999' WHERE id = $1", [app])
        }
        // Every transition the machine refuses, the trigger refuses: mirror of ApplicationStatus.
        let pairs = try owner.query("SELECT from_status, to_status FROM tilskot.status_transition")
            .map { (try $0.string("from_status"), try $0.string("to_status")) }
        let database = Set(pairs.map { "\($0.0)>\($0.1)" })
        let core = Set(ApplicationStatus.allCases.flatMap { from in from.allowedNext.map { "\(from.rawValue)>\($0.rawValue)" } })
        #expect(database == core)
    }

    @Test("the frame holds against a manager's plain INSERT, and maintained sums cannot be written")
    func frame() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let big = try Lifecycle.assessed(db, amount: "135 300 000")
        let small = try Lifecycle.assessed(db, org: Lifecycle.stavanger, amount: "100")
        let mona = try db.connect(asLogin: Lifecycle.mona)
        try mona.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [try id(db, big)])
        expectSQLError("23T01", "over its frame of 135 300 000 kr") {
            try mona.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [try id(db, small)])
        }
        expectSQLError("42501") { try mona.execute("UPDATE tilskot.round SET granted_ore = 0, frame_ore = frame_ore + 100") }
        expectSQLError("42501") {
            try mona.execute("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, actor) SELECT id, 100, 'x', 'lc_per' FROM tilskot.round LIMIT 1")
        }
        expectSQLError("23T01", "cannot be lowered") {
            try mona.execute("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason) SELECT round_id, -100, 'kutt' FROM tilskot.application WHERE reference = $1", [big.description])
        }
        let kari = try db.connect(asLogin: Lifecycle.kari)
        expectSQLError("42501") {
            try kari.execute("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason) SELECT id, 100000000, 'x' FROM tilskot.round LIMIT 1")
        }
        // Even the owner cannot push the sum over the frame: the CHECK is the last line.
        let owner = try db.connect()
        expectSQLError("23514") {
            try owner.execute("UPDATE tilskot.round SET granted_ore = frame_ore + 1 WHERE id = (SELECT round_id FROM tilskot.application WHERE reference = $1)", [big.description])
        }
    }

    @Test("four-eyes and conflicts of interest hold against plain INSERTs, compared with every assessment")
    func fourEyes() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let reference = try Lifecycle.register(db)
        let app = try id(db, reference)
        let per = try db.connect(asLogin: Lifecycle.per)
        let mona = try db.connect(asLogin: Lifecycle.mona)
        // per assesses first, kari later supersedes it: per is still an assessor of the case.
        try per.execute("INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES ($1, 4, 'grant')", [app])
        try db.connect(asLogin: Lifecycle.kari).execute(
            "INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES ($1, 4, 'grant')", [app])
        expectSQLError("23T03", "lc_per assessed") {
            try per.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [app])
        }
        // The assessor column cannot be forged.
        expectSQLError("42501") {
            try per.execute("INSERT INTO tilskot.assessment (application_id, score, recommendation, assessor) VALUES ($1, 4, 'grant', 'lc_ola')", [app])
        }
        expectSQLError("42501") {
            try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, decided_by) VALUES ($1, 'granted', 'lc_adm')", [app])
        }
        // Disqualified: neither assess nor decide.
        try mona.execute("INSERT INTO tilskot.disqualification (application_id, reason) VALUES ($1, 'nær slekt')", [app])
        expectSQLError("23T04") {
            try mona.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [app])
        }
        expectSQLError("23T04") {
            try mona.execute("INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES ($1, 4, 'grant')", [app])
        }
        // A caseworker cannot disqualify someone else (to block them), only a manager can.
        expectSQLError("42T01") {
            try db.connect(asLogin: Lifecycle.ola).execute(
                "INSERT INTO tilskot.disqualification (application_id, person, reason) VALUES ($1, 'lc_per', 'x')", [app])
        }
        // A caseworker, a finance user and an auditor cannot decide at all.
        for user in [Lifecycle.kari, Lifecycle.fia, Lifecycle.aud] {
            expectSQLError("42501") {
                try db.connect(asLogin: user).execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [app])
            }
        }
    }

    @Test("decision content: reasons, amounts within what was applied for, no deciding twice, none on withdrawn")
    func decisionContent() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let reference = try Lifecycle.assessed(db)
        let app = try id(db, reference)
        let mona = try db.connect(asLogin: Lifecycle.mona)
        let insert = "INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES ($1, $2, $3, $4)"
        expectSQLError("23T05", "must state its reasons") { try mona.execute(insert, [app, "rejected", 0, "  "]) }
        expectSQLError("23T05", "must state its reasons") { try mona.execute(insert, [app, "partially_granted", 100, nil as String?]) }
        expectSQLError("23T05", "cannot exceed") { try mona.execute(insert, [app, "granted", 600_000_000, nil as String?]) }
        expectSQLError("23T05", "cannot exceed") { try mona.execute(insert, [app, "partially_granted", 600_000_000, "x"]) }
        expectSQLError("23T05", "full grant") { try mona.execute(insert, [app, "partially_granted", 500_000_000, "x"]) }
        expectSQLError("23T05", "cannot be negative") { try mona.execute(insert, [app, "partially_granted", -1, "x"]) }
        expectSQLError("23T05", "must be 0 kr") { try mona.execute(insert, [app, "rejected", 100, "x"]) }
        try mona.execute(insert, [app, "rejected", 0, "Manglar plan"])
        expectSQLError("23T06", "already decided") { try mona.execute(insert, [app, "granted", 500_000_000, nil as String?]) }
        // Deciding does not bypass the record: decisions are never deleted or rewritten.
        expectSQLError("42501") { try mona.execute("DELETE FROM tilskot.decision WHERE application_id = $1", [app]) }
        expectSQLError("42501") { try mona.execute("UPDATE tilskot.decision SET is_current = false WHERE application_id = $1", [app]) }
        expectSQLError("23T09") { try db.connect().execute("DELETE FROM tilskot.decision WHERE application_id = $1", [app]) }

        let withdrawn = try Lifecycle.assessed(db, org: Lifecycle.stavanger)
        try db.connect(asLogin: Lifecycle.kari).execute(
            "INSERT INTO tilskot.withdrawal (application_id, reason) VALUES ($1, 'trekt')", [try id(db, withdrawn)])
        expectSQLError("23T02", "withdrawn") {
            try mona.execute(insert, [try id(db, withdrawn), "granted", 500_000_000, nil as String?])
        }
    }

    @Test("appeals: none on an undecided application; the deadline runs from the notice; late ones need the flag")
    func appeals() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let reference = try Lifecycle.assessed(db)
        let app = try id(db, reference)
        let mona = try db.connect(asLogin: Lifecycle.mona)
        let insert = "INSERT INTO tilskot.appeal (application_id, received, grounds, late, late_reason) VALUES ($1, $2::date, 'for lite', $3, $4)"
        expectSQLError("23T07", "has not been decided") { try mona.execute(insert, [app, "2021-04-10", false, nil as String?]) }
        try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date) VALUES ($1, 'partially_granted', 100, 'x', '2021-04-01')", [app])
        // Without a notice the deadline has not started (fvl. § 29): a late mark is refused as untrue.
        expectSQLError("23T07", "is in time") { try mona.execute(insert, [app, "2021-06-01", true, "Brevet kom bort"]) }
        // Notice by e-mail sent 2021-04-01: presumed received 2021-04-02, deadline Friday 2021-04-23.
        try db.connect(asLogin: Lifecycle.mona).execute("INSERT INTO tilskot.notice (application_id, sent_on, channel) VALUES ($1, '2021-04-01', 'email')", [app])
        expectSQLError("23T07", "after the deadline of 2021-04-23") { try mona.execute(insert, [app, "2021-05-01", false, nil as String?]) }
        expectSQLError("23T07", "before the decision") { try mona.execute(insert, [app, "2021-03-01", false, nil as String?]) }
        expectSQLError("42501") { try db.connect(asLogin: Lifecycle.kari).execute(insert, [app, "2021-04-10", false, nil as String?]) }
        try mona.execute(insert, [app, "2021-05-01", true, "Brevet kom fram 2021-04-20"])
        #expect(try mona.queryValue("SELECT status FROM tilskot.application WHERE id = $1", [app], as: String.self) == "appealed")
        expectSQLError("42501") { try mona.execute("UPDATE tilskot.appeal SET outcome = 'upheld' WHERE application_id = $1", [app]) }
    }

    @Test("the audit log is append-only for every role, by grant and by trigger, and writes nothing forged")
    func auditAppendOnly() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        _ = try Lifecycle.assessed(db)
        for user in [Lifecycle.kari, Lifecycle.mona, Lifecycle.fia, Lifecycle.aud, Lifecycle.adm] {
            let c = try db.connect(asLogin: user)
            #expect(try c.queryValue("SELECT count(*) > 0 FROM tilskot.audit_log", as: Bool.self) == true)
            expectSQLError("42501") { try c.execute("UPDATE tilskot.audit_log SET actor = 'nobody'") }
            expectSQLError("42501") { try c.execute("DELETE FROM tilskot.audit_log") }
            expectSQLError("42501") { try c.execute("TRUNCATE tilskot.audit_log") }
            expectSQLError("42501") {
                try c.execute("INSERT INTO tilskot.audit_log (actor, table_name, action) VALUES ('nobody', 'application', 'INSERT')")
            }
            expectSQLError("42501") { try c.execute("ALTER TABLE tilskot.audit_log DISABLE TRIGGER ALL") }
            // The trigger function that writes it runs only as a trigger.
            expectSQLError("42501") { try c.execute("SELECT tilskot.audit_row()") }
        }
        let owner = try db.connect()
        expectSQLError("23T09", "append-only") { try owner.execute("UPDATE tilskot.audit_log SET actor = 'nobody'") }
        expectSQLError("23T09", "append-only") { try owner.execute("DELETE FROM tilskot.audit_log") }
        expectSQLError("23T09", "append-only") { try owner.execute("TRUNCATE tilskot.audit_log") }
        // The actor is the login, whatever the session claims; SET ROLE only to one's own groups.
        let kari = try db.connect(asLogin: Lifecycle.kari)
        expectSQLError("42501") { try kari.execute("SET ROLE lc_mona") }
        try kari.execute("SELECT set_config('tilskot.reason', 'forged', false)")
        let reference = try Lifecycle.register(db, org: Lifecycle.stavanger)
        _ = reference
        try kari.execute("INSERT INTO tilskot.assessment (application_id, score, recommendation) SELECT id, 2, 'reject' FROM tilskot.application WHERE reference = $1", [reference.description])
        let last = try #require(try owner.queryRow("SELECT actor, login, reason FROM tilskot.audit_log WHERE table_name = 'assessment' ORDER BY id DESC LIMIT 1"))
        #expect(last["actor"] == Lifecycle.kari)
        #expect(last["login"] == Lifecycle.kari)
        #expect(last["reason"] == "forged") // a reason is the user's own words; the actor is not
    }

    @Test("finance and auditors read but write nothing; nobody touches tables they do not need")
    func readersWriteNothing() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let reference = try Lifecycle.assessed(db)
        let app = try id(db, reference)
        for user in [Lifecycle.fia, Lifecycle.aud] {
            let c = try db.connect(asLogin: user)
            #expect(try c.queryValue("SELECT count(*) FROM tilskot.application", as: Int.self) == 1)
            expectSQLError("42501") { try c.execute("INSERT INTO tilskot.organisation (orgnr, name, kind) VALUES ('123456785', 'x', 'other')") }
            expectSQLError("42501") { try c.execute("INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES ($1, 4, 'grant')", [app]) }
            expectSQLError("42501") { try c.execute("INSERT INTO tilskot.withdrawal (application_id, reason) VALUES ($1, 'x')", [app]) }
            expectSQLError("42501") { try c.execute("INSERT INTO tilskot.scheme (code, name, applicant_kinds, reference_prefix) VALUES ('XX', 'x', '{other}', 'XX')") }
        }
        // The rounds' reference sequences (03_schemes_and_rounds.sql) are the owner's alone: nobody draws, rewinds or reads one.
        let sequence = try #require(try db.connect().queryValue(
            "SELECT relname::text FROM pg_class WHERE relnamespace = 'tilskot'::regnamespace AND relname ~ '^round_[0-9]+_reference$' LIMIT 1",
            as: String.self))
        for user in [Lifecycle.fia, Lifecycle.aud, Lifecycle.kari, Lifecycle.mona, Lifecycle.adm] {
            let c = try db.connect(asLogin: user)
            expectSQLError("42501") { try c.execute("SELECT nextval('tilskot.\(sequence)')") }
            expectSQLError("42501") { try c.execute("SELECT setval('tilskot.\(sequence)', 1)") }
            expectSQLError("42501") { try c.execute("SELECT last_value FROM tilskot.\(sequence)") }
            expectSQLError("42501") { try c.execute("ALTER SEQUENCE tilskot.\(sequence) RESTART") }
            expectSQLError("42501") { try c.execute("SELECT tilskot.round_reference_sequence(1)") }
        }
        // Caseworkers do not open rounds or create schemes.
        let kari = try db.connect(asLogin: Lifecycle.kari)
        expectSQLError("42501") { try kari.execute("INSERT INTO tilskot.scheme (code, name, applicant_kinds, reference_prefix) VALUES ('XX', 'x', '{other}', 'XX')") }
        expectSQLError("42501") { try kari.execute("INSERT INTO tilskot.round (scheme_id, year, opens, closes, initial_frame_ore) SELECT id, 2030, '2030-01-01', '2030-02-01', 1 FROM tilskot.scheme LIMIT 1") }
        // Organisation numbers are checked in the database too.
        expectSQLError("23T13", "check digit should be 7") {
            try kari.execute("INSERT INTO tilskot.organisation (orgnr, name, kind) VALUES ('988077918', 'x', 'voluntary')")
        }
        // Helper functions with rights of their own are not callable.
        expectSQLError("42501") { try kari.execute("SELECT tilskot.lock_application($1, 'x')", [app]) }
    }
}
