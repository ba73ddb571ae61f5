import PGClient
import TilskotCore
import TilskotStore

/// `report followup --year Y`: per round, the money after the decision — planned, paid, clawed back,
/// repaid, net (what the grants are used for: a closed grant's settlement counts what was paid less
/// what was repaid, so instalments withheld and never paid do not count; SQL/schema/12_closing.sql),
/// unused (what closed grants left of the decided sum) — and the recipients' reports: required, approved, awaiting review, due, overdue.
///
/// Built on the follow-up module (issue 5), with the definitions of its view tilskot.grant_money (one
/// row per current grant) and the tables report_duty and recipient_report, but read from the
/// summaries kept with every change: the grants and the sum granted from application_tally,
/// the money after the decision and the reports from followup_tally (both SQL/schema/14_report_summaries.sql), whose open reports are
/// split into due and overdue by their due date here, because that depends on the day. A database
/// without the follow-up module gets a sentence saying so instead of a report.
public enum FollowupQuery {
    public static let sql = """
        SELECT s.code AS scheme, r.year, r.frame_ore,
               coalesce(g.grants, 0) AS grants,
               coalesce(g.granted_ore, 0) AS granted_ore,
               coalesce(f.planned_ore, 0) AS planned_ore,
               coalesce(f.paid_ore, 0) AS paid_ore,
               coalesce(f.clawed_back_ore, 0) AS clawed_back_ore,
               coalesce(f.repaid_ore, 0) AS repaid_ore,
               coalesce(g.granted_ore, 0) - coalesce(f.clawed_back_ore, 0) - coalesce(f.unused_ore, 0) AS net_ore,
               coalesce(f.unused_ore, 0) AS unused_ore,
               coalesce(f.clawbacks, 0) AS clawbacks,
               coalesce(f.reports_required, 0) AS reports_required,
               coalesce(f.reports_approved, 0) AS reports_approved,
               coalesce(f.reports_awaiting_review, 0) AS reports_awaiting_review,
               coalesce(f.reports_due, 0) AS reports_due,
               coalesce(f.reports_overdue, 0) AS reports_overdue
        FROM tilskot.round r
        JOIN tilskot.scheme s ON s.id = r.scheme_id
        LEFT JOIN LATERAL (SELECT sum(t.granted + t.partially_granted) AS grants, sum(t.granted_ore) AS granted_ore
                           FROM tilskot.application_tally t WHERE t.round_id = r.id) g ON true
        LEFT JOIN LATERAL (SELECT sum(f.planned_ore) AS planned_ore, sum(f.paid_ore) AS paid_ore,
                                  sum(f.clawed_back_ore) AS clawed_back_ore, sum(f.repaid_ore) AS repaid_ore,
                                  sum(f.unused_ore) AS unused_ore, sum(f.clawbacks) AS clawbacks, sum(f.reports_required) AS reports_required,
                                  sum(f.reports_approved) AS reports_approved,
                                  sum(f.reports_awaiting_review) AS reports_awaiting_review,
                                  sum(f.reports_open) FILTER (WHERE f.due_date >= tilskot.today()) AS reports_due,
                                  sum(f.reports_open) FILTER (WHERE f.due_date < tilskot.today()) AS reports_overdue
                           FROM tilskot.followup_tally f WHERE f.round_id = r.id) f ON true
        WHERE r.year = $1
        ORDER BY s.code
        """

    public struct Row: Sendable, Equatable {
        public var scheme: String
        public var year: Int
        public var frameOre: Int64
        public var grants: Int
        public var grantedOre: Int64
        public var plannedOre: Int64
        public var paidOre: Int64
        public var clawedBackOre: Int64
        public var repaidOre: Int64
        public var netOre: Int64
        /// What closed grants left unused of what was decided (granted − clawed back − net used).
        public var unusedOre: Int64
        public var clawbacks: Int
        public var reportsRequired: Int
        public var reportsApproved: Int
        public var reportsAwaitingReview: Int
        public var reportsDue: Int
        public var reportsOverdue: Int
    }

    /// Whether the database has the follow-up module this report reads.
    public static let missingModule = "the follow-up report needs the follow-up module (payments, recipient reports, claw-backs: migrations 0010–0015 with the view tilskot.grant_money), which this database does not have; run `tilskot migrate` with a tilskot that includes it"

    public static func fetch(year: Int, session: Session) throws(TilskotError) -> (rows: [Row], basis: ReportBasis) {
        try ReportReader.readRows(session) { c in
            let result: [PGClient.Row]
            do {
                result = try c.query(sql, [year])
            } catch let error as PGError where error.sqlState == "42P01" {
                throw TilskotError.refused(missingModule)
            }
            let rows = try result.map { row in
                Row(scheme: try row.string("scheme"), year: try row.int("year"), frameOre: try row.int64("frame_ore"),
                    grants: try row.int("grants"), grantedOre: try row.int64("granted_ore"),
                    plannedOre: try row.int64("planned_ore"), paidOre: try row.int64("paid_ore"),
                    clawedBackOre: try row.int64("clawed_back_ore"), repaidOre: try row.int64("repaid_ore"),
                    netOre: try row.int64("net_ore"), unusedOre: try row.int64("unused_ore"), clawbacks: try row.int("clawbacks"),
                    reportsRequired: try row.int("reports_required"), reportsApproved: try row.int("reports_approved"),
                    reportsAwaitingReview: try row.int("reports_awaiting_review"), reportsDue: try row.int("reports_due"),
                    reportsOverdue: try row.int("reports_overdue"))
            }
            return (rows, try BasisQuery.fetch(.year(year), division: nil, c))
        }
    }
}
