import ArgumentParser
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot scheme create | list` — grant schemes (tilskotsordningar).
struct SchemeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheme",
        abstract: "Create and list grant schemes (tilskotsordningar).",
        subcommands: [Create.self, List.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a grant scheme (managers).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The scheme's code, 2–16 of A–Z, 0–9 and -, e.g. JS.") var code: String
        @Option(help: "The scheme's name, e.g. Jobbsjansen.") var name: String
        @Option(help: ArgumentHelp("Who may apply: municipality, county, voluntary, business, other (comma-separated).",
                                   valueName: "kind[,kind]"))
        var applicantKinds: String
        @Option(help: "Prefix of application references (JS in JS-2021-0007); default: the code.") var prefix: String?
        @Option(help: "The scheme's goal (mål).") var goal: String?
        @Option(help: "The scheme's target group (målgruppe).") var targetGroup: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("Grants at or above this need an auditor-checked account (default 400 000 kr).",
                                   valueName: "amount"))
        var reportAccountThreshold: String?

        func run() throws {
            let new = Schemes.NewScheme(
                code: try Input.scheme(code), name: name, goal: goal, targetGroup: targetGroup,
                applicantKinds: try Input.applicantKinds(applicantKinds), referencePrefix: prefix,
                reportAccountThreshold: try reportAccountThreshold.map { text throws(TilskotError) in
                    // A negative threshold is the database's to refuse (scheme_before_insert).
                    try Input.money(text, field: "report account threshold", allowNegative: true)
                })
            let scheme = try Schemes.create(new, session: try global.session())
            let format = global.outputFormat
            if format == .table {
                print("scheme \(scheme.code) created: \(scheme.name), references \(scheme.referencePrefix)-YYYY-NNNN")
            } else {
                print(SchemeCommand.table([scheme], format).render(format), terminator: "")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List grant schemes.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let format = global.outputFormat
            print(SchemeCommand.table(try Schemes.list(session: try global.session()), format).render(format), terminator: "")
        }
    }

    static func table(_ schemes: [Scheme], _ format: OutputFormat) -> DataTable {
        DataTable(
            columns: ["code", "name", "applicant_kinds", "reference_prefix",
                      MoneyColumn.name("report_account_threshold", format), "goal", "target_group"],
            rows: schemes.map { s in
                [.text(s.code), .text(s.name), .text(s.applicantKinds.map(\.rawValue).joined(separator: ",")),
                 .text(s.referencePrefix), MoneyColumn.cell(s.reportAccountThreshold, format), s.goal.cell,
                 s.targetGroup.cell]
            })
    }
}
