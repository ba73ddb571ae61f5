import Foundation
import PGClient
import TilskotCore

/// The money of grants, from the views tilskot.grant_money (per application) and tilskot.round_money
/// (per round) of SQL/migrations/0015_grant_money.sql: granted, planned, paid, clawed back, repaid,
/// and net = granted − clawed back.
public struct GrantMoneyRecord: Sendable, Equatable {
    /// An application reference, or a round ("JS/2021") in a round summary.
    public var key: String
    public var frame: Money?
    public var grants: Int
    public var granted: Money
    public var planned: Money
    public var paid: Money
    public var clawedBack: Money
    public var repaid: Money
    public var net: Money
}

public enum GrantMoney {
    /// One row per round (or only `round`), with its frame.
    public static func rounds(_ round: RoundKey? = nil, session: Session) throws(TilskotError) -> [GrantMoneyRecord] {
        try session.followUpRead {
            let c = session.connection
            let roundID = try round.map { try Lookup.round($0, c).id }
            return try c.query("""
                SELECT scheme || '/' || year AS key, frame_ore, grants, granted_ore, planned_ore, paid_ore,
                       clawed_back_ore, repaid_ore, net_ore
                  FROM tilskot.round_money WHERE ($1::bigint IS NULL OR round_id = $1)
                 ORDER BY scheme, year
                """, [roundID]).map { try decode($0, frame: true) }
        }
    }

    /// One row per grant of a round.
    public static func grants(in round: RoundKey, session: Session) throws(TilskotError) -> [GrantMoneyRecord] {
        try session.followUpRead {
            let c = session.connection
            let roundID = try Lookup.round(round, c).id
            return try c.query("""
                SELECT reference AS key, NULL::bigint AS frame_ore, 1 AS grants, granted_ore, planned_ore, paid_ore,
                       clawed_back_ore, repaid_ore, net_ore
                  FROM tilskot.grant_money WHERE round_id = $1 ORDER BY reference
                """, [roundID]).map { try decode($0, frame: false) }
        }
    }

    /// One grant's money, if the application has a current grant.
    public static func grant(_ reference: ApplicationReference, session: Session) throws(TilskotError) -> GrantMoneyRecord? {
        try session.followUpRead {
            try session.connection.queryRow("""
                SELECT reference AS key, NULL::bigint AS frame_ore, 1 AS grants, granted_ore, planned_ore, paid_ore,
                       clawed_back_ore, repaid_ore, net_ore
                  FROM tilskot.grant_money WHERE reference = $1
                """, [reference.description]).map { try decode($0, frame: false) }
        }
    }

    static func decode(_ row: Row, frame: Bool) throws -> GrantMoneyRecord {
        GrantMoneyRecord(key: try row.string("key"), frame: frame ? try row.moneyIfPresent("frame_ore") : nil,
                         grants: try row.int("grants"), granted: try row.money("granted_ore"),
                         planned: try row.money("planned_ore"), paid: try row.money("paid_ore"),
                         clawedBack: try row.money("clawed_back_ore"), repaid: try row.money("repaid_ore"),
                         net: try row.money("net_ore"))
    }
}
