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
/// money in øre, dates as YYYY-MM-DD, times in ISO 8601 (UTC). Written through `JSONOutput` (keys
/// sorted); an absent value is `null`, so every key is always there.
struct ApplicationDetailJSON: Encodable {
    static func render(_ d: ApplicationDetail) -> String { JSONOutput.text(ApplicationDetailJSON(d)) }

    static func time(_ date: Date) -> String { date.formatted(.iso8601) }

    struct Disqualification: Encodable {
        let person: String, reason: String, declaredBy: String, at: String
        enum CodingKeys: String, CodingKey { case person, reason, declaredBy = "declared_by", at }
    }

    struct Assessment: Encodable {
        let assessor: String, score: Int, recommendation: String
        @NullWhenAbsent var recommendedAmount: Money?
        @NullWhenAbsent var notes: String?
        let at: String, isCurrent: Bool
        enum CodingKeys: String, CodingKey {
            case assessor, score, recommendation, recommendedAmount = "recommended_amount_ore", notes, at, isCurrent = "is_current"
        }
    }

    struct Decision: Encodable {
        let id: Int64, outcome: String, amount: Money
        @NullWhenAbsent var reasons: String?
        @NullWhenAbsent var conditions: String?
        let decidedBy: String, decisionDate: CalendarDate, isCurrent: Bool
        @NullWhenAbsent var supersedes: Int64?
        @NullWhenAbsent var appealID: Int64?
        enum CodingKeys: String, CodingKey {
            case id, outcome, amount = "amount_ore", reasons, conditions, decidedBy = "decided_by",
                 decisionDate = "decision_date", isCurrent = "is_current", supersedes, appealID = "appeal_id"
        }
    }

    struct Appeal: Encodable {
        let id: Int64, decisionID: Int64, received: CalendarDate, registeredAt: String, registeredBy: String, late: Bool
        @NullWhenAbsent var lateReason: String?
        let grounds: String
        @NullWhenAbsent var outcome: String?
        enum CodingKeys: String, CodingKey {
            case id, decisionID = "decision_id", received, registeredAt = "registered_at", registeredBy = "registered_by",
                 late, lateReason = "late_reason", grounds, outcome
        }
    }

    struct Event: Encodable {
        let id: Int64, at: String, actor: String, login: String, table: String, action: String, what: String
        @NullWhenAbsent var reason: String?
    }

    let reference: String, round: String, scheme: String, orgnr: String, organisation: String
    @NullWhenAbsent var municipality: String?
    let title: String, amountApplied: Money, received: CalendarDate, status: String
    @NullWhenAbsent var granted: Money?
    @NullWhenAbsent var externalRef: String?
    let late: Bool
    @NullWhenAbsent var lateReason: String?
    let registeredBy: String, registeredAt: String, caseworkers: [String]
    @NullWhenAbsent var withdrawalReason: String?
    let disqualifications: [Disqualification], assessments: [Assessment], decisions: [Decision], appeals: [Appeal]
    let history: [Event]

    enum CodingKeys: String, CodingKey {
        case reference, round, scheme, orgnr, organisation, municipality, title, amountApplied = "amount_applied_ore",
             received, status, granted = "granted_ore", externalRef = "external_ref", late, lateReason = "late_reason",
             registeredBy = "registered_by", registeredAt = "registered_at", caseworkers,
             withdrawalReason = "withdrawal_reason", disqualifications, assessments, decisions, appeals, history
    }

    init(_ d: ApplicationDetail) {
        let a = d.summary
        reference = a.reference; round = a.round; scheme = d.schemeName; orgnr = a.organisationNumber
        organisation = a.organisationName; municipality = a.municipality; title = a.title
        amountApplied = a.amountApplied; received = a.received; status = a.status.rawValue; granted = a.granted
        externalRef = a.externalRef; late = a.late; lateReason = d.lateReason; registeredBy = d.registeredBy
        registeredAt = Self.time(d.registeredAt); caseworkers = d.assignedTo; withdrawalReason = d.withdrawalReason
        disqualifications = d.disqualifications.map {
            Disqualification(person: $0.person, reason: $0.reason, declaredBy: $0.declaredBy, at: Self.time($0.at))
        }
        assessments = d.assessments.map {
            Assessment(assessor: $0.assessor, score: $0.score, recommendation: $0.recommendation.rawValue,
                       recommendedAmount: $0.recommendedAmount, notes: $0.notes, at: Self.time($0.at), isCurrent: $0.isCurrent)
        }
        decisions = d.decisions.map {
            Decision(id: $0.id, outcome: $0.outcome.rawValue, amount: $0.amount, reasons: $0.reasons, conditions: $0.conditions,
                     decidedBy: $0.decidedBy, decisionDate: $0.decisionDate, isCurrent: $0.isCurrent,
                     supersedes: $0.supersedes, appealID: $0.appealID)
        }
        appeals = d.appeals.map {
            Appeal(id: $0.id, decisionID: $0.decisionID, received: $0.received, registeredAt: Self.time($0.registeredAt),
                   registeredBy: $0.registeredBy, late: $0.late, lateReason: $0.lateReason, grounds: $0.grounds, outcome: $0.outcome)
        }
        history = d.history.map {
            Event(id: $0.id, at: Self.time($0.at), actor: $0.actor, login: $0.login, table: $0.table, action: $0.action,
                  what: $0.summary, reason: $0.reason)
        }
    }
}
