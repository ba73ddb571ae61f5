import ArgumentParser
import Foundation
import TilskotStore

/// `--replica-url` on the report commands: read from a streaming replica (a hot standby) so that
/// heavy reports never compete with caseworkers on the primary (docs/scaling.md).
///
/// Reports only read, in one read-only snapshot (ReportReader), so any standby serves them. The
/// session is made read-only as well, so a replica URL that points at a primary by mistake still
/// cannot be written through. Each report's basis says when the data came from a standby and how far
/// it had replayed (BasisQuery), because a replica may lag the primary.
struct ReplicaOption: ParsableArguments {
    @Option(name: .customLong("replica-url"),
            help: ArgumentHelp("Read the report from this replica (a URL or libpq conninfo; else TILSKOT_REPLICA_URL, else the database of --database-url).",
                               valueName: "url"))
    var replicaURL: String?

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
        let session = try Session.open(DatabaseTarget(conninfo: url, source: .explicit), actAs: actor)
        _ = try session.run { try session.connection.execute("SET default_transaction_read_only = on") }
        return session
    }
}
