import TilskotCore

/// Renders `report trend`: one row per year, changes against the year before.
public enum TrendReport {
    public static func table(scheme: String, _ rows: [TrendQuery.Row], basis: ReportBasis, format: OutputFormat) -> DataTable {
        let m = { (base: String) in ReportCells.moneyColumn(base, format) }
        var basis = basis
        if rows.contains(where: { !$0.hasRound }) {
            basis.notes.append("Years without a round show zeros.")
        }
        return DataTable(
            columns: ["scheme", "year", "round", m("frame"), "frame_change_pct", "applications", "applications_change_pct",
                      "grants", m("requested"), m("granted"), "granted_change_pct"],
            rows: rows.map { r in
                [.text(scheme), .integer(Int64(r.year)), .bool(r.hasRound), ReportCells.money(r.frameOre, format),
                 ReportCells.change(r.frameChangePercent, format),
                 ReportCells.count(r.applications), ReportCells.change(r.applicationsChangePercent, format),
                 ReportCells.count(r.grants), ReportCells.money(r.requestedOre, format),
                 ReportCells.money(r.grantedOre, format), ReportCells.change(r.grantedChangePercent, format)]
            },
            footnote: basis.footnote)
    }
}
