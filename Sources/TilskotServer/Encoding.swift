import Crypto
import Foundation
import TilskotCore
import TilskotStore

/// The service records as the API's JSON (keys snake_case, money in øre, dates YYYY-MM-DD, times ISO
/// 8601 UTC), the keys of the CLI's `--format json`.
enum Encoding {
    static func time(_ date: Date) -> String { date.formatted(.iso8601) }

    static func summary(_ a: ApplicationSummary, alreadyRegistered: Bool? = nil) -> Components.Schemas.ApplicationSummary {
        Components.Schemas.ApplicationSummary(
            reference: a.reference, round: a.round, orgnr: a.organisationNumber, organisation: a.organisationName,
            municipality: a.municipality, title: a.title, amountAppliedOre: a.amountApplied.ore, received: a.received.description,
            status: a.status.rawValue, grantedOre: a.granted?.ore, externalRef: a.externalRef, late: a.late,
            alreadyRegistered: alreadyRegistered)
    }

    static func assessment(_ a: AssessmentRecord) -> Components.Schemas.Assessment {
        Components.Schemas.Assessment(assessor: a.assessor, score: a.score, recommendation: a.recommendation.rawValue,
                                      recommendedAmountOre: a.recommendedAmount?.ore, notes: a.notes, at: a.at, isCurrent: a.isCurrent)
    }

    static func decision(_ d: DecisionRecord) -> Components.Schemas.Decision {
        Components.Schemas.Decision(id: d.id, outcome: d.outcome.rawValue, amountOre: d.amount.ore, reasons: d.reasons,
                                    conditions: d.conditions, decidedBy: d.decidedBy, decisionDate: d.decisionDate.description,
                                    isCurrent: d.isCurrent)
    }

    static func round(_ r: RoundSummary) -> Components.Schemas.Round {
        var counts: [String: Int] = [:]
        for (status, n) in r.countsByStatus { counts[status.rawValue] = n }
        return Components.Schemas.Round(
            round: r.key.description, scheme: r.schemeName, opens: r.opens.description, closes: r.closes.description,
            initialFrameOre: r.initialFrame.ore, frameOre: r.frame.ore, grantedOre: r.granted.ore, remainingOre: r.remaining.ore,
            applications: r.applications, requestedOre: r.requested.ore,
            countsByStatus: .init(additionalProperties: counts))
    }

    /// A strong entity tag of `data`: the first 128 bits of its SHA-256, in hex and quotes. Computed
    /// here rather than by the database: it is a hash of bytes the server already holds, and a round
    /// trip would cost more than the hash (the value is the same as `encode(sha256(…), 'hex')`'s).
    static func etag(_ data: Data) -> String {
        let digest = SHA256.hash(data: data)
        let hex = digest.prefix(16).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
        }.joined()
        return "\"\(hex)\""
    }

    /// `application show --format json`'s object (ApplicationDetailJSON in the CLI), as JSON data.
    static func detail(_ d: ApplicationDetail) throws -> Data {
        func null(_ value: Any?) -> Any { value ?? NSNull() }
        let a = d.summary
        let n = d.currentNotice
        let object: [String: Any] = [
            "reference": a.reference, "round": a.round, "scheme": d.schemeName, "orgnr": a.organisationNumber,
            "organisation": a.organisationName, "municipality": null(a.municipality), "title": a.title,
            "amount_applied_ore": a.amountApplied.ore, "received": a.received.description, "status": a.status.rawValue,
            "granted_ore": null(a.granted?.ore), "external_ref": null(a.externalRef), "late": a.late,
            "late_reason": null(d.lateReason), "registered_by": d.registeredBy, "registered_at": time(d.registeredAt),
            "caseworkers": d.assignedTo, "withdrawal_reason": null(d.withdrawalReason),
            "notice_sent": null(n?.sentOn.description), "notice_channel": null(n?.channel),
            "notice_received": null(n?.receivedOn?.description), "notice_presumed_received": null(n?.presumedReceived.description),
            "appeal_deadline": null(n?.appealDeadline.description),
            "disqualifications": d.disqualifications.map {
                ["person": $0.person, "reason": $0.reason, "declared_by": $0.declaredBy, "at": time($0.at)] as [String: Any]
            },
            "assessments": d.assessments.map {
                ["assessor": $0.assessor, "score": $0.score, "recommendation": $0.recommendation.rawValue,
                 "recommended_amount_ore": null($0.recommendedAmount?.ore), "notes": null($0.notes), "at": time($0.at),
                 "is_current": $0.isCurrent] as [String: Any]
            },
            "decisions": d.decisions.map {
                ["id": $0.id, "outcome": $0.outcome.rawValue, "amount_ore": $0.amount.ore, "reasons": null($0.reasons),
                 "conditions": null($0.conditions), "decided_by": $0.decidedBy, "decision_date": $0.decisionDate.description,
                 "is_current": $0.isCurrent, "supersedes": null($0.supersedes), "appeal_id": null($0.appealID),
                 "instance": $0.instance.rawValue, "body_reference": null($0.bodyReference),
                 "disadvantage_basis": null($0.disadvantageBasis), "advance_notice_id": null($0.advanceNoticeID)] as [String: Any]
            },
            "appeals": d.appeals.map {
                ["id": $0.id, "decision_id": $0.decisionID, "received": $0.received.description, "registered_at": time($0.registeredAt),
                 "registered_by": $0.registeredBy, "late": $0.late, "late_reason": null($0.lateReason), "grounds": $0.grounds,
                 "outcome": null($0.outcome), "resolved_by_decision_id": null($0.resolvedByDecisionID)] as [String: Any]
            },
            "advance_notices": d.advanceNotices.map {
                ["id": $0.id, "purpose": $0.purpose, "proposal": $0.proposal, "amount_ore": null($0.amount?.ore),
                 "sent": $0.sentOn.description, "channel": $0.channel, "answer_by": $0.answerBy.description,
                 "registered_by": $0.registeredBy, "answer_received": null($0.answer?.receivedOn.description),
                 "answer_summary": null($0.answer?.summary)] as [String: Any]
            },
            "history": d.history.map {
                ["id": $0.id, "at": time($0.at), "actor": $0.actor, "login": $0.login, "table": $0.table,
                 "action": $0.action, "what": $0.summary, "reason": null($0.reason)] as [String: Any]
            },
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
