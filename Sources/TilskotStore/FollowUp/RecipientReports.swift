import Foundation
import PGClient
import TilskotCore

/// A grant's reporting duty (rapporteringsplikt): when the recipient's report is due and whether it
/// needs an auditor-checked account (revisorattestert rekneskap).
public struct ReportDutyRecord: Sendable, Equatable {
    public var reference: String
    public var projectEnd: CalendarDate
    public var dueDate: CalendarDate
    public var accountRequired: Bool
    public var setBy: String
}

/// A report from a recipient on the use of a grant (rapport), and its review.
public struct RecipientReportRecord: Sendable, Equatable {
    public enum Status: String, Sendable { case received, approved, rejected }

    public var id: Int64
    public var reference: String
    public var reportDate: CalendarDate
    public var accountApproved: Bool
    public var notes: String?
    public var status: Status
    public var receivedBy: String
    public var reviewedBy: String?
    public var reviewReasons: String?
}

/// Where an application's report stands on a given day: for `followup due` and `followup overdue`.
public struct ReportDueItem: Sendable, Equatable {
    public var reference: String
    public var organisationNumber: String
    public var organisationName: String
    public var granted: Money
    public var projectEnd: CalendarDate
    public var dueDate: CalendarDate
    public var accountRequired: Bool
    /// Days from the day asked about to the due date; negative when overdue.
    public var daysLeft: Int
    public var lastReminder: CalendarDate?
}

/// Recipient reports: reporting duties, reports received and reviewed, and what is due or overdue.
/// The rules (a report needs a grant; one waits for review at a time; approval needs the auditor-checked
/// account where the duty says so) are held by SQL/schema/10_reporting.sql.
public enum RecipientReports {
    /// Sets the reporting duty of a granted application (superseding the current one, which is kept).
    /// Unset values take the defaults: the project ends 31 December of the round's year, the report
    /// is due three months later, and an auditor-checked account is required at or above the scheme's
    /// threshold (it can also be required of a smaller grant, never waived for a larger one).
    public static func setDuty(_ reference: ApplicationReference, projectEnd: CalendarDate? = nil, due: CalendarDate? = nil,
                               accountRequired: Bool? = nil, session: Session) throws(TilskotError) -> ReportDutyRecord {
        // A due date before the project's end is the database's to refuse (report_duty_before_insert).
        return try session.followUpChange(reason: "reporting duty") {
            let c = session.connection
            let app = try Lookup.application(reference, c)
            try c.execute("INSERT INTO tilskot.report_duty (application_id, project_end, due_date, account_required) VALUES ($1, $2, $3, $4)",
                          [app.id, projectEnd?.description, due?.description, accountRequired])
            return try duty(applicationID: app.id, c)
        }
    }

    /// The current reporting duty, if the application has one.
    public static func duty(_ reference: ApplicationReference, session: Session) throws(TilskotError) -> ReportDutyRecord? {
        try session.followUpRead {
            let c = session.connection
            let app = try Lookup.application(reference, c)
            return try? duty(applicationID: app.id, c)
        }
    }

    /// Records that a report reached the directorate on `date` (default today).
    public static func receive(_ reference: ApplicationReference, date: CalendarDate? = nil, accountApproved: Bool = false,
                               notes: String? = nil, session: Session) throws(TilskotError) -> RecipientReportRecord {
        // A report date in the future (by the server's clock) is the database's to refuse.
        return try session.followUpChange(reason: "report received") {
            let c = session.connection
            let app = try Lookup.application(reference, c)
            guard let id = try c.queryValue("""
                INSERT INTO tilskot.recipient_report (application_id, report_date, account_approved, notes)
                VALUES ($1, coalesce($2::date, tilskot.today()), $3, $4) RETURNING id
                """, [app.id, date?.description, accountApproved, optionalText(notes)], as: Int64.self) else {
                throw TilskotError.refused("the report of \(reference) was not recorded")
            }
            return try report(id: id, c)
        }
    }

    /// Approves the report of an application that waits for review.
    public static func approve(_ reference: ApplicationReference, session: Session) throws(TilskotError) -> RecipientReportRecord {
        try review(reference, outcome: "approved", reasons: nil, session: session)
    }

    /// Rejects the report that waits for review, with reasons; the recipient then sends a new one.
    public static func reject(_ reference: ApplicationReference, reasons: String?, session: Session) throws(TilskotError) -> RecipientReportRecord {
        // A blank reason reaches the database, which says that a rejection needs reasons.
        let reasons = reasonsGiven(reasons)
        return try review(reference, outcome: "rejected", reasons: reasons, session: session)
    }

    static func review(_ reference: ApplicationReference, outcome: String, reasons: String?,
                       session: Session) throws(TilskotError) -> RecipientReportRecord {
        try session.followUpChange(reason: reasons ?? (outcome == "approved" ? "report approved" : nil)) {
            let c = session.connection
            let app = try Lookup.application(reference, c)
            guard let id = try c.queryValue(
                "SELECT id FROM tilskot.recipient_report WHERE application_id = $1 AND status = 'received'", [app.id], as: Int64.self) else {
                throw TilskotError.refused("\(reference) has no report waiting for review; receive it first with `tilskot followup receive \(reference) --report-date …`")
            }
            try c.execute("INSERT INTO tilskot.report_review (report_id, outcome, reasons) VALUES ($1, $2, $3)", [id, outcome, reasons])
            return try report(id: id, c)
        }
    }

    /// Every report of an application, oldest first.
    public static func reports(_ reference: ApplicationReference, session: Session) throws(TilskotError) -> [RecipientReportRecord] {
        try session.followUpRead {
            let c = session.connection
            let app = try Lookup.application(reference, c)
            return try c.query(reportSQL + " WHERE rr.application_id = $1 ORDER BY rr.id", [app.id]).map(decodeReport)
        }
    }

    /// Applications in follow-up whose report is not in (none received or approved) and is due from
    /// `asOf` to `asOf + withinDays`; `includeOverdue` adds those already past their due date.
    /// `mine`: only cases the acting user is a current caseworker of (tilskot.case_caseworkers).
    /// `asOf` nil: today in the installation's calendar (Session.today()).
    public static func due(withinDays: Int, asOf: CalendarDate? = nil, includeOverdue: Bool = false,
                           round: RoundKey? = nil, mine: Bool = false, session: Session) throws(TilskotError) -> [ReportDueItem] {
        let asOf: CalendarDate = if let asOf { asOf } else { try session.today() }
        return try outstanding(from: includeOverdue ? nil : asOf, to: asOf.adding(days: withinDays), asOf: asOf, round: round,
                        mine: mine, session: session)
    }

    /// Applications in follow-up whose report was due before `asOf` and is not in.
    public static func overdue(asOf: CalendarDate? = nil, round: RoundKey? = nil,
                               session: Session) throws(TilskotError) -> [ReportDueItem] {
        let asOf: CalendarDate = if let asOf { asOf } else { try session.today() }
        return try outstanding(from: nil, to: asOf.adding(days: -1), asOf: asOf, round: round, session: session)
    }

    /// Reports not in with a due date from `from` (nil: any) to `to`, of one round or all, and with
    /// `mine` only the caller's cases (tilskot.reports_outstanding, SQL/schema/10_reporting.sql).
    static func outstanding(from: CalendarDate?, to: CalendarDate, asOf: CalendarDate, round: RoundKey?,
                            mine: Bool = false, session: Session) throws(TilskotError) -> [ReportDueItem] {
        try session.followUpRead {
            let c = session.connection
            let roundID = try round.map { try Lookup.round($0, c).id }
            // --mine as a plain IN outside the function: a semi-join from her assignments
            // (tilskot.reports_outstanding says why).
            let onlyMine = mine ? "WHERE o.application_id IN (SELECT m.application_id FROM tilskot.my_case_ids() m)" : ""
            return try c.query("""
                SELECT o.* FROM tilskot.reports_outstanding($1::date, $2::date, $3::date, $4::bigint) o
                 \(onlyMine)
                 ORDER BY o.due_date, o.reference
                """, [from?.description, to.description, asOf.description, roundID]).map { row in
                ReportDueItem(reference: try row.string("reference"), organisationNumber: try row.string("orgnr"),
                              organisationName: try row.string("organisation"), granted: try row.money("granted_ore"),
                              projectEnd: try row.date("project_end"), dueDate: try row.date("due_date"),
                              accountRequired: try row.bool("account_required"), daysLeft: try row.int("days_left"),
                              lastReminder: try row.dateIfPresent("last_reminder"))
            }
        }
    }

    static func duty(applicationID: Int64, _ c: Connection) throws -> ReportDutyRecord {
        guard let row = try c.queryRow("""
            SELECT a.reference, d.project_end, d.due_date, d.account_required, d.set_by
              FROM tilskot.report_duty d JOIN tilskot.application a ON a.id = d.application_id
             WHERE d.application_id = $1 AND d.is_current
            """, [applicationID]) else {
            throw TilskotError.refused("the application has no reporting duty yet; it gets one with its payment plan or `tilskot followup duty`")
        }
        return ReportDutyRecord(reference: try row.string("reference"), projectEnd: try row.date("project_end"),
                                dueDate: try row.date("due_date"), accountRequired: try row.bool("account_required"),
                                setBy: try row.string("set_by"))
    }

    static func report(id: Int64, _ c: Connection) throws -> RecipientReportRecord {
        guard let row = try c.queryRow(reportSQL + " WHERE rr.id = $1", [id]) else {
            throw TilskotError.refused("there is no report with id \(id)")
        }
        return try decodeReport(row)
    }

    static let reportSQL = """
        SELECT rr.id, a.reference, rr.report_date, rr.account_approved, rr.notes, rr.status, rr.received_by,
               rr.reviewed_by, rr.review_reasons
          FROM tilskot.recipient_report rr JOIN tilskot.application a ON a.id = rr.application_id
        """

    static func decodeReport(_ row: Row) throws -> RecipientReportRecord {
        RecipientReportRecord(
            id: try row.int64("id"), reference: try row.string("reference"), reportDate: try row.date("report_date"),
            accountApproved: try row.bool("account_approved"), notes: row["notes"],
            status: RecipientReportRecord.Status(rawValue: try row.string("status")) ?? .received,
            receivedBy: try row.string("received_by"), reviewedBy: row["reviewed_by"], reviewReasons: row["review_reasons"])
    }
}
