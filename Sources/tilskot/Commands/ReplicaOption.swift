import ArgumentParser
import Foundation
import TilskotStore

/// `--replica-url` on the report commands: read from a streaming replica (a hot standby) so that
/// heavy reports never compete with caseworkers on the primary (docs/scaling.md).
///
/// Reports only read, in one read-only snapshot (ReportReader), so any standby serves them. The
/// session is made read-only as well, so a replica URL that points at a primary by mistake still
/// cannot be written through. Each report's basis says when the data came from a standby and how
/// fresh it was, to the second (BasisQuery, ReplicaFreshness), because a replica may lag the primary.
///
/// `--max-lag` (TILSKOT_MAX_LAG) refuses a replica further behind than that, or one that cannot be
/// reached; with `--fallback-primary` (TILSKOT_REPLICA_FALLBACK=primary) the report is read from
/// the primary instead, and stderr says so. A standby that has replayed everything it received and
/// streams is current whatever the age of its last transaction (an idle primary writes nothing).
struct ReplicaOption: ParsableArguments {
    @Option(name: .customLong("replica-url"),
            help: ArgumentHelp("Read the report from this replica (a URL or libpq conninfo; else TILSKOT_REPLICA_URL, else the database of --database-url).",
                               valueName: "url"))
    var replicaURL: String?

    @Option(name: .customLong("max-lag"),
            help: ArgumentHelp("Refuse a replica further behind the primary than this many seconds, or unreachable (else TILSKOT_MAX_LAG; 30s, 2min also do).",
                               valueName: "seconds"))
    var maxLagText: String?

    @Flag(name: .customLong("fallback-primary"),
          help: "When the replica is too far behind (--max-lag) or cannot be reached, read from the primary instead and say so on stderr (else TILSKOT_REPLICA_FALLBACK=primary).")
    var fallbackPrimaryFlag = false

    func validate() throws {
        _ = try maxLag()
        if let fallback = ProcessInfo.processInfo.environment["TILSKOT_REPLICA_FALLBACK"], !fallback.isEmpty,
           !["primary", "none"].contains(fallback) {
            throw ValidationError("TILSKOT_REPLICA_FALLBACK=\(fallback) is not a fallback; write primary (or none)")
        }
    }

    /// --max-lag, else TILSKOT_MAX_LAG, in seconds; nil: any lag is accepted.
    func maxLag() throws -> Double? {
        let (text, name) = maxLagText.map { ($0, "--max-lag") }
            ?? (ProcessInfo.processInfo.environment["TILSKOT_MAX_LAG"].flatMap { $0.isEmpty ? nil : $0 }.map { ($0, "TILSKOT_MAX_LAG") } ?? ("", ""))
        guard !text.isEmpty else { return nil }
        guard let seconds = Watchdog.seconds(from: text) else {
            throw ValidationError("\(name) \(text) is not a number of seconds; write e.g. 60 or 2min")
        }
        return seconds
    }

    var fallbackPrimary: Bool {
        fallbackPrimaryFlag || ProcessInfo.processInfo.environment["TILSKOT_REPLICA_FALLBACK"] == "primary"
    }

    /// --replica-url, else TILSKOT_REPLICA_URL; nil: read from the database itself.
    var url: String? {
        if let replicaURL, !replicaURL.isEmpty { return replicaURL }
        return ProcessInfo.processInfo.environment["TILSKOT_REPLICA_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A session for a report: on the replica when one is given (as the same acting user), else the
    /// ordinary session of the global options.
    func session(_ global: GlobalOptions) throws(TilskotError) -> Session {
        try session(actingAs: global.actor) { () throws(TilskotError) in try global.session() }
    }

    func session(actingAs actor: String?, primary: () throws(TilskotError) -> Session) throws(TilskotError) -> Session {
        guard let url else { return try primary() }
        let target = DatabaseTarget(conninfo: url, source: .explicit)
        let limit = (try? self.maxLag()) ?? nil
        let session: Session
        do {
            session = try Session.open(target, actAs: actor)
        } catch {
            // A replica that cannot be reached, or will not take this session (too many connections,
            // out of a resource), serves nobody: the fallback holds for both. A refused login is
            // the caller's to fix, and is never hidden by reading elsewhere.
            let sentence: String
            switch error {
            case .unreachable(let text), .serverResources(let text): sentence = text
            default: throw error
            }
            if fallbackPrimary {
                Terminal.writeError("tilskot: the replica cannot be reached (\(sentence)); reading from the primary instead")
                return try primary()
            }
            if case .serverResources = error { throw error }
            throw .unreachable(sentence + (limit == nil ? "" : "; or pass --fallback-primary to read from the primary when the replica is down"))
        }
        _ = try session.run { try session.connection.execute("SET default_transaction_read_only = on") }
        guard let limit else { return session }
        let freshness = try Self.freshness(session, within: limit)
        if freshness.isWithin(limit) { return session }
        let state = "the replica at \(target.displayName) \(freshness.stateSentence), more than --max-lag \(Self.seconds(limit)) s"
        if fallbackPrimary {
            session.connection.close()
            Terminal.writeError("tilskot: \(state); reading from the primary instead")
            return try primary()
        }
        throw .refused("report refused: \(state); nothing was read — wait for it to catch up, read from the primary with --fallback-primary, or allow more with --max-lag")
    }

    /// The replica's freshness; when it is behind while streaming and not paused (WAL received a
    /// moment ago and being replayed), asked again for up to a second before it is judged.
    static func freshness(_ session: Session, within maxLag: Double) throws(TilskotError) -> ReplicaFreshness {
        var freshness = try session.run { try ReplicaFreshness.read(session.connection) }
        var tries = 0
        while !freshness.isWithin(maxLag) && freshness.streaming && !freshness.replayPaused && tries < 10 {
            usleep(100_000)
            tries += 1
            freshness = try session.run { try ReplicaFreshness.read(session.connection) }
        }
        return freshness
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
