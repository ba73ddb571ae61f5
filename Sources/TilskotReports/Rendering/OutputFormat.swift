/// The renderings of data output (`--format`).
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, csv, markdown
}
