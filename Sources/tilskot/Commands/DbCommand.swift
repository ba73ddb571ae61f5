import ArgumentParser
import TilskotLocalCluster
import TilskotStore

/// `tilskot db start | stop | status | url | create` — the embedded local PostgreSQL cluster; `tilskot db watchdog`
/// (DbWatchdogCommand.swift) ends casework sessions that hold others' locks, and `tilskot db check`
/// (DbCheckCommand.swift) says whether a database is healthy, on any database.
struct DbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Start, stop and locate the embedded local database.",
        discussion: "The cluster lives in TILSKOT_HOME (default ~/.local/share/tilskot, or /var/lib/tilskot as root) and listens on a unix socket there and on 127.0.0.1.",
        subcommands: [Start.self, Stop.self, Status.self, URL.self, Create.self, DbWatchdogCommand.self, DbCheckCommand.self, DbResumeNumberingCommand.self]
    )

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Initialise the local database on first use and start it (does nothing if it runs).")
        func run() throws {
            for line in try LocalCluster().start() { print(line) }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the local database.")
        func run() throws {
            print(try LocalCluster().stop())
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say whether the local database runs, and where (exit 0 when it runs, 3 when it does not).")
        func run() throws {
            let cluster = LocalCluster()
            switch cluster.state() {
            case .notInitialised:
                print("not initialised (would live in \(cluster.home.path)); run `tilskot db start`")
                throw ExitCode(3)
            case .stopped:
                print("stopped; data in \(cluster.dataDirectory.path)")
                throw ExitCode(3)
            case .running(let pid):
                print("running (pid \(pid)); data in \(cluster.dataDirectory.path); socket in \(cluster.socketDirectory.path); 127.0.0.1:\(cluster.port ?? 0)")
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create another database in the local cluster with tilskot's roles and rights, and print its URL.",
            discussion: "The database is given the same layout as the local database and a directorate's server (deploy/create-roles.sql): owned by tilskot_owner, no temporary tables for PUBLIC. Then run `tilskot migrate --database-url URL`."
        )
        @Argument(help: "The database's name: lower-case letters, digits and _.") var name: String
        @Flag(help: "Drop the database first if it exists (its data is lost).") var replace = false
        func run() throws {
            let cluster = LocalCluster()
            try cluster.createDatabase(name, replace: replace)
            print(cluster.connectionURL(database: name))
        }
    }

    struct URL: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "url", abstract: "Print the local database's connection URL.")
        @Option(help: "Name another database of the local cluster.") var database: String = LocalCluster.databaseName
        func run() throws {
            print(LocalCluster().connectionURL(database: database))
        }
    }
}
