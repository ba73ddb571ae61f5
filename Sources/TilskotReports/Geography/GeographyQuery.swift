import PGClient
import TilskotCore
import TilskotStore

/// `report geography --year Y [--by county|municipality] [--division 2020|2024] [--scheme S]`:
/// applications, grants and amounts per county or municipality.
///
/// An organisation's kommunenummer is placed in the chosen county division through the reference
/// table tilskot.municipality_ref (SQL/migrations/0001_baseline.sql, the same rows as TilskotCore's
/// MunicipalityTable): 2021 data in the 2024 division puts 3005 Drammen (30 Viken) in 33 Buskerud,
/// 3807 Skien (38 Vestfold og Telemark) in 40 Telemark, 5401 Tromsø (54 Troms og Finnmark) in 55 Troms.
/// The mapping is by municipality, never by county, because Viken, Vestfold og Telemark and Troms og
/// Finnmark each split three or two ways. 1507 Ålesund, split into 1508 Ålesund and 1580 Haram in 2024,
/// is shown as 1508 so nothing is counted twice. Applicants without a known municipality form one
/// row with an empty code.
public enum GeographyQuery {
    public enum Level: String, CaseIterable, Sendable { case county, municipality }

    public static let sql = """
        WITH facts AS (
            SELECT CASE WHEN $2 = 'county'
                        THEN CASE WHEN $3 = '2024' THEN m.county_code_2024 ELSE m.county_code_2020 END
                        ELSE CASE WHEN $3 = '2024' THEN m.code_2024 ELSE m.code_2020 END END AS area_code,
                   CASE WHEN $2 = 'county'
                        THEN CASE WHEN $3 = '2024' THEN m.county_name_2024 ELSE m.county_name_2020 END
                        ELSE CASE WHEN $3 = '2024' THEN m.name_2024 ELSE m.name_2020 END END AS area_name,
                   t.applications, t.granted + t.partially_granted AS grants, t.requested_ore, t.granted_ore
            -- From the application tally (0032), kept with every change: the same counts as the rows.
            FROM tilskot.round r
            JOIN tilskot.scheme s ON s.id = r.scheme_id
            JOIN tilskot.application_tally t ON t.round_id = r.id AND t.applications <> 0
            LEFT JOIN tilskot.municipality_ref m ON m.code = nullif(t.municipality, '')
            WHERE r.year = $1 AND ($4::text IS NULL OR s.code = $4)
        )
        SELECT coalesce(area_code, '') AS area_code, coalesce(area_name, '') AS area_name,
               sum(applications)::bigint AS applications,
               sum(grants)::bigint AS grants,
               sum(requested_ore) AS requested_ore,
               coalesce(sum(granted_ore), 0) AS granted_ore,
               round(100.0 * coalesce(sum(granted_ore), 0) / nullif(sum(sum(granted_ore)) OVER (), 0), 1)
                   AS granted_share_pct
        FROM facts
        GROUP BY area_code, area_name
        ORDER BY area_code IS NULL, area_code
        """

    public struct Row: Sendable, Equatable {
        public var areaCode: String
        public var areaName: String
        public var applications: Int
        public var grants: Int
        public var requestedOre: Int64
        public var grantedOre: Int64
        public var grantedSharePercent: Double?
    }

    public static func fetch(year: Int, by level: Level = .county, division: CountyDivision? = nil, scheme: String? = nil,
                             session: Session) throws(TilskotError) -> (rows: [Row], basis: ReportBasis) {
        // The division in force in the data's year unless the reader asks for another.
        let division = division ?? CountyDivision.inForce(year: year) ?? .division2020
        return try ReportReader.readRows(session) { c in
            let rows = try c.query(sql, [year, level.rawValue, division.rawValue, scheme]).map { row in
                Row(areaCode: try row.string("area_code"), areaName: try row.string("area_name"),
                    applications: try row.int("applications"), grants: try row.int("grants"),
                    requestedOre: try row.int64("requested_ore"), grantedOre: try row.int64("granted_ore"),
                    grantedSharePercent: try row.decodeIfPresent("granted_share_pct", as: Double.self))
            }
            var basis = try BasisQuery.fetch(.year(year), division: division, c)
            if let scheme { basis.rounds = basis.rounds.filter { $0.hasPrefix(scheme + "/") } }
            if division == .division2024 && year < 2024 {
                basis.notes.append("Data from \(year) is placed in the 2024 division by municipality (30 Viken → 31/32/33, 38 → 39/40, 54 → 55/56).")
            }
            return (rows, basis)
        }
    }
}
