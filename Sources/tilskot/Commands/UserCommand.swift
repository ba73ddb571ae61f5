import ArgumentParser
import TilskotReports
import TilskotStore

/// `tilskot user add | role add | role remove | disable | list` — users are PostgreSQL login roles in
/// a tilskot group role. Every change goes through the database's admin functions
/// (SQL/schema/18_users.sql): only administrators make them (the deployer, acting as itself, adds
/// the first), and each is a user_change row in the audit log with who made it.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Add, change, disable and list users (PostgreSQL login roles in a tilskot group) and the details letters give of them.",
        subcommands: [Add.self, RoleCommand.self, Disable.self, Set.self, Show.self, List.self, Link.self, Password.self]
    )

    /// The database's warning for a role that conflicts with another, on stderr (the change is made).
    static func warn(_ warning: String?) {
        if let warning { Terminal.writeError("warning: \(warning)") }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user in a role's group (idempotent).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The user's login name.") var user: String
        @Option(help: "caseworker, manager, finance, auditor, admin, participant_reader or portal.") var role: UserRole
        @Option(help: "The person's full name (letters are signed with it).") var name: String?
        @Option(help: "The person's job title, e.g. seniorrådgivar (letters are signed with it).") var title: String?
        @Option(help: "The person's e-mail address (letters give it for contact).") var email: String?
        @Option(help: "The person's telephone number (letters give it for contact).") var phone: String?
        @Option(help: "Why (the audit log keeps it).") var reason: String?

        func validate() throws {
            if name == nil && (title != nil || email != nil || phone != nil) {
                throw ArgumentParser.ValidationError("give --name with --title, --email or --phone: letters need the full name first")
            }
        }

        func run() throws {
            // As the acting user (--as, TILSKOT_USER), else the login: the database lets an
            // administrator, or the deployer for the first administrator, add users.
            let session = try global.session()
            let warning = try Users.add(user, role: role, fullName: name, reason: reason, session: session)
            if let name {
                try Users.setDetails(user, fullName: name, title: title, email: email, phone: phone, session: session)
            }
            print("\(user) is now in \(role.groupRole)")
            UserCommand.warn(warning)
        }
    }

    /// `tilskot user role add|remove LOGIN ROLE`.
    struct RoleCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "role", abstract: "Give a user another role, or take one away (administrators).",
            subcommands: [AddRole.self, RemoveRole.self])
    }

    struct AddRole: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Give a user another role; warns when it conflicts with one they hold (finance with manager, admin or caseworker).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The user's login name.") var user: String
        @Argument(help: "caseworker, manager, finance, auditor, admin, participant_reader or portal.") var role: UserRole
        @Option(help: "Why (the audit log keeps it).") var reason: String?

        func run() throws {
            let warning = try Users.addRole(user, role: role, reason: reason, session: try global.session())
            print("\(user) is now in \(role.groupRole)")
            UserCommand.warn(warning)
        }
    }

    struct RemoveRole: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Take a role away from a user.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The user's login name.") var user: String
        @Argument(help: "caseworker, manager, finance, auditor, admin, participant_reader or portal.") var role: UserRole
        @Option(help: "Why (the audit log keeps it).") var reason: String?

        func run() throws {
            try Users.removeRole(user, role: role, reason: reason, session: try global.session())
            print("\(user) is no longer in \(role.groupRole)")
        }
    }

    /// `tilskot user link LOGIN --issuer ISS --subject SUB` — the identity provider's (iss, sub) acts
    /// as this user in `tilskot serve` (tilskot.user_link; administrators only).
    struct Link: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Link an identity provider's issuer and subject to a user, for tokens of `tilskot serve` (administrators).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The user's login name.") var user: String
        @Option(help: "The token issuer (iss) as the identity provider writes it.") var issuer: String
        @Option(help: "The subject (sub) of the person's tokens.") var subject: String

        func run() throws {
            try Users.link(user, issuer: issuer, subject: subject, session: try global.session())
            print("\(user) is now linked to subject \(subject) of \(issuer)")
        }
    }

    /// `tilskot user disable LOGIN` — NOLOGIN, and no casework in a session still open; roles and
    /// history stay (`user add` again lets them in again).
    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a user: they can no longer log in or act; their history and roles are kept.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The user's login name.") var user: String
        @Option(help: "Why (the audit log keeps it).") var reason: String?

        func run() throws {
            try Users.disable(user, reason: reason, session: try global.session())
            print("\(user) is disabled: they can no longer log in or act")
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
            let session = try global.session()
            let table = DataTable(columns: ["user", "roles", "disabled"],
                                  rows: try Users.list(session: session).map {
                                      [$0.name, $0.roles.joined(separator: ","), $0.disabled ? "yes" : "no"]
                                  })
            print(table.render(global.outputFormat), terminator: "")
        }
    }
}

extension UserRole: ExpressibleByArgument {}
