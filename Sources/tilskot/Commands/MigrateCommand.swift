import ArgumentParser
import TilskotStore

/// `tilskot migrate [--dry-run]` — applies the migrations built into this binary.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the database schema up to date (each migration in its own transaction).",
        discussion: "Safe to run twice or at once from two places: the second run finds nothing to do. An applied migration whose text changed is refused."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "List what would be applied, apply nothing.")
    var dryRun = false

    func run() throws {
        let session = try global.adminSession()
        let outcome = try session.run { try Migrator.migrate(session.connection, dryRun: dryRun) }
        if dryRun {
            print(outcome.pending.isEmpty ? "nothing to migrate" : "would apply:")
            outcome.pending.forEach { print("  \($0.name)") }
        } else {
            print(outcome.applied.isEmpty ? "nothing to migrate: the database is up to date" : "applied:")
            outcome.applied.forEach { print("  \($0.name)") }
        }
    }
}
