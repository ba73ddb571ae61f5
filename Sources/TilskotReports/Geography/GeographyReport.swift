import TilskotCore

/// Renders `report geography`: one row per county or municipality.
public enum GeographyReport {
    public static func table(_ rows: [GeographyQuery.Row], level: GeographyQuery.Level, basis: ReportBasis,
                             format: OutputFormat) -> DataTable {
        let m = { (base: String) in ReportCells.moneyColumn(base, format) }
        return DataTable(
            columns: [level == .county ? "county" : "municipality", "name", "applications", "grants",
                      m("requested"), m("granted"), "granted_share_pct"],
            rows: rows.map { r in
                [.text(r.areaCode), .text(r.areaCode.isEmpty ? "(municipality unknown)" : r.areaName),
                 ReportCells.count(r.applications), ReportCells.count(r.grants),
                 ReportCells.money(r.requestedOre, format), ReportCells.money(r.grantedOre, format),
                 ReportCells.percent(r.grantedSharePercent)]
            },
            footnote: basis.footnote)
    }
}
