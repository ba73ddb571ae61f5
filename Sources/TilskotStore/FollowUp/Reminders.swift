import Foundation
import PGClient
import TilskotCore

/// A reminder (purring) sent to a recipient whose report is due or overdue.
public struct ReminderRecord: Sendable, Equatable {
    public enum Kind: String, Sendable { case beforeDue = "before_due", overdue }

    public var reference: String
    public var organisationNumber: String
    public var organisationName: String
    public var dueDate: CalendarDate
    public var sentOn: CalendarDate
    public var kind: Kind
    /// False in a dry run: listed, not recorded.
    public var recorded: Bool
}

/// Reminders of reports: who should be reminded on a day, and the record that a reminder went.
/// Nobody is reminded twice in the same ISO week; the database holds that with a unique index on
/// (application, ISO week), also for two reminder runs at the same moment.
public enum Reminders {
    /// Who should be reminded on `day`: applications in follow-up whose report is not in, due within
    /// `daysBefore` days or already overdue, and not reminded in `day`'s ISO week.
    /// `day` nil: today in the installation's calendar (Session.today()).
    public static func candidates(on day: CalendarDate? = nil, daysBefore: Int = 14,
                                  session: Session) throws(TilskotError) -> [ReminderRecord] {
        let day: CalendarDate = if let day { day } else { try session.today() }
        return try session.followUpRead { try select(day: day, daysBefore: daysBefore, session.connection) }
    }

    /// Records a reminder for each candidate of `day` (today unless given: a reminder is recorded
    /// when it is sent). Someone reminded this week by a concurrent run is skipped, not an error.
    public static func send(on day: CalendarDate? = nil, daysBefore: Int = 14,
                            session: Session) throws(TilskotError) -> [ReminderRecord] {
        // The reminder trigger refuses a future day row by row (23T25); with nobody due there is
        // no row, so the day is checked here too, against the database's own today.
        let today = try session.today()
        let day = day ?? today
        if day > today {
            throw .refused("reminders cannot be recorded for \(day), which is in the future; a reminder is recorded when it is sent")
        }
        return try session.followUpChange(reason: "report reminders") {
            let c = session.connection
            // One statement records every candidate (row by row, a savepoint and an INSERT each, it
            // took 9.4 s for the 26 911 due at 200 000 applications). A run at the same moment that
            // reminded someone first makes our row trigger refuse that one (23T25), as does a report
            // received meanwhile (23T24): the statement is then tried again, from its savepoint, on
            // a fresh snapshot that no longer lists them. The unique index skips the rest quietly.
            return try c.retrying(attempts: 5, when: { ["23T25", "23T24"].contains($0.sqlState) }) {
                try c.transaction {
                    try c.query("""
                        WITH due AS (\(dueSQL)),
                        recorded AS (
                            INSERT INTO tilskot.reminder (application_id, sent_on)
                            SELECT id, $1::date FROM due ORDER BY id
                            ON CONFLICT (application_id, iso_week) DO NOTHING
                            RETURNING application_id
                        )
                        SELECT due.* FROM due JOIN recorded ON recorded.application_id = due.id
                         ORDER BY due.due_date, due.reference
                        """, [day.description, daysBefore]).map { try record($0, day: day, recorded: true) }
                }
            }
        }
    }

    /// Who is due a reminder on $1 (a date) within $2 days: in follow-up, report not in, not
    /// reminded in $1's ISO week.
    static let dueSQL = """
        SELECT a.id, a.reference, o.orgnr, o.name AS organisation, d.due_date,
               CASE WHEN $1::date > d.due_date THEN 'overdue' ELSE 'before_due' END AS kind
          FROM tilskot.report_duty d
          JOIN tilskot.application a ON a.id = d.application_id
          JOIN tilskot.organisation o ON o.id = a.organisation_id
         WHERE d.is_current AND a.status = 'in_follow_up'
           AND d.due_date <= $1::date + $2::integer
           AND NOT EXISTS (SELECT 1 FROM tilskot.recipient_report rr
                            WHERE rr.application_id = a.id AND rr.status IN ('received', 'approved'))
           AND NOT EXISTS (SELECT 1 FROM tilskot.reminder m
                            WHERE m.application_id = a.id
                              AND m.iso_week = (extract(isoyear FROM $1::date) * 100 + extract(week FROM $1::date))::integer)
        """

    static func record(_ row: Row, day: CalendarDate, recorded: Bool) throws -> ReminderRecord {
        ReminderRecord(reference: try row.string("reference"), organisationNumber: try row.string("orgnr"),
                       organisationName: try row.string("organisation"), dueDate: try row.date("due_date"),
                       sentOn: day, kind: ReminderRecord.Kind(rawValue: try row.string("kind")) ?? .beforeDue,
                       recorded: recorded)
    }

    static func select(day: CalendarDate, daysBefore: Int, _ c: Connection) throws -> [ReminderRecord] {
        try c.query(dueSQL + " ORDER BY d.due_date, a.reference", [day.description, daysBefore]).map {
            try record($0, day: day, recorded: false)
        }
    }
}
