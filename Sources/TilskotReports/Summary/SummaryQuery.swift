import PGClient
import TilskotStore

/// `report summary --year Y`: per round of the year, its frame, applications by outcome, the amount
/// requested and granted (decided), and beside it the net: what the grants are actually used for
/// (granted − clawed back, with closed grants at their settlement's paid − repaid, so an instalment
/// withheld and never paid is not counted; SQL/schema/12_closing.sql), from the follow-up tally. One query over the year's rounds and their rows in the application tally
/// (SQL/schema/14_report_summaries.sql), which the database keeps in the same transaction as
/// every registration and decision, so the report costs the same at a million applications.
///
/// Outcomes count the decision in force, so an application in follow-up or closed counts as granted,
/// and one under appeal counts under the decision it appealed (and also as `appealed`). `pending` is
/// received, in review or assessed. granted + partially_granted + rejected + dismissed + withdrawn +
/// pending = applications.
public enum SummaryQuery {
    /// A round's figures summed from its rows in the application tally (aliased `t`), the same for
    /// this report and the equality section.
    static let roundFigures = """
        coalesce(sum(t.applications), 0)::bigint AS applications,
        coalesce(sum(t.granted), 0)::bigint AS granted,
        coalesce(sum(t.partially_granted), 0)::bigint AS partially_granted,
        coalesce(sum(t.rejected), 0)::bigint AS rejected,
        coalesce(sum(t.dismissed), 0)::bigint AS dismissed,
        coalesce(sum(t.withdrawn), 0)::bigint AS withdrawn,
        coalesce(sum(t.pending), 0)::bigint AS pending,
        coalesce(sum(t.requested_ore), 0)::bigint AS requested_ore,
        coalesce(sum(t.granted_ore), 0)::bigint AS granted_ore
        """

    public static let sql = """
        SELECT s.code AS scheme, s.name AS scheme_name, r.year,
               r.initial_frame_ore, r.frame_ore,
               \(roundFigures),
               coalesce(sum(t.appealed), 0)::bigint AS appealed,
               -- Decided but not used: claw-backs in force and what closed grants left (the round's
               -- rows of the follow-up tally, SQL/schema/14_report_summaries.sql).
               coalesce((SELECT sum(f.clawed_back_ore + f.unused_ore) FROM tilskot.followup_tally f
                          WHERE f.round_id = r.id), 0)::bigint AS not_used_ore
        FROM tilskot.round r
        JOIN tilskot.scheme s ON s.id = r.scheme_id
        LEFT JOIN tilskot.application_tally t ON t.round_id = r.id
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
        /// Of the amount granted, what is not used: claw-backs in force and what closed grants left.
        public var notUsedOre: Int64 = 0

        /// What the grants are used for: granted − clawed back, closed grants at their settlement.
        public var netOre: Int64 { grantedOre - notUsedOre }
        public var remainingOre: Int64 { frameOre - grantedOre }
        /// Share of the frame granted, in per cent; nil for a frame of 0.
        public var frameUsedPercent: Double? {
            frameOre == 0 ? nil : (Double(grantedOre) * 1000 / Double(frameOre)).rounded() / 10
        }
    }

    public static func fetch(year: Int, session: Session) throws(TilskotError) -> (rows: [Row], basis: ReportBasis) {
        try ReportReader.readRows(session) { c in
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
            grantedOre: try row.int64("granted_ore"), notUsedOre: try row.int64("not_used_ore"))
    }
}
