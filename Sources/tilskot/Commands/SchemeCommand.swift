import ArgumentParser
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot scheme create | list | show | regulation add | appeal-body` — grant schemes
/// (tilskotsordningar), the regulations their letters cite and who hears their appeals.
struct SchemeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheme",
        abstract: "Create and list grant schemes (tilskotsordningar), their regulations and appeal bodies.",
        subcommands: [Create.self, List.self, Show.self, Regulation.self, AppealBody.self]
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

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a scheme with its regulations and appeal bodies by date.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The scheme's code, e.g. JS.") var code: String

        func run() throws {
            let (scheme, regulations, bodies) = try Schemes.show(try Input.scheme(code), session: try global.session())
            switch global.outputFormat {
            case .table:
                var lines = ["\(scheme.name) (\(scheme.code)), references \(scheme.referencePrefix)-YYYY-NNNN", "regulations:"]
                lines += regulations.isEmpty ? ["  none: add them with `tilskot scheme regulation add \(scheme.code) --title … --adopted … --in-force-from …`"]
                    : regulations.map { "  from \($0.inForceFrom)  \($0.title) (adopted \($0.adopted))\($0.url.map { "  \($0)" } ?? "")" }
                lines.append("appeal bodies:")
                lines += bodies.isEmpty ? ["  none: add one with `tilskot scheme appeal-body \(scheme.code) --from … --nn … --nb … --en …`"]
                    : bodies.map { "  from \($0.from)  \($0.nameNN) / \($0.nameNB) / \($0.nameEN)" }
                print(lines.joined(separator: "\n"))
            case .json:
                struct Reg: Encodable { let adopted: String; let in_force_from: String; let title: String; let url: String? }
                struct Body: Encodable { let from: String; let name_en: String; let name_nb: String; let name_nn: String }
                struct Out: Encodable { let appeal_bodies: [Body]; let code: String; let name: String; let regulations: [Reg] }
                print(JSONOutput.text(Out(
                    appeal_bodies: bodies.map { Body(from: $0.from.description, name_en: $0.nameEN, name_nb: $0.nameNB, name_nn: $0.nameNN) },
                    code: scheme.code, name: scheme.name,
                    regulations: regulations.map { Reg(adopted: $0.adopted.description, in_force_from: $0.inForceFrom.description,
                                                       title: $0.title, url: $0.url) })))
            default:
                print(SchemeCommand.table([scheme], global.outputFormat).render(global.outputFormat), terminator: "")
            }
        }
    }

    struct Regulation: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The scheme's regulations, which letters cite by title and date (fvl. § 25 first paragraph).",
            subcommands: [Add.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record regulations of a scheme from the day they come into force (managers).")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The scheme's code, e.g. JS.") var code: String
            @Option(help: "The title as the regulations give it.") var title: String
            @Option(help: ArgumentHelp("The day they were adopted (fastsett).", valueName: "YYYY-MM-DD")) var adopted: String
            @Option(help: ArgumentHelp("The day they came into force.", valueName: "YYYY-MM-DD")) var inForceFrom: String
            @Option(help: "A link to them (http or https).") var url: String?

            func run() throws {
                let regulation = try Schemes.addRegulation(
                    try Input.scheme(code), title: title, adopted: try Input.date(adopted, field: "adopted"),
                    inForceFrom: try Input.date(inForceFrom, field: "in force from"), url: url, session: try global.session())
                print("regulations of \(code.uppercased()) from \(regulation.inForceFrom): \(regulation.title)")
            }
        }
    }

    struct AppealBody: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "appeal-body",
            abstract: "Record who hears appeals against the scheme's decisions from a date (klageinstans, fvl. § 28; managers).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The scheme's code, e.g. JS.") var code: String
        @Option(help: ArgumentHelp("The first decision date it hears appeals for.", valueName: "YYYY-MM-DD")) var from: String
        @Option(help: "Its name in Nynorsk.") var nn: String
        @Option(help: "Its name in Bokmål.") var nb: String
        @Option(help: "Its name in English.") var en: String

        func run() throws {
            let body = try Schemes.addAppealBody(try Input.scheme(code), from: try Input.date(from, field: "from"),
                                                 nn: nn, nb: nb, en: en, session: try global.session())
            print("appeal body of \(code.uppercased()) from \(body.from): \(body.nameNN)")
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
