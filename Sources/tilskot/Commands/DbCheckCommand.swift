import ArgumentParser
import Foundation
import PGClient
import TilskotLocalCluster
import TilskotReports
import TilskotStore

/// `tilskot db check` — the health of any tilskot database for a person or a monitor (issue 18,
/// item 6): reachable, authenticated, schema level, primary or standby, replication lag, the last
/// verified backup and the WAL archive's age. Read-only; any login that may connect can run it
/// (a monitoring login in tilskot_monitor sees every figure: pg_monitor and tilskot.backup_run).
///
/// Exit 0 only when every check is healthy, 1 when one is not; a database that cannot be reached
/// or turns the login away keeps its own status (3, 4), after the JSON when --format json.
struct DbCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a database's health: reachable, schema, replication, backups, WAL archive (exit 0 only when healthy).",
        discussion: """
        Checks the database of --database-url (else TILSKOT_DATABASE_URL, …, else the local database) \
        and, with --replica-url, a replica of it. Durations: 26h, 15min, 60s, or off (reported, never \
        failing). --format json prints one object for a monitor: {"checks": [{"detail", "name", "ok", \
        "value"}], "ok"}. docs/operations.md shows how to run it from a systemd timer.
        """
    )

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("replica-url"),
            help: ArgumentHelp("Also check this replica (a URL or libpq conninfo; else TILSKOT_REPLICA_URL).", valueName: "url"))
    var replicaURL: String?
    @Option(help: ArgumentHelp("Unhealthy when the last verified backup finished longer ago than this.", valueName: "duration"))
    var maxBackupAge: String = "26h"
    @Option(help: ArgumentHelp("Unhealthy when the last WAL segment was archived longer ago than this.", valueName: "duration"))
    var maxArchiveAge: String = "15min"
    @Option(help: ArgumentHelp("Unhealthy when a replica is further behind than this.", valueName: "duration"))
    var maxLag: String = "60s"
    @Flag(help: "A server without WAL archiving (archive_mode off) is healthy: no point-in-time recovery is wanted.")
    var noArchive = false

    func validate() throws {
        if global.actAs != nil {
            throw ValidationError("db check reads as the login user and changes nothing; drop --as")
        }
        _ = try limits()
    }

    func limits() throws -> Health.Limits {
        func parse(_ text: String, _ name: String) throws -> Double? {
            if text.lowercased() == "off" { return nil }
            guard let seconds = Watchdog.seconds(from: text) else {
                throw ValidationError("--\(name) \(text) is not a duration; write e.g. 26h, 15min, 60s or off")
            }
            return seconds
        }
        return Health.Limits(maxBackupAgeSeconds: try parse(maxBackupAge, "max-backup-age"),
                             maxArchiveAgeSeconds: try parse(maxArchiveAge, "max-archive-age"),
                             maxLagSeconds: try parse(maxLag, "max-lag"),
                             archiveOptional: noArchive)
    }

    var replica: String? {
        if let replicaURL, !replicaURL.isEmpty { return replicaURL }
        return ProcessInfo.processInfo.environment["TILSKOT_REPLICA_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func run() throws {
        let limits = try limits()
        let target = try global.target()
        var checks: [HealthCheck] = []
        var failure: TilskotError?

        do {
            checks += try Self.check(target, role: replica == nil ? .any : .primary, limits: limits)
        } catch {
            checks += Self.connectionFailure(error, prefix: "")
            failure = error
        }
        if let replica, failure == nil {
            do {
                checks += try Self.check(DatabaseTarget(conninfo: replica, source: .explicit), role: .replica, limits: limits)
            } catch {
                // The primary answers: a replica that does not is a finding (exit 1), not the command's failure.
                checks += Self.connectionFailure(error, prefix: "replica_")
            }
        }

        if global.outputFormat == .json {
            print(Self.json(checks), terminator: "")
        } else {
            print(Self.table(checks).render(global.outputFormat), terminator: "")
        }
        if let failure { throw failure }
        let unhealthy = checks.filter { !$0.ok }
        if !unhealthy.isEmpty {
            Terminal.writeError("db check: not healthy: " + unhealthy.map(\.name).joined(separator: ", "))
            throw ExitCode(1)
        }
    }

    /// Opens a read-only session on `target` and runs the checks there.
    static func check(_ target: DatabaseTarget, role: Health.Role, limits: Health.Limits) throws(TilskotError) -> [HealthCheck] {
        // The schema level is one of the checks, not a warning on stderr.
        let session = try Session.open(target, actAs: nil, checkSchemaLevel: false)
        return try session.run {
            let c = session.connection
            try c.executeScript("""
                SET application_name = 'tilskot db check'; SET default_transaction_read_only = on;
                SET statement_timeout = '10s'; SET lock_timeout = '2s'
                """)
            return try Health.checks(c, where: target.displayName, role: role, limits: limits)
        }
    }

    /// The checks a failed connection answers: not reachable, or reachable and the login turned away.
    static func connectionFailure(_ error: TilskotError, prefix: String) -> [HealthCheck] {
        switch error {
        case .authentication(let sentence):
            return [HealthCheck(name: prefix + "reachable", ok: true, value: nil, detail: "The server answers."),
                    HealthCheck(name: prefix + "authenticated", ok: false, value: nil, detail: sentence)]
        case .unreachable(let sentence):
            return [HealthCheck(name: prefix + "reachable", ok: false, value: nil, detail: sentence)]
        case .serverResources(let sentence):
            return [HealthCheck(name: prefix + "reachable", ok: false, value: nil, detail: sentence)]
        default:
            // Connected and let in, but the session could not be set up (the server refused a setting).
            return [HealthCheck(name: prefix + "reachable", ok: true, value: nil, detail: "The server answers."),
                    HealthCheck(name: prefix + "session", ok: false, value: nil, detail: error.description)]
        }
    }

    /// {"checks": [...], "ok": …}: keys sorted, one line per check, for a monitor.
    static func json(_ checks: [HealthCheck]) -> String {
        let objects: [[String: Any]] = checks.map { check in
            ["name": check.name, "ok": check.ok, "value": check.value.map { $0 as Any } ?? NSNull(), "detail": check.detail]
        }
        let document: [String: Any] = ["checks": objects, "ok": checks.allSatisfy(\.ok)]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func table(_ checks: [HealthCheck]) -> DataTable {
        DataTable(columns: ["check", "ok", "value", "detail"],
                  rows: checks.map { [.text($0.name), .text($0.ok ? "ok" : "NOT OK"), $0.value.map { .text($0) } ?? .null, .text($0.detail)] })
    }
}
