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
}
