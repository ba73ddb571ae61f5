import Foundation
import PGClient
import TilskotCore

/// A caseworker's assessment (vurdering) of an application. A new one supersedes the current one,
/// which is kept.
public struct AssessmentRecord: Sendable, Equatable {
    public var assessor: String
    public var score: Int
    public var recommendation: Recommendation
    public var recommendedAmount: Money?
    public var notes: String?
    public var at: Date
    public var isCurrent: Bool
}

/// A declared conflict of interest (inhabilitet, fvl. §§ 6–10).
public struct DisqualificationRecord: Sendable, Equatable {
    public var person: String
    public var reason: String
    public var declaredBy: String
    public var at: Date
}

public enum Assessments {
    /// Assesses an application: score 1–5 and a recommendation, with an amount for a partial grant.
    /// The assessor is the acting user; they must not have decided it or be disqualified on it.
    public static func assess(_ reference: ApplicationReference, score: Int, recommendation: Recommendation,
                              amount: Money? = nil, notes: String? = nil,
                              session: Session) throws(TilskotError) -> AssessmentRecord {
        // The score's range (1–5) is the database's to judge (assessment_before_insert).
        return try session.lifecycleChange {
            let c = session.connection
            let app = try Lookup.application(reference, c)
            // Whether the amount fits the recommendation (full: the amount applied for; partial: above
            // 0 kr and below it; reject: none) is the database's to judge (assessment_before_insert).
            let row = try c.queryRow("""
                INSERT INTO tilskot.assessment (application_id, score, recommendation, recommended_amount_ore, notes)
                VALUES ($1, $2, $3, $4, $5)
                RETURNING assessor, score, recommendation, recommended_amount_ore, notes, at, is_current
                """, [app.id, score, recommendation.rawValue, amount?.ore, optionalText(notes)])
            guard let row else { throw TilskotError.refused("the assessment of \(reference) was not recorded") }
            return try decode(row)
        }
    }

    /// Declares `person` (default: the acting user) disqualified on an application. Only a manager
    /// may declare someone else (fvl. § 8).
    public static func disqualify(_ reference: ApplicationReference, person: String? = nil, reason: String,
                                  session: Session) throws(TilskotError) -> DisqualificationRecord {
        // A blank reason reaches the database, which says that one is needed (disqualification_before_insert).
        let reason = reasonsGiven(reason)
        return try session.lifecycleChange(reason: reason) {
            let c = session.connection
            let app = try Lookup.application(reference, c)
            let row = try c.queryRow("""
                INSERT INTO tilskot.disqualification (application_id, person, reason) VALUES ($1, $2, $3)
                RETURNING person, reason, declared_by, at
                """, [app.id, optionalText(person), reason])
            guard let row else { throw TilskotError.refused("the disqualification on \(reference) was not recorded") }
            return DisqualificationRecord(person: try row.string("person"), reason: try row.string("reason"),
                                          declaredBy: try row.string("declared_by"), at: try row.timestamp("at"))
        }
    }

    static func decode(_ row: Row) throws -> AssessmentRecord {
        AssessmentRecord(assessor: try row.string("assessor"), score: try row.int("score"),
                         recommendation: Recommendation(rawValue: try row.string("recommendation")) ?? .reject,
                         recommendedAmount: try row.moneyIfPresent("recommended_amount_ore"),
                         notes: row["notes"], at: try row.timestamp("at"), isCurrent: try row.bool("is_current"))
    }
}
