import ArgumentParser
import TilskotReports
import TilskotStore

/// `tilskot installation show | set --time-zone ZONE` — settings of the whole installation. The time
/// zone (default Europe/Oslo) decides the date of a decision, a notice, a payment and a deadline,
/// whatever time zone a client's session has (SQL/schema/19_operations.sql, tilskot.today()).
struct InstallationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "installation",
        abstract: "Show and set the installation's settings: its time zone (administrators set it).",
        subcommands: [Show.self, Set.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the installation's time zone.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            InstallationCommand.print(try Installation.show(session: try global.session()), global.outputFormat)
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the installation's time zone (administrators), e.g. Europe/Oslo.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("A time zone by its region name, e.g. Europe/Oslo.", valueName: "zone")) var timeZone: String

        func run() throws {
            InstallationCommand.print(try Installation.setTimeZone(timeZone, session: try global.session()), global.outputFormat)
        }
    }

    static func print(_ s: Installation.Settings, _ format: OutputFormat) {
        let table = DataTable(columns: ["time_zone", "changed_by", "changed_at"],
                              rows: [[.text(s.timeZone), .text(s.changedBy), .text(s.changedAt)]])
        switch format {
        case .table:
            Swift.print("time zone   \(s.timeZone)\nchanged by  \(s.changedBy), \(s.changedAt)")
        case .json: Swift.print(table.renderJSONObject(), terminator: "")
        default: Swift.print(table.render(format), terminator: "")
        }
    }
}

/// `tilskot db resume-numbering --skip N --reason T` — after a restore, a copy or a promotion, moves
/// every round's reference numbers on past what the original database may have issued since the
/// backup, and lets registrations go on (docs/backup-and-recovery.md).
struct DbResumeNumberingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume-numbering",
        abstract: "After a restore: move every round's reference numbers on by N and let registration go on (administrators).",
        discussion: "Registration stops on a database that was restored, copied or promoted, because the numbers it would give may already stand on letters and payments of the original. Choose N at least as large as the registrations the original may have made in a round since the backup.")
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("How many numbers to leave out in every round (0–1 000 000).", valueName: "n")) var skip: Int64
    @Option(help: ArgumentHelp("Which backup was restored and how N was chosen.", valueName: "text")) var reason: String

    func run() throws {
        let rounds = try Numbering.resume(skip: skip, reason: reason, session: try global.session())
        Swift.print("numbering resumed: \(rounds) round(s) moved on by \(skip); registration goes on")
    }
}
