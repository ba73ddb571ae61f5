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
            help: ArgumentHelp("Act as this tilskot user (SET ROLE); else TILSKOT_USER. Changes need a named user: on the local database always, over a URL unless the login is one.", valueName: "user"))
    var actAs: String?

    @Option(help: ArgumentHelp("Output format where the output is data; xlsx is a workbook for a file (--out or > FILE).", valueName: "table|json|csv|markdown|xlsx"))
    var format: OutputFormat?

    @Option(name: .customLong("lang"),
            help: ArgumentHelp("Language of tables: status words and decimal marks (else TILSKOT_LANG, else nn). json and csv are the same in every language.", valueName: "nn|nb|en"))
    var language: String?

    @Flag(help: "Tables in full: every column, nothing cut (else they fit 120 characters).")
    var wide = false

    /// The acting user: --as, else TILSKOT_USER.
    var actor: String? { Self.actor(actAs) }

    /// The acting user of a command that spells its own `--as` option: that, else TILSKOT_USER.
    static func actor(_ actAs: String?) -> String? {
        actAs ?? ProcessInfo.processInfo.environment["TILSKOT_USER"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var outputFormat: OutputFormat { format ?? .table }

    /// Sets how tables show data (`Presentation.current`) before the command runs: the language
    /// from --lang or TILSKOT_LANG (default nn), the width (120, or all with --wide), and where an
    /// xlsx workbook goes. A workbook is refused on a terminal, before anything is done.
    mutating func validate() throws {
        try Display.prepare(self)
    }

    func target() throws(TilskotError) -> DatabaseTarget {
        try DatabaseTarget.resolve(databaseURL: databaseURL)
    }

    /// Opens a session as the acting user. Without one the login acts: reads run as it, and the
    /// first change asks that it be a tilskot user (Session.requireNamedActor), which the local
    /// database's login never is.
    func session() throws(TilskotError) -> Session {
        Self.showTimes(in: try Session.open(try target(), actAs: actor))
    }

    /// Opens a session as the login user, for administrative commands.
    func adminSession() throws(TilskotError) -> Session {
        Self.showTimes(in: try Session.open(try target(), actAs: nil))
    }

    /// Tables show times in the installation's time zone (default Europe/Oslo), which the session
    /// read from the database.
    static func showTimes(in session: Session) -> Session {
        if let zone = TimeZone(identifier: session.installationTimeZone) {
            Presentation.current.timeZone = zone
        }
        return session
    }
}

extension OutputFormat: ExpressibleByArgument {}
