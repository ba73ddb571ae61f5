import ArgumentParser
import TilskotReports
import TilskotStore

/// `tilskot issuer set | show` — the body that sends the letters: its names, postal address,
/// e-mail, website, the digital channel for appeals and the account repayments go to (fvl. § 27
/// third paragraph: a letter says where and how to appeal). Administrators set it; letters are
/// refused until it is set.
struct IssuerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issuer",
        abstract: "Set and show who sends the letters and how to reach them (administrators set it).",
        subcommands: [Set.self, Show.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the issuer's details (administrators); the first time, give every one without [brackets] in the usage.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The name in Nynorsk, e.g. Integrerings- og mangfaldsdirektoratet (IMDi).") var nameNn: String?
        @Option(help: "The name in Bokmål.") var nameNb: String?
        @Option(help: "The name in English, as it reads inside a sentence (e.g. the Directorate of …).") var nameEn: String?
        @Option(help: "Organisation number, 9 digits (spaces allowed).") var orgnr: String?
        @Option(help: "Postal address on one line, e.g. \"Postboks 8059 Dep, 0031 Oslo\".") var postalAddress: String?
        @Option(help: "E-mail address for appeals and other mail.") var email: String?
        @Option(help: "Website, e.g. www.imdi.no.") var website: String?
        @Option(help: "Telephone number.") var phone: String?
        @Option(help: "The digital channel for appeals, as the letter names it.") var digitalChannel: String?
        @Option(help: "The account repayments are paid to, 11 digits (spaces and dots allowed).") var repaymentAccount: String?

        func run() throws {
            func digits(_ text: String?) -> String? { text.map { $0.filter { $0 != " " && $0 != "." } } }
            let settings = try Issuer.set(Issuer.Change(
                nameNN: nameNn, nameNB: nameNb, nameEN: nameEn, organisationNumber: digits(orgnr), postalAddress: postalAddress,
                email: email, website: website, phone: phone, digitalChannel: digitalChannel,
                repaymentAccount: digits(repaymentAccount)), session: try global.session())
            IssuerCommand.show(settings, global.outputFormat)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show who sends the letters.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard let settings = try Issuer.show(session: try global.session()) else { throw TilskotError.refused(Issuer.missing) }
            IssuerCommand.show(settings, global.outputFormat)
        }
    }

    static func show(_ i: IssuerSettings, _ format: OutputFormat) {
        let table = DataTable(
            columns: ["name_nn", "name_nb", "name_en", "orgnr", "postal_address", "email", "website", "phone",
                      "digital_channel", "repayment_account", "changed_by"],
            rows: [[.text(i.nameNN), .text(i.nameNB), .text(i.nameEN), i.organisationNumber.cell, .text(i.postalAddress),
                    .text(i.email), .text(i.website), i.phone.cell, .text(i.digitalChannel), i.repaymentAccount.cell,
                    .text(i.changedBy)]])
        switch format {
        case .table:
            print("""
                name (nn)          \(i.nameNN)
                name (nb)          \(i.nameNB)
                name (en)          \(i.nameEN)
                orgnr              \(i.organisationNumber ?? "-")
                postal address     \(i.postalAddress)
                e-mail             \(i.email)
                website            \(i.website)
                telephone          \(i.phone ?? "-")
                digital channel    \(i.digitalChannel)
                repayment account  \(i.repaymentAccount ?? "-")
                changed by         \(i.changedBy)
                """)
        case .json: print(table.renderJSONObject(), terminator: "")
        default: print(table.render(format), terminator: "")
        }
    }
}
