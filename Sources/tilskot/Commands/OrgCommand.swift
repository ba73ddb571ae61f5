import ArgumentParser
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot org add | show | list | update | set-language` — applicant organisations.
struct OrgCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Register and look up applicant organisations.",
        subcommands: [Add.self, Show.self, List.self, Update.self, SetLanguage.self]
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
                    address         \(o.address ?? "-")
                    contact         \(OrgCommand.contact(o))
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

    /// `tilskot org update ORGNR [--name] [--address] [--municipality] [--language] [--contact-…]` —
    /// corrects what was registered; the number and kind stay. The database judges the values
    /// (organisation_before_update) and the audit log keeps what the row said before.
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct an organisation's name, address, municipality, letter language or contact.",
            discussion: "Give only what changes; an empty text (\"\") clears the address or a contact field. The organisation number and kind stay as registered; the audit log keeps what the row said before.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Organisation number.", valueName: "orgnr")) var orgnr: String
        @Option(help: "The organisation's name.") var name: String?
        @Option(help: "Postal address, one line.") var address: String?
        @Option(help: ArgumentHelp("Municipality number (kommunenummer), e.g. 0301.", valueName: "NNNN")) var municipality: String?
        @Option(help: ArgumentHelp("The language its letters are written in: nn, nb or en.", valueName: "nn|nb|en")) var language: String?
        @Option(help: "The contact person's name.") var contactName: String?
        @Option(help: ArgumentHelp("The contact person's e-mail.", valueName: "address")) var contactEmail: String?
        @Option(help: ArgumentHelp("The contact person's telephone.", valueName: "number")) var contactPhone: String?
        @Option(help: "Why it is corrected (kept in the audit log).") var reason: String?

        /// Input form only: four digits go to the database, which says whether the municipality
        /// exists (organisation_details_check); anything else gets the parser's sentence.
        static func municipalityForm(_ text: String) throws(TilskotError) -> String {
            let code = text.trimmingCharacters(in: .whitespaces)
            if code.count == 4 && code.allSatisfy({ $0.isASCII && $0.isNumber }) { return code }
            return try Input.municipality(text).code
        }

        func run() throws {
            let change = Organisations.Change(
                name: name, address: address,
                municipality: try municipality.map(Self.municipalityForm),
                preferredLanguage: language.map { $0.trimmingCharacters(in: .whitespaces).lowercased() },
                contactName: contactName, contactEmail: contactEmail, contactPhone: contactPhone)
            if change.isEmpty {
                throw ArgumentParser.ValidationError("give what changes: --name, --address, --municipality, --language, --contact-name, --contact-email or --contact-phone")
            }
            let (before, after) = try Organisations.update(try Input.organisation(orgnr), change, reason: reason,
                                                           session: try global.session())
            let format = global.outputFormat
            guard format == .table else {
                print(OrgCommand.table([after]).render(format), terminator: "")
                return
            }
            let fields: [(String, String?, String?)] = [
                ("name", before.name, after.name), ("address", before.address, after.address),
                ("municipality", before.municipality, after.municipality),
                ("letter language", before.preferredLanguage, after.preferredLanguage),
                ("contact name", before.contactName, after.contactName),
                ("contact e-mail", before.contactEmail, after.contactEmail),
                ("contact telephone", before.contactPhone, after.contactPhone),
            ]
            let changed = fields.filter { $0.1 != $0.2 }
            if changed.isEmpty {
                print("organisation \(after.number) (\(after.name)): nothing changed")
            } else {
                print("organisation \(after.number) updated:")
                for (label, old, new) in changed {
                    print("  \(label.padding(toLength: 18, withPad: " ", startingAt: 0))\(old ?? "-") → \(new ?? "-")")
                }
            }
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

    static func contact(_ o: Organisation) -> String {
        let parts = [o.contactName, o.contactEmail, o.contactPhone].compactMap { $0 }
        return parts.isEmpty ? "-" : parts.joined(separator: ", ")
    }

    static func table(_ organisations: [Organisation]) -> DataTable {
        DataTable(
            columns: ["orgnr", "name", "kind", "municipality", "member_based", "external_board", "applications", "preferred_language",
                      "address", "contact_name", "contact_email", "contact_phone"],
            rows: organisations.map { o in
                [.text(o.number), .text(o.name), .text(o.kind.rawValue), o.municipality.cell, .bool(o.memberBased),
                 .bool(o.externalBoard), .integer(Int64(o.applications)), o.preferredLanguage.cell,
                 o.address.cell, o.contactName.cell, o.contactEmail.cell, o.contactPhone.cell]
            })
    }
}
