import TilskotCore

/// Renders `report caseload`.
public enum CaseloadReport {
    public static func table(_ rows: [CaseloadQuery.Row], basis: ReportBasis, format: OutputFormat) -> DataTable {
        var basis = basis
        basis.notes.append("Days run from received to the first decision; a case belongs to its latest assignment, else its assessor.")
        return DataTable(
            columns: ["caseworker", "status", "applications", "decided", "median_days_to_decision",
                      "appeals", "appeals_upheld", "appeals_changed", "appeals_pending"],
            rows: rows.map { r in
                [.text(r.caseworker), ApplicationStatus(rawValue: r.status).map(DataTable.Cell.status) ?? .text(r.status), ReportCells.count(r.applications), ReportCells.count(r.decided),
                 ReportCells.percent(r.medianDaysToDecision), ReportCells.count(r.appeals),
                 ReportCells.count(r.appealsUpheld), ReportCells.count(r.appealsChanged), ReportCells.count(r.appealsPending)]
            },
            footnote: basis.footnote)
    }
}
