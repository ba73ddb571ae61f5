import ArgumentParser
import Foundation
import TilskotLocalCluster
import TilskotReports
import TilskotStore

/// Options every command takes (design.md's contract).
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("database-url"),
            help: ArgumentHelp("PostgreSQL URL or libpq conninfo (else TILSKOT_DATABASE_URL, DATABASE_URL, PGSERVICE/PGHOST, or the local database).", valueName: "url"))
    var databaseURL: String?

    @Option(name: .customLong("as"),
            help: ArgumentHelp("Act as this tilskot user (SET ROLE); else TILSKOT_USER.", valueName: "user"))
    var actAs: String?

    @Option(help: ArgumentHelp("Output format where the output is data.", valueName: "table|json|csv|markdown"))
    var format: OutputFormat?

    /// The acting user: --as, else TILSKOT_USER.
    var actor: String? {
        actAs ?? ProcessInfo.processInfo.environment["TILSKOT_USER"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var outputFormat: OutputFormat { format ?? .table }

    func target() throws(TilskotError) -> DatabaseTarget {
        try DatabaseTarget.resolve(databaseURL: databaseURL)
    }

    /// Opens a session as the acting user.
    func session() throws(TilskotError) -> Session {
        try Session.open(try target(), actAs: actor)
    }

    /// Opens a session as the login user, for administrative commands.
    func adminSession() throws(TilskotError) -> Session {
        try Session.open(try target(), actAs: nil)
    }
}

extension OutputFormat: ExpressibleByArgument {}
