import PGClient
import TilskotCore
import TilskotStore

/// `report caseload [--year Y]`: per caseworker and status, how many cases, the median days from
/// received to the first decision, and appeals with their outcome; plus one `all` row per caseworker.
///
/// A case belongs to the caseworker of its latest assignment, else to the author of its assessment in
/// force, else to "(unassigned)".
///
/// Read from tilskot.caseload_tally (SQL/schema/14_report_summaries.sql), kept with every change: per round,
/// caseworker, status and days to the first decision, how many cases and their appeals. A median
/// does not add up, so it is read off the histogram: with n decided cases ordered by days, the
/// values at positions ⌊(n−1)/2⌋ and ⌈(n−1)/2⌉ (0-based, found by the cumulative counts) and
/// interpolated as percentile_cont(0.5) does, to the same float.
public enum CaseloadQuery {
    public static let sql = """
        WITH cases AS (
            SELECT t.caseworker, t.status, t.decided, t.days_to_decision, t.applications,
                   t.appeals, t.appeals_upheld, t.appeals_changed, t.appeals_pending
            FROM tilskot.round r
            JOIN tilskot.caseload_tally t ON t.round_id = r.id
            WHERE ($1::int IS NULL OR r.year = $1) AND t.applications <> 0
        ),
        groups AS (
            SELECT caseworker, status, GROUPING(status) = 1 AS total,
                   sum(applications) AS applications,
                   coalesce(sum(applications) FILTER (WHERE decided), 0) AS decided,
                   sum(appeals) AS appeals, sum(appeals_upheld) AS appeals_upheld,
                   sum(appeals_changed) AS appeals_changed, sum(appeals_pending) AS appeals_pending
            FROM cases
            GROUP BY GROUPING SETS ((caseworker, status), (caseworker))
        ),
        days AS (
            SELECT caseworker, status, false AS total, days_to_decision AS days, sum(applications) AS n
            FROM cases WHERE decided GROUP BY 1, 2, 4
            UNION ALL
            SELECT caseworker, NULL, true, days_to_decision, sum(applications)
            FROM cases WHERE decided GROUP BY 1, 4
        ),
        ranked AS (
            SELECT caseworker, status, total, days,
                   sum(n) OVER (PARTITION BY caseworker, status, total ORDER BY days) AS upto,
                   sum(n) OVER (PARTITION BY caseworker, status, total) AS count,
                   0.5::float8 * (sum(n) OVER (PARTITION BY caseworker, status, total) - 1)::float8 AS position
            FROM days
        ),
        medians AS (
            SELECT caseworker, status, total,
                   min(days) FILTER (WHERE upto > floor(position)) AS low,
                   min(days) FILTER (WHERE upto > ceil(position)) AS high,
                   min(position) - floor(min(position)) AS fraction
            FROM ranked
            GROUP BY 1, 2, 3
        )
        SELECT g.caseworker, CASE WHEN g.total THEN 'all' ELSE g.status END AS status,
               g.applications,
               m.low::float8 + (m.high::float8 - m.low::float8) * m.fraction AS median_days_to_decision,
               g.decided, g.appeals, g.appeals_upheld, g.appeals_changed, g.appeals_pending
        FROM groups g
        LEFT JOIN medians m ON m.caseworker = g.caseworker AND m.total = g.total
                           AND m.status IS NOT DISTINCT FROM g.status
        ORDER BY g.caseworker, g.total, g.status
        """

    public struct Row: Sendable, Equatable {
        public var caseworker: String
        /// An application status, or "all" for the caseworker's total.
        public var status: String
        public var applications: Int
        public var medianDaysToDecision: Double?
        public var decided: Int
        public var appeals: Int
        public var appealsUpheld: Int
        public var appealsChanged: Int
        public var appealsPending: Int
    }

    public static func fetch(year: Int?, session: Session) throws(TilskotError) -> (rows: [Row], basis: ReportBasis) {
        try ReportReader.readRows(session) { c in
            let rows = try c.query(sql, [year]).map { row in
                Row(caseworker: try row.string("caseworker"), status: try row.string("status"),
                    applications: try row.int("applications"),
                    medianDaysToDecision: try row.decodeIfPresent("median_days_to_decision", as: Double.self),
                    decided: try row.int("decided"), appeals: try row.int("appeals"),
                    appealsUpheld: try row.int("appeals_upheld"), appealsChanged: try row.int("appeals_changed"),
                    appealsPending: try row.int("appeals_pending"))
            }
            return (rows, try BasisQuery.fetch(year.map(RoundSelection.year) ?? .all, division: nil, c))
        }
    }
}
