import Foundation
import PGClient
import TilskotCore

/// A change of a round's frame during the year, e.g. +25 mill. kr through integreringspakke II.
public struct FrameAdjustment: Sendable, Equatable {
    public var amount: Money
    public var reason: String
    public var actor: String
    public var at: Date
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
    public static func adjust(_ key: RoundKey, amount: Money, reason: String, session: Session) throws(TilskotError) -> RoundSummary {
        // An adjustment of 0 kr and a blank reason are the database's to refuse (frame_adjustment_before_insert).
        let reason = reasonsGiven(reason)
        return try session.lifecycleChange(reason: reason) {
            let c = session.connection
            try requireRole("frame adjustment", c)
            let round = try Lookup.round(key, c)
            try c.execute("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason) VALUES ($1, $2, $3)",
                          [round.id, amount.ore, reason])
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
        // One query: the maintained frame and grant sums, counts by status from the (round, status) index.
        guard let row = try c.queryRow("""
            SELECT r.initial_frame_ore, r.frame_ore, r.granted_ore, r.opened_by,
                   coalesce((SELECT sum(amount_applied_ore) FROM tilskot.application WHERE round_id = r.id), 0) AS requested_ore,
                   coalesce((SELECT string_agg(status || '=' || n, ',')
                             FROM (SELECT status, count(*) AS n FROM tilskot.application
                                   WHERE round_id = r.id GROUP BY status) s), '') AS counts
            FROM tilskot.round r WHERE r.id = $1
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
            SELECT amount_ore, reason, actor, at FROM tilskot.frame_adjustment WHERE round_id = $1 ORDER BY id
            """, [round.id]).map { r in
                FrameAdjustment(amount: try r.money("amount_ore"), reason: try r.string("reason"),
                                actor: try r.string("actor"), at: try r.timestamp("at"))
            }
        return RoundSummary(key: key, schemeName: round.schemeName, opens: round.opens, closes: round.closes,
                            initialFrame: try row.money("initial_frame_ore"), adjustments: adjustments,
                            frame: try row.money("frame_ore"), granted: try row.money("granted_ore"),
                            countsByStatus: counts, requested: try row.money("requested_ore"),
                            openedBy: try row.string("opened_by"))
    }
}
