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
    /// The appeal deadline counted the simple way the database counts it: the decision date plus
    /// three weeks (fvl. § 29 counts from when the notice reached the party, which is not recorded).
    public static func deadline(forDecisionOn date: CalendarDate) -> CalendarDate { date.adding(days: 21) }

    /// Registers an appeal (managers and admins) with the date it reached the directorate. A late
    /// one is accepted with `late` and a reason (fvl. § 31); the application moves to `appealed`.
    public static func register(_ reference: ApplicationReference, received: CalendarDate, grounds: String,
                                late: Bool = false, lateReason: String? = nil,
                                session: Session) throws(TilskotError) -> AppealRecord {
        let grounds = try requiredReasons(grounds, "the grounds of the appeal on \(reference)", hint: "give them with --grounds")
        if received > CalendarDate.today() {
            throw .refused("the appeal's received date \(received) is in the future; give the date it reached the directorate")
        }
        let lateReason = try optionalReasons(lateReason, "the reason for considering the late appeal on \(reference)", hint: "give it in words with --reason (fvl. § 31)")
        if late && lateReason == nil {
            throw .refused("a late appeal on \(reference) needs a reason for considering it (fvl. § 31); give it with --reason")
        }
        return try session.lifecycleChange(reason: lateReason) {
            let c = session.connection
            try requireBudgetAuthority("appeal", "register appeals", c)
            let app = try Lookup.application(reference, c)
            guard let current = try Decisions.all(applicationID: app.id, c).first(where: \.isCurrent) else {
                throw TilskotError.refused("appeal refused: \(reference) has not been decided; only a decision can be appealed")
            }
            if let pending = try all(applicationID: app.id, c).first(where: \.isPending) {
                throw TilskotError.refused("appeal refused: \(reference) already has an appeal pending, received \(pending.received); decide that one first")
            }
            let deadline = deadline(forDecisionOn: current.decisionDate)
            if received > deadline && !late {
                throw TilskotError.refused("appeal refused: it reached the directorate on \(received), after the deadline of \(deadline) (3 weeks from the decision of \(current.decisionDate)); register it with --late --reason if it is to be considered (fvl. § 31)")
            }
            let row = try c.queryRow("""
                INSERT INTO tilskot.appeal (application_id, decision_id, received, late, late_reason, grounds)
                VALUES ($1, $2, $3::date, $4, $5, $6)
                RETURNING \(columns)
                """, [app.id, current.id, received.description, late, lateReason, grounds])
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
