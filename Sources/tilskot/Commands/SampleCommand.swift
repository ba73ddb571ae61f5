import ArgumentParser
import TilskotReports
import TilskotSample
import TilskotStore

/// `tilskot sample load` — the sample data of the 2021 equality report (issue 6).
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Load the sample data: the four schemes of IMDi's 2021 equality report, rounds 2020–2022.",
        subcommands: [Load.self]
    )

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load the sample through the service layer, as users kari, ola (caseworkers) and mona (manager).",
            discussion: """
            Jobbsjansen 2021 carries the seed's real figures (110,3 mill. kr, +25 mill. kr through \
            integreringspakke II, 41 applications from 41 real municipalities, all granted); every \
            other amount, and the organisation numbers of non-municipal applicants, are illustrative. \
            Idempotent: what exists is kept (the Jobbsjansen 2021 demo part registers the same \
            applications). Creates the three users, so run it as the database owner.
            """
        )
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let outcome = try SampleLoader.load(session: try global.adminSession())
            let format = global.outputFormat
            let table = DataTable(
                columns: ["round", "opened", "registered", "already_there"],
                rows: outcome.rounds.map { r in
                    [.text(r.round), .bool(r.opened), .integer(Int64(r.registered)), .integer(Int64(r.alreadyThere))]
                },
                footnote: "Sample data: \(outcome.schemesCreated) schemes and \(outcome.organisationsCreated) organisations created, \(outcome.registered) applications registered, \(outcome.alreadyThere) already there. Amounts are illustrative except the Jobbsjansen 2021 frame and count; non-municipal organisation numbers (1000…) are illustrative.")
            print(table.render(format), terminator: "")
        }
    }
}
