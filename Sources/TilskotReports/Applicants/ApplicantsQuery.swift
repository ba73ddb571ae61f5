import PGClient
import TilskotCore
import TilskotStore

/// `report applicants --year Y`: per scheme, applicant kind and — for voluntary and other
/// organisations — how they are governed: member-based, with an external board, both or neither.
/// The resource-centre scheme requires an organisation that is not member-based to have an external
/// board on which people with immigrant background are represented; `neither` rows with grants show
/// where that needs checking.
public enum ApplicantsQuery {
    public static let sql = """
        SELECT s.code AS scheme, o.kind,
               CASE WHEN o.kind NOT IN ('voluntary', 'other') THEN ''
                    WHEN o.member_based AND o.external_board THEN 'member_based_and_external_board'
                    WHEN o.member_based THEN 'member_based'
                    WHEN o.external_board THEN 'external_board'
                    ELSE 'neither' END AS governance,
               count(DISTINCT o.id) AS organisations,
               count(*) AS applications,
               count(*) FILTER (WHERE d.outcome IN ('granted', 'partially_granted')) AS grants,
               sum(a.amount_applied_ore) AS requested_ore,
               coalesce(sum(d.amount_ore) FILTER (WHERE d.outcome IN ('granted', 'partially_granted')), 0) AS granted_ore
        FROM tilskot.round r
        JOIN tilskot.scheme s ON s.id = r.scheme_id
        JOIN tilskot.application a ON a.round_id = r.id
        JOIN tilskot.organisation o ON o.id = a.organisation_id
        LEFT JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
        WHERE r.year = $1
        GROUP BY s.code, o.kind, 3
        ORDER BY s.code, o.kind, 3
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
        try ReportReader.read(session) { c in
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
