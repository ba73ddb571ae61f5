import TilskotCore

/// Renders `report followup`.
public enum FollowupReport {
    public static func table(_ rows: [FollowupQuery.Row], basis: ReportBasis, format: OutputFormat) -> DataTable {
        let m = { (base: String) in ReportCells.moneyColumn(base, format) }
        var basis = basis
        basis.notes.append("Planned excludes withheld instalments; net = what the grants are used for: granted − clawed back, and for closed grants paid − repaid (unused = what closed grants left of the grant); a report is due or overdue until one is received.")
        return DataTable(
            columns: ["scheme", "year", "grants", m("granted"), m("planned"), m("paid"), m("clawed_back"),
                      m("repaid"), m("net"), m("unused"), "clawbacks", "reports_required", "reports_approved",
                      "reports_awaiting_review", "reports_due", "reports_overdue"],
            rows: rows.map { r in
                [.text(r.scheme), .integer(Int64(r.year)), ReportCells.count(r.grants),
                 ReportCells.money(r.grantedOre, format), ReportCells.money(r.plannedOre, format),
                 ReportCells.money(r.paidOre, format),
                 ReportCells.money(r.clawedBackOre, format), ReportCells.money(r.repaidOre, format),
                 ReportCells.money(r.netOre, format), ReportCells.money(r.unusedOre, format),
                 ReportCells.count(r.clawbacks),
                 ReportCells.count(r.reportsRequired), ReportCells.count(r.reportsApproved),
                 ReportCells.count(r.reportsAwaitingReview), ReportCells.count(r.reportsDue),
                 ReportCells.count(r.reportsOverdue)]
            },
            footnote: basis.footnote)
    }
}
