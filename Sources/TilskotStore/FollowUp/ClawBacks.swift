import Foundation
import PGClient
import TilskotCore

/// A demand for repayment of a grant (tilbakebetalingskrav), an appealable decision of a manager.
public struct ClawBackRecord: Sendable, Equatable {
    public var id: Int64
    public var reference: String
    /// What is demanded now (after appeals; 0 kr when cancelled).
    public var amount: Money
    public var originalAmount: Money
    public var reasons: String
    public var decisionDate: CalendarDate
    public var dueDate: CalendarDate
    public var cancelled: Bool
    public var demandedBy: String
    public var repaid: Money
    public var appeals: [ClawBackAppealRecord]
    /// The advance notice (førehandsvarsel, fvl. § 16) the claw-back follows, or nil when it names
    /// an exception (`noticeException`) instead.
    public var advanceNoticeID: Int64?
    /// Why no advance notice was given (fvl. § 16 third paragraph), in words.
    public var noticeException: String?
    /// The KID (customer identification, MOD10) the recipient pays with; assigned by the database.
    public var kid: String?
    /// Registered as a further demand while another claw-back on the grant was open (`--another`).
    public var another: Bool = false
    /// The cancellation of a claw-back registered in error, when it was cancelled so (not on appeal).
    public var cancellation: ClawBackCancellationRecord? = nil
    /// Whether the notice of the claw-back decision was recorded (tilskot.notice): then its
    /// cancellation has a letter of its own.
    public var noticeRecorded: Bool = false

    /// What is still owed.
    public var outstanding: Money { amount - repaid }
    public var appealPending: Bool { appeals.contains { $0.outcome == nil } }
}

/// A claw-back cancelled by a manager because it was registered in error, with the reason.
public struct ClawBackCancellationRecord: Sendable, Equatable {
    public var reason: String
    public var cancelledBy: String
    public var at: Date
}

/// An appeal (klage) against a claw-back, and how a manager resolved it.
public struct ClawBackAppealRecord: Sendable, Equatable {
    public var id: Int64
    public var received: CalendarDate
    /// The day it was sent, when known (fvl. § 30).
    public var sentOn: CalendarDate?
    public var late: Bool
    public var lateReason: String?
    public var grounds: String
    public var registeredBy: String
    /// "upheld", "reduced" or "cancelled"; nil while pending.
    public var outcome: String?
    public var resolutionReasons: String?
    public var resolvedBy: String?
    public var resolvedAmount: Money?
}

/// A grant paid beyond its current amount and the claw-backs in force (tilskot.overpaid_grant).
public struct OverpaidGrantRecord: Sendable, Equatable {
    public var reference: String
    public var paid: Money
    public var grant: Money
    public var clawedBack: Money
    /// What no claw-back covers yet: paid − grant − clawed back.
    public var toClawBack: Money

    public init(reference: String, paid: Money, grant: Money, clawedBack: Money, toClawBack: Money) {
        self.reference = reference
        self.paid = paid
        self.grant = grant
        self.clawedBack = clawedBack
        self.toClawBack = toClawBack
    }
}

/// How a manager resolves a claw-back appeal.
public enum ClawBackResolution: Sendable, Equatable {
    /// The demand stands (stadfesta).
    case uphold
    /// The demand is lowered to this amount.
    case reduce(to: Money)
    /// Nothing is demanded.
    case cancel
}

/// Claw-backs (tilbakebetaling): demanded by a manager (amount ≤ what was paid, reasons, due date),
/// appealable within 3 weeks (fvl. § 29), resolved by a manager, repaid through finance. The rules are
/// held by SQL/schema/11_clawbacks.sql; tilskot.grant_money shows the net grant after them.
public enum ClawBacks {
    /// Demands repayment. `advanceNotice` names the advance notice (fvl. § 16) the claw-back follows;
    /// `withoutNotice` says, in words, which exception of § 16 third paragraph lets it go without one.
    /// Whether the notice fits (this application, a claw-back, the time to answer passed) or the
    /// exception has words is the database's to judge (clawback_before_insert), as is giving both.
    public static func demand(_ reference: ApplicationReference, amount: Money, reasons: String, due: CalendarDate,
                              date: CalendarDate? = nil, advanceNotice: Int64? = nil, withoutNotice: String? = nil,
                              another: Bool = false, session: Session) throws(TilskotError) -> ClawBackRecord {
        // That there are reasons in words, the amount, the dates (against the server's clock) and what
        // was paid are the database's to judge (clawback_before_insert).
        let reasons = reasonsGiven(reasons)
        return try session.followUpChange(reason: reasons) {
            let c = session.connection
            try requireRole("claw-back", c)
            let app = try Lookup.application(reference, c)
            guard let id = try c.queryValue("""
                INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, decision_date, due_date,
                                              advance_notice_id, notice_exception, another)
                VALUES ($1, $2, $3, coalesce($4::date, tilskot.today()), $5, $6, $7, $8) RETURNING id
                """, [app.id, amount.ore, reasons, date?.description, due.description, advanceNotice, withoutNotice, another],
                as: Int64.self) else {
                throw TilskotError.refused("the claw-back from \(reference) was not recorded")
            }
            return try record(id: id, c)
        }
    }

    /// Registers an appeal against a claw-back: received on `received`, late ones with a reason.
    /// Whether it is in time is the database's to judge: three weeks from the day the notice of the
    /// claw-back reached the party (fvl. § 29), in time if `sent` by then (§ 30), open while no notice
    /// is recorded.
    public static func appeal(_ id: Int64, received: CalendarDate, sent: CalendarDate? = nil, grounds: String,
                              lateReason: String? = nil, session: Session) throws(TilskotError) -> ClawBackRecord {
        // Blank grounds reach the database, which says that they are needed (clawback_appeal_before_insert).
        let grounds = reasonsGiven(grounds)
        let lateReason = reasonsGiven(lateReason)
        return try session.followUpChange(reason: grounds) {
            let c = session.connection
            try exists(id, "appeal", c)
            try c.execute("""
                INSERT INTO tilskot.clawback_appeal (clawback_id, received, sent_on, late, late_reason, grounds)
                VALUES ($1, $2, $3::date, $4, $5, $6)
                """, [id, received.description, sent?.description, lateReason != nil, lateReason, grounds])
            return try record(id: id, c)
        }
    }

    /// Resolves the pending appeal against a claw-back (managers).
    public static func resolve(_ id: Int64, _ resolution: ClawBackResolution, reasons: String,
                               session: Session) throws(TilskotError) -> ClawBackRecord {
        // A blank statement of reasons reaches the database, which says that one is needed.
        let reasons = reasonsGiven(reasons)
        let (outcome, amount): (String, Int64?) = switch resolution {
        case .uphold: ("upheld", nil)
        case .reduce(let to): ("reduced", to.ore)
        case .cancel: ("cancelled", nil)
        }
        return try session.followUpChange(reason: reasons) {
            let c = session.connection
            try requireRole("resolution", c)
            try exists(id, "resolution", c)
            guard let appealID = try c.queryValue(
                "SELECT id FROM tilskot.clawback_appeal WHERE clawback_id = $1 AND outcome IS NULL", [id], as: Int64.self) else {
                throw TilskotError.refused("resolution refused: claw-back \(id) has no appeal pending; register one with `tilskot clawback appeal \(id) …`")
            }
            try c.execute("INSERT INTO tilskot.clawback_resolution (appeal_id, outcome, amount_ore, reasons) VALUES ($1, $2, $3, $4)",
                          [appealID, outcome, amount, reasons])
            return try record(id: id, c)
        }
    }

    /// Cancels a claw-back registered in error (typed twice, the wrong case or amount), with the reason
    /// (managers). Refused by the database once anything was repaid or an appeal was registered against
    /// it (clawback_cancellation_before_insert); the claw-back then demands 0 kr.
    public static func cancel(_ id: Int64, reason: String, session: Session) throws(TilskotError) -> ClawBackRecord {
        let reason = reasonsGiven(reason)
        return try session.followUpChange(reason: reason) {
            let c = session.connection
            try exists(id, "claw-back cancellation", c)
            try c.execute("INSERT INTO tilskot.clawback_cancellation (clawback_id, reason) VALUES ($1, $2)", [id, reason])
            return try record(id: id, c)
        }
    }

    /// Records money received against a claw-back (finance or managers).
    public static func repay(_ id: Int64, amount: Money, date: CalendarDate? = nil, voucher: String? = nil,
                             session: Session) throws(TilskotError) -> ClawBackRecord {
        // The amount and the date (against the server's clock) are the database's to judge
        // (repayment_before_insert).
        return try session.followUpChange(reason: "repayment received") {
            let c = session.connection
            try requireRole("repayment", c)
            try exists(id, "repayment", c)
            try c.execute("""
                INSERT INTO tilskot.repayment (clawback_id, amount_ore, received_on, voucher)
                VALUES ($1, $2, coalesce($3::date, tilskot.today()), $4)
                """, [id, amount.ore, date?.description, optionalText(voucher)])
            return try record(id: id, c)
        }
    }

    /// Records money received with a KID (as the bank statement shows it): the database finds the
    /// claw-back by it and checks its MOD10 check digit (repayment_before_insert).
    public static func repay(kid: String, amount: Money, date: CalendarDate? = nil, voucher: String? = nil,
                             session: Session) throws(TilskotError) -> ClawBackRecord {
        let kid = kid.filter { $0 != " " }
        return try session.followUpChange(reason: "repayment received") {
            let c = session.connection
            try requireRole("repayment", c)
            guard let id = try c.queryValue("""
                INSERT INTO tilskot.repayment (kid, amount_ore, received_on, voucher)
                VALUES ($1, $2, coalesce($3::date, tilskot.today()), $4) RETURNING clawback_id
                """, [kid, amount.ore, date?.description, optionalText(voucher)], as: Int64.self) else {
                throw TilskotError.refused("the repayment with KID \(kid) was not recorded")
            }
            return try record(id: id, c)
        }
    }

    /// Grants paid beyond what is granted now and clawed back (tilskot.overpaid_grant): a decision
    /// on appeal lowered the grant after payment. Oldest application first.
    public static func overpaid(session: Session) throws(TilskotError) -> [OverpaidGrantRecord] {
        try session.followUpRead {
            try session.connection.query("""
                SELECT reference, paid_ore, grant_ore, clawed_back_ore, to_claw_back_ore
                  FROM tilskot.overpaid_grant ORDER BY application_id
                """).map { row in
                OverpaidGrantRecord(reference: try row.string("reference"), paid: try row.money("paid_ore"),
                                    grant: try row.money("grant_ore"), clawedBack: try row.money("clawed_back_ore"),
                                    toClawBack: try row.money("to_claw_back_ore"))
            }
        }
    }

    /// Claw-backs, of one application or all, oldest first.
    public static func list(_ reference: ApplicationReference? = nil, session: Session) throws(TilskotError) -> [ClawBackRecord] {
        try session.followUpRead {
            let c = session.connection
            let appID = try reference.map { try Lookup.application($0, c).id }
            let ids = try c.query("SELECT id FROM tilskot.clawback WHERE ($1::bigint IS NULL OR application_id = $1) ORDER BY id",
                                  [appID]).map { try $0.int64("id") }
            return try ids.map { try record(id: $0, c) }
        }
    }

    public static func show(_ id: Int64, session: Session) throws(TilskotError) -> ClawBackRecord {
        try session.followUpRead {
            try exists(id, "claw-back", session.connection)
            return try record(id: id, session.connection)
        }
    }

    static func exists(_ id: Int64, _ step: String, _ c: Connection) throws {
        guard try c.queryValue("SELECT 1 FROM tilskot.clawback WHERE id = $1", [id], as: Int.self) != nil else {
            throw TilskotError.refused("\(step) refused: there is no claw-back with id \(id); see `tilskot clawback list`")
        }
    }

    static func record(id: Int64, _ c: Connection) throws -> ClawBackRecord {
        // The claw-back's row as the web pages read it too (tilskot.clawback_row, 23_page_reads.sql).
        guard let row = try c.queryRow("""
            SELECT * FROM tilskot.clawback_row WHERE id = $1
            """, [id]) else {
            throw TilskotError.refused("there is no claw-back with id \(id)")
        }
        let appeals = try c.query("""
            SELECT ca.id, ca.received, ca.sent_on, ca.late, ca.late_reason, ca.grounds, ca.registered_by, ca.outcome,
                   cr.reasons AS resolution_reasons, cr.resolved_by, cr.amount_ore AS resolved_ore
              FROM tilskot.clawback_appeal ca LEFT JOIN tilskot.clawback_resolution cr ON cr.appeal_id = ca.id
             WHERE ca.clawback_id = $1 ORDER BY ca.id
            """, [id]).map { a in
            ClawBackAppealRecord(id: try a.int64("id"), received: try a.date("received"),
                                 sentOn: a["sent_on"] == nil ? nil : try a.date("sent_on"), late: try a.bool("late"),
                                 lateReason: a["late_reason"], grounds: try a.string("grounds"),
                                 registeredBy: try a.string("registered_by"), outcome: a["outcome"],
                                 resolutionReasons: a["resolution_reasons"], resolvedBy: a["resolved_by"],
                                 resolvedAmount: try a.moneyIfPresent("resolved_ore"))
        }
        return ClawBackRecord(
            id: try row.int64("id"), reference: try row.string("reference"), amount: try row.money("amount_ore"),
            originalAmount: try row.money("original_amount_ore"), reasons: try row.string("reasons"),
            decisionDate: try row.date("decision_date"), dueDate: try row.date("due_date"), cancelled: try row.bool("cancelled"),
            demandedBy: try row.string("demanded_by"), repaid: try row.money("repaid_ore"), appeals: appeals,
            advanceNoticeID: try row.decodeIfPresent("advance_notice_id", as: Int64.self), noticeException: row["notice_exception"],
            kid: row["kid"], another: try row.bool("another"),
            cancellation: try cancellation(row),
            noticeRecorded: try row.bool("notice_recorded"))
    }

    private static func cancellation(_ row: Row) throws -> ClawBackCancellationRecord? {
        guard let by = row["cancelled_by"] else { return nil }
        return ClawBackCancellationRecord(reason: try row.string("cancellation_reason"), cancelledBy: by,
                                          at: try row.timestamp("cancelled_at"))
    }
}
