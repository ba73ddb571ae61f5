import ArgumentParser
import Foundation
import TilskotStore

/// `tilskot dev …` — tools for developers and benchmarks, never for production data.
struct DevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Developer tools: a synthetic data set for development and benchmarks.",
        subcommands: [DevGenerate.self])
}

struct DevGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Load a deterministic synthetic data set: schemes over 2015–2026, every municipality, valid organisation numbers, a realistic mix of statuses.",
        discussion: """
        Needs a login that can create users (it adds dev_caseworker, dev_assessor, dev_manager and \
        dev_manager2). The applications go in through `application import`; the statuses through \
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
        print(counts.map { "\($0.0) \(ImportSummary.count($0.1))" }.joined(separator: ", "))
    }
}
