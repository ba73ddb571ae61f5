import PGClient
import TilskotCore
import TilskotStore

/// `report trend --scheme S --from Y1 --to Y2`: a scheme's rounds year by year, with the change in
/// per cent from the year before (the seed's "445 saker, ein auke på 60 prosent" style). Years without
/// a round show zeros, so a gap is visible rather than skipped.
public enum TrendQuery {
    public static let sql = """
        WITH years AS (SELECT generate_series($2::int, $3::int) AS year),
        per_round AS (
            -- From the application tally (0032), kept with every change: the same counts as the rows.
            SELECT r.year, r.frame_ore,
                   coalesce(sum(t.applications), 0)::bigint AS applications,
                   coalesce(sum(t.granted + t.partially_granted), 0)::bigint AS grants,
                   coalesce(sum(t.requested_ore), 0)::bigint AS requested_ore,
                   coalesce(sum(t.granted_ore), 0)::bigint AS granted_ore
            FROM tilskot.round r
            JOIN tilskot.scheme s ON s.id = r.scheme_id
            LEFT JOIN tilskot.application_tally t ON t.round_id = r.id
            WHERE s.code = $1 AND r.year BETWEEN $2 AND $3
            GROUP BY r.id
        ),
        series AS (
            SELECT y.year, p.year IS NOT NULL AS has_round, coalesce(p.frame_ore, 0) AS frame_ore,
                   coalesce(p.applications, 0) AS applications, coalesce(p.grants, 0) AS grants,
                   coalesce(p.requested_ore, 0) AS requested_ore, coalesce(p.granted_ore, 0) AS granted_ore
            FROM years y LEFT JOIN per_round p ON p.year = y.year
        )
        SELECT (SELECT name FROM tilskot.scheme WHERE code = $1) AS scheme_name, year, has_round, frame_ore,
               applications, grants, requested_ore, granted_ore,
               round(100.0 * (applications - lag(applications) OVER w) / nullif(lag(applications) OVER w, 0), 1) AS applications_change_pct,
               round(100.0 * (granted_ore - lag(granted_ore) OVER w) / nullif(lag(granted_ore) OVER w, 0), 1) AS granted_change_pct,
               round(100.0 * (frame_ore - lag(frame_ore) OVER w) / nullif(lag(frame_ore) OVER w, 0), 1) AS frame_change_pct
        FROM series
        WINDOW w AS (ORDER BY year)
        ORDER BY year
        """

    public struct Row: Sendable, Equatable {
        public var year: Int
        public var hasRound: Bool
        public var frameOre: Int64
        public var applications: Int
        public var grants: Int
        public var requestedOre: Int64
        public var grantedOre: Int64
        public var applicationsChangePercent: Double?
        public var grantedChangePercent: Double?
        public var frameChangePercent: Double?
    }

    public static let longestSpan = 50

    public static func fetch(scheme: SchemeCode, from: Int, to: Int, session: Session) throws(TilskotError) -> (schemeName: String, rows: [Row], basis: ReportBasis) {
        guard from <= to else {
            throw .refused("the trend runs from \(from) to \(to), which is backwards; give --from before --to, e.g. --from 2020 --to 2022")
        }
        guard to - from < longestSpan else {
            throw .refused("the trend from \(from) to \(to) spans more than \(longestSpan) years; give a shorter span")
        }
        return try ReportReader.readRows(session) { c in
            let result = try c.query(sql, [scheme.value, from, to])
            // The basis before the scheme's check, so ReportBatch learns both queries from a first pass without rows.
            let basis = try BasisQuery.fetch(.scheme(scheme.value, from: from, to: to), division: nil, c)
            guard let name = result.first?["scheme_name"] else {
                throw TilskotError.refused("scheme \(scheme) does not exist; see `tilskot scheme list`")
            }
            let rows = try result.map { row in
                Row(year: try row.int("year"), hasRound: try row.bool("has_round"), frameOre: try row.int64("frame_ore"),
                    applications: try row.int("applications"), grants: try row.int("grants"),
                    requestedOre: try row.int64("requested_ore"), grantedOre: try row.int64("granted_ore"),
                    applicationsChangePercent: try row.decodeIfPresent("applications_change_pct", as: Double.self),
                    grantedChangePercent: try row.decodeIfPresent("granted_change_pct", as: Double.self),
                    frameChangePercent: try row.decodeIfPresent("frame_change_pct", as: Double.self))
            }
            return (name, rows, basis)
        }
    }
}
