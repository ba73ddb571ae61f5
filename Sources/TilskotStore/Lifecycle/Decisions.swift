import Foundation
import PGClient
import TilskotCore

/// An individual decision (enkeltvedtak, fvl. § 2) on an application. A decision on appeal supersedes
/// the current one, which is kept; the round's frame counts only the current decision.
public struct DecisionRecord: Sendable, Equatable {
    public var id: Int64
    public var outcome: DecisionOutcome
    /// What is granted; 0 kr for a rejection or dismissal.
    public var amount: Money
    public var reasons: String?
    public var conditions: String?
    public var decidedBy: String
    public var decisionDate: CalendarDate
    public var decidedAt: Date
    public var isCurrent: Bool
    /// The decision this one replaced (after an appeal).
    public var supersedes: Int64?
    /// The appeal this decision resolved.
    public var appealID: Int64?
    /// Who made it: the directorate (also when it changes its own decision on appeal) or the appeal body.
    public var instance: DecisionInstance = .directorate
    /// The appeal body's own case reference, for its decisions.
    public var bodyReference: String?
    /// The legal basis of a change to the appellant's disadvantage (fvl. § 34 third paragraph, § 35).
    public var disadvantageBasis: String?
    /// The advance notice (fvl. § 16) that preceded a change to the appellant's disadvantage.
    public var advanceNoticeID: Int64?
}

/// Who made a decision: the first instance (the directorate) or the appeal body (fvl. § 34), whose
/// decision a manager records.
public enum DecisionInstance: String, Sendable, Equatable {
    case directorate
    case appealBody = "appeal_body"
}

/// What a decision on appeal carries beyond the outcome: who made it and, for a change to the
/// appellant's disadvantage, its basis and advance notice. The database judges all of it
/// (decision_before_insert, SQL/schema/07_decisions.sql).
public struct AppealDecisionTerms: Sendable, Equatable {
    public var instance: DecisionInstance
    public var bodyReference: String?
    public var disadvantageBasis: String?
    public var advanceNoticeID: Int64?

    public init(instance: DecisionInstance = .directorate, bodyReference: String? = nil,
                disadvantageBasis: String? = nil, advanceNoticeID: Int64? = nil) {
        self.instance = instance
        self.bodyReference = bodyReference
        self.disadvantageBasis = disadvantageBasis
        self.advanceNoticeID = advanceNoticeID
    }
}

/// What a manager decides: a grant of an amount (full when it is the amount applied for, else
/// partial), a rejection (avslag) or a dismissal (avvisning).
public enum DecisionRequest: Sendable, Equatable {
    case grant(Money)
    case reject
    case dismiss
}

public enum Decisions {
    /// Decides an application as the acting user, who must be a manager who did not assess it and is
    /// not disqualified. A grant counts against the round's frame; concurrent deciders queue on the
    /// round in the database, so the frame holds whoever decides at the same time. A grant that lost
    /// that race is refused at commit (decision_within_frame, SQL/schema/07_decisions.sql), with the same sentence.
    ///
    /// On its own (not inside a caller's transaction) a decision is two round trips: the manager
    /// check (the database's) with the lookup, then one INSERT that is its own transaction — the decision, the status
    /// change, the audit rows, the tally and the frame (at its commit) are all the database's work in
    /// that one statement, so nothing is lost by leaving out BEGIN and COMMIT, and four deciders
    /// share half the round trips. The lookup only lets the service refuse early in its own words;
    /// the database checks everything again. Inside a caller's transaction it runs as one step of it.
    public static func decide(_ reference: ApplicationReference, _ request: DecisionRequest,
                              reasons: String? = nil, conditions: String? = nil, date: CalendarDate? = nil,
                              terms: AppealDecisionTerms = AppealDecisionTerms(),
                              session: Session) throws(TilskotError) -> DecisionRecord {
        // Only the reasons' form is read here (a text given without words); whether reasons are
        // required, the amount, full or partial and the date (by the server's clock) are the
        // database's to judge (decision_before_insert), so the CLI and psql read the same sentence.
        // Who may decide: managerAndApplication asks the database (tilskot.require_role, which the
        // trigger also calls) before the INSERT, which a non-manager's privileges would refuse first.
        let reasons = reasonsGiven(reasons)
        // Conditions as typed (trimmed): nil carries over the appealed decision's conditions to a new
        // grant on appeal, an empty text says the new grant has none (the database's to apply).
        let conditions = conditions.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let terms = AppealDecisionTerms(instance: terms.instance, bodyReference: optionalText(terms.bodyReference),
                                        disadvantageBasis: reasonsGiven(terms.disadvantageBasis),
                                        advanceNoticeID: terms.advanceNoticeID)
        let c = session.connection
        if c.isInTransaction {
            return try session.lifecycleChange(reason: reasons) {
                let app = try managerAndApplication(reference, c)
                let (outcome, amount) = row(request)
                return try insert(app.id, outcome, amount, reasons, conditions, date, terms, reference, c)
            }
        }
        let app = try session.lifecycleRead { try managerAndApplication(reference, c) }
        let (outcome, amount) = row(request)
        return try session.lifecycleRead {
            // Its own transaction, run again on a deadlock or serialization failure as
            // Session.transaction would.
            try c.retrying { try insert(app.id, outcome, amount, reasons, conditions, date, terms, reference, c) }
        }
    }

    /// The outcome and amount a request sends to the database. A grant is sent as `granted` with its
    /// amount: whether it is a full or a partial grant is the database's to say
    /// (decision_before_insert, SQL/schema/07_decisions.sql), as it refuses one above the amount
    /// applied for, of 0 kr, or partial without reasons, in its own words.
    static func row(_ request: DecisionRequest) -> (DecisionOutcome, Money) {
        switch request {
        case .grant(let granted): (.granted, granted)
        case .reject: (.rejected, .zero)
        case .dismiss: (.dismissed, .zero)
        }
    }

    /// The decision row. The reasons are also the transaction's `tilskot.reason` (what
    /// Session.transaction(reason:) sets), so every audit row of the decision carries them; the
    /// setting is made by the statement's one-time filter, before any trigger runs.
    static func insert(_ applicationID: Int64, _ outcome: DecisionOutcome, _ amount: Money, _ reasons: String?,
                       _ conditions: String?, _ date: CalendarDate?, _ terms: AppealDecisionTerms,
                       _ reference: ApplicationReference, _ c: Connection) throws -> DecisionRecord {
        let row = try c.queryRow("""
            INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, conditions, decision_date,
                                          instance, body_reference, disadvantage_basis, advance_notice_id)
            SELECT $1::bigint, $2::text, $3::bigint, $4::text, $5::text, coalesce($6::date, tilskot.today()),
                   $7::text, $8::text, $9::text, $10::bigint
             WHERE $4::text IS NULL OR set_config('tilskot.reason', $4, true) IS NOT NULL
            RETURNING \(columns)
            """, [applicationID, outcome.rawValue, amount.ore, reasons, conditions, date?.description,
                  terms.instance.rawValue, terms.bodyReference, terms.disadvantageBasis, terms.advanceNoticeID])
        guard let row else { throw TilskotError.refused("the decision on \(reference) was not recorded") }
        return try decode(row)
    }

    /// requireRole("decision") and Lookup.application in one round trip, refusing in the same order:
    /// not a manager first (the database's sentence), then no such application.
    static func managerAndApplication(_ reference: ApplicationReference, _ c: Connection) throws -> (id: Int64, status: ApplicationStatus, applied: Money) {
        guard let row = try c.queryRow("""
            SELECT me.checked, a.id, a.status, a.amount_applied_ore
              -- OFFSET 0: once, before the lookup; me.checked is selected so the call is not pruned.
              FROM (SELECT tilskot.require_role('decision') IS NULL AS checked OFFSET 0) me
              LEFT JOIN tilskot.application a ON a.reference = $1
            """, [reference.description]), row["id"] != nil else {
            throw TilskotError.refused("there is no application \(reference); see `tilskot application list`")
        }
        guard let status = ApplicationStatus(rawValue: try row.string("status")) else {
            throw TilskotError.refused("application \(reference) has an unknown status")
        }
        return (try row.int64("id"), status, try row.money("amount_applied_ore"))
    }

    /// The decision in force on an application, if any.
    public static func current(_ reference: ApplicationReference, session: Session) throws(TilskotError) -> DecisionRecord? {
        try session.lifecycleRead {
            let c = session.connection
            let app = try Lookup.application(reference, c)
            return try c.queryRow("SELECT \(columns) FROM tilskot.decision WHERE application_id = $1 AND is_current",
                                  [app.id]).map(decode)
        }
    }

    static let columns = """
        id, outcome, amount_ore, reasons, conditions, decided_by, decision_date, decided_at, is_current, supersedes, appeal_id, \
        instance, body_reference, disadvantage_basis, advance_notice_id
        """

    static func decode(_ row: Row) throws -> DecisionRecord {
        guard let outcome = DecisionOutcome(rawValue: try row.string("outcome")) else {
            throw PGError(sqlState: "", message: "decision \(row["id"] ?? "?") has an unknown outcome")
        }
        return DecisionRecord(id: try row.int64("id"), outcome: outcome, amount: try row.money("amount_ore"),
                              reasons: row["reasons"], conditions: row["conditions"],
                              decidedBy: try row.string("decided_by"), decisionDate: try row.date("decision_date"),
                              decidedAt: try row.timestamp("decided_at"), isCurrent: try row.bool("is_current"),
                              supersedes: try row.decodeIfPresent("supersedes", as: Int64.self),
                              appealID: try row.decodeIfPresent("appeal_id", as: Int64.self),
                              instance: DecisionInstance(rawValue: try row.string("instance")) ?? .directorate,
                              bodyReference: row["body_reference"], disadvantageBasis: row["disadvantage_basis"],
                              advanceNoticeID: try row.decodeIfPresent("advance_notice_id", as: Int64.self))
    }
}
