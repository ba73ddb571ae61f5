import Foundation
import PGClient
import TilskotCore

/// Closing a followed-up grant (avslutning): a manager's act, once the recipient's report is
/// approved and the money is settled. The database holds the conditions
/// (SQL/schema/12_closing.sql) and writes the step in_follow_up → closed to the audit log.
public enum Closing {
    public static func close(_ reference: ApplicationReference, notes: String? = nil,
                             session: Session) throws(TilskotError) -> ApplicationSummary {
        let notes = optionalText(notes)
        return try session.followUpChange(reason: notes ?? "closed") {
            let c = session.connection
            try requireRole("closing", c)
            let app = try Lookup.application(reference, c)
            try c.execute("INSERT INTO tilskot.closing (application_id, notes) VALUES ($1, $2)", [app.id, notes])
            return try Applications.summary(reference: reference.description, c)
        }
    }
}
