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
