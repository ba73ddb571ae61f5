import ArgumentParser
import TilskotReports
import TilskotStore

/// `tilskot user add | list` — users are PostgreSQL login roles in a tilskot group role.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Add and list users (PostgreSQL login roles in a tilskot group).",
        subcommands: [Add.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user in a role's group (idempotent).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The user's login name.") var user: String
        @Option(help: "caseworker, manager, finance, auditor, admin or participant_reader.") var role: UserRole
        @Option(help: "The person's full name.") var name: String?

        func run() throws {
            let session = try global.adminSession()
            try Users.add(user, role: role, fullName: name, session: session)
            print("\(user) is now in \(role.groupRole)")
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
