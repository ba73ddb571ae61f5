import Foundation
import PGClient
import TilskotCore
import TilskotStore

/// The figures of the equality-report section ("Tilskotsordningar") for one year, in one query: every
/// round of the year with its scheme's goal and target group, frame adjustments and outcomes, and the
/// grants per county, as two JSON arrays beside the clock and the last audited change.
public enum EqualityQuery {
    public static let sql = """
        SELECT now() AS read_at,
               (SELECT max(at) FROM tilskot.audit_log) AS last_change,
               coalesce((SELECT json_agg(x ORDER BY x.frame_ore DESC, x.scheme) FROM (
                   SELECT s.code AS scheme, s.name, s.goal, s.target_group, r.year,
                          r.initial_frame_ore, r.frame_ore,
                          (SELECT coalesce(json_agg(json_build_object('amount_ore', f.amount_ore, 'reason', f.reason)
                                                    ORDER BY f.id), '[]'::json)
                             FROM tilskot.frame_adjustment f WHERE f.round_id = r.id) AS adjustments,
                          \(SummaryQuery.roundFigures)
                   -- From the application tally (0032), kept with every change: the same counts as the
                   -- rows (ReportSummaryTallyTests compares this query with the plain one it replaced).
                   FROM tilskot.round r
                   JOIN tilskot.scheme s ON s.id = r.scheme_id
                   LEFT JOIN tilskot.application_tally t ON t.round_id = r.id
                   WHERE r.year = $1
                   GROUP BY r.id, s.id) x), '[]'::json) AS rounds,
               coalesce((SELECT json_agg(c ORDER BY c.code IS NULL, c.code) FROM (
                   SELECT CASE WHEN $2 = '2024' THEN m.county_code_2024 ELSE m.county_code_2020 END AS code,
                          CASE WHEN $2 = '2024' THEN m.county_name_2024 ELSE m.county_name_2020 END AS name,
                          sum(t.applications)::bigint AS applications,
                          sum(t.granted + t.partially_granted)::bigint AS grants,
                          coalesce(sum(t.granted_ore), 0)::bigint AS granted_ore
                   FROM tilskot.round r
                   JOIN tilskot.application_tally t ON t.round_id = r.id AND t.applications <> 0
                   LEFT JOIN tilskot.municipality_ref m ON m.code = nullif(t.municipality, '')
                   WHERE r.year = $1
                   GROUP BY 1, 2) c), '[]'::json) AS counties,
               -- The budget changes of the year's rounds with their net after corrections (kind, date and
               -- corrects_id: 0025_frame_adjustment_kind_and_date.sql); those corrected to 0 were never
               -- budget changes and are left out. The text narrates these, not the corrections.
               coalesce((SELECT json_agg(b ORDER BY b.id) FROM (
                   SELECT f.id, s.code AS scheme, r.year, f.reason, f.decided,
                          f.amount_ore + coalesce((SELECT sum(k.amount_ore) FROM tilskot.frame_adjustment k
                                                    WHERE k.corrects_id = f.id), 0) AS amount_ore
                   FROM tilskot.frame_adjustment f
                   JOIN tilskot.round r ON r.id = f.round_id
                   JOIN tilskot.scheme s ON s.id = r.scheme_id
                   WHERE r.year = $1 AND f.kind = 'budget') b WHERE b.amount_ore <> 0), '[]'::json) AS budget_changes
        """

    public struct Adjustment: Decodable, Sendable, Equatable {
        public var amountOre: Int64
        public var reason: String
        enum CodingKeys: String, CodingKey { case amountOre = "amount_ore", reason }
    }

    /// A budget change of a round with its net after corrections (never 0), and its decision date.
    struct BudgetChange: Decodable {
        var scheme: String
        var year: Int
        var amountOre: Int64
        var reason: String
        var decided: String
        enum CodingKeys: String, CodingKey { case scheme, year, reason, decided, amountOre = "amount_ore" }
    }

    /// One round of the year: the scheme's purpose and the round's figures.
    public struct SchemeFigures: Decodable, Sendable, Equatable {
        public var scheme: String
        public var name: String
        public var goal: String?
        public var targetGroup: String?
        public var year: Int
        public var initialFrameOre: Int64
        public var frameOre: Int64
        /// Every adjustment as registered, corrections included (the tally comparison reads these).
        public var adjustments: [Adjustment]
        /// The budget changes with their net after corrections, as the text narrates them; nil when
        /// not read, and then `adjustments` are taken as budget changes.
        public var budgetChanges: [Adjustment]? = nil
        public var applications: Int
        public var granted: Int
        public var partiallyGranted: Int
        public var rejected: Int
        public var dismissed: Int
        public var withdrawn: Int
        public var pending: Int
        public var requestedOre: Int64
        public var grantedOre: Int64

        enum CodingKeys: String, CodingKey {
            case scheme, name, goal, year, adjustments, applications, granted, rejected, dismissed, withdrawn, pending
            case targetGroup = "target_group", initialFrameOre = "initial_frame_ore", frameOre = "frame_ore"
            case partiallyGranted = "partially_granted", requestedOre = "requested_ore", grantedOre = "granted_ore"
        }
    }

    public struct CountyFigures: Decodable, Sendable, Equatable {
        /// Nil for applicants without a known municipality.
        public var code: String?
        public var name: String?
        public var applications: Int
        public var grants: Int
        public var grantedOre: Int64
        enum CodingKeys: String, CodingKey { case code, name, applications, grants, grantedOre = "granted_ore" }
    }

    public struct Figures: Sendable, Equatable {
        public var year: Int
        public var schemes: [SchemeFigures]
        public var counties: [CountyFigures]
        public var basis: ReportBasis
    }

    public static func fetch(year: Int, division: CountyDivision? = nil, session: Session) throws(TilskotError) -> Figures {
        let division = division ?? CountyDivision.inForce(year: year) ?? .division2020
        return try ReportReader.read(session) { c in
            guard let row = try c.queryRow(sql, [year, division.rawValue]) else {
                throw TilskotError.refused("the equality-report figures for \(year) could not be read")
            }
            let decoder = JSONDecoder()
            var schemes = try decoder.decode([SchemeFigures].self, from: Data(try row.string("rounds").utf8))
            let changes = try decoder.decode([BudgetChange].self, from: Data(try row.string("budget_changes").utf8))
            for i in schemes.indices {
                schemes[i].budgetChanges = changes.filter { $0.scheme == schemes[i].scheme && $0.year == schemes[i].year }
                    .map { Adjustment(amountOre: $0.amountOre, reason: $0.reason) }
            }
            let counties = try decoder.decode([CountyFigures].self, from: Data(try row.string("counties").utf8))
            let basis = ReportBasis(readAt: try row.decode("read_at", as: Date.self),
                                    lastChange: try row.decodeIfPresent("last_change", as: Date.self),
                                    rounds: schemes.map { "\($0.scheme)/\($0.year)" }, division: division)
            return Figures(year: year, schemes: schemes, counties: counties, basis: basis)
        }
    }
}
