import ArgumentParser
import TilskotReports
import TilskotStore

/// `tilskot user add | list` — users are PostgreSQL login roles in a tilskot group role.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Add and list users (PostgreSQL login roles in a tilskot group) and the details letters give of them.",
        subcommands: [Add.self, Set.self, Show.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user in a role's group (idempotent).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The user's login name.") var user: String
        @Option(help: "caseworker, manager, finance, auditor, admin or participant_reader.") var role: UserRole
        @Option(help: "The person's full name (letters are signed with it).") var name: String?
        @Option(help: "The person's job title, e.g. seniorrådgivar (letters are signed with it).") var title: String?
        @Option(help: "The person's e-mail address (letters give it for contact).") var email: String?
        @Option(help: "The person's telephone number (letters give it for contact).") var phone: String?

        func validate() throws {
            if name == nil && (title != nil || email != nil || phone != nil) {
                throw ArgumentParser.ValidationError("give --name with --title, --email or --phone: letters need the full name first")
            }
        }

        func run() throws {
            let session = try global.adminSession()
            try Users.add(user, role: role, fullName: name, session: session)
            if let name {
                try Users.setDetails(user, fullName: name, title: title, email: email, phone: phone, session: session)
            }
            print("\(user) is now in \(role.groupRole)")
        }
    }

    /// `tilskot user set LOGIN --name … --title … --email … --phone …` — what letters give of a
    /// person (tilskot.staff). An administrator sets everything; a person (`--as` themselves) may
    /// change their own e-mail and telephone.
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the name, title, e-mail and telephone letters give of a user (administrators; a person their own e-mail and telephone).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The user's login name.") var user: String
        @Option(help: "The person's full name.") var name: String?
        @Option(help: "The person's job title.") var title: String?
        @Option(help: "The person's e-mail address.") var email: String?
        @Option(help: "The person's telephone number.") var phone: String?

        func validate() throws {
            if name == nil && title == nil && email == nil && phone == nil {
                throw ArgumentParser.ValidationError("give at least one of --name, --title, --email, --phone")
            }
        }

        func run() throws {
            let details = try Users.setDetails(user, fullName: name, title: title, email: email, phone: phone,
                                               session: try global.session())
            UserCommand.show(details, global.outputFormat)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the details letters give of a user.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The user's login name.") var user: String

        func run() throws {
            guard let details = try Users.details(user, session: try global.session()) else {
                throw TilskotError.refused("no details are recorded for \(user); an administrator adds them with `tilskot user set \(user) --name … --title …`")
            }
            UserCommand.show(details, global.outputFormat)
        }
    }

    static func show(_ d: StaffDetails, _ format: OutputFormat) {
        let table = DataTable(columns: ["user", "name", "title", "email", "phone"],
                              rows: [[.text(d.login), .text(d.fullName), d.title.cell, d.email.cell, d.phone.cell]])
        switch format {
        case .table:
            Swift.print("""
                \(d.fullName) (\(d.login))
                title  \(d.title ?? "-")
                email  \(d.email ?? "-")
                phone  \(d.phone ?? "-")
                """)
        case .json: Swift.print(table.renderJSONObject(), terminator: "")
        default: Swift.print(table.render(format), terminator: "")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their roles.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let session = try global.adminSession()
            let table = DataTable(columns: ["user", "roles"],
                                  rows: try Users.list(session: session).map { [$0.name, $0.roles.joined(separator: ",")] })
            print(table.render(global.outputFormat), terminator: "")
        }
    }
}

extension UserRole: ExpressibleByArgument {}
