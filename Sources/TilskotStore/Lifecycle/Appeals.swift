import Foundation
import PGClient
import TilskotCore

/// An appeal (klage, fvl. §§ 28–36) against an application's current decision, as its own case: when it
/// was sent and received, and what was done with it — dismissed (§ 33 second paragraph), changed by a new
/// decision (omgjering, § 33 second paragraph, or by the appeal body, § 34), upheld and sent to the appeal
/// body (§ 33 fourth paragraph), and the appeal body's decision (upheld, changed, quashed).
public struct AppealRecord: Sendable, Equatable {
    public var id: Int64
    /// The decision appealed.
    public var decisionID: Int64
    /// The day the appeal reached the directorate.
    public var received: CalendarDate
    /// The day it was sent (handed to the post, e-mailed), when known: fvl. § 30 counts it.
    public var sentOn: CalendarDate?
    public var registeredAt: Date
    public var registeredBy: String
    public var late: Bool
    /// Why a late appeal is considered anyway (fvl. § 31); nil on a late appeal registered to be dismissed.
    public var lateReason: String?
    public var grounds: String
    /// The application's status when the appeal came in (a decided status or in_follow_up).
    public var statusBefore: String?
    public var forwardedOn: CalendarDate?
    public var forwardedBy: String?
    /// The appeal body it was sent to (its name in Nynorsk, as the scheme's rules give it).
    public var appealBody: String?
    /// "upheld", "changed", "dismissed" or "quashed"; nil while pending.
    public var outcome: String?
    public var resolvedAt: Date?
    /// The decision that changed it, or the new first-instance decision after a quash.
    public var resolvedByDecisionID: Int64?
    public var steps: [AppealStepRecord] = []

    public var isPending: Bool { outcome == nil }
}

/// A step on an appeal that is not a new decision on the grant.
public struct AppealStepRecord: Sendable, Equatable {
    public var id: Int64
    /// "dismiss", "forward", "body_upheld" or "body_quashed".
    public var kind: String
    /// For a dismissal: "late", "no_standing", "withdrawn" or "other".
    public var ground: String?
    public var date: CalendarDate
    public var reasons: String?
    public var bodyReference: String?
    public var recordedBy: String
    public var recordedAt: Date
}

/// Why the first instance dismisses an appeal (fvl. § 33 second paragraph).
public enum AppealDismissalGround: String, Sendable, CaseIterable {
    case late
    case noStanding = "no_standing"
    case withdrawn
    case other
}

public enum Appeals {
    /// Registers an appeal (managers and admins) with the date it reached the directorate and, when
    /// known, the date it was sent. Whether it is in time is the database's to judge
    /// (appeal_before_insert, SQL/schema/08_appeals_withdrawals_moves.sql): three weeks from the day the
    /// notice reached the party (fvl. § 29), in time if sent before the deadline ran out (§ 30). A late
    /// one is registered with `late` — with a reason to consider it anyway (§ 31), or without one to be
    /// dismissed. Before follow-up the application moves to `appealed`; in follow-up it stays there.
    public static func register(_ reference: ApplicationReference, received: CalendarDate, sent: CalendarDate? = nil,
                                grounds: String, late: Bool = false, lateReason: String? = nil,
                                session: Session) throws(TilskotError) -> AppealRecord {
        let grounds = reasonsGiven(grounds)
        let lateReason = reasonsGiven(lateReason)
        return try session.lifecycleChange(reason: lateReason) {
            let c = session.connection
            try requireRole("appeal", c)
            let app = try Lookup.application(reference, c)
            // The decision appealed is the current one: the database fills it in.
            let row = try c.queryRow("""
                INSERT INTO tilskot.appeal (application_id, received, sent_on, late, late_reason, grounds)
                VALUES ($1, $2::date, $3::date, $4, $5, $6)
                RETURNING \(columns)
                """, [app.id, received.description, sent?.description, late, lateReason, grounds])
            guard let row else { throw TilskotError.refused("the appeal on \(reference) was not recorded") }
            return try decode(row)
        }
    }

    /// Dismisses the pending appeal (avvisning, fvl. § 33 second paragraph): the decision in force stays.
    public static func dismiss(_ reference: ApplicationReference, ground: AppealDismissalGround, reasons: String,
                               date: CalendarDate? = nil, session: Session) throws(TilskotError) -> AppealRecord {
        try step(reference, kind: "dismiss", ground: ground.rawValue, reasons: reasonsGiven(reasons), bodyReference: nil,
                 date: date, session: session)
    }

    /// Keeps the decision and sends the pending appeal to the scheme's appeal body (fvl. § 33 fourth paragraph).
    public static func forward(_ reference: ApplicationReference, reasons: String? = nil, date: CalendarDate? = nil,
                               session: Session) throws(TilskotError) -> AppealRecord {
        try step(reference, kind: "forward", ground: nil, reasons: reasonsGiven(reasons), bodyReference: nil,
                 date: date, session: session)
    }

    /// Records the appeal body's decision on a forwarded appeal: upheld (the decision stands) or quashed
    /// and sent back for a new first-instance decision (fvl. § 34). A change by the appeal body is a new
    /// decision: `Decisions.decide(…, instance: .appealBody)`.
    public static func bodyDecision(_ reference: ApplicationReference, upheld: Bool, reasons: String,
                                    bodyReference: String? = nil, date: CalendarDate? = nil,
                                    session: Session) throws(TilskotError) -> AppealRecord {
        try step(reference, kind: upheld ? "body_upheld" : "body_quashed", ground: nil, reasons: reasonsGiven(reasons),
                 bodyReference: optionalText(bodyReference), date: date, session: session)
    }

    static func step(_ reference: ApplicationReference, kind: String, ground: String?, reasons: String?,
                     bodyReference: String?, date: CalendarDate?, session: Session) throws(TilskotError) -> AppealRecord {
        // The rules (which step fits the appeal's state, who may, the appeal body, the dates) are the
        // database's (appeal_step_before_insert), in its own words.
        try session.lifecycleChange(reason: reasons) {
            let c = session.connection
            try requireRole("appeal", c)
            let app = try Lookup.application(reference, c)
            let appealID = try c.queryRow("""
                INSERT INTO tilskot.appeal_step (application_id, kind, ground, step_date, reasons, body_reference)
                VALUES ($1, $2, $3, coalesce($4::date, tilskot.today()), $5, $6)
                RETURNING appeal_id
                """, [app.id, kind, ground, date?.description, reasons, bodyReference])
            guard let appealID else { throw TilskotError.refused("the step on the appeal on \(reference) was not recorded") }
            let id = try appealID.int64("appeal_id")
            guard let row = try c.queryRow("SELECT \(columns) FROM tilskot.appeal WHERE id = $1", [id]) else {
                throw TilskotError.refused("the appeal on \(reference) was not found")
            }
            var record = try decode(row)
            record.steps = try steps(appealID: id, c)
            return record
        }
    }

    static func steps(appealID: Int64, _ c: Connection) throws -> [AppealStepRecord] {
        try c.query("SELECT \(stepColumns) FROM tilskot.appeal_step WHERE appeal_id = $1 ORDER BY id", [appealID]).map(decodeStep)
    }

    static let columns = """
        id, decision_id, received, sent_on, registered_at, registered_by, late, late_reason, grounds, status_before, \
        forwarded_on, forwarded_by, appeal_body, outcome, resolved_at, resolved_by_decision_id
        """

    static let stepColumns = "id, kind, ground, step_date, reasons, body_reference, recorded_by, recorded_at"

    static func decode(_ row: Row) throws -> AppealRecord {
        AppealRecord(id: try row.int64("id"), decisionID: try row.int64("decision_id"), received: try row.date("received"),
                     sentOn: try row.dateIfPresent("sent_on"),
                     registeredAt: try row.timestamp("registered_at"), registeredBy: try row.string("registered_by"),
                     late: try row.bool("late"), lateReason: row["late_reason"], grounds: try row.string("grounds"),
                     statusBefore: row["status_before"], forwardedOn: try row.dateIfPresent("forwarded_on"),
                     forwardedBy: row["forwarded_by"], appealBody: row["appeal_body"],
                     outcome: row["outcome"], resolvedAt: try row.decodeIfPresent("resolved_at", as: Date.self),
                     resolvedByDecisionID: try row.decodeIfPresent("resolved_by_decision_id", as: Int64.self))
    }

    static func decodeStep(_ row: Row) throws -> AppealStepRecord {
        AppealStepRecord(id: try row.int64("id"), kind: try row.string("kind"), ground: row["ground"],
                         date: try row.date("step_date"), reasons: row["reasons"], bodyReference: row["body_reference"],
                         recordedBy: try row.string("recorded_by"), recordedAt: try row.timestamp("recorded_at"))
    }
}
