import Foundation
import PGClient
import TilskotCore

/// One change in the audit log (revisjonsspor): what changed, in which row, from what to what, who
/// (the acting user and the login behind it), when and why. Written by the database's own trigger in
/// the same transaction as the change; nobody can change or delete it.
public struct AuditEvent: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var actor: String
    public var login: String
    public var table: String
    public var rowID: Int64?
    public var applicationReference: String?
    public var action: String
    /// The row before (UPDATE: only the changed columns), as JSON text.
    public var old: String?
    /// The row after (UPDATE: only the changed columns), as JSON text.
    public var new: String?
    public var reason: String?

    /// What happened, in a few words: "status assessed → granted", "decision granted 3 400 000 kr".
    /// Worded by the database (tilskot.audit_what, SQL/schema/22_case_read.sql).
    public var summary: String
}

public enum Audit {
    public struct Filter: Sendable {
        public var since: Date?
        public var actor: String?
        public var table: String?
        public var application: ApplicationReference?
        public var limit: Int?
        /// Only events after this one (a page's cursor: the last event's id; the log's order is its id).
        public var afterID: Int64?

        public init(since: Date? = nil, actor: String? = nil, table: String? = nil,
                    application: ApplicationReference? = nil, limit: Int? = nil, afterID: Int64? = nil) {
            self.since = since
            self.actor = actor
            self.table = table
            self.application = application
            self.limit = limit
            self.afterID = afterID
        }
    }

    /// Events in the order they happened, filtered.
    public static func list(_ filter: Filter = Filter(), session: Session) throws(TilskotError) -> [AuditEvent] {
        try session.lifecycleRead {
            var applicationID: Int64?
            if let reference = filter.application {
                applicationID = try Lookup.application(reference, session.connection).id
            }
            return try session.connection.query(selectSQL + """
                 WHERE ($1::timestamptz IS NULL OR l.at >= $1)
                   AND ($2::text IS NULL OR l.actor = $2)
                   AND ($3::text IS NULL OR l.table_name = $3)
                   AND ($4::bigint IS NULL OR l.application_id = $4)
                   AND ($6::bigint IS NULL OR l.id > $6)
                ORDER BY l.id
                LIMIT $5
                """, [filter.since, filter.actor, filter.table, applicationID, filter.limit, filter.afterID]).map(decode)
        }
    }

    static let selectSQL = """
        SELECT l.id, l.at, l.actor, l.login, l.table_name, l.row_id, a.reference, l.action,
               l.old::text AS old, l.new::text AS new, l.reason,
               tilskot.audit_what(l.table_name, l.action, l.old, l.new) AS what
        FROM tilskot.audit_log l LEFT JOIN tilskot.application a ON a.id = l.application_id
        """

    static func decode(_ row: Row) throws -> AuditEvent {
        AuditEvent(id: try row.int64("id"), at: try row.timestamp("at"), actor: try row.string("actor"),
                   login: try row.string("login"), table: try row.string("table_name"),
                   rowID: try row.decodeIfPresent("row_id", as: Int64.self), applicationReference: row["reference"],
                   action: try row.string("action"), old: row["old"], new: row["new"], reason: row["reason"],
                   summary: try row.string("what"))
    }
}
