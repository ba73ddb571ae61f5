import ArgumentParser
import TilskotStore

/// `tilskot migrate [--dry-run]` — applies the migrations and schema files built into this binary.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the database schema up to date: new numbered migrations, then changed schema files, in one transaction.",
        discussion: "Safe to run twice or at once from two places: the second run finds nothing to do. An applied numbered migration whose text changed is refused; a schema file (SQL/schema: functions, triggers, views, policies, grants) is applied again whenever its text changes."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "List what would be applied, apply nothing.")
    var dryRun = false

    func run() throws {
        let session = try global.adminSession()
        let outcome = try session.run { try Migrator.migrate(session.connection, dryRun: dryRun) }
        if dryRun {
            let nothing = outcome.pending.isEmpty && outcome.schemaPending.isEmpty
            print(nothing ? "nothing to migrate" : "would apply:")
            outcome.pending.forEach { print("  \($0.name)") }
            outcome.schemaPending.forEach { print("  schema/\($0.name)") }
        } else {
            let nothing = outcome.applied.isEmpty && outcome.schemaApplied.isEmpty
            print(nothing ? "nothing to migrate: the database is up to date" : "applied:")
            outcome.applied.forEach { print("  \($0.name)") }
            outcome.schemaApplied.forEach { print("  schema/\($0.name)") }
        }
    }
}
