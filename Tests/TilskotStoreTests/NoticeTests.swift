import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Notice of decisions (fvl. §§ 27, 29), the appeal deadlines counted from it, the channels'
/// presumed days, and advance notice (§ 16) with its answers: each rule through the services and
/// attacked with plain SQL by the login that would break it (SQL/schema/16_notice.sql).
@Suite("notice of decisions, appeal deadlines and advance notice")
struct NoticeTests {
    /// A decided application (a partial grant of 4 of 5 mill. by mona, dated today) and its ids.
    func decided(_ db: TestDatabase, org: OrganisationNumber = Lifecycle.oslo) throws -> (ApplicationReference, app: Int64, decision: Int64) {
        let reference = try Lifecycle.assessed(db, org: org)
        let decision = try Decisions.decide(reference, .grant(try Money.parse("4 000 000")), reasons: "Ramma strekk ikkje til",
                                            session: try db.session(as: Lifecycle.mona))
        let app = try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = $1",
                                                           [reference.description], as: Int64.self))
        return (reference, app, decision.id)
    }

    /// The error `body` fails with, or nil when it succeeds.
    static func failure(_ body: () throws(PGError) -> Void) -> PGError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    func today(_ db: TestDatabase, plus days: Int = 0) throws -> String {
        try #require(try db.connect().queryValue("SELECT to_char(tilskot.today() + $1::integer, 'YYYY-MM-DD')", [days], as: String.self))
    }

    @Test("the deadline: three weeks, moved past weekends, Easter, Ascension, Whit Monday, 1 and 17 May, Christmas and New Year (domstolloven §§ 148–149)")
    func deadlines() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        let c = try db.connect()
        func deadline(_ reached: String) throws -> String? {
            try c.queryValue("SELECT tilskot.iso_date(tilskot.appeal_deadline_from($1::date))", [reached], as: String.self)
        }
        #expect(try c.queryValue("SELECT tilskot.iso_date(tilskot.easter_sunday(2021))", as: String.self) == "2021-04-04")
        #expect(try c.queryValue("SELECT tilskot.iso_date(tilskot.easter_sunday(2024))", as: String.self) == "2024-03-31")
        #expect(try c.queryValue("SELECT tilskot.iso_date(tilskot.easter_sunday(2025))", as: String.self) == "2025-04-20")
        // An ordinary Wednesday: the same weekday three weeks on.
        #expect(try deadline("2021-03-03") == "2021-03-24")
        // Maundy Thursday 2021-04-01 → Good Friday, Saturday, Easter Sunday, Easter Monday → Tuesday.
        #expect(try deadline("2021-03-11") == "2021-04-06")
        // Ascension Day 2021-05-13 → Friday; Whit Monday 2021-05-24 → Tuesday.
        #expect(try deadline("2021-04-22") == "2021-05-14")
        #expect(try deadline("2021-05-03") == "2021-05-25")
        // 17 May 2021 (a Monday) → 18 May; 1 May 2023 (a Monday) → 2 May.
        #expect(try deadline("2021-04-26") == "2021-05-18")
        #expect(try deadline("2023-04-10") == "2023-05-02")
        // A Saturday → Monday.
        #expect(try deadline("2021-03-06") == "2021-03-29")
        // Christmas Eve 2021 (a Friday) → the weekend of Christmas Day and Boxing Day → Monday 27th.
        #expect(try deadline("2021-12-03") == "2021-12-27")
        // Christmas Eve 2024 (a Tuesday) → 25th and 26th are holidays → Friday 27th.
        #expect(try deadline("2024-12-03") == "2024-12-27")
        // New Year's Eve 2021 (a Friday) → New Year's Day, Sunday → Monday 3 January 2022.
        #expect(try deadline("2021-12-10") == "2022-01-03")
        #expect(try c.queryValue("SELECT tilskot.is_deadline_day('2021-05-17')", as: Bool.self) == false)
        #expect(try c.queryValue("SELECT tilskot.is_deadline_day('2021-05-18')", as: Bool.self) == true)
    }

    @Test("a notice sets the presumed day of receipt by its channel, or the day received; the deadline runs from it and is open before")
    func noticeAndDeadline() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let (reference, _, decision) = try decided(db)
        let c = try db.connect()
        #expect(try c.queryValue("SELECT tilskot.decision_appeal_deadline($1) IS NULL", [decision], as: Bool.self) == true)
        #expect(try Applications.show(reference, session: try db.session()).currentNotice == nil)
        let today = try CalendarDate(try self.today(db))
        let notice = try Notices.notify(reference, .currentDecision, sent: today, channel: "post",
                                        session: try db.session(as: Lifecycle.kari))
        #expect(notice.decisionID == decision && notice.receivedOn == nil && notice.registeredBy == Lifecycle.kari)
        // Post is presumed to take 7 days (docs/casework.md).
        #expect(notice.presumedReceived.description == (try self.today(db, plus: 7)))
        let expected = try c.queryValue("SELECT tilskot.iso_date(tilskot.appeal_deadline_from(tilskot.today() + 7))", as: String.self)
        #expect(notice.appealDeadline.description == expected)
        #expect(try c.queryValue("SELECT tilskot.iso_date(tilskot.decision_appeal_deadline($1))", [decision], as: String.self) == expected)
        let detail = try Applications.show(reference, session: try db.session())
        // The case document gives times to the second (tilskot.iso_time); the rest is the same record.
        var shown = try #require(detail.currentNotice)
        #expect(abs(shown.registeredAt.timeIntervalSince(notice.registeredAt)) < 1)
        shown.registeredAt = notice.registeredAt
        #expect(shown == notice)

        // A known day of receipt wins over the presumption.
        let (second, _, _) = try decided(db, org: Lifecycle.stavanger)
        let received = try Notices.notify(second, .currentDecision, sent: today, channel: "digital", received: today,
                                          session: try db.session(as: Lifecycle.mona))
        #expect(received.presumedReceived == today && received.receivedOn == today)
    }

    @Test("the notice rules, each refused with its sentence through the service")
    func noticeRules() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let (reference, _, _) = try decided(db)
        let undecided = try Lifecycle.register(db, org: Lifecycle.stavanger)
        let kari = try db.session(as: Lifecycle.kari)
        let today = try CalendarDate(try self.today(db))
        expectRefused("notice refused: \(undecided) has not been decided; there is no decision to give notice of") {
            _ = try Notices.notify(undecided, .currentDecision, sent: today, channel: "post", session: kari)
        }
        expectRefused("notice refused: no appeal on \(reference) has been dismissed") {
            _ = try Notices.notify(reference, .appealDismissal, sent: today, channel: "post", session: kari)
        }
        expectRefused("is in the future; record a notice once it has been sent") {
            _ = try Notices.notify(reference, .currentDecision, sent: try CalendarDate(try self.today(db, plus: 1)), channel: "post", session: kari)
        }
        expectRefused("before decision") {
            _ = try Notices.notify(reference, .currentDecision, sent: try CalendarDate(try self.today(db, plus: -1)), channel: "post", session: kari)
        }
        expectRefused("the received date \(try self.today(db, plus: 1)) is in the future") {
            _ = try Notices.notify(reference, .currentDecision, sent: today, channel: "post",
                                   received: try CalendarDate(try self.today(db, plus: 1)), session: kari)
        }
        expectRefused("\"fax\" is not a channel; use digital, post or email") {
            _ = try Notices.notify(reference, .currentDecision, sent: today, channel: "fax", session: kari)
        }
        expectRefused("notice refused: lc_fia is neither a caseworker nor a manager") {
            _ = try Notices.notify(reference, .currentDecision, sent: today, channel: "post", session: try db.session(as: Lifecycle.fia))
        }
        #expect(try Lifecycle.count(db, "notice") == 0)
        _ = try Notices.notify(reference, .currentDecision, sent: today, channel: "email", session: kari)
        expectRefused("is already recorded (sent \(today) by email); the appeal deadline runs from one day") {
            _ = try Notices.notify(reference, .currentDecision, sent: today, channel: "post", session: try db.session(as: Lifecycle.mona))
        }
        #expect(try Lifecycle.count(db, "notice") == 1)
        #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.audit_log WHERE table_name = 'notice'", as: Int.self) == 1)
    }

    @Test("psql attacks on notices: the presumed day and registrar are not the client's, another case's decision, dates, a second notice, finance")
    func noticeAttacks() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let (_, app, decision) = try decided(db)
        let (_, otherApp, _) = try decided(db, org: Lifecycle.stavanger)
        let kari = try db.connect(asLogin: Lifecycle.kari)
        // The presumed day (which moves the deadline) and the registrar are the trigger's to set: not granted.
        expectSQLError("42501") {
            try kari.execute("""
                INSERT INTO tilskot.notice (application_id, decision_id, sent_on, channel, presumed_received)
                VALUES ($1, $2, tilskot.today(), 'post', tilskot.today() + 60)
                """, [app, decision])
        }
        expectSQLError("42501") {
            try kari.execute("INSERT INTO tilskot.notice (application_id, decision_id, sent_on, channel, registered_by) VALUES ($1, $2, tilskot.today(), 'post', 'lc_mona')",
                             [app, decision])
        }
        let insert = "INSERT INTO tilskot.notice (application_id, decision_id, sent_on, channel, received_on) VALUES ($1, $2, $3::date, $4, $5::date)"
        expectSQLError("23T40", "belongs to application") {
            try kari.execute(insert, [otherApp, decision, try today(db), "post", String?.none])
        }
        expectSQLError("23T40", "is in the future") { try kari.execute(insert, [app, decision, try today(db, plus: 1), "post", String?.none]) }
        expectSQLError("23T40", "before decision") { try kari.execute(insert, [app, decision, try today(db, plus: -3), "post", String?.none]) }
        expectSQLError("23T40", "the received date") { try kari.execute(insert, [app, decision, try today(db), "post", try today(db, plus: 2)]) }
        // Finance pays what was decided and sends no decision letter: no grant, and the sentence the
        // trigger and the CLI ask for (tilskot.require_notice_step) as psql reads it.
        let fia = try db.connect(asLogin: Lifecycle.fia)
        expectSQLError("42501") { try fia.execute(insert, [app, decision, try today(db), "post", String?.none]) }
        expectSQLError("42T06", "notice refused: lc_fia is neither a caseworker nor a manager") {
            try fia.execute("SELECT tilskot.require_notice_step('notice')")
        }
        // The row cannot be changed afterwards (no UPDATE or DELETE grant; the record is kept).
        try kari.execute(insert, [app, decision, try today(db), "post", String?.none])
        expectSQLError("23T40", "is already recorded") { try kari.execute(insert, [app, decision, try today(db), "digital", String?.none]) }
        expectSQLError("42501") { try kari.execute("UPDATE tilskot.notice SET received_on = tilskot.today() + 10") }
        expectSQLError("42501") { try kari.execute("DELETE FROM tilskot.notice") }
        // Even the owner, past the trigger, keeps one notice per decision (the unique index).
        let owner = try db.connect()
        try owner.executeScript("SET session_replication_role = replica")
        expectSQLError("23505") {
            try owner.execute("INSERT INTO tilskot.notice (application_id, decision_id, sent_on, channel, presumed_received, registered_by) VALUES ($1, $2, tilskot.today(), 'post', tilskot.today(), 'x')",
                              [app, decision])
        }
    }

    @Test("a channel's presumed days: administrators only, 0–14, audited; notices already recorded keep their day")
    func channels() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let (reference, _, _) = try decided(db)
        let defaults = try Notices.channels(session: try db.session(as: Lifecycle.kari))
        #expect(defaults == [NoticeChannel(channel: "digital", presumedDays: 1), NoticeChannel(channel: "email", presumedDays: 1),
                             NoticeChannel(channel: "post", presumedDays: 7)])
        let notice = try Notices.notify(reference, .currentDecision, sent: try CalendarDate(try today(db)), channel: "post",
                                        session: try db.session(as: Lifecycle.kari))
        for user in [Lifecycle.kari, Lifecycle.mona, Lifecycle.fia] {
            expectRefused("channel refused: \(user) is not an administrator") {
                _ = try Notices.setPresumedDays("post", days: 3, session: try db.session(as: user))
            }
            expectSQLError("42501") {
                try db.connect(asLogin: user).execute("UPDATE tilskot.notice_channel SET presumed_days = 3 WHERE channel = 'post'")
            }
        }
        expectSQLError("42T07", "channel refused: lc_mona is not an administrator") {
            try db.connect(asLogin: Lifecycle.mona).execute("SELECT tilskot.require_notice_step('channel')")
        }
        let admin = try db.session(as: Lifecycle.adm)
        expectRefused("channel refused: 15 days is not a presumed time for post to reach the party; give 0 to 14 days") {
            _ = try Notices.setPresumedDays("post", days: 15, session: admin)
        }
        expectRefused("\"pigeon\" is not a channel") { _ = try Notices.setPresumedDays("pigeon", days: 3, session: admin) }
        expectSQLError("42501") {
            try db.connect(asLogin: Lifecycle.adm).execute("UPDATE tilskot.notice_channel SET channel = 'fax' WHERE channel = 'post'")
        }
        #expect(try Notices.setPresumedDays("post", days: 5, session: admin) == NoticeChannel(channel: "post", presumedDays: 5))
        #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.audit_log WHERE table_name = 'notice_channel' AND actor = $1",
                                            [Lifecycle.adm], as: Int.self) == 1)
        let kept = try #require(try Applications.show(reference, session: try db.session()).currentNotice)
        #expect(kept.presumedReceived == notice.presumedReceived)
        #expect(kept.presumedReceived.description == (try today(db, plus: 7)))
    }

    @Test("application list --not-notified: decided applications whose current decision has no notice")
    func notNotified() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let (notified, _, _) = try decided(db)
        let (open, _, _) = try decided(db, org: Lifecycle.stavanger)
        let rejected = try Lifecycle.assessed(db)
        _ = try Decisions.decide(rejected, .reject, reasons: "Fell utanfor ordninga", session: try db.session(as: Lifecycle.mona))
        _ = try Lifecycle.register(db)  // undecided: not listed
        _ = try Notices.notify(notified, .currentDecision, sent: try CalendarDate(try today(db)), channel: "post",
                               session: try db.session(as: Lifecycle.kari))
        var filter = Applications.Filter()
        filter.notNotified = true
        let listed = try Applications.list(filter, session: try db.session()).map(\.reference)
        #expect(listed == [open.description, rejected.description])
        filter.decided = true
        filter.notNotified = false
        #expect(try Applications.list(filter, session: try db.session()).count == 3)
    }

    @Test("advance notice: managers, a grant to lower or money paid to claw back, at least 14 and at most 92 days to answer")
    func advanceNoticeRules() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let granted = try FollowUp.granted(db, amount: "1 000 000")
        let rejected = try FollowUp.rejected(db)
        let mona = try db.session(as: FollowUp.mona)
        let sent = try CalendarDate("2022-03-01")
        func forewarn(_ reference: ApplicationReference, _ purpose: String, _ amount: Int64?, answerBy: String = "2022-03-15",
                      session: Session? = nil) throws -> AdvanceNoticeRecord {
            try AdvanceNotices.forewarn(reference, purpose: purpose, proposal: "Vi vurderer å krevje tilbake ubrukte midlar",
                                        amount: amount.map { Money(kroner: $0) }, sent: sent, channel: "post",
                                        answerBy: try CalendarDate(answerBy), session: session ?? mona)
        }
        expectRefused("advance notice refused: fu_kari is not a manager") {
            _ = try forewarn(granted, "change", 500_000, session: try db.session(as: FollowUp.kari))
        }
        expectRefused("\(rejected) has no grant in force") { _ = try forewarn(rejected, "change", 0) }
        expectRefused("is not less than the grant in force (1 000 000 kr)") { _ = try forewarn(granted, "change", 1_000_000) }
        expectRefused("nothing has been paid on \(granted) that is not already clawed back") { _ = try forewarn(granted, "clawback", 100_000) }
        expectRefused("gives the party less than 14 days from 2022-03-01 to state their view; give at least until 2022-03-15") {
            _ = try forewarn(granted, "change", 500_000, answerBy: "2022-03-14")
        }
        expectRefused("more than three months after it was sent") { _ = try forewarn(granted, "change", 500_000, answerBy: "2022-06-02") }
        expectRefused("\"raise\" is not a purpose") { _ = try forewarn(granted, "raise", 500_000) }
        let change = try forewarn(granted, "change", 500_000)
        #expect(change.purpose == "change" && change.registeredBy == FollowUp.mona && change.answer == nil)
        _ = try FollowUp.paidInFull(db, granted)
        expectRefused("1 000 001 kr is more than was paid on \(granted) and not yet clawed back (1 000 000 kr)") {
            _ = try forewarn(granted, "clawback", 1_000_001)
        }
        let claw = try forewarn(granted, "clawback", 200_000)
        #expect(claw.amount == Money(kroner: 200_000))
        // psql: a caseworker has no grant; the registrar is the trigger's.
        let app = try FollowUp.id(db, granted)
        expectSQLError("42501") {
            try db.connect(asLogin: FollowUp.kari).execute("""
                INSERT INTO tilskot.advance_notice (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by)
                VALUES ($1, 'clawback', 'x', 100, '2022-03-01', 'post', '2022-03-20')
                """, [app])
        }
        expectSQLError("42501") {
            try db.connect(asLogin: FollowUp.mona).execute("""
                INSERT INTO tilskot.advance_notice (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by, registered_by)
                VALUES ($1, 'clawback', 'x', 100, '2022-03-01', 'post', '2022-03-20', 'fu_per')
                """, [app])
        }
        expectSQLError("23T41", "is in the future") {
            try db.connect(asLogin: FollowUp.mona).execute("""
                INSERT INTO tilskot.advance_notice (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by)
                VALUES ($1, 'clawback', 'x', 100, tilskot.today() + 1, 'post', tilskot.today() + 20)
                """, [app])
        }
    }

    @Test("the answer to an advance notice, and advance_notice_problem as the decision and claw-back triggers read it")
    func answersAndProblem() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let granted = try FollowUp.granted(db, amount: "1 000 000")
        let other = try FollowUp.granted(db, org: FollowUp.stavanger, amount: "300 000")
        let mona = try db.session(as: FollowUp.mona)
        let notice = try AdvanceNotices.forewarn(granted, purpose: "change", proposal: "Tilskotet blir sett ned til 500 000 kr",
                                                 amount: Money(kroner: 500_000), sent: try CalendarDate("2022-03-01"),
                                                 channel: "digital", answerBy: try CalendarDate("2022-03-21"), session: mona)
        let app = try FollowUp.id(db, granted), otherApp = try FollowUp.id(db, other)
        let c = try db.connect()
        func problem(_ id: Int64?, _ application: Int64, _ purpose: String, _ date: String) throws -> String? {
            try c.queryValue("SELECT tilskot.advance_notice_problem($1, $2, $3, $4::date)", [id, application, purpose, date], as: String.self)
        }
        #expect(try problem(notice.id, app, "change", "2022-03-21")
                == "the advance notice \(notice.id) gives the party until 2022-03-21 to answer, and no answer is recorded; record the answer, or decide after that day (fvl. § 16)")
        #expect(try problem(notice.id, app, "change", "2022-03-22") == nil)
        #expect(try problem(notice.id, otherApp, "change", "2022-03-22")?.contains("belongs to application \(granted), not to \(other)") == true)
        #expect(try problem(notice.id, app, "clawback", "2022-03-22")?.contains("warns of a change of the grant, not of a claw-back") == true)
        #expect(try problem(notice.id, app, "change", "2022-02-28")?.contains("was sent on 2022-03-01, after the decision date 2022-02-28") == true)
        #expect(try problem(nil, app, "change", "2022-03-22")?.contains("no advance notice is named") == true)
        #expect(try problem(999_999, app, "change", "2022-03-22") == "there is no advance notice with id 999999")

        let kari = try db.session(as: FollowUp.kari)
        expectRefused("answer refused: fu_fia is neither a caseworker nor a manager") {
            _ = try AdvanceNotices.answer(notice.id, received: try CalendarDate("2022-03-10"), summary: "Usamd", session: try db.session(as: FollowUp.fia))
        }
        expectRefused("before the advance notice \(notice.id) was sent (2022-03-01)") {
            _ = try AdvanceNotices.answer(notice.id, received: try CalendarDate("2022-02-27"), summary: "Usamd", session: kari)
        }
        expectRefused("summarise in words what the party says") {
            _ = try AdvanceNotices.answer(notice.id, received: try CalendarDate("2022-03-10"), summary: " \u{200B} ", session: kari)
        }
        expectRefused("answer refused: there is no advance notice with id 999999") {
            _ = try AdvanceNotices.answer(999_999, received: try CalendarDate("2022-03-10"), summary: "Usamd", session: kari)
        }
        // psql: the answer names the notice's own application.
        expectSQLError("23T41", "name the application of the advance notice \(notice.id)") {
            try db.connect(asLogin: FollowUp.kari).execute(
                "INSERT INTO tilskot.advance_notice_answer (advance_notice_id, received_on, summary) VALUES ($1, '2022-03-10', 'Usamd')",
                [notice.id])
        }
        expectSQLError("23T41", "belongs to application \(granted), not to \(other)") {
            try db.connect(asLogin: FollowUp.kari).execute("""
                INSERT INTO tilskot.advance_notice_answer (advance_notice_id, application_id, received_on, summary) VALUES ($1, $2, '2022-03-10', 'Usamd')
                """, [notice.id, otherApp])
        }
        let answered = try AdvanceNotices.answer(notice.id, received: try CalendarDate("2022-03-10"),
                                                 summary: "Kommunen meiner midlane er brukte etter føremålet", session: kari)
        #expect(answered.answer?.receivedOn.description == "2022-03-10" && answered.answer?.registeredBy == FollowUp.kari)
        expectRefused("the answer to the advance notice \(notice.id) is already recorded (received 2022-03-10)") {
            _ = try AdvanceNotices.answer(notice.id, received: try CalendarDate("2022-03-11"), summary: "Meir", session: kari)
        }
        // Answered: a decision may follow from the day the answer came, not before it.
        #expect(try problem(notice.id, app, "change", "2022-03-10") == nil)
        #expect(try problem(notice.id, app, "change", "2022-03-09")?.contains("was received on 2022-03-10, after the decision date 2022-03-09") == true)
        let shown = try Applications.show(granted, session: try db.session())
        #expect(shown.advanceNotices.map(\.id) == [notice.id] && shown.advanceNotices[0].answer != nil)
    }

    @Test("the notice of a claw-back decision and of an appeal's dismissal start their own deadlines")
    func clawbackAndDismissal() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        _ = try FollowUp.paidInFull(db, reference)
        let mona = try db.session(as: FollowUp.mona), kari = try db.session(as: FollowUp.kari)
        let claw = try ClawBacks.demand(reference, amount: Money(kroner: 100_000), reasons: "Ubrukte midlar",
                                        due: try CalendarDate("2022-06-01"), date: try CalendarDate("2022-04-20"),
                                        withoutNotice: FollowUp.noNotice, session: mona)
        expectRefused("before claw-back \(claw.id) was made (2022-04-20)") {
            _ = try Notices.notifyClawback(claw.id, sent: try CalendarDate("2022-04-19"), channel: "post", session: kari)
        }
        expectRefused("notice refused: there is no claw-back 999999") {
            _ = try Notices.notifyClawback(999_999, sent: try CalendarDate("2022-04-21"), channel: "post", session: kari)
        }
        // Sent Thursday 2022-04-21 by post: presumed received 2022-04-28, deadline three weeks on.
        let notice = try Notices.notifyClawback(claw.id, sent: try CalendarDate("2022-04-21"), channel: "post", session: kari)
        #expect(notice.clawbackID == claw.id && notice.decisionID == nil)
        #expect(notice.presumedReceived.description == "2022-04-28" && notice.appealDeadline.description == "2022-05-19")
        #expect(try db.connect().queryValue("SELECT tilskot.iso_date(tilskot.clawback_appeal_deadline($1))", [claw.id], as: String.self)
                == "2022-05-19")
        // The decision's own deadline is still open: the claw-back's notice is not the decision's.
        let detail = try Applications.show(reference, session: try db.session())
        #expect(detail.currentNotice == nil && detail.notices.count == 1)

        // An appeal on another grant, dismissed as withdrawn: its dismissal is notified on its own.
        let other = try FollowUp.granted(db, org: FollowUp.stavanger, amount: "300 000")
        let today = try CalendarDate(try self.today(db))
        expectRefused("notice refused: no appeal on \(other) has been dismissed") {
            _ = try Notices.notify(other, .appealDismissal, sent: today, channel: "digital", session: kari)
        }
        let appeal = try Appeals.register(other, received: today, grounds: "Kommunen meiner tilskotet er for lågt", session: mona)
        _ = try Appeals.dismiss(other, ground: .withdrawn, reasons: "Kommunen trekte klaga", session: try db.session(as: FollowUp.per))
        let dismissal = try Notices.notify(other, .appealDismissal, sent: today, channel: "digital", session: kari)
        #expect(dismissal.appealID == appeal.id && dismissal.decisionID == nil)
        #expect(try db.connect().queryValue("SELECT tilskot.dismissal_appeal_deadline($1) = tilskot.appeal_deadline_from(tilskot.today() + 1)",
                                            [appeal.id], as: Bool.self) == true)
        expectRefused("the notice of the dismissal of appeal \(appeal.id) on \(other) is already recorded") {
            _ = try Notices.notify(other, .appealDismissal, sent: today, channel: "post", session: kari)
        }
        // psql: an appeal that was not dismissed has no dismissal to notify.
        let otherID = try FollowUp.id(db, other)
        let third = try FollowUp.granted(db, org: FollowUp.bergen, amount: "200 000")
        let pending = try Appeals.register(third, received: today, grounds: "For lite", session: mona)
        expectSQLError("23T40", "appeal \(pending.id) has not been dismissed") {
            try db.connect(asLogin: FollowUp.kari).execute(
                "INSERT INTO tilskot.notice (application_id, appeal_id, sent_on, channel) VALUES ($1, $2, tilskot.today(), 'post')",
                [try FollowUp.id(db, third), pending.id])
        }
        expectSQLError("23T40", "appeal \(pending.id) belongs to application \(third), not to \(other)") {
            try db.connect(asLogin: FollowUp.kari).execute(
                "INSERT INTO tilskot.notice (application_id, appeal_id, sent_on, channel) VALUES ($1, $2, tilskot.today(), 'post')",
                [otherID, pending.id])
        }
    }

    @Test("two sessions: a second notice of one decision, or a second answer, is refused at every isolation level")
    func races() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        for level in ["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"] {
            let (_, app, decision) = try decided(db, org: level == "READ COMMITTED" ? Lifecycle.oslo : Lifecycle.stavanger)
            let a = try db.connect(asLogin: Lifecycle.kari), b = try db.connect(asLogin: Lifecycle.ola)
            try a.executeScript("BEGIN ISOLATION LEVEL \(level)")
            // A's snapshot is taken before B's notice commits.
            _ = try a.queryValue("SELECT count(*) FROM tilskot.notice WHERE decision_id = \(decision)", as: Int.self)
            try b.execute("INSERT INTO tilskot.notice (application_id, decision_id, sent_on, channel) VALUES ($1, $2, tilskot.today(), 'post')",
                          [app, decision])
            let refusal = Self.failure { () throws(PGError) in
                _ = try a.execute("INSERT INTO tilskot.notice (application_id, decision_id, sent_on, channel) VALUES ($1, $2, tilskot.today(), 'digital')",
                                  [app, decision])
            }
            #expect(["23T40", "40001"].contains(refusal?.sqlState ?? "accepted"), "\(level): \(refusal?.message ?? "a second notice was accepted")")
            try a.executeScript("ROLLBACK")
            #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.notice WHERE decision_id = $1", [decision], as: Int.self) == 1)
        }
    }
}
