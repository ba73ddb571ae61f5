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
    public var summary: String {
        let old = AuditEvent.object(self.old)
        let new = AuditEvent.object(self.new)
        func text(_ key: String, _ object: [String: Any]) -> String? {
            switch object[key] {
            case let s as String: return s
            case let n as NSNumber: return n.stringValue
            default: return nil
            }
        }
        func kr(_ key: String, _ object: [String: Any]) -> String? {
            (object[key] as? NSNumber).map { Money(ore: $0.int64Value).formattedKroner }
        }
        switch (table, action) {
        case ("application", "INSERT"):
            return "registered: \(text("title", new) ?? ""), \(kr("amount_applied_ore", new) ?? "") applied for"
        case ("application", "UPDATE"):
            var parts: [String] = []
            if let from = text("status", old), let to = text("status", new) { parts.append("status \(from) → \(to)") }
            if old["round_id"] != nil { parts.append("moved to another round") }
            let rest = Set(new.keys).subtracting(["status", "round_id"]).sorted()
            if !rest.isEmpty { parts.append("changed " + rest.joined(separator: ", ")) }
            return parts.joined(separator: "; ")
        case ("assessment", "INSERT"):
            return "assessed: score \(text("score", new) ?? "?"), recommends \(text("recommendation", new) ?? "?") \(kr("recommended_amount_ore", new) ?? "")"
                .trimmingCharacters(in: .whitespaces)
        case ("decision", "INSERT"):
            let outcome = text("outcome", new) ?? "?"
            let amount = (outcome == "granted" || outcome == "partially_granted") ? " " + (kr("amount_ore", new) ?? "") : ""
            return "decided: \(outcome)\(amount) on \(text("decision_date", new) ?? "?")"
        case ("decision", "UPDATE"):
            return new["is_current"] as? Bool == false ? "decision superseded" : "decision changed"
        case ("appeal", "INSERT"):
            let late = (new["late"] as? Bool) == true ? " (late)" : ""
            return "appeal registered, received \(text("received", new) ?? "?")\(late)"
        case ("appeal", "UPDATE"):
            if let outcome = text("outcome", new) { return "appeal resolved: \(outcome)" }
            if let body = text("appeal_body", new) { return "appeal sent to \(body)" }
            return "appeal changed"
        case ("appeal_step", "INSERT"):
            let date = text("step_date", new) ?? "?"
            switch text("kind", new) {
            case "dismiss": return "appeal dismissed (\(text("ground", new) ?? "?")) on \(date)"
            case "forward": return "appeal forwarded to the appeal body on \(date)"
            case "body_upheld": return "the appeal body upheld the decision on \(date)"
            case "body_quashed": return "the appeal body quashed the decision on \(date)"
            default: return "appeal step on \(date)"
            }
        case ("notice", "INSERT"):
            return "notice sent \(text("sent_on", new) ?? "?") by \(text("channel", new) ?? "?"), presumed received \(text("presumed_received", new) ?? "?")"
        case ("advance_notice", "INSERT"):
            return "advance notice (fvl. § 16) sent \(text("sent_on", new) ?? "?"), answer by \(text("answer_by", new) ?? "?")"
        case ("advance_notice_answer", "INSERT"):
            return "answer to the advance notice received \(text("received_on", new) ?? "?")"
        case ("withdrawal", "INSERT"): return "withdrawn"
        case ("disqualification", "INSERT"): return "\(text("person", new) ?? "?") disqualified (fvl. §§ 6–10)"
        case ("assignment", "INSERT"): return "assigned to \(text("caseworker", new) ?? "?")"
        case ("round_move", "INSERT"): return "moved between rounds"
        case ("frame_adjustment", "INSERT"): return "frame adjusted by \(kr("amount_ore", new) ?? "?")"
        case ("round", "INSERT"): return "round opened, frame \(kr("frame_ore", new) ?? "?")"
        case ("round", "UPDATE"):
            if let g = kr("granted_ore", new) { return "granted in round now \(g)" }
            if let f = kr("frame_ore", new) { return "frame now \(f)" }
            return "round changed"
        case ("scheme", "INSERT"): return "scheme created: \(text("name", new) ?? "")"
        case ("organisation", "INSERT"): return "organisation registered: \(text("name", new) ?? "")"
        default:
            return "\(action.lowercased()) \(table)"
        }
    }

    static func object(_ json: String?) -> [String: Any] {
        guard let json, let data = json.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }
}

public enum Audit {
    public struct Filter: Sendable {
        public var since: Date?
        public var actor: String?
        public var table: String?
        public var application: ApplicationReference?
        public var limit: Int?

        public init(since: Date? = nil, actor: String? = nil, table: String? = nil,
                    application: ApplicationReference? = nil, limit: Int? = nil) {
            self.since = since
            self.actor = actor
            self.table = table
            self.application = application
            self.limit = limit
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
                ORDER BY l.id
                LIMIT $5
                """, [filter.since, filter.actor, filter.table, applicationID, filter.limit]).map(decode)
        }
    }

    /// An application's history: every event that touched it or its assessments, decisions, appeals.
    static func history(applicationID: Int64, _ c: Connection) throws -> [AuditEvent] {
        try c.query(selectSQL + " WHERE l.application_id = $1 ORDER BY l.id", [applicationID]).map(decode)
    }

    static let selectSQL = """
        SELECT l.id, l.at, l.actor, l.login, l.table_name, l.row_id, a.reference, l.action,
               l.old::text AS old, l.new::text AS new, l.reason
        FROM tilskot.audit_log l LEFT JOIN tilskot.application a ON a.id = l.application_id
        """

    static func decode(_ row: Row) throws -> AuditEvent {
        AuditEvent(id: try row.int64("id"), at: try row.timestamp("at"), actor: try row.string("actor"),
                   login: try row.string("login"), table: try row.string("table_name"),
                   rowID: try row.decodeIfPresent("row_id", as: Int64.self), applicationReference: row["reference"],
                   action: try row.string("action"), old: row["old"], new: row["new"], reason: row["reason"])
    }
}
