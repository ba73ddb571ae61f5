import ArgumentParser
import Foundation
import TilskotCore
import TilskotDevData
import TilskotReports
import TilskotStore

/// `tilskot dev …` — tools for developers and benchmarks, never for production data.
struct DevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Developer tools: a synthetic data set for development and benchmarks.",
        subcommands: [DevGenerate.self, DevRace.self])
}

struct DevGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Load a deterministic synthetic data set: schemes over 2015–2026, every municipality, valid organisation numbers, a realistic mix of statuses.",
        discussion: """
        Needs a login that can create users (it adds dev_caseworker, dev_assessor, dev_manager, \
        dev_manager2, dev_finance and dev_payer). The applications go in through `application import`; the statuses through \
        the ordinary lifecycle rows, so every rule is checked. The same --seed gives the same data; \
        running it again registers nothing twice.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "How many applications.") var applications: Int
    @Option(help: "The seed: the same seed gives the same data set.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Keep the import file here (CSV with a round column).", valueName: "file")) var out: String?
    @Flag(help: "Only create users, schemes and rounds and write the import file; import nothing.") var setupOnly = false
    @Flag(help: "Only give already imported applications their mix of statuses.") var statusesOnly = false

    func validate() throws {
        guard applications >= 0 else { throw ValidationError("--applications must be 0 or more") }
        if setupOnly && statusesOnly { throw ValidationError("--setup-only and --statuses-only exclude each other") }
    }

    func run() throws {
        let target = try global.target()
        let plan = DevDataPlan(applications: applications, seed: seed)
        let log: (String) -> Void = { Terminal.writeError($0) }
        let file = out.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appending(path: "tilskot-dev-\(seed)-\(getpid()).csv")
        defer { if out == nil { try? FileManager.default.removeItem(at: file) } }
        if !statusesOnly {
            try DevDataLoader.setUp(plan, target: target, file: file, log: log)
            if setupOnly { return }
            let meter = Terminal.stderrIsTerminal ? ImportProgressLine() : nil
            let outcome = try DevDataLoader.importApplications(file: file, target: target,
                                                               progress: meter.map { meter in { meter.show($0) } })
            meter?.clear()
            print(ImportSummary.sentence(outcome))
        }
        let counts = try DevDataLoader.applyStatuses(target: target, log: log)
        print(counts.map { "\($0.0) \(groupedDigits($0.1))" }.joined(separator: ", "))
    }
}

struct DevRace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "race",
        abstract: "Benchmark: managers deciding one round's applications at once, each on their own connection.",
        discussion: """
        Prepares --rounds rounds of scheme RACE (this year and the years before) with --applications \
        assessed applications and frames of a third of what they ask (run `dev generate --setup-only` first for the users), then lets \
        --workers managers grant them for --seconds; a grant the frame cannot take is rejected \
        instead. Prints decisions per second and the overspend, which must be 0 kr.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "Assessed applications to prepare.") var applications = 20_000
    @Option(help: "Deciding managers, each with their own connection.") var workers = 4
    @Option(help: "How long they decide.") var seconds: Double = 10
    @Option(help: "Rounds to decide in: 1 (everyone queues on one frame) or more (worker w in round w mod rounds).") var rounds = 1

    func run() throws {
        let target = try global.target()
        let keys = try DecisionRace.prepare(target: target, applications: applications, rounds: max(1, rounds))
        let result = try DecisionRace.run(target: target, rounds: keys, workers: workers, seconds: seconds)
        let format = global.outputFormat
        if format == .table {
            print(String(format: "%d decisions in %.1f s (%.1f/s) by %d workers: %d grants, %d refused by the frame and rejected; frame %@, granted %@, overspend %@",
                         result.decisions, result.seconds, result.decisionsPerSecond, workers, result.grants, result.frameRefusals,
                         result.frame.formattedKroner, result.granted.formattedKroner, result.overspend.formattedKroner))
        } else {
            let table = DataTable(
                columns: ["decisions", "seconds", "decisions_per_second", "workers", "grants", "frame_refusals",
                          "frame_ore", "granted_ore", "granted_from_decisions_ore", "overspend_ore"],
                rows: [[.integer(Int64(result.decisions)), .decimal(result.seconds), .decimal(result.decisionsPerSecond),
                        .integer(Int64(workers)), .integer(Int64(result.grants)), .integer(Int64(result.frameRefusals)),
                        .integer(result.frame.ore), .integer(result.granted.ore), .integer(result.grantedFromDecisions.ore),
                        .integer(result.overspend.ore)]])
            print(format == .json ? table.renderJSONObject() : table.render(format), terminator: "")
        }
    }
}
