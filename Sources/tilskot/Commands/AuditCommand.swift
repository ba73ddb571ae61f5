import ArgumentParser
import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot audit list` — the append-only audit log (revisjonsspor).
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read the audit log: every change, who made it, when and why.",
        subcommands: [List.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit events, oldest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only events at or after this date or time.", valueName: "YYYY-MM-DD|ISO time")) var since: String?
        @Option(help: ArgumentHelp("Only events by this user.", valueName: "user")) var actor: String?
        @Option(help: ArgumentHelp("Only events on this table (application, decision, …).", valueName: "table")) var table: String?
        @Option(help: ArgumentHelp("Only events on this application.", valueName: "ref")) var application: String?
        @Option(help: ArgumentHelp(ListCap.help)) var limit: Int?

        func run() throws {
            let cap = try ListCap(given: limit)
            let filter = Audit.Filter(
                since: try since.map { text throws(TilskotError) in try Input.instant(text, field: "--since") },
                actor: actor, table: table,
                application: try application.map { text throws(TilskotError) in try Input.reference(text) },
                limit: cap.fetchLimit)
            let events = cap.shown(try Audit.list(filter, session: try global.session()), "audit events",
                                   narrowWith: "--since, --actor, --table or --application")
            let format = global.outputFormat
            // The columns, shared with the HTTP API (FollowupTables in TilskotReports).
            let data = FollowupTables.auditEvents(events, format)
            print(data.render(format), terminator: "")
        }
    }
}
