import Foundation
import PGClient
import TilskotCore
import TilskotStore

/// `export 360giving --year Y`: one row per grant in force decided in the year's rounds (granted or
/// partially granted, also when in follow-up or closed), with the recipient, its municipality in the
/// county division of the year, and — where the follow-up module exists — what has been paid out.
public enum Giving360Query {
    static func sql(withPayments: Bool) -> String {
        """
        SELECT a.reference, a.title, s.code AS scheme, s.name AS scheme_name, s.goal, r.year,
               a.amount_applied_ore, d.amount_ore AS granted_ore, d.decision_date,
               to_char(greatest(a.created_at, d.decided_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS modified,
               o.orgnr, o.name AS organisation,
               CASE WHEN r.year < 2024 THEN m.code_2020 ELSE m.code_2024 END AS municipality,
               CASE WHEN r.year < 2024 THEN m.name_2020 ELSE m.name_2024 END AS municipality_name,
               CASE WHEN r.year < 2024 THEN m.county_name_2020 ELSE m.county_name_2024 END AS county_name,
               \(withPayments ? "gm.paid_ore" : "NULL::bigint AS paid_ore")
        FROM tilskot.round r
        JOIN tilskot.scheme s ON s.id = r.scheme_id
        JOIN tilskot.application a ON a.round_id = r.id
        JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
                               AND d.outcome IN ('granted', 'partially_granted')
        JOIN tilskot.organisation o ON o.id = a.organisation_id
        LEFT JOIN tilskot.municipality_ref m ON m.code = o.municipality
        \(withPayments ? "LEFT JOIN tilskot.grant_money gm ON gm.application_id = a.id" : "")
        WHERE r.year = $1
        ORDER BY a.reference
        """
    }

    public struct Grant: Sendable, Equatable {
        public var reference: String
        public var title: String
        public var scheme: String
        public var schemeName: String
        public var schemeGoal: String?
        public var year: Int
        public var appliedOre: Int64
        public var grantedOre: Int64
        public var awardDate: String
        public var modified: String
        public var orgnr: String
        public var organisation: String
        public var municipality: String?
        public var municipalityName: String?
        public var countyName: String?
        /// Paid out so far; nil where the follow-up module is not in the database.
        public var paidOre: Int64?
    }

    /// The year's grants, a batch at a time, in reference order: a cursor in one read-only snapshot,
    /// so a year of hundreds of thousands of grants never sits in memory at once. `body` gets each
    /// batch (never an empty one); it is not called at all when the year has no grants.
    public static func stream(year: Int, session: Session, batchSize: Int = 2_000,
                              _ body: ([Grant]) throws -> Void) throws(TilskotError) {
        precondition(batchSize > 0, "a batch holds at least one grant")
        try ReportReader.read(session) { c in
            // The follow-up module (issue 5) provides tilskot.grant_money; without it there are no
            // payments to report, and the export says nothing about disbursement.
            let hasPayments = try c.queryValue("SELECT to_regclass('tilskot.grant_money') IS NOT NULL", as: Bool.self) ?? false
            // Every row will be read: plan for the whole result, not for the first rows (a cursor's default).
            try c.execute("SET LOCAL cursor_tuple_fraction = 1")
            try c.execute("DECLARE giving360_grants NO SCROLL CURSOR FOR " + sql(withPayments: hasPayments), [year])
            while true {
                let rows = try c.query("FETCH FORWARD \(batchSize) FROM giving360_grants")
                if rows.isEmpty { break }
                try body(try rows.map(grant))
            }
            try c.execute("CLOSE giving360_grants")
        }
    }

    /// Every grant of the year at once (the tests and small years); the export streams instead.
    public static func fetch(year: Int, session: Session) throws(TilskotError) -> [Grant] {
        var grants: [Grant] = []
        try stream(year: year, session: session) { grants += $0 }
        return grants
    }

    static func grant(_ row: Row) throws -> Grant {
        Grant(reference: try row.string("reference"), title: try row.string("title"), scheme: try row.string("scheme"),
              schemeName: try row.string("scheme_name"), schemeGoal: row["goal"], year: try row.int("year"),
              appliedOre: try row.int64("amount_applied_ore"), grantedOre: try row.int64("granted_ore"),
              awardDate: try row.string("decision_date"), modified: try row.string("modified"),
              orgnr: try row.string("orgnr"), organisation: try row.string("organisation"),
              municipality: row["municipality"], municipalityName: row["municipality_name"],
              countyName: row["county_name"], paidOre: try row.decodeIfPresent("paid_ore", as: Int64.self))
    }
}
