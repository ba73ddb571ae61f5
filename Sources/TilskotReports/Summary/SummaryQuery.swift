import PGClient
import TilskotStore

/// `report summary --year Y`: per round of the year, its frame, applications by outcome, the amount
/// requested and granted. One query over the year's rounds, their applications (by round_id) and each
/// application's decision in force; see SQL/migrations/0020_report_indexes.sql.
///
/// Outcomes count the decision in force, so an application in follow-up or closed counts as granted,
/// and one under appeal counts under the decision it appealed (and also as `appealed`). `pending` is
/// received, in review or assessed. granted + partially_granted + rejected + dismissed + withdrawn +
/// pending = applications.
public enum SummaryQuery {
    public static let sql = """
        SELECT s.code AS scheme, s.name AS scheme_name, r.year,
               r.initial_frame_ore, r.frame_ore,
               count(a.id) AS applications,
               count(*) FILTER (WHERE d.outcome = 'granted') AS granted,
               count(*) FILTER (WHERE d.outcome = 'partially_granted') AS partially_granted,
               count(*) FILTER (WHERE d.outcome = 'rejected') AS rejected,
               count(*) FILTER (WHERE d.outcome = 'dismissed') AS dismissed,
               count(*) FILTER (WHERE a.status = 'withdrawn') AS withdrawn,
               count(*) FILTER (WHERE a.status IN ('received', 'in_review', 'assessed')) AS pending,
               count(*) FILTER (WHERE a.status = 'appealed') AS appealed,
               coalesce(sum(a.amount_applied_ore), 0) AS requested_ore,
               coalesce(sum(d.amount_ore) FILTER (WHERE d.outcome IN ('granted', 'partially_granted')), 0) AS granted_ore
        FROM tilskot.round r
        JOIN tilskot.scheme s ON s.id = r.scheme_id
        LEFT JOIN tilskot.application a ON a.round_id = r.id
        LEFT JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
        WHERE r.year = $1
        GROUP BY r.id, s.code, s.name
        ORDER BY s.code
        """

    public struct Row: Sendable, Equatable {
        public var scheme: String
        public var schemeName: String
        public var year: Int
        public var initialFrameOre: Int64
        public var frameOre: Int64
        public var applications: Int
        public var granted: Int
        public var partiallyGranted: Int
        public var rejected: Int
        public var dismissed: Int
        public var withdrawn: Int
        public var pending: Int
        public var appealed: Int
        public var requestedOre: Int64
        public var grantedOre: Int64

        public var remainingOre: Int64 { frameOre - grantedOre }
        /// Share of the frame granted, in per cent; nil for a frame of 0.
        public var frameUsedPercent: Double? {
            frameOre == 0 ? nil : (Double(grantedOre) * 1000 / Double(frameOre)).rounded() / 10
        }
    }

    public static func fetch(year: Int, session: Session) throws(TilskotError) -> (rows: [Row], basis: ReportBasis) {
        try ReportReader.read(session) { c in
            let rows = try c.query(sql, [year]).map(decode)
            return (rows, try BasisQuery.fetch(.year(year), division: nil, c))
        }
    }

    static func decode(_ row: PGClient.Row) throws -> Row {
        Row(scheme: try row.string("scheme"), schemeName: try row.string("scheme_name"), year: try row.int("year"),
            initialFrameOre: try row.int64("initial_frame_ore"), frameOre: try row.int64("frame_ore"),
            applications: try row.int("applications"), granted: try row.int("granted"),
            partiallyGranted: try row.int("partially_granted"), rejected: try row.int("rejected"),
            dismissed: try row.int("dismissed"), withdrawn: try row.int("withdrawn"), pending: try row.int("pending"),
            appealed: try row.int("appealed"), requestedOre: try row.int64("requested_ore"),
            grantedOre: try row.int64("granted_ore"))
    }
}
