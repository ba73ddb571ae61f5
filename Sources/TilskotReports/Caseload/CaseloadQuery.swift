import PGClient
import TilskotCore
import TilskotStore

/// `report caseload [--year Y]`: per caseworker and status, how many cases, the median days from
/// received to the first decision, and appeals with their outcome; plus one `all` row per caseworker.
///
/// A case belongs to the caseworker of its latest assignment, else to the author of its assessment in
/// force, else to "(unassigned)". The lateral subqueries run per application inside this one
/// statement (index scans on assignment_latest_idx, decision_application_order_idx and
/// appeal_application_idx), not as one round trip per row.
public enum CaseloadQuery {
    public static let sql = """
        WITH cases AS (
            SELECT a.status, a.received,
                   coalesce(g.caseworker, asm.assessor, '(unassigned)') AS caseworker,
                   fd.decision_date - a.received AS days_to_decision,
                   coalesce(ap.appeals, 0) AS appeals, coalesce(ap.upheld, 0) AS upheld,
                   coalesce(ap.changed, 0) AS changed, coalesce(ap.pending, 0) AS pending_appeals
            FROM tilskot.application a
            JOIN tilskot.round r ON r.id = a.round_id
            LEFT JOIN LATERAL (SELECT caseworker FROM tilskot.assignment g
                               WHERE g.application_id = a.id ORDER BY g.id DESC LIMIT 1) g ON true
            LEFT JOIN tilskot.assessment asm ON asm.application_id = a.id AND asm.is_current
            LEFT JOIN LATERAL (SELECT decision_date FROM tilskot.decision d
                               WHERE d.application_id = a.id ORDER BY d.id LIMIT 1) fd ON true
            LEFT JOIN LATERAL (SELECT count(*) AS appeals,
                                      count(*) FILTER (WHERE p.outcome = 'upheld') AS upheld,
                                      count(*) FILTER (WHERE p.outcome = 'changed') AS changed,
                                      count(*) FILTER (WHERE p.outcome IS NULL) AS pending
                               FROM tilskot.appeal p WHERE p.application_id = a.id) ap ON true
            WHERE ($1::int IS NULL OR r.year = $1)
        )
        SELECT caseworker, CASE WHEN GROUPING(status) = 1 THEN 'all' ELSE status END AS status,
               count(*) AS applications,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_decision) AS median_days_to_decision,
               count(days_to_decision) AS decided,
               sum(appeals) AS appeals, sum(upheld) AS appeals_upheld, sum(changed) AS appeals_changed,
               sum(pending_appeals) AS appeals_pending
        FROM cases
        GROUP BY GROUPING SETS ((caseworker, status), (caseworker))
        ORDER BY caseworker, GROUPING(status), status
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
        try ReportReader.read(session) { c in
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
