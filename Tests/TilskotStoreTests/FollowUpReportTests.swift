import Foundation
import Synchronization
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

@Suite("recipient reports, reminders and closing")
struct FollowUpReportTests {
    @Test("duty defaults and the auditor-checked account: required at or above the threshold, optional below")
    func duties() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let big = try FollowUp.granted(db, amount: "400 000")
        let small = try FollowUp.granted(db, org: FollowUp.stavanger, amount: "399 999,99")
        let kari = try db.session(as: FollowUp.kari)
        expectRefused("at or above the scheme's threshold of 400 000 kr") {
            _ = try RecipientReports.setDuty(big, accountRequired: false, session: kari)
        }
        let bigDuty = try RecipientReports.setDuty(big, projectEnd: try CalendarDate("2021-10-31"), session: kari)
        #expect(bigDuty.dueDate == (try CalendarDate("2022-01-31")) && bigDuty.accountRequired)
        #expect(try FollowUp.status(db, big) == "in_follow_up")
        let smallDuty = try RecipientReports.setDuty(small, session: kari)
        #expect(try !smallDuty.accountRequired && smallDuty.dueDate == (try CalendarDate("2022-03-31")))
        let asked = try RecipientReports.setDuty(small, due: try CalendarDate("2022-02-28"), accountRequired: true, session: kari)
        #expect(try asked.accountRequired && asked.dueDate == (try CalendarDate("2022-02-28")))
        expectRefused("before its project ends") {
            _ = try RecipientReports.setDuty(small, projectEnd: try CalendarDate("2021-12-31"), due: try CalendarDate("2021-11-30"), session: kari)
        }
        // Superseded duties are kept.
        #expect(try FollowUp.count(db, "report_duty") == 3)
    }

    @Test("a report on an application with no grant is refused; one report waits for review at a time")
    func receiving() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        let rejected = try FollowUp.rejected(db)
        let undecided = try FollowUp.assessed(db, org: FollowUp.trondheim, amount: "100 000")
        let kari = try db.session(as: FollowUp.kari)
        expectRefused("was rejected, so it has no grant") { _ = try RecipientReports.receive(rejected, session: kari) }
        expectRefused("has not been decided") { _ = try RecipientReports.receive(undecided, session: kari) }
        expectRefused("is in the future") {
            _ = try RecipientReports.receive(reference, date: db.today().adding(days: 1), session: kari)
        }
        let report = try RecipientReports.receive(reference, date: try CalendarDate("2022-03-20"), session: kari)
        #expect(report.status == .received && report.receivedBy == FollowUp.kari)
        #expect(try FollowUp.status(db, reference) == "in_follow_up")  // a report starts follow-up too
        expectRefused("waits for review") { _ = try RecipientReports.receive(reference, session: kari) }
        expectRefused("needs an auditor-checked account") { _ = try RecipientReports.approve(reference, session: kari) }
        expectRefused("reasons") { _ = try RecipientReports.reject(reference, reasons: "", session: kari) }
        let rejectedReport = try RecipientReports.reject(reference, reasons: "Revisorattestert rekneskap manglar", session: kari)
        #expect(rejectedReport.status == .rejected && rejectedReport.reviewReasons == "Revisorattestert rekneskap manglar")
        _ = try RecipientReports.receive(reference, date: try CalendarDate("2022-03-25"), accountApproved: true, session: kari)
        let approved = try RecipientReports.approve(reference, session: try db.session(as: FollowUp.ola))
        #expect(approved.status == .approved && approved.reviewedBy == FollowUp.ola)
        expectRefused("already approved") { _ = try RecipientReports.receive(reference, session: kari) }
        expectRefused("no report waiting for review") { _ = try RecipientReports.approve(reference, session: kari) }
        #expect(try RecipientReports.reports(reference, session: kari).map(\.status) == [.rejected, .approved])
    }

    @Test("due and overdue on a given day leave out reports that are in")
    func dueAndOverdue() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let early = try FollowUp.granted(db, amount: "1 000 000")
        let normal = try FollowUp.granted(db, org: FollowUp.stavanger, amount: "300 000")
        let reported = try FollowUp.granted(db, org: FollowUp.bergen, amount: "200 000")
        let kari = try db.session(as: FollowUp.kari)
        _ = try RecipientReports.setDuty(early, projectEnd: try CalendarDate("2021-10-31"), session: kari)  // due 2022-01-31
        _ = try FollowUp.plan(db, normal)                                                                // due 2022-03-31
        _ = try FollowUp.plan(db, reported)
        _ = try RecipientReports.receive(reported, date: try CalendarDate("2022-03-01"), session: kari)
        let day = try CalendarDate("2022-03-15")
        #expect(try RecipientReports.due(withinDays: 30, asOf: day, session: kari).map(\.reference) == [normal.description])
        #expect(try RecipientReports.due(withinDays: 10, asOf: day, session: kari).isEmpty)
        #expect(try RecipientReports.due(withinDays: 30, asOf: day, includeOverdue: true, session: kari).map(\.reference)
                == [early.description, normal.description])
        let overdue = try RecipientReports.overdue(asOf: day, session: kari)
        #expect(overdue.map(\.reference) == [early.description])
        #expect(overdue[0].daysLeft == -43)
        #expect(try DaySpan.parse("30d") == 30 && DaySpan.parse("4w") == 28 && DaySpan.parse("7") == 7)
        expectRefused("not a number of days") { _ = try DaySpan.parse("soon") }
    }

    @Test("reminders: a run that meets another run's reminder on one case records every other case, once")
    func remindersAgainstAnotherRun() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        var references: [ApplicationReference] = []
        for org in [FollowUp.oslo, FollowUp.stavanger, FollowUp.bergen] {
            let reference = try FollowUp.granted(db, org: org, amount: "1 000 000")
            _ = try FollowUp.plan(db, reference)   // due 2022-03-31: overdue today
            references.append(reference)
        }
        let ids = try references.map { try FollowUp.id(db, $0) }
        // Ola reminds the middle case and has not committed yet: his row lock on that application
        // holds Kari's run, which records all three in one statement, until he commits.
        let ola = try db.connect(asLogin: FollowUp.ola)
        try ola.execute("BEGIN")
        try ola.execute("INSERT INTO tilskot.reminder (application_id) VALUES ($1)", [ids.sorted()[1]])
        let kari = try db.session(as: FollowUp.kari)
        let outcome = Mutex<Result<[ReminderRecord], TilskotError>?>(nil)
        let box = Unchecked(kari)
        Thread.detachNewThread {
            let result = Result { () throws(TilskotError) in try Reminders.send(session: box.value) }
            outcome.withLock { $0 = result }
        }
        let watcher = try db.connect()
        var waiting = false
        for _ in 0..<200 where !waiting {
            waiting = try watcher.queryValue("""
                SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                                WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO tilskot.reminder%')
                """, as: Bool.self) ?? false
            if !waiting { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(waiting, "Kari's run never waited for Ola's case")
        try ola.execute("COMMIT")
        for _ in 0..<600 where outcome.withLock({ $0 == nil }) { Thread.sleep(forTimeInterval: 0.05) }
        let sent = try #require(try outcome.withLock { $0 }?.get())
        // Kari's statement met Ola's reminder (23T25), was tried again on a fresh snapshot, and
        // recorded the two others; nobody was reminded twice.
        let olas = references[ids.firstIndex(of: ids.sorted()[1])!]
        #expect(Set(sent.map { $0.reference }) == Set(references.filter { $0 != olas }.map { $0.description }))
        #expect(sent.allSatisfy { $0.recorded })
        #expect(try FollowUp.count(db, "reminder") == 3)
        #expect(try watcher.queryValue("SELECT count(DISTINCT application_id) FROM tilskot.reminder", as: Int.self) == 3)
    }

    @Test("reminders and report listings count from the installation's today, not the machine's UTC day")
    func remindersOnTheInstallationsDay() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        _ = try FollowUp.plan(db, reference)  // due 2022-03-31: overdue
        // A zone whose date is not UTC's now: UTC−12 before noon UTC, UTC+14 from noon on. (Oslo
        // differs from UTC only between its midnight and UTC's, which is when this went wrong.)
        let hourUTC = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour!
        let zone = hourUTC < 12 ? "Etc/GMT+12" : "Etc/GMT-14"
        try db.connect(asLogin: FollowUp.adm).execute("UPDATE tilskot.installation SET time_zone = $1", [zone])
        let installationDay = try db.today()
        try #require(installationDay != CalendarDate.today(), "the installation's day must differ from UTC's for this test")
        let kari = try db.session(as: FollowUp.kari)
        #expect(try Reminders.candidates(session: kari).map(\.sentOn) == [installationDay])
        // Behind UTC, the UTC day would be refused as in the future; ahead, recorded a day early.
        let sent = try Reminders.send(session: kari)
        #expect(sent.map(\.sentOn) == [installationDay] && sent.map(\.recorded) == [true])
        #expect(try RecipientReports.overdue(session: kari).map(\.lastReminder) == [installationDay])
        #expect(try RecipientReports.due(withinDays: 0, includeOverdue: true, session: kari).map(\.daysLeft)
                == [CalendarDate("2022-03-31").days(until: installationDay) * -1])
    }

    @Test("reminders: recorded once per ISO week, by the database too; the report in stops them")
    func reminders() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        _ = try FollowUp.plan(db, reference)  // due 2022-03-31, long past: overdue today
        let kari = try db.session(as: FollowUp.kari)
        let candidates = try Reminders.candidates(session: kari)
        #expect(candidates.map(\.reference) == [reference.description] && candidates[0].kind == .overdue && !candidates[0].recorded)
        #expect(try FollowUp.count(db, "reminder") == 0)
        let sent = try Reminders.send(session: kari)
        #expect(sent.map(\.recorded) == [true])
        #expect(try Reminders.send(session: try db.session(as: FollowUp.ola)).isEmpty)
        #expect(try Reminders.candidates(session: kari).isEmpty)
        #expect(try FollowUp.count(db, "reminder") == 1)
        let due = try RecipientReports.overdue(session: kari)
        #expect(try due[0].lastReminder == db.today())
        // The same ISO week across a year boundary: 2021-01-04 (Monday) … 2021-01-10 is week 2021-W01;
        // 2020-12-31 is week 2020-W53. Plain SQL as the caseworker.
        let c = try db.connect(asLogin: FollowUp.kari)
        let app = try FollowUp.id(db, reference)
        try c.execute("INSERT INTO tilskot.reminder (application_id, sent_on) VALUES ($1, '2021-01-04')", [app])
        expectSQLError("23T25", "already reminded on 2021-01-04") {
            try c.execute("INSERT INTO tilskot.reminder (application_id, sent_on) VALUES ($1, '2021-01-10')", [app])
        }
        try c.execute("INSERT INTO tilskot.reminder (application_id, sent_on) VALUES ($1, '2021-01-03')", [app])
        // A report in: nothing to remind of.
        _ = try RecipientReports.receive(reference, date: try CalendarDate("2022-03-20"), session: kari)
        expectSQLError("23T24", "already in") {
            try c.execute("INSERT INTO tilskot.reminder (application_id, sent_on) VALUES ($1, '2022-01-10')", [app])
        }
    }

    @Test("closing: a manager's act once the report is approved and the money settled; then final")
    func closing() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "300 000")
        let mona = try db.session(as: FollowUp.mona)
        let kari = try db.session(as: FollowUp.kari)
        expectRefused("only an application in follow-up can be closed") { _ = try Closing.close(reference, session: mona) }
        let planned = try FollowUp.plan(db, reference)
        expectRefused("no approved report") { _ = try Closing.close(reference, session: mona) }
        _ = try RecipientReports.receive(reference, date: try CalendarDate("2022-03-20"), session: kari)
        _ = try RecipientReports.approve(reference, session: kari)
        expectRefused("instalment 1 of \(reference) (150 000 kr, due 2021-05-01) is still planned") {
            _ = try Closing.close(reference, session: mona)
        }
        let fia = try db.session(as: FollowUp.fia)
        _ = try Payments.attest([planned[0].id], session: fia)
        expectRefused("is still attested") { _ = try Closing.close(reference, session: mona) }
        // finn pays what fia attested (the payer is not the attester, SQL/schema/09_payments.sql).
        _ = try Payments.pay([planned[0].id], voucher: "B-1", date: try CalendarDate("2021-05-03"), session: try db.session(as: FollowUp.finn))
        _ = try Payments.withhold(planned[1].id, reason: "Prosjektet brukte mindre", session: fia)
        expectRefused("is not a manager") { _ = try Closing.close(reference, session: kari) }
        let closed = try Closing.close(reference, notes: "Avslutta etter godkjend rapport", session: mona)
        #expect(closed.status == .closed)
        let history = try Applications.show(reference, session: kari).history
        #expect(history.contains { $0.table == "closing" && $0.actor == FollowUp.mona })
        expectRefused("is closed") { _ = try FollowUp.plan(db, reference, "1 000:2022-01-01") }
        expectRefused("only an application in follow-up") { _ = try Closing.close(reference, session: mona) }
    }
}
