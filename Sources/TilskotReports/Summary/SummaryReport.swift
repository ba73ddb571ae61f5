import TilskotCore

/// Renders `report summary`: one row per round. The JSON keys scheme, year, frame_ore, applications,
/// granted, partially_granted, rejected, dismissed, withdrawn, pending, requested_ore, granted_ore are
/// the CLI contract (design.md); the others are extra. Tables and Markdown add a total row.
public enum SummaryReport {
    public static func table(_ rows: [SummaryQuery.Row], basis: ReportBasis, format: OutputFormat) -> DataTable {
        let m = { (base: String) in ReportCells.moneyColumn(base, format) }
        let columns = ["scheme", "scheme_name", "year", m("frame"), m("initial_frame"), m("adjustments"),
                       "applications", "granted", "partially_granted", "rejected", "dismissed", "withdrawn",
                       "pending", "appealed", m("requested"), m("granted"), m("net"), m("remaining"), "frame_used_pct"]
        func cells(_ r: SummaryQuery.Row) -> [DataTable.Cell] {
            [.text(r.scheme), .text(r.schemeName), .integer(Int64(r.year)),
             ReportCells.money(r.frameOre, format), ReportCells.money(r.initialFrameOre, format),
             ReportCells.money(r.frameOre - r.initialFrameOre, format),
             ReportCells.count(r.applications), ReportCells.count(r.granted), ReportCells.count(r.partiallyGranted),
             ReportCells.count(r.rejected), ReportCells.count(r.dismissed), ReportCells.count(r.withdrawn),
             ReportCells.count(r.pending), ReportCells.count(r.appealed),
             ReportCells.money(r.requestedOre, format), ReportCells.money(r.grantedOre, format),
             ReportCells.money(r.netOre, format), ReportCells.money(r.remainingOre, format), ReportCells.percent(r.frameUsedPercent)]
        }
        var body = rows.map(cells)
        // A total row for people reading a table; a workbook sums for itself (a total among the
        // rows would be counted twice by a pivot or a SUM).
        if format == .table || format == .markdown, rows.count > 1 {
            let sum = { (f: (SummaryQuery.Row) -> Int) in rows.map(f).reduce(0, +) }
            let sumOre = { (f: (SummaryQuery.Row) -> Int64) in rows.map(f).reduce(0, +) }
            let total = SummaryQuery.Row(
                scheme: "total", schemeName: "", year: rows[0].year, initialFrameOre: sumOre(\.initialFrameOre),
                frameOre: sumOre(\.frameOre), applications: sum(\.applications), granted: sum(\.granted),
                partiallyGranted: sum(\.partiallyGranted), rejected: sum(\.rejected), dismissed: sum(\.dismissed),
                withdrawn: sum(\.withdrawn), pending: sum(\.pending), appealed: sum(\.appealed),
                requestedOre: sumOre(\.requestedOre), grantedOre: sumOre(\.grantedOre), notUsedOre: sumOre(\.notUsedOre))
            body.append(cells(total))
        }
        var basis = basis
        basis.notes.append("Outcomes count the decision in force; appealed = of those, under appeal now; net = granted − clawed back, closed grants at what was paid less what was repaid.")
        return DataTable(columns: columns, rows: body, footnote: basis.footnote)
    }
}
