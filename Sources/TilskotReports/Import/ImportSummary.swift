import Foundation
import TilskotCore
import TilskotStore

/// The line an import always ends with: "1 000 000 read, 999 990 imported, 10 already registered",
/// and its table (the keys of `application import --format json` and of `POST /applications/import`).
public enum ImportSummary {
    public static func sentence(_ outcome: ApplicationImport.Outcome) -> String {
        var parts = ["\(groupedDigits(outcome.rowsRead)) read",
                     "\(groupedDigits(outcome.imported)) \(outcome.dryRun ? "would be imported" : "imported")",
                     "\(groupedDigits(outcome.alreadyRegistered)) already registered"]
        if outcome.organisationsCreated > 0 {
            parts.append("\(groupedDigits(outcome.organisationsCreated)) new \(outcome.organisationsCreated == 1 ? "organisation" : "organisations")")
        }
        let pace = outcome.seconds > 0 ? Int(Double(outcome.rowsRead) / outcome.seconds) : 0
        var sentence = parts.joined(separator: ", ")
            + String(format: outcome.seconds < 10 ? " in %.2f s (%@ rows/s)" : " in %.1f s (%@ rows/s)", outcome.seconds, groupedDigits(pace))
        if outcome.dryRun { sentence = "dry run: " + sentence + "; nothing written" }
        return sentence
    }

    public static func table(_ outcome: ApplicationImport.Outcome) -> DataTable {
        DataTable(
            columns: ["rows_read", "imported", "already_registered", "organisations_created", "rounds", "dry_run", "seconds"],
            rows: [[.integer(Int64(outcome.rowsRead)), .integer(Int64(outcome.imported)), .integer(Int64(outcome.alreadyRegistered)),
                    .integer(Int64(outcome.organisationsCreated)), .integer(Int64(outcome.rounds)), .bool(outcome.dryRun),
                    .text(String(format: "%.3f", outcome.seconds))]])
    }
}
