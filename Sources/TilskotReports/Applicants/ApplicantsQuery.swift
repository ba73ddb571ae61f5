import PGClient
import TilskotCore
import TilskotStore

/// `report applicants --year Y`: per scheme, applicant kind and — for voluntary and other
/// organisations — how they are governed: member-based, with an external board, both or neither.
/// The resource-centre scheme requires an organisation that is not member-based to have an external
/// board on which people with immigrant background are represented; `neither` rows with grants show
/// where that needs checking.
public enum ApplicantsQuery {
    /// Read from the summaries kept with every change (SQL/schema/14_report_summaries.sql), not from the
    /// applications: application_tally gives the applications, grants and sums per round and applicant
    /// profile, applicant_tally how many organisations of each profile applied in each round. A round
    /// is one scheme-year, so a scheme's rounds of the year have no applicant counted twice.
    public static let sql = """
        WITH profiles AS (
            SELECT r.scheme_id, t.kind,
                   CASE WHEN t.kind NOT IN ('voluntary', 'other') THEN ''
                        WHEN t.member_based AND t.external_board THEN 'member_based_and_external_board'
                        WHEN t.member_based THEN 'member_based'
                        WHEN t.external_board THEN 'external_board'
                        ELSE 'neither' END AS governance,
                   sum(t.applications) AS applications,
                   sum(t.granted + t.partially_granted) AS grants,
                   sum(t.requested_ore) AS requested_ore,
                   sum(t.granted_ore) AS granted_ore
            FROM tilskot.round r
            JOIN tilskot.application_tally t ON t.round_id = r.id
            WHERE r.year = $1
            GROUP BY 1, 2, 3
            HAVING sum(t.applications) > 0),
        applicants AS (
            SELECT r.scheme_id, k.kind,
                   CASE WHEN k.kind NOT IN ('voluntary', 'other') THEN ''
                        WHEN k.member_based AND k.external_board THEN 'member_based_and_external_board'
                        WHEN k.member_based THEN 'member_based'
                        WHEN k.external_board THEN 'external_board'
                        ELSE 'neither' END AS governance,
                   sum(k.organisations) AS organisations
            FROM tilskot.round r
            JOIN tilskot.applicant_tally k ON k.round_id = r.id
            WHERE r.year = $1
            GROUP BY 1, 2, 3)
        SELECT s.code AS scheme, p.kind, p.governance,
               coalesce(o.organisations, 0) AS organisations,
               p.applications, p.grants, p.requested_ore, p.granted_ore
        FROM profiles p
        JOIN tilskot.scheme s ON s.id = p.scheme_id
        LEFT JOIN applicants o ON o.scheme_id = p.scheme_id AND o.kind = p.kind AND o.governance = p.governance
        ORDER BY s.code, p.kind, p.governance
        """

    public struct Row: Sendable, Equatable {
        public var scheme: String
        public var kind: String
        /// Empty for municipalities, counties and businesses.
        public var governance: String
        public var organisations: Int
        public var applications: Int
        public var grants: Int
        public var requestedOre: Int64
        public var grantedOre: Int64
    }

    public static func fetch(year: Int, session: Session) throws(TilskotError) -> (rows: [Row], basis: ReportBasis) {
        try ReportReader.readRows(session) { c in
            let rows = try c.query(sql, [year]).map { row in
                Row(scheme: try row.string("scheme"), kind: try row.string("kind"), governance: try row.string("governance"),
                    organisations: try row.int("organisations"), applications: try row.int("applications"),
                    grants: try row.int("grants"), requestedOre: try row.int64("requested_ore"),
                    grantedOre: try row.int64("granted_ore"))
            }
            return (rows, try BasisQuery.fetch(.year(year), division: nil, c))
        }
    }
}
