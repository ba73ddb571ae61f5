import ArgumentParser
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot application close REF` and `tilskot followup close REF` — the last step of an
/// application's life (in_follow_up → closed), a manager's, once the report is approved and the
/// money is settled (SQL/schema/12_closing.sql). Defined once, here: both parents list this type
/// (ApplicationCommand and FollowupCommand), so the two names of the CLI contract are one command.
struct ApplicationClose: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a grant whose report is approved and whose payments and claw-backs are settled (managers).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
    @Option(help: "A note for the record.") var notes: String?

    func run() throws {
        let item = try Closing.close(try Input.reference(reference), notes: notes, session: try global.session())
        ApplicationCommand.report("\(item.reference) is closed", item, global.outputFormat)
    }
}
