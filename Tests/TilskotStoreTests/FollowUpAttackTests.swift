import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Each money and personal-data rule of follow-up, attacked with plain SQL by a login role in its
/// group — what a user with psql and their own credentials could try. The service layer only sets
/// the scene.
@Suite("follow-up rules under attack through plain SQL")
struct FollowUpAttackTests {
    @Test("attester = decider is refused, even for a manager who is also in finance")
    func attesterIsNotDecider() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, org: FollowUp.stavanger, amount: "300 000", decider: FollowUp.per)
        let planned = try FollowUp.plan(db, reference)
        let per = try db.connect(asLogin: FollowUp.per)
        expectSQLError("23T21", "fu_per decided \(reference) and cannot also attest its payments") {
            try per.execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [planned[0].id])
        }
        // Nor by naming someone else as the actor, nor by writing the attestation into the payment.
        expectSQLError("42501") {
            try per.execute("INSERT INTO tilskot.payment_event (payment_id, kind, actor) VALUES ($1, 'attest', 'fu_fia')", [planned[0].id])
        }
        expectSQLError("42501") {
            try per.execute("UPDATE tilskot.payment SET status = 'attested', attested_by = 'fu_fia' WHERE id = $1", [planned[0].id])
        }
        // A caseworker cannot attest at all; a finance user who did not decide can.
        expectSQLError("42501") {
            try db.connect(asLogin: FollowUp.kari).execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [planned[0].id])
        }
        try db.connect(asLogin: FollowUp.fia).execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [planned[0].id])
        #expect(try db.connect().queryValue("SELECT attested_by FROM tilskot.payment WHERE id = $1", [planned[0].id], as: String.self) == FollowUp.fia)
    }

    @Test("a payment above the remaining grant is refused: planned, attested or paid")
    func overTheGrant() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        let app = try FollowUp.id(db, reference)
        let fia = try db.connect(asLogin: FollowUp.fia)
        try fia.execute("INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number) VALUES ($1, 70000000, '2021-05-01', '86011117947')", [app])
        expectSQLError("23T20", "would be 0,01 kr over its grant of 1 000 000 kr") {
            try fia.execute("INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number) VALUES ($1, 30000001, '2021-09-01', '86011117947')", [app])
        }
        // Statuses and sums are the triggers' to write.
        expectSQLError("42501") {
            try fia.execute("INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number, status) VALUES ($1, 1, '2021-09-01', '86011117947', 'paid')", [app])
        }
        for user in [FollowUp.fia, FollowUp.mona, FollowUp.adm] {
            let c = try db.connect(asLogin: user)
            expectSQLError("42501") { try c.execute("UPDATE tilskot.payment SET amount_ore = amount_ore * 10 WHERE application_id = $1", [app]) }
            expectSQLError("42501") { try c.execute("DELETE FROM tilskot.payment WHERE application_id = $1", [app]) }
        }
        // Even the owner, who has every privilege, cannot push past the grant at attestation: an
        // instalment slipped in with triggers off (as a botched import might) is refused when attested.
        let owner = try db.connect()
        try owner.executeScript("SET session_replication_role = replica")
        let smuggled = try #require(try owner.queryValue("""
            INSERT INTO tilskot.payment (application_id, instalment, amount_ore, due_date, account_number, planned_by)
            VALUES ($1, 9, 50000000, '2021-09-01', '86011117947', 'fu_kari') RETURNING id
            """, [app], as: Int64.self))
        try owner.executeScript("SET session_replication_role = origin")
        let first = try #require(try owner.queryValue("SELECT id FROM tilskot.payment WHERE application_id = $1 AND instalment = 1", [app], as: Int64.self))
        // fia planned the first instalment, so finn attests it (the attester is not the planner) and
        // fia, the planner, pays it (the payer is not the attester): SQL/schema/09_payments.sql.
        let finn = try db.connect(asLogin: FollowUp.finn)
        try finn.execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [first])
        expectSQLError("23T20", "would bring the payments on \(reference) to 1 200 000 kr, 200 000 kr over its grant") {
            try finn.execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [smuggled])
        }
        // A paid instalment never changes, not even for the owner.
        try fia.execute("INSERT INTO tilskot.payment_event (payment_id, kind, voucher, paid_on) VALUES ($1, 'pay', 'B-1', '2021-05-03')", [first])
        expectSQLError("23T09") { try owner.execute("UPDATE tilskot.payment SET voucher = 'B-2' WHERE id = $1", [first]) }
        expectSQLError("23T09") { try owner.execute("DELETE FROM tilskot.payment WHERE id = $1", [first]) }
    }

    @Test("payments on rejected and withdrawn applications are refused; so are reports without a grant")
    func noGrant() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let rejected = try FollowUp.id(db, try FollowUp.rejected(db))
        let withdrawn = try FollowUp.id(db, try FollowUp.withdrawn(db))
        let undecided = try FollowUp.id(db, try FollowUp.assessed(db, org: FollowUp.oslo, amount: "100 000"))
        let fia = try db.connect(asLogin: FollowUp.fia)
        for (app, words) in [(rejected, "was rejected"), (withdrawn, "was withdrawn"), (undecided, "has not been decided")] {
            expectSQLError("23T22", words) {
                try fia.execute("INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number) VALUES ($1, 100, '2021-05-01', '86011117947')", [app])
            }
        }
        let kari = try db.connect(asLogin: FollowUp.kari)
        for app in [rejected, withdrawn, undecided] {
            expectSQLError("23T22", "report refused") {
                try kari.execute("INSERT INTO tilskot.recipient_report (application_id, report_date) VALUES ($1, '2022-03-01')", [app])
            }
            expectSQLError("23T22") { try kari.execute("INSERT INTO tilskot.report_duty (application_id) VALUES ($1)", [app]) }
        }
        let mona = try db.connect(asLogin: FollowUp.mona)
        expectSQLError("23T22") {
            try mona.execute("INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, due_date) VALUES ($1, 1, 'x', tilskot.today())", [rejected])
        }
        #expect(try FollowUp.count(db, "payment") == 0 && FollowUp.count(db, "recipient_report") == 0)
    }

    @Test("claw-backs: managers only, never more than was paid; repayments never more than owed")
    func clawBacks() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        _ = try FollowUp.paidInFull(db, reference)
        let app = try FollowUp.id(db, reference)
        expectSQLError("42501") {
            try db.connect(asLogin: FollowUp.kari).execute(
                "INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, due_date) VALUES ($1, 1, 'x', tilskot.today())", [app])
        }
        let mona = try db.connect(asLogin: FollowUp.mona)
        expectSQLError("23T20", "a claw-back cannot exceed what was paid") {
            try mona.execute("INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, due_date, notice_exception) VALUES ($1, 100000001, 'x', tilskot.today(), $2)", [app, FollowUp.noNotice])
        }
        let claw = try #require(try mona.queryValue(
            "INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, due_date, notice_exception) VALUES ($1, 100000, 'Ubrukt', tilskot.today(), $2) RETURNING id",
            [app, FollowUp.noNotice], as: Int64.self))
        expectSQLError("42501") { try mona.execute("UPDATE tilskot.clawback SET amount_ore = 1 WHERE id = $1", [claw]) }
        let fia = try db.connect(asLogin: FollowUp.fia)
        expectSQLError("23T20", "more than is still owed") {
            try fia.execute("INSERT INTO tilskot.repayment (clawback_id, amount_ore) VALUES ($1, 100001)", [claw])
        }
        // An appeal resolution can lower a claw-back, never raise it — not even the owner's UPDATE.
        expectSQLError("23T27") { try db.connect().execute("UPDATE tilskot.clawback SET amount_ore = 200000 WHERE id = $1", [claw]) }
    }

    @Test("claw-back without notice, with another case's or purpose's notice or one still open, a KID of one's own: refused")
    func clawBackNotice() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        _ = try FollowUp.paidInFull(db, reference)
        let app = try FollowUp.id(db, reference)
        let other = try FollowUp.granted(db, org: FollowUp.stavanger, amount: "300 000")
        _ = try FollowUp.paidInFull(db, other)
        let mona = try db.connect(asLogin: FollowUp.mona)
        let insert = """
            INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, decision_date, due_date, advance_notice_id, notice_exception)
            VALUES ($1, 10000000, 'Ubrukte midlar', '2022-04-20', '2022-06-01', $2, $3) RETURNING id
            """
        expectSQLError("23T27", "must be told of a claw-back from \(reference) and given time to answer before it is decided (fvl. § 16)") {
            try mona.execute(insert, [app, Int64?.none, String?.none])
        }
        expectSQLError("23T27", "must be told of a claw-back") { try mona.execute(insert, [app, Int64?.none, "§ 16"]) }
        expectSQLError("23T27", "belongs to application \(other)") {
            try mona.execute(insert, [app, try FollowUp.forewarn(db, other, amount: Money(kroner: 100_000)), String?.none])
        }
        expectSQLError("23T27", "warns of a change of the grant") {
            try mona.execute(insert, [app, try FollowUp.forewarn(db, reference, amount: Money(kroner: 500_000), purpose: "change"), String?.none])
        }
        expectSQLError("23T27", "gives the party until 2022-04-21 to answer, and no answer is recorded") {
            try mona.execute(insert, [app, try FollowUp.forewarn(db, reference, amount: Money(kroner: 100_000), sent: "2022-04-01", answerBy: "2022-04-21"), String?.none])
        }
        // Even the owner, past every trigger, cannot store a claw-back with neither (the CHECK behind the trigger).
        let owner = try db.connect()
        try owner.executeScript("SET session_replication_role = replica")
        expectSQLError("23514", "clawback_notice_or_exception") {
            try owner.execute("""
                INSERT INTO tilskot.clawback (application_id, amount_ore, original_amount_ore, reasons, decision_date, due_date, demanded_by)
                VALUES ($1, 1, 1, 'Ubrukt', '2022-04-20', '2022-06-01', 'x')
                """, [app])
        }
        // The KID is the database's: a client can neither set one nor change one.
        expectSQLError("42501") {
            try mona.execute("""
                INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, due_date, notice_exception, kid)
                VALUES ($1, 100, 'Ubrukt', tilskot.today() + 30, $2, '12345674')
                """, [app, FollowUp.noNotice])
        }
        let notice = try FollowUp.forewarn(db, reference, amount: Money(kroner: 100_000))
        let claw = try #require(try mona.queryValue(insert, [app, notice, String?.none], as: Int64.self))
        for user in [FollowUp.mona, FollowUp.fia, FollowUp.adm] {
            expectSQLError("42501") { try db.connect(asLogin: user).execute("UPDATE tilskot.clawback SET kid = '12345674' WHERE id = $1", [claw]) }
        }
        expectSQLError("23T09", "a claw-back decision is fixed once made") {
            try db.connect().execute("UPDATE tilskot.clawback SET kid = '12345674' WHERE id = $1", [claw])
        }
        let kid = try #require(try mona.queryValue("SELECT kid FROM tilskot.clawback WHERE id = $1", [claw], as: String.self))
        let fia = try db.connect(asLogin: FollowUp.fia)
        // A KID of another claw-back with this one's id: the two do not belong together.
        let second = try #require(try mona.queryValue(insert.replacingOccurrences(of: "notice_exception)", with: "notice_exception, another)")
                                                             .replacingOccurrences(of: "$3)", with: "$3, true)"),
                                                       [app, Int64?.none, FollowUp.noNotice], as: Int64.self))
        expectSQLError("23T27", "is that of claw-back \(claw), not of claw-back \(second)") {
            try fia.execute("INSERT INTO tilskot.repayment (clawback_id, kid, amount_ore) VALUES ($1, $2, 100)", [second, kid])
        }
        expectSQLError("23T27", "is not a KID") {
            try fia.execute("INSERT INTO tilskot.repayment (kid, amount_ore) VALUES ($1, 100)", [String(kid.dropLast()) + (kid.last == "0" ? "1" : "0")])
        }
        try fia.execute("INSERT INTO tilskot.repayment (kid, amount_ore) VALUES ($1, 100)", [kid])
        #expect(try fia.queryValue("SELECT clawback_id FROM tilskot.repayment", as: Int64.self) == claw)
    }

    @Test("closing: caseworkers cannot; managers only when settled")
    func closing() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "300 000")
        _ = try FollowUp.plan(db, reference)
        let app = try FollowUp.id(db, reference)
        expectSQLError("42501") { try db.connect(asLogin: FollowUp.kari).execute("INSERT INTO tilskot.closing (application_id) VALUES ($1)", [app]) }
        expectSQLError("23T26", "has no approved report") {
            try db.connect(asLogin: FollowUp.mona).execute("INSERT INTO tilskot.closing (application_id) VALUES ($1)", [app])
        }
        expectSQLError("42501") {
            try db.connect(asLogin: FollowUp.mona).execute("UPDATE tilskot.application SET status = 'closed' WHERE id = $1", [app])
        }
    }

    @Test("reminders: the unique index holds the once-a-week rule even with every trigger off")
    func reminderIndex() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "300 000")
        _ = try FollowUp.plan(db, reference)
        let app = try FollowUp.id(db, reference)
        let owner = try db.connect()
        try owner.executeScript("SET session_replication_role = replica")
        let insert = "INSERT INTO tilskot.reminder (application_id, sent_on, due_date, kind, sent_by) VALUES ($1, $2, '2022-03-31', 'overdue', 'x')"
        try owner.execute(insert, [app, "2022-04-04"])
        expectSQLError("23505") { try owner.execute(insert, [app, "2022-04-08"]) }
        try owner.execute(insert, [app, "2022-04-11"])
    }

    @Test("participant rows: no role reads or writes the table directly")
    func participantTable() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "300 000")
        try db.connect(asLogin: FollowUp.kari).execute(
            "SELECT tilskot.participant_add($1, 'OSL-0001', 1985, '0301', '2021-09-01')", [reference.description])
        for user in FollowUp.everyone {
            let c = try db.connect(asLogin: user)
            expectSQLError("42501") { _ = try c.query("SELECT * FROM tilskot.participant") }
            expectSQLError("42501") { _ = try c.query("SELECT count(*) FROM tilskot.participant") }
            expectSQLError("42501") { try c.execute("UPDATE tilskot.participant SET outcome = 'employment'") }
            expectSQLError("42501") { try c.execute("DELETE FROM tilskot.participant") }
            expectSQLError("42501") {
                try c.execute("INSERT INTO tilskot.participant (application_id, code, birth_year, municipality, start_date, recorded_by) SELECT id, 'X-0001', 1980, '0301', '2021-09-01', 'x' FROM tilskot.application LIMIT 1")
            }
            // Nor by becoming the roles that own the register's functions.
            expectSQLError("42501") { try c.executeScript("SET ROLE tilskot_participant_owner") }
            expectSQLError("42501") { try c.executeScript("SET ROLE tilskot_participant_steward") }
        }
    }

    @Test("participant reads by a caseworker of another case are refused; the round list shows only one's own")
    func otherCase() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let oslo = try FollowUp.granted(db, amount: "300 000")
        let kari = try db.connect(asLogin: FollowUp.kari)
        try kari.execute("SELECT tilskot.participant_add($1, 'OSL-0001', 1985, '0301', '2021-09-01')", [oslo.description])
        let ola = try db.connect(asLogin: FollowUp.ola)
        expectSQLError("42T03", "fu_ola is neither a participant reader nor a caseworker of \(oslo)") {
            _ = try ola.query("SELECT * FROM tilskot.participant_list($1)", [oslo.description])
        }
        expectSQLError("42T03") {
            try ola.execute("SELECT tilskot.participant_update($1, 'OSL-0001', '2022-01-01', 'employment')", [oslo.description])
        }
        expectSQLError("42T03") {
            try ola.execute("SELECT tilskot.participant_add($1, 'OSL-0002', 1985, '0301', '2021-09-01')", [oslo.description])
        }
        #expect(try ola.query("SELECT * FROM tilskot.participant_list_round('JS', 2021)").isEmpty)
        #expect(try kari.query("SELECT * FROM tilskot.participant_list_round('JS', 2021)").count == 1)
        // Auditors and finance are not granted the functions at all; admins may purge but not read.
        for user in [FollowUp.aud, FollowUp.fia] {
            expectSQLError("42501") { _ = try db.connect(asLogin: user).query("SELECT * FROM tilskot.participant_list($1)", [oslo.description]) }
        }
        expectSQLError("42T03") { _ = try db.connect(asLogin: FollowUp.adm).query("SELECT * FROM tilskot.participant_list($1)", [oslo.description]) }
        expectSQLError("42T03", "only members of tilskot_admin purge") { try kari.execute("SELECT tilskot.participant_purge('2022-01-01')") }
        // Readers read every project.
        #expect(try db.connect(asLogin: FollowUp.reader).query("SELECT * FROM tilskot.participant_list($1)", [oslo.description]).count == 1)
    }

    @Test("codes that look like identity numbers are refused by the function and by the table itself")
    func identityNumbers() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let oslo = try FollowUp.granted(db, amount: "300 000")
        let kari = try db.connect(asLogin: FollowUp.kari)
        for code in ["01018512345", "010185-12345", "0101-8512-345"] {
            expectSQLError("23T28", "looks like a national identity number") {
                try kari.execute("SELECT tilskot.participant_add($1, $2, 1985, '0301', '2021-09-01')", [oslo.description, code])
            }
        }
        let owner = try db.connect()
        expectSQLError("23514") {
            try owner.execute("""
                INSERT INTO tilskot.participant (application_id, code, birth_year, municipality, start_date, recorded_by)
                SELECT id, '01018512345', 1985, '0301', '2021-09-01', 'x' FROM tilskot.application WHERE reference = $1
                """, [oslo.description])
        }
    }

    @Test("the access log: every read writes an entry; nobody changes, deletes or truncates it; auditors read it")
    func accessLog() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let oslo = try FollowUp.granted(db, amount: "300 000")
        let kari = try db.connect(asLogin: FollowUp.kari)
        try kari.execute("SELECT tilskot.participant_add($1, 'OSL-0001', 1985, '0301', '2021-09-01')", [oslo.description])
        let owner = try db.connect()
        func entries() throws -> Int { try owner.queryValue("SELECT count(*) FROM tilskot.participant_access_log", as: Int.self) ?? -1 }
        var before = try entries()
        _ = try kari.query("SELECT code FROM tilskot.participant_list($1)", [oslo.description])
        #expect(try entries() == before + 1)
        before = try entries()
        _ = try db.connect(asLogin: FollowUp.mona).query("SELECT * FROM tilskot.participant_report('JS', 2021)")
        #expect(try entries() == before + 1)
        let last = try #require(try owner.queryRow("SELECT actor, login, action, query, participant_ids::text AS ids FROM tilskot.participant_access_log ORDER BY id DESC LIMIT 1"))
        #expect(try last.string("actor") == FollowUp.mona && last.string("login") == FollowUp.mona && last.string("action") == "aggregate")

        for user in FollowUp.everyone {
            let c = try db.connect(asLogin: user)
            expectSQLError("42501") { try c.execute("UPDATE tilskot.participant_access_log SET actor = 'nobody'") }
            expectSQLError("42501") { try c.execute("DELETE FROM tilskot.participant_access_log") }
            expectSQLError("42501") { try c.executeScript("TRUNCATE tilskot.participant_access_log") }
            expectSQLError("42501") {
                try c.execute("INSERT INTO tilskot.participant_access_log (actor, action, query, row_count) VALUES ('x', 'read', 'forged', 0)")
            }
        }
        // The owner of everything (a superuser here) is stopped by the triggers.
        expectSQLError("23T09", "append-only") { try owner.execute("UPDATE tilskot.participant_access_log SET actor = 'nobody'") }
        expectSQLError("23T09", "append-only") { try owner.execute("DELETE FROM tilskot.participant_access_log") }
        expectSQLError("23T09", "append-only") { try owner.executeScript("TRUNCATE tilskot.participant_access_log") }
        // Auditors read the log, not the data.
        let aud = try db.connect(asLogin: FollowUp.aud)
        #expect(try aud.queryValue("SELECT count(*) FROM tilskot.participant_access_log", as: Int.self) == (try entries()))
        expectSQLError("42501") { _ = try aud.query("SELECT * FROM tilskot.participant") }
        // Participant rows never reach the general audit log, which every grants role reads.
        #expect(try owner.queryValue("SELECT count(*) FROM tilskot.audit_log WHERE table_name LIKE 'participant%' OR new::text LIKE '%OSL-0001%'", as: Int.self) == 0)
    }
}
