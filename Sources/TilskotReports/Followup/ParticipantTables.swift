import TilskotCore
import TilskotStore

/// The participant register's rows as a table: the columns of `participant list` in every format and
/// the keys of its JSON — the CLI and the HTTP API (`tilskot serve`) render the same table.
public enum ParticipantTables {
    static func text(_ value: String?) -> DataTable.Cell { value.map(DataTable.Cell.text) ?? .null }

    /// `participant list` (a project's or a round's participants).
    public static func list(_ records: [ParticipantRecord]) -> DataTable {
        DataTable(
            columns: ["id", "reference", "code", "birth_year", "municipality", "start_date", "end_date", "outcome",
                      "outcome_6m", "outcome_12m", "recorded_by", "gender"],
            rows: records.map { p in
                [.integer(p.id), .text(p.reference), .text(p.code), .integer(Int64(p.birthYear)), .text(p.municipality),
                 .text(p.startDate.description), text(p.endDate?.description), text(p.outcome?.rawValue),
                 text(p.outcome6Months?.rawValue), text(p.outcome12Months?.rawValue), .text(p.recordedBy), .text(p.gender.rawValue)]
            })
    }

    /// `participant add --format json`: the new participant's id, project and code.
    public static func added(id: Int64, reference: String, code: String) -> DataTable {
        DataTable(columns: ["id", "reference", "code"], rows: [[.integer(id), .text(reference), .text(code)]])
    }
}
