import TilskotCore

/// Renders `report applicants`.
public enum ApplicantsReport {
    public static func table(_ rows: [ApplicantsQuery.Row], basis: ReportBasis, format: OutputFormat) -> DataTable {
        let m = { (base: String) in ReportCells.moneyColumn(base, format) }
        var basis = basis
        let unchecked = rows.filter { $0.governance == "neither" && $0.grants > 0 }.map(\.grants).reduce(0, +)
        basis.notes.append(unchecked == 0
            ? "Every grant to a voluntary or other organisation went to one that is member-based or has an external board."
            : "\(unchecked) grants went to organisations that are neither member-based nor have an external board: check them against the resource-centre rule.")
        return DataTable(
            columns: ["scheme", "kind", "governance", "organisations", "applications", "grants", m("requested"), m("granted")],
            rows: rows.map { r in
                [.text(r.scheme), .text(r.kind), r.governance.isEmpty ? .null : .text(r.governance),
                 ReportCells.count(r.organisations), ReportCells.count(r.applications), ReportCells.count(r.grants),
                 ReportCells.money(r.requestedOre, format), ReportCells.money(r.grantedOre, format)]
            },
            footnote: basis.footnote)
    }
}
