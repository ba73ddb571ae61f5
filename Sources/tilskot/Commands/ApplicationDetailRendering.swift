import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// `application show` on a terminal: the case at a glance, then its record and history.
enum ApplicationDetailText {
    static func render(_ d: ApplicationDetail) -> String {
        let a = d.summary
        var lines = [
            "\(a.reference)  \(a.title)",
            "status         \(a.status.rawValue)",
            "round          \(a.round) (\(d.schemeName))",
            "applicant      \(a.organisationName) (\(a.organisationNumber))" + (a.municipality.map { ", municipality \($0)" } ?? ""),
            "applied for    \(a.amountApplied.formattedKroner)",
            "received       \(a.received)" + (a.late ? " (late: \(d.lateReason ?? ""))" : ""),
            "registered by  \(d.registeredBy)",
        ]
        if let ref = a.externalRef { lines.append("external ref   \(ref)") }
        if !d.assignedTo.isEmpty { lines.append("caseworker     \(d.assignedTo.joined(separator: ", "))") }
        if let granted = a.granted, a.status != .rejected, a.status != .dismissed {
            lines.append("granted        \(granted.formattedKroner)")
        }
        if let reason = d.withdrawalReason { lines.append("withdrawn      \(reason)") }
        for q in d.disqualifications {
            lines.append("disqualified   \(q.person): \(q.reason) (declared by \(q.declaredBy))")
        }
        if !d.assessments.isEmpty {
            lines.append("")
            lines.append("assessments")
            for s in d.assessments {
                let amount = s.recommendedAmount.map { " \($0.formattedKroner)" } ?? ""
                let mark = s.isCurrent ? "*" : " "
                lines.append(" \(mark) \(stamp(s.at))  \(s.assessor): score \(s.score), recommends \(s.recommendation.rawValue)\(amount)"
                             + (s.notes.map { " — \($0)" } ?? ""))
            }
        }
        if !d.decisions.isEmpty {
            lines.append("")
            lines.append("decisions")
            for x in d.decisions {
                let mark = x.isCurrent ? "*" : " "
                let amount = (x.outcome == .granted || x.outcome == .partiallyGranted) ? " \(x.amount.formattedKroner)" : ""
                lines.append(" \(mark) \(x.decisionDate)  \(x.decidedBy): \(x.outcome.rawValue)\(amount)"
                             + (x.appealID != nil ? " (on appeal)" : ""))
                if let reasons = x.reasons { lines.append("      reasons: \(reasons)") }
                if let conditions = x.conditions { lines.append("      conditions: \(conditions)") }
            }
        }
        if !d.appeals.isEmpty {
            lines.append("")
            lines.append("appeals")
            for p in d.appeals {
                let late = p.late ? " late (\(p.lateReason ?? ""))" : ""
                lines.append("   received \(p.received)\(late), registered by \(p.registeredBy): \(p.grounds) — \(p.outcome ?? "pending")")
            }
        }
        lines.append("")
        lines.append("history")
        for e in d.history {
            lines.append("   \(stamp(e.at))  \(e.actor)\(e.login != e.actor ? " (login \(e.login))" : "")  \(e.summary)"
                         + (e.reason.map { " — \($0)" } ?? ""))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func historyTable(_ events: [AuditEvent]) -> DataTable {
        DataTable(columns: ["id", "at", "actor", "login", "table", "action", "what", "reason"],
                  rows: events.map { e in
                      [.integer(e.id), .text(stamp(e.at)), .text(e.actor), .text(e.login), .text(e.table),
                       .text(e.action), .text(e.summary), e.reason.cell]
                  })
    }

    /// "2021-03-01 12:00:05" (UTC).
    static func stamp(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeZone: TimeZone(identifier: "UTC")!)
        style = style.year().month().day().time(includingFractionalSeconds: false)
        return date.formatted(style)
    }
}

/// `application show --format json`: one object with the application and its nested record;
/// money in øre, dates as YYYY-MM-DD, times in ISO 8601 (UTC).
enum ApplicationDetailJSON {
    static func render(_ d: ApplicationDetail) -> String {
        let a = d.summary
        func time(_ date: Date) -> String { date.formatted(.iso8601) }
        let object: [String: Any] = [
            "reference": a.reference, "round": a.round, "scheme": d.schemeName, "orgnr": a.organisationNumber,
            "organisation": a.organisationName, "municipality": a.municipality as Any, "title": a.title,
            "amount_applied_ore": a.amountApplied.ore, "received": a.received.description, "status": a.status.rawValue,
            "granted_ore": a.granted?.ore as Any, "external_ref": a.externalRef as Any, "late": a.late,
            "late_reason": d.lateReason as Any, "registered_by": d.registeredBy, "registered_at": time(d.registeredAt),
            "caseworkers": d.assignedTo, "withdrawal_reason": d.withdrawalReason as Any,
            "disqualifications": d.disqualifications.map { q -> [String: Any] in
                ["person": q.person, "reason": q.reason, "declared_by": q.declaredBy, "at": time(q.at)]
            },
            "assessments": d.assessments.map { s -> [String: Any] in
                ["assessor": s.assessor, "score": s.score, "recommendation": s.recommendation.rawValue,
                 "recommended_amount_ore": s.recommendedAmount?.ore as Any, "notes": s.notes as Any,
                 "at": time(s.at), "is_current": s.isCurrent]
            },
            "decisions": d.decisions.map { x -> [String: Any] in
                ["id": x.id, "outcome": x.outcome.rawValue, "amount_ore": x.amount.ore, "reasons": x.reasons as Any,
                 "conditions": x.conditions as Any, "decided_by": x.decidedBy, "decision_date": x.decisionDate.description,
                 "is_current": x.isCurrent, "supersedes": x.supersedes as Any, "appeal_id": x.appealID as Any]
            },
            "appeals": d.appeals.map { p -> [String: Any] in
                ["id": p.id, "decision_id": p.decisionID, "received": p.received.description,
                 "registered_at": time(p.registeredAt), "registered_by": p.registeredBy, "late": p.late,
                 "late_reason": p.lateReason as Any, "grounds": p.grounds, "outcome": p.outcome as Any]
            },
            "history": d.history.map { e -> [String: Any] in
                ["id": e.id, "at": time(e.at), "actor": e.actor, "login": e.login, "table": e.table,
                 "action": e.action, "what": e.summary, "reason": e.reason as Any]
            },
        ]
        let cleaned = clean(object)
        guard let data = try? JSONSerialization.data(withJSONObject: cleaned, options: [.sortedKeys, .withoutEscapingSlashes]),
              let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text
    }

    /// Optionals that are nil become JSON null.
    static func clean(_ value: Any) -> Any {
        switch value {
        case let dict as [String: Any]: return dict.mapValues(clean)
        case let array as [Any]: return array.map(clean)
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                guard let child = mirror.children.first else { return NSNull() }
                return clean(child.value)
            }
            return value
        }
    }
}
