import ArgumentParser
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot org add | show | list | set-language` — applicant organisations.
struct OrgCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Register and look up applicant organisations.",
        subcommands: [Add.self, Show.self, List.self, SetLanguage.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an organisation by its organisation number.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Organisation number, 9 digits (spaces allowed).", valueName: "orgnr")) var orgnr: String
        @Option(help: "The organisation's name.") var name: String
        @Option(help: ArgumentHelp("municipality, county, voluntary, business or other.", valueName: "kind")) var kind: String
        @Option(help: ArgumentHelp("Municipality number (kommunenummer), e.g. 0301.", valueName: "NNNN")) var municipality: String?
        @Flag(help: "The organisation is member-based.") var memberBased = false
        @Flag(help: "The organisation has an external board.") var externalBoard = false
        @Option(help: ArgumentHelp("The language its letters are written in: nn (default), nb or en.", valueName: "nn|nb|en"))
        var language: String?

        func validate() throws {
            if memberBased && externalBoard {
                throw ArgumentParser.ValidationError("give either --member-based or --external-board, not both")
            }
        }

        func run() throws {
            let new = Organisations.NewOrganisation(
                number: try Input.organisation(orgnr), name: name,
                kind: try Input.vocabulary(kind, as: ApplicantKind.self),
                municipality: try municipality.map { text throws(TilskotError) in try Input.municipality(text) },
                memberBased: memberBased, externalBoard: externalBoard,
                preferredLanguage: language.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            let organisation = try Organisations.add(new, session: try global.session())
            let format = global.outputFormat
            if format == .table {
                print("organisation \(organisation.number) registered: \(organisation.name) (\(organisation.kind.rawValue))")
            } else {
                print(OrgCommand.table([organisation]).render(format), terminator: "")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an organisation.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Organisation number.", valueName: "orgnr")) var orgnr: String

        func run() throws {
            let organisation = try Organisations.show(try Input.organisation(orgnr), session: try global.session())
            let format = global.outputFormat
            switch format {
            case .table:
                let o = organisation
                print("""
                    \(o.name) (\(o.number))
                    kind            \(o.kind.rawValue)
                    municipality    \(o.municipality ?? "-")
                    member-based    \(o.memberBased ? "yes" : "no")
                    external board  \(o.externalBoard ? "yes" : "no")
                    letter language \(o.preferredLanguage ?? "nn (default)")
                    applications    \(o.applications)
                    registered by   \(o.createdBy)
                    """)
            case .json: print(OrgCommand.table([organisation]).renderJSONObject(), terminator: "")
            default: print(OrgCommand.table([organisation]).render(format), terminator: "")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List organisations.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only this kind.", valueName: "kind")) var kind: String?
        @Option(help: ArgumentHelp("Only this municipality.", valueName: "NNNN")) var municipality: String?
        @Option(help: ArgumentHelp(ListCap.help)) var limit: Int?

        func run() throws {
            let cap = try ListCap(given: limit)
            let list = cap.shown(try Organisations.list(
                kind: try kind.map { text throws(TilskotError) in try Input.vocabulary(text, as: ApplicantKind.self) },
                municipality: try municipality.map { text throws(TilskotError) in try Input.municipality(text) },
                limit: cap.fetchLimit, session: try global.session()), "organisations", narrowWith: "--kind or --municipality")
            print(OrgCommand.table(list).render(global.outputFormat), terminator: "")
        }
    }

    /// `tilskot org set-language ORGNR nn|nb|en` — the language of the organisation's letters.
    struct SetLanguage: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-language", abstract: "Set the language the organisation's letters are written in (nn, nb, en).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Organisation number.", valueName: "orgnr")) var orgnr: String
        @Argument(help: ArgumentHelp("nn (Nynorsk), nb (Bokmål) or en (English).", valueName: "nn|nb|en")) var language: String

        func run() throws {
            let organisation = try Organisations.setLanguage(
                try Input.organisation(orgnr), to: language.trimmingCharacters(in: .whitespaces).lowercased(),
                session: try global.session())
            print("organisation \(organisation.number): letters in \(organisation.preferredLanguage ?? "nn")")
        }
    }

    static func table(_ organisations: [Organisation]) -> DataTable {
        DataTable(
            columns: ["orgnr", "name", "kind", "municipality", "member_based", "external_board", "applications", "preferred_language"],
            rows: organisations.map { o in
                [.text(o.number), .text(o.name), .text(o.kind.rawValue), o.municipality.cell, .bool(o.memberBased),
                 .bool(o.externalBoard), .integer(Int64(o.applications)), o.preferredLanguage.cell]
            })
    }
}
