import Foundation
import PGClient
import TilskotCore

/// An appeal (klage, fvl. §§ 28–36) against an application's current decision. It is decided by a new
/// decision (`Decisions.decide`), which supersedes the one appealed.
public struct AppealRecord: Sendable, Equatable {
    public var id: Int64
    /// The decision appealed.
    public var decisionID: Int64
    /// The day the appeal reached the directorate.
    public var received: CalendarDate
    public var registeredAt: Date
    public var registeredBy: String
    public var late: Bool
    public var lateReason: String?
    public var grounds: String
    /// "upheld" (the decision stands) or "changed"; nil while pending.
    public var outcome: String?
    public var resolvedAt: Date?

    public var isPending: Bool { outcome == nil }
}

public enum Appeals {
    /// Registers an appeal (managers and admins) with the date it reached the directorate. A late
    /// one is accepted with `late` and a reason (fvl. § 31); the application moves to `appealed`.
    public static func register(_ reference: ApplicationReference, received: CalendarDate, grounds: String,
                                late: Bool = false, lateReason: String? = nil,
                                session: Session) throws(TilskotError) -> AppealRecord {
        // Only the texts' form is read here; whether there is a decision to appeal, an appeal
        // pending, the received date (against the server's clock), the deadline and a late appeal's
        // reason and blank grounds are the database's to judge (appeal_before_insert), in its own words.
        let grounds = reasonsGiven(grounds)
        let lateReason = reasonsGiven(lateReason)
        return try session.lifecycleChange(reason: lateReason) {
            let c = session.connection
            try requireRole("appeal", c)
            let app = try Lookup.application(reference, c)
            // The decision appealed is the current one: the database fills it in.
            let row = try c.queryRow("""
                INSERT INTO tilskot.appeal (application_id, received, late, late_reason, grounds)
                VALUES ($1, $2::date, $3, $4, $5)
                RETURNING \(columns)
                """, [app.id, received.description, late, lateReason, grounds])
            guard let row else { throw TilskotError.refused("the appeal on \(reference) was not recorded") }
            return try decode(row)
        }
    }

    static func all(applicationID: Int64, _ c: Connection) throws -> [AppealRecord] {
        try c.query("SELECT \(columns) FROM tilskot.appeal WHERE application_id = $1 ORDER BY id",
                    [applicationID]).map(decode)
    }

    static let columns = "id, decision_id, received, registered_at, registered_by, late, late_reason, grounds, outcome, resolved_at"

    static func decode(_ row: Row) throws -> AppealRecord {
        AppealRecord(id: try row.int64("id"), decisionID: try row.int64("decision_id"), received: try row.date("received"),
                     registeredAt: try row.timestamp("registered_at"), registeredBy: try row.string("registered_by"),
                     late: try row.bool("late"), lateReason: row["late_reason"], grounds: try row.string("grounds"),
                     outcome: row["outcome"], resolvedAt: try row.decodeIfPresent("resolved_at", as: Date.self))
    }
}
