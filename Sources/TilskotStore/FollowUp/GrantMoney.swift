import Foundation
import PGClient
import TilskotCore

/// The money of grants: per application from the view tilskot.grant_money
/// (SQL/schema/14_report_summaries.sql), per round from the summaries kept with every change —
/// granted, planned, paid, clawed back, repaid, and net = what the grant is used for: a closed grant's
/// settlement (paid − repaid, SQL/schema/12_closing.sql), else granted − clawed back.
/// unused = what closed grants left of the grant after claw-backs (withheld instalments).
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
    public var unused: Money
}

/// A closed grant's final settlement (tilskot.grant_settlement), written by closing it.
public struct GrantSettlementRecord: Sendable, Equatable {
    public var reference: String
    public var granted: Money
    public var paid: Money
    /// Instalments withheld and never paid.
    public var withheld: Money
    /// Instalments once withheld and released again.
    public var released: Money
    public var clawedBack: Money
    public var repaid: Money
    /// What the recipient kept: paid − repaid.
    public var netUsed: Money
    /// What was decided but never used: granted − clawed back − net used.
    public var unused: Money
    public var settledBy: String
    public var settledAt: Date
}

public enum GrantMoney {
    /// One row per round (or only `round`), with its frame.
    public static func rounds(_ round: RoundKey? = nil, session: Session) throws(TilskotError) -> [GrantMoneyRecord] {
        try session.followUpRead {
            let c = session.connection
            let roundID = try round.map { try Lookup.round($0, c).id }
            return try c.query(roundsSQL, [roundID]).map { try decode($0, frame: true) }
        }
    }

    /// The rounds' money ($1: one round's id, or NULL for all): tilskot.rounds_money
    /// (SQL/schema/23_page_reads.sql, which the web pages read too) — from what is kept with every
    /// change, not the view tilskot.round_money, which adds up every grant (0.67 s for all rounds at
    /// 200 000 applications); ReportSummaryTallyTests holds the two equal after random steps.
    public static let roundsSQL = """
        SELECT key, frame_ore, grants, granted_ore, planned_ore, paid_ore, clawed_back_ore, repaid_ore, net_ore, unused_ore
          FROM tilskot.rounds_money($1::bigint)
        """

    /// One row per grant of a round.
    public static func grants(in round: RoundKey, session: Session) throws(TilskotError) -> [GrantMoneyRecord] {
        try session.followUpRead {
            let c = session.connection
            let roundID = try Lookup.round(round, c).id
            return try c.query("""
                SELECT reference AS key, NULL::bigint AS frame_ore, 1 AS grants, granted_ore, planned_ore, paid_ore,
                       clawed_back_ore, repaid_ore, net_ore, unused_ore
                  FROM tilskot.grant_money WHERE round_id = $1 ORDER BY reference
                """, [roundID]).map { try decode($0, frame: false) }
        }
    }

    /// One grant's money, if the application has a current grant.
    public static func grant(_ reference: ApplicationReference, session: Session) throws(TilskotError) -> GrantMoneyRecord? {
        try session.followUpRead {
            try session.connection.queryRow("""
                SELECT reference AS key, NULL::bigint AS frame_ore, 1 AS grants, granted_ore, planned_ore, paid_ore,
                       clawed_back_ore, repaid_ore, net_ore, unused_ore
                  FROM tilskot.grant_money WHERE reference = $1
                """, [reference.description]).map { try decode($0, frame: false) }
        }
    }

    static func decode(_ row: Row, frame: Bool) throws -> GrantMoneyRecord {
        GrantMoneyRecord(key: try row.string("key"), frame: frame ? try row.moneyIfPresent("frame_ore") : nil,
                         grants: try row.int("grants"), granted: try row.money("granted_ore"),
                         planned: try row.money("planned_ore"), paid: try row.money("paid_ore"),
                         clawedBack: try row.money("clawed_back_ore"), repaid: try row.money("repaid_ore"),
                         net: try row.money("net_ore"), unused: try row.money("unused_ore"))
    }

    /// A closed grant's settlement; nil while the grant is not closed.
    public static func settlement(_ reference: ApplicationReference, session: Session) throws(TilskotError) -> GrantSettlementRecord? {
        try session.followUpRead {
            try session.connection.queryRow("""
                SELECT a.reference, s.granted_ore, s.paid_ore, s.withheld_ore, s.released_ore, s.clawed_back_ore,
                       s.repaid_ore, s.net_used_ore, s.unused_ore, s.settled_by, s.settled_at
                  FROM tilskot.grant_settlement s JOIN tilskot.application a ON a.id = s.application_id
                 WHERE a.reference = $1
                """, [reference.description]).map { row in
                    GrantSettlementRecord(
                        reference: try row.string("reference"), granted: try row.money("granted_ore"),
                        paid: try row.money("paid_ore"), withheld: try row.money("withheld_ore"),
                        released: try row.money("released_ore"), clawedBack: try row.money("clawed_back_ore"),
                        repaid: try row.money("repaid_ore"), netUsed: try row.money("net_used_ore"),
                        unused: try row.money("unused_ore"), settledBy: try row.string("settled_by"),
                        settledAt: try row.timestamp("settled_at"))
                }
        }
    }
}
