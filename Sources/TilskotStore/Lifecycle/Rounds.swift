import Foundation
import PGClient
import TilskotCore

/// What a frame adjustment is: a change of the budget, or a correction of an adjustment registered wrong.
public enum FrameAdjustmentKind: String, Sendable, Equatable, CaseIterable {
    /// A budget decision raised or lowered the frame (e.g. integreringspakke II).
    case budget
    /// An adjustment registered wrong is corrected (towards 0, or to the amount decided).
    case correction
}

/// A change of a round's frame during the year, e.g. +25 mill. kr through integreringspakke II.
public struct FrameAdjustment: Sendable, Equatable {
    public var amount: Money
    public var reason: String
    public var actor: String
    public var at: Date
    public var id: Int64 = 0
    public var kind: FrameAdjustmentKind = .budget
    /// The date of the budget decision (a correction carries that of the change it corrects).
    public var decided: CalendarDate? = nil
    /// The budget change a correction corrects.
    public var corrects: Int64? = nil
    /// For a budget change: its amount with its corrections (what the budget decision came to).
    public var net: Money? = nil
}

/// A round (utlysing) with its frame (tilskotsramme) and where its applications stand.
public struct RoundSummary: Sendable, Equatable {
    public var key: RoundKey
    public var schemeName: String
    public var opens: CalendarDate
    public var closes: CalendarDate
    public var initialFrame: Money
    public var adjustments: [FrameAdjustment]
    /// Initial frame plus adjustments.
    public var frame: Money
    /// The sum of current grants (full and partial).
    public var granted: Money
    public var remaining: Money { frame - granted }
    /// Demanded back by claw-backs in force on the round's grants.
    public var clawedBack: Money = .zero
    /// What closed grants left of what was decided: their settlements' granted − clawed back − net
    /// used (instalments withheld and never paid; SQL/schema/12_closing.sql).
    public var unused: Money = .zero
    /// What the round's grants are actually used for: granted − clawed back − unused, i.e. closed
    /// grants at their settlements' net used (paid − repaid), the others at their grant after
    /// claw-backs.
    public var used: Money { granted - clawedBack - unused }
    /// Applications per status; statuses with none are absent.
    public var countsByStatus: [ApplicationStatus: Int]
    public var applications: Int { countsByStatus.values.reduce(0, +) }
    /// The amount applied for across the round's applications.
    public var requested: Money
    public var openedBy: String

    /// "Jobbsjansen 2021".
    public var label: String { "\(schemeName) \(key.year)" }

    public func count(_ status: ApplicationStatus) -> Int { countsByStatus[status] ?? 0 }
}

public enum Rounds {
    /// Opens a scheme's round for a year with its window and initial frame (managers and admins).
    public static func open(_ key: RoundKey, frame: Money, opens: CalendarDate, closes: CalendarDate,
                            session: Session) throws(TilskotError) -> RoundSummary {
        // A negative frame, a window that closes before it opens and a round already open are the
        // database's to refuse (round_before_insert), in its own words.
        return try session.lifecycleChange {
            let c = session.connection
            try requireRole("round", c)
            let scheme = try Lookup.schemeID(key.scheme, c)
            try c.execute("""
                INSERT INTO tilskot.round (scheme_id, year, opens, closes, initial_frame_ore)
                VALUES ($1, $2, $3::date, $4::date, $5)
                """, [scheme.id, key.year, opens.description, closes.description, frame.ore])
            return try summary(key, c)
        }
    }

    /// Raises or lowers a round's frame, with a reason (managers and admins). Lowering it below what
    /// is already granted is refused by the database.
    /// `kind` is a budget change (dated by the budget decision, `decided`, default today) or a
    /// correction of the budget change `corrects` (which takes that change's date).
    public static func adjust(_ key: RoundKey, amount: Money, reason: String, kind: FrameAdjustmentKind = .budget,
                              decided: CalendarDate? = nil, corrects: Int64? = nil,
                              session: Session) throws(TilskotError) -> RoundSummary {
        // An adjustment of 0 kr, a blank reason, a date in the future and a correction of another round's
        // adjustment, of a correction or past 0 are the database's to refuse (frame_adjustment_before_insert).
        let reason = reasonsGiven(reason)
        return try session.lifecycleChange(reason: reason) {
            let c = session.connection
            try requireRole("frame adjustment", c)
            let round = try Lookup.round(key, c)
            try c.execute("""
                INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, kind, decided, corrects_id)
                VALUES ($1, $2, $3, $4, $5::date, $6)
                """, [round.id, amount.ore, reason, kind.rawValue, decided?.description, corrects])
            return try summary(key, c)
        }
    }

    /// The round's frame, grants and counts by status.
    public static func show(_ key: RoundKey, session: Session) throws(TilskotError) -> RoundSummary {
        try session.lifecycleRead { try summary(key, session.connection) }
    }

    /// Every round, newest year first.
    public static func list(session: Session) throws(TilskotError) -> [RoundSummary] {
        try session.lifecycleRead {
            let c = session.connection
            return try c.query("""
                SELECT s.code, r.year FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
                ORDER BY r.year DESC, s.code
                """).map { row in
                    try summary(try RoundKey(scheme: try SchemeCode(try row.string("code")), year: try row.int("year")), c)
                }
        }
    }

    static func summary(_ key: RoundKey, _ c: Connection) throws -> RoundSummary {
        let round = try Lookup.round(key, c)
        // The figures of `round show`, in one place for the CLI and the web pages
        // (SQL/schema/23_page_reads.sql): the maintained frame and grant sums, counts by status.
        guard let row = try c.queryRow("""
            SELECT * FROM tilskot.round_figures($1)
            """, [round.id]) else {
            throw TilskotError.refused("round \(key) does not exist")
        }
        var counts: [ApplicationStatus: Int] = [:]
        for pair in try row.string("counts").split(separator: ",") {
            let parts = pair.split(separator: "=")
            if parts.count == 2, let status = ApplicationStatus(rawValue: String(parts[0])), let n = Int(parts[1]) {
                counts[status] = n
            }
        }
        let adjustments = try c.query("""
            SELECT * FROM tilskot.round_adjustments($1)
            """, [round.id]).map { r in
                let kind = FrameAdjustmentKind(rawValue: try r.string("kind")) ?? .budget
                return FrameAdjustment(amount: try r.money("amount_ore"), reason: try r.string("reason"),
                                       actor: try r.string("actor"), at: try r.timestamp("at"), id: try r.int64("id"),
                                       kind: kind, decided: try r.date("decided"),
                                       corrects: try r.decodeIfPresent("corrects_id", as: Int64.self),
                                       net: kind == .budget ? try r.money("net_ore") : nil)
            }
        var summary = RoundSummary(key: key, schemeName: round.schemeName, opens: round.opens, closes: round.closes,
                                   initialFrame: try row.money("initial_frame_ore"), adjustments: adjustments,
                                   frame: try row.money("frame_ore"), granted: try row.money("granted_ore"),
                                   countsByStatus: counts, requested: try row.money("requested_ore"),
                                   openedBy: try row.string("opened_by"))
        summary.clawedBack = try row.money("clawed_back_ore")
        summary.unused = try row.money("unused_ore")
        return summary
    }
}
