import ArgumentParser
import Foundation
import TilskotReports
import TilskotStore

/// `tilskot db watchdog` — ends casework sessions that hold the deciders hostage (issue 14, breach 9):
/// idle inside a transaction for longer than --idle, or blocking another session while their
/// transaction has been open longer than --blocking. Run by a systemd timer or service
/// (deploy/tilskot-watchdog.service, .timer), with the rights of tilskot_watchdog (the deployer's
/// login takes it; deploy/create-roles.sql), or as the superuser of the local database.
struct DbWatchdogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watchdog",
        abstract: "End casework sessions idle in a transaction or blocking others for too long.",
        discussion: """
        Casework sessions are logins in a tilskot group that are neither superusers nor the deployer. \
        Each session ended is written to stderr as one line and to the server log (LOG "tilskot \
        watchdog: ending session …"); stdout lists them in --format. Durations: 60s, 2min, 1h, 500ms, \
        or "off" to switch a test off. Needs pg_signal_backend and pg_read_all_stats: the role \
        tilskot_watchdog (taken with SET ROLE when the login is a member), or the local superuser.
        """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("End a session idle in its transaction for longer than this.", valueName: "duration"))
    var idle: String = "60s"
    @Option(help: ArgumentHelp("End a session that blocks another while its transaction has been open longer than this.", valueName: "duration"))
    var blocking: String = "2min"
    @Flag(help: "Sweep once and exit (the default).") var once = false
    @Option(help: ArgumentHelp("Sweep again and again, this long apart, until stopped.", valueName: "duration"))
    var every: String?
    @Flag(help: "Only list what would be ended.") var dryRun = false

    func validate() throws {
        if once && every != nil { throw ValidationError("--once and --every exclude each other") }
        if global.actAs != nil {
            throw ValidationError("the watchdog acts as the login user (a superuser of the local database, or a member of tilskot_watchdog), not as a tilskot user; drop --as")
        }
        _ = try limits()
        if let every {
            guard let seconds = Watchdog.seconds(from: every), seconds >= 0.1 else {
                throw ValidationError("--every \(every) is not a duration of at least 100 ms; write e.g. 10s")
            }
        }
    }

    func limits() throws -> Watchdog.Limits {
        func parse(_ text: String, _ name: String) throws -> Double? {
            if text.lowercased() == "off" { return nil }
            guard let seconds = Watchdog.seconds(from: text) else {
                throw ValidationError("--\(name) \(text) is not a duration; write e.g. 60s, 2min or off")
            }
            return seconds
        }
        let limits = Watchdog.Limits(idleSeconds: try parse(idle, "idle"), blockingSeconds: try parse(blocking, "blocking"))
        if limits.idleSeconds == nil && limits.blockingSeconds == nil {
            throw ValidationError("--idle off and --blocking off leave the watchdog nothing to do")
        }
        return limits
    }

    func run() throws {
        let limits = try limits()
        let session = try global.adminSession()
        try Watchdog.prepare(session)
        let interval = every.flatMap(Watchdog.seconds(from:))
        while true {
            let actions = try Watchdog.sweep(limits, dryRun: dryRun, session: session)
            for action in actions { Terminal.writeError(Watchdog.line(action, dryRun: dryRun)) }
            // A sweep that ends nothing prints nothing (a timer every 15 s keeps the journal quiet),
            // unless a format was asked for: then a program gets its empty list.
            if !actions.isEmpty || global.format != nil {
                print(table(actions).render(global.outputFormat), terminator: "")
            }
            guard let interval else { return }
            fflush(nil)   // each sweep reaches a pipe or the journal as it happens
            Thread.sleep(forTimeInterval: interval)
        }
    }

    func table(_ actions: [Watchdog.Action]) -> DataTable {
        DataTable(
            columns: ["pid", "user", "groups", "reason", "idle_s", "held_s", "blocked", "transaction_started", "action"],
            rows: actions.map { a in
                [.integer(Int64(a.pid)), .text(a.login), .text(a.groups.joined(separator: ",")), .text(a.reason),
                 a.idleSeconds.map { .integer(Int64($0)) } ?? .null,
                 a.blockingSeconds.map { .integer(Int64($0)) } ?? .null,
                 .text(a.blocked.map(String.init).joined(separator: ",")),
                 a.transactionStarted.map { .text($0) } ?? .null,
                 .text(dryRun ? "would end" : (a.ended ? "ended" : "left"))]
            })
    }
}
