import ArgumentParser
import Foundation
import TilskotStore

/// `tilskot migrate [--dry-run]` — applies the migrations and schema files built into this binary.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the database schema up to date: new numbered migrations, then changed schema files, in one transaction.",
        discussion: """
        Safe to run twice or at once from two places: the second run waits for the first (at most \
        TILSKOT_MIGRATE_WAIT seconds, default 60, saying whom it waits for), then finds nothing to do. \
        An applied numbered migration whose text changed is refused; a schema file (SQL/schema: \
        functions, triggers, views, policies, grants) is applied again whenever its text changes. The \
        run records the binary's schema level (`tilskot --version`), which every command compares with. \
        DDL that would queue behind casework gives up after TILSKOT_MIGRATE_LOCK_TIMEOUT seconds \
        (default 10), names the sessions in the way, and applies nothing. --dry-run only reads: any \
        login may run it, on a standby too.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "List what would be applied, apply nothing (any login, read-only, on a standby too).")
    var dryRun = false

    func run() throws {
        let session = try global.adminSession()
        let waits = Migrator.Waits.from(environment: ProcessInfo.processInfo.environment)
        let outcome = try session.run {
            try Migrator.migrate(session.connection, dryRun: dryRun, waits: waits) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        }
        if dryRun {
            let nothing = outcome.pending.isEmpty && outcome.schemaPending.isEmpty
            print(nothing ? "nothing to migrate" : "would apply:")
            outcome.pending.forEach { print("  \($0.name)") }
            outcome.schemaPending.forEach { print("  schema/\($0.name)") }
            print("schema level: database \(outcome.levelBefore ?? "none recorded"), this tilskot \(outcome.level)")
        } else {
            let nothing = outcome.applied.isEmpty && outcome.schemaApplied.isEmpty
            print(nothing ? "nothing to migrate: the database is up to date" : "applied:")
            outcome.applied.forEach { print("  \($0.name)") }
            outcome.schemaApplied.forEach { print("  schema/\($0.name)") }
            if outcome.levelBefore != outcome.level {
                print("schema level: \(outcome.level) (was \(outcome.levelBefore ?? "none recorded"))")
            }
        }
    }
}
