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

    /// `participant report` (aggregates; the cells as the database suppressed them: "<5", "x").
    public static func report(_ rows: [ParticipantReportRow], round: RoundKey, at point: FollowUpPoint, _ format: OutputFormat) -> DataTable {
        DataTable(
            columns: ["reference", "project", "employment", "education", "other", "dropped_out", "no_outcome", "total"],
            rows: rows.map { r in
                [text(r.reference), .text(r.project), .text(r.employment), .text(r.education), .text(r.other),
                 .text(r.droppedOut), .text(r.noOutcome), .text(r.total)]
            },
            footnote: format == .table || format == .markdown
                ? "Participants of \(round) by outcome \(point == .end ? "at the end" : point.rawValue + " after the end"). <5: 1–4 persons; x: hidden so that no small cell can be worked out."
                : nil)
    }

    /// `participant log` (the access log, newest first).
    public static func accessLog(_ entries: [ParticipantAccessEntry]) -> DataTable {
        DataTable(
            columns: ["id", "at", "actor", "login", "action", "reference", "query", "rows", "participant_ids"],
            rows: entries.map { e in
                [.integer(e.id), .timestamp(e.at), .text(e.actor), .text(e.login), .text(e.action),
                 text(e.reference), .text(e.query), .integer(Int64(e.rowCount)),
                 .text(e.participantIDs.map(String.init).joined(separator: " "))]
            })
    }
}
