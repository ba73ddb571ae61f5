import PGClient
import TilskotCore
import TilskotStore

/// `report followup --year Y`: per round, the money after the decision — planned, paid, clawed back,
/// repaid, net — and the recipients' reports: required, approved, awaiting review, due, overdue.
///
/// Built on the follow-up module (issue 5): the view tilskot.grant_money (one row per current grant)
/// and the tables report_duty and recipient_report. A database without them (migrations 0010–0015
/// not applied) gets a sentence saying so instead of a report.
public enum FollowupQuery {
    public static let sql = """
        SELECT s.code AS scheme, r.year, r.frame_ore,
               count(g.application_id) AS grants,
               coalesce(sum(g.granted_ore), 0) AS granted_ore,
               coalesce(sum(g.planned_ore), 0) AS planned_ore,
               coalesce(sum(g.paid_ore), 0) AS paid_ore,
               coalesce(sum(g.clawed_back_ore), 0) AS clawed_back_ore,
               coalesce(sum(g.repaid_ore), 0) AS repaid_ore,
               coalesce(sum(g.net_ore), 0) AS net_ore,
               count(*) FILTER (WHERE g.clawed_back_ore > 0) AS clawbacks,
               count(rd.id) AS reports_required,
               count(rd.id) FILTER (WHERE rep.status = 'approved') AS reports_approved,
               count(rd.id) FILTER (WHERE rep.status = 'received') AS reports_awaiting_review,
               count(rd.id) FILTER (WHERE rep.status IS NULL AND rd.due_date >= current_date) AS reports_due,
               count(rd.id) FILTER (WHERE rep.status IS NULL AND rd.due_date < current_date) AS reports_overdue
        FROM tilskot.round r
        JOIN tilskot.scheme s ON s.id = r.scheme_id
        LEFT JOIN tilskot.grant_money g ON g.round_id = r.id
        LEFT JOIN tilskot.report_duty rd ON rd.application_id = g.application_id AND rd.is_current
        LEFT JOIN LATERAL (SELECT rr.status FROM tilskot.recipient_report rr
                           WHERE rr.application_id = g.application_id AND rr.status IN ('received', 'approved')
                           ORDER BY rr.status = 'approved' DESC LIMIT 1) rep ON true
        WHERE r.year = $1
        GROUP BY r.id, s.code
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
        try ReportReader.read(session) { c in
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
                    netOre: try row.int64("net_ore"), clawbacks: try row.int("clawbacks"),
                    reportsRequired: try row.int("reports_required"), reportsApproved: try row.int("reports_approved"),
                    reportsAwaitingReview: try row.int("reports_awaiting_review"), reportsDue: try row.int("reports_due"),
                    reportsOverdue: try row.int("reports_overdue"))
            }
            return (rows, try BasisQuery.fetch(.year(year), division: nil, c))
        }
    }
}
