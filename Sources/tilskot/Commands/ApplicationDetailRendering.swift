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
            "status         \(a.status.word(Presentation.current.language.rawValue))",
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
        // The notice of the current decision and the appeal deadline it starts (fvl. §§ 27, 29).
        if d.currentDecision != nil {
            if let n = d.currentNotice {
                lines.append("notice         sent \(n.sentOn) by \(n.channel), "
                             + (n.receivedOn.map { "received \($0)" } ?? "presumed received \(n.presumedReceived)"))
                lines.append("appeal by      \(n.appealDeadline) (3 weeks from the day the notice reached the party, fvl. § 29)")
            } else {
                lines.append("appeal by      open: no notice recorded (`tilskot application notify`)")
            }
        }
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
                let on = x.instance == .appealBody ? " (by the appeal body\(x.bodyReference.map { ", ref. \($0)" } ?? ""), recorded)"
                    : (x.appealID != nil ? " (on appeal)" : "")
                lines.append(" \(mark) \(x.decisionDate)  \(x.decidedBy): \(x.outcome.rawValue)\(amount)\(on)")
                if let basis = x.disadvantageBasis {
                    lines.append("      to the appellant's disadvantage: \(basis) (advance notice \(x.advanceNoticeID.map(String.init) ?? "?"))")
                }
                if let reasons = x.reasons { lines.append("      reasons: \(reasons)") }
                if let conditions = x.conditions { lines.append("      conditions: \(conditions)") }
            }
        }
        if !d.appeals.isEmpty {
            lines.append("")
            lines.append("appeals")
            for p in d.appeals {
                let late = p.late ? (p.lateReason.map { " late (considered: \($0))" } ?? " late (to be dismissed)") : ""
                let sent = p.sentOn.map { "sent \($0), " } ?? ""
                let state: String
                switch p.outcome {
                case nil: state = p.forwardedOn.map { "pending at \(p.appealBody ?? "the appeal body") since \($0)" } ?? "pending"
                case "quashed"?: state = p.resolvedByDecisionID == nil ? "quashed, awaiting the new decision" : "quashed, decided anew"
                case let outcome?: state = outcome + (p.forwardedOn.map { " (sent to \(p.appealBody ?? "the appeal body") on \($0))" } ?? "")
                }
                lines.append("   \(sent)received \(p.received)\(late), registered by \(p.registeredBy): \(p.grounds) — \(state)")
                for step in p.steps {
                    let what = [step.kind.replacingOccurrences(of: "_", with: " "), step.ground.map { "(\($0.replacingOccurrences(of: "_", with: " ")))" },
                                step.bodyReference.map { "ref. \($0)" }].compactMap { $0 }.joined(separator: " ")
                    lines.append("      \(step.date)  \(step.recordedBy): \(what)" + (step.reasons.map { " — \($0)" } ?? ""))
                }
            }
        }
        // Notices of claw-backs and of appeals' dismissals, each with its own deadline.
        let otherNotices = d.notices.filter { $0.decisionID == nil }
        if !otherNotices.isEmpty {
            lines.append("")
            lines.append("other notices")
            for n in otherNotices {
                let what = n.clawbackID.map { "claw-back \($0)" } ?? "dismissal of appeal \(n.appealID ?? 0)"
                lines.append("   \(what): sent \(n.sentOn) by \(n.channel), "
                             + (n.receivedOn.map { "received \($0)" } ?? "presumed received \(n.presumedReceived)")
                             + "; appeal by \(n.appealDeadline)")
            }
        }
        if !d.advanceNotices.isEmpty {
            lines.append("")
            lines.append("advance notices (fvl. § 16)")
            for v in d.advanceNotices {
                let amount = v.amount.map { " \($0.formattedKroner)" } ?? ""
                lines.append("   \(v.id)  sent \(v.sentOn) by \(v.channel), \(v.purpose)\(amount), answer by \(v.answerBy), by \(v.registeredBy): \(v.proposal)")
                lines.append("      " + (v.answer.map { "answered \($0.receivedOn): \($0.summary)" } ?? "no answer recorded"))
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
                      [.integer(e.id), .timestamp(e.at), .text(e.actor), .text(e.login), .text(e.table),
                       .text(e.action), .text(e.summary), e.reason.cell]
                  })
    }

    /// "2021-03-01 13:00:05 +01:00": Europe/Oslo with its offset, as tables show times (`Presentation`).
    static func stamp(_ date: Date) -> String {
        Presentation.current.time(date)
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
        let instance: String
        @NullWhenAbsent var bodyReference: String?
        @NullWhenAbsent var disadvantageBasis: String?
        @NullWhenAbsent var advanceNoticeID: Int64?
        enum CodingKeys: String, CodingKey {
            case id, outcome, amount = "amount_ore", reasons, conditions, decidedBy = "decided_by",
                 decisionDate = "decision_date", isCurrent = "is_current", supersedes, appealID = "appeal_id",
                 instance, bodyReference = "body_reference", disadvantageBasis = "disadvantage_basis",
                 advanceNoticeID = "advance_notice_id"
        }
    }

    struct Appeal: Encodable {
        let id: Int64, decisionID: Int64, received: CalendarDate, registeredAt: String, registeredBy: String, late: Bool
        @NullWhenAbsent var lateReason: String?
        let grounds: String
        @NullWhenAbsent var outcome: String?
        @NullWhenAbsent var sent: CalendarDate?
        @NullWhenAbsent var statusBefore: String?
        @NullWhenAbsent var forwardedOn: CalendarDate?
        @NullWhenAbsent var forwardedBy: String?
        @NullWhenAbsent var appealBody: String?
        @NullWhenAbsent var resolvedByDecisionID: Int64?
        let steps: [AppealStep]
        enum CodingKeys: String, CodingKey {
            case id, decisionID = "decision_id", received, registeredAt = "registered_at", registeredBy = "registered_by",
                 late, lateReason = "late_reason", grounds, outcome, sent, statusBefore = "status_before",
                 forwardedOn = "forwarded_on", forwardedBy = "forwarded_by", appealBody = "appeal_body",
                 resolvedByDecisionID = "resolved_by_decision_id", steps
        }
    }

    struct AppealStep: Encodable {
        let kind: String
        @NullWhenAbsent var ground: String?
        let date: CalendarDate
        @NullWhenAbsent var reasons: String?
        @NullWhenAbsent var bodyReference: String?
        let recordedBy: String, recordedAt: String
        enum CodingKeys: String, CodingKey {
            case kind, ground, date, reasons, bodyReference = "body_reference", recordedBy = "recorded_by", recordedAt = "recorded_at"
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
    // The notice of the current decision (null when none is recorded) and its appeal deadline (null
    // while open), and the advance notices (fvl. §§ 16, 27, 29).
    @NullWhenAbsent var noticeSent: CalendarDate?
    @NullWhenAbsent var noticeChannel: String?
    @NullWhenAbsent var noticeReceived: CalendarDate?
    @NullWhenAbsent var noticePresumedReceived: CalendarDate?
    @NullWhenAbsent var appealDeadline: CalendarDate?
    let advanceNotices: [AdvanceNotice]

    struct AdvanceNotice: Encodable {
        let id: Int64, purpose: String, proposal: String
        @NullWhenAbsent var amount: Money?
        let sent: CalendarDate, channel: String, answerBy: CalendarDate, registeredBy: String
        @NullWhenAbsent var answerReceived: CalendarDate?
        @NullWhenAbsent var answerSummary: String?
        enum CodingKeys: String, CodingKey {
            case id, purpose, proposal, amount = "amount_ore", sent, channel, answerBy = "answer_by",
                 registeredBy = "registered_by", answerReceived = "answer_received", answerSummary = "answer_summary"
        }
    }

    enum CodingKeys: String, CodingKey {
        case noticeSent = "notice_sent", noticeChannel = "notice_channel", noticeReceived = "notice_received",
             noticePresumedReceived = "notice_presumed_received", appealDeadline = "appeal_deadline",
             advanceNotices = "advance_notices"
        case reference, round, scheme, orgnr, organisation, municipality, title, amountApplied = "amount_applied_ore",
             received, status, granted = "granted_ore", externalRef = "external_ref", late, lateReason = "late_reason",
             registeredBy = "registered_by", registeredAt = "registered_at", caseworkers,
             withdrawalReason = "withdrawal_reason", disqualifications, assessments, decisions, appeals, history
    }

    init(_ d: ApplicationDetail) {
        let a = d.summary
        let n = d.currentNotice
        noticeSent = n?.sentOn; noticeChannel = n?.channel; noticeReceived = n?.receivedOn
        noticePresumedReceived = n?.presumedReceived; appealDeadline = n?.appealDeadline
        advanceNotices = d.advanceNotices.map {
            AdvanceNotice(id: $0.id, purpose: $0.purpose, proposal: $0.proposal, amount: $0.amount, sent: $0.sentOn,
                          channel: $0.channel, answerBy: $0.answerBy, registeredBy: $0.registeredBy,
                          answerReceived: $0.answer?.receivedOn, answerSummary: $0.answer?.summary)
        }
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
                     supersedes: $0.supersedes, appealID: $0.appealID, instance: $0.instance.rawValue,
                     bodyReference: $0.bodyReference, disadvantageBasis: $0.disadvantageBasis, advanceNoticeID: $0.advanceNoticeID)
        }
        appeals = d.appeals.map {
            Appeal(id: $0.id, decisionID: $0.decisionID, received: $0.received, registeredAt: Self.time($0.registeredAt),
                   registeredBy: $0.registeredBy, late: $0.late, lateReason: $0.lateReason, grounds: $0.grounds, outcome: $0.outcome,
                   sent: $0.sentOn, statusBefore: $0.statusBefore, forwardedOn: $0.forwardedOn, forwardedBy: $0.forwardedBy,
                   appealBody: $0.appealBody, resolvedByDecisionID: $0.resolvedByDecisionID,
                   steps: $0.steps.map {
                       AppealStep(kind: $0.kind, ground: $0.ground, date: $0.date, reasons: $0.reasons, bodyReference: $0.bodyReference,
                                  recordedBy: $0.recordedBy, recordedAt: Self.time($0.recordedAt))
                   })
        }
        history = d.history.map {
            Event(id: $0.id, at: Self.time($0.at), actor: $0.actor, login: $0.login, table: $0.table, action: $0.action,
                  what: $0.summary, reason: $0.reason)
        }
    }
}
