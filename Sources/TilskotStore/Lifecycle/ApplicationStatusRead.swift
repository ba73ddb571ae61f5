import Foundation
import PGClient
import TilskotCore

/// What an applicant's portal may read of an application it registered (issue 19): its reference,
/// the portal's own reference, where the case stands, when it was received and — once decided —
/// the date of the current decision. Nothing of the assessment, the decision's reasons or who did
/// what. Every role may ask; a portal sees only the applications it registered (row-level security,
/// SQL/schema/21_portal.sql), so another's is "there is no application", the same as an unknown one.
public struct ApplicationStatusView: Sendable, Equatable {
    public var reference: String
    public var externalRef: String?
    public var status: ApplicationStatus
    public var received: CalendarDate
    /// The current decision's date; nil while undecided.
    public var decisionDate: CalendarDate?
}

extension Applications {
    /// The status of one application (`GET /applications/{reference}/status`).
    public static func status(reference: ApplicationReference, session: Session) throws(TilskotError) -> ApplicationStatusView {
        try session.lifecycleRead {
            let c = session.connection
            // The same lookup, and so the same sentence for an unknown or unseen reference, as every
            // other read of one application.
            let app = try Lookup.application(reference, c)
            guard let row = try c.queryRow("""
                SELECT a.reference, a.external_ref, a.received, d.decision_date
                  FROM tilskot.application a
                  LEFT JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
                 WHERE a.id = $1
                """, [app.id]) else {
                throw TilskotError.refused("there is no application \(reference); see `tilskot application list`")
            }
            return ApplicationStatusView(reference: try row.string("reference"), externalRef: row["external_ref"],
                                         status: app.status, received: try row.date("received"),
                                         decisionDate: try row.dateIfPresent("decision_date"))
        }
    }
}
