/// The renderings of data output (`--format`). `xlsx` is an Office Open XML workbook (typed
/// kroner, dates and times), written to a file or a redirected stdout, never to a terminal.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, csv, markdown, xlsx
}
