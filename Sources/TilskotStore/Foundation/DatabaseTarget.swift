import Foundation
import PGClient

/// Where a command connects: the precedence of the CLI contract.
/// `--database-url`, then `TILSKOT_DATABASE_URL`, then `DATABASE_URL`, then libpq's own
/// environment (`PGSERVICE`, `PGHOST`, `PGDATABASE`) when set, else the embedded local cluster.
public struct DatabaseTarget: Sendable {
    public enum Source: Sendable, Equatable {
        case explicit, environment(String), libpqEnvironment, localCluster
    }

    public let conninfo: String
    public let source: Source

    public init(conninfo: String, source: Source) {
        self.conninfo = conninfo
        self.source = source
    }

    /// `localClusterURL` gives the embedded cluster's URL for an environment; the cluster lives in
    /// TilskotLocalCluster, whose `DatabaseTarget.resolve(databaseURL:environment:)` passes it.
    public static func resolve(
        databaseURL: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        localClusterURL: ([String: String]) -> String
    ) throws(TilskotError) -> DatabaseTarget {
        if let databaseURL, !databaseURL.isEmpty {
            return DatabaseTarget(conninfo: databaseURL, source: .explicit)
        }
        for name in ["TILSKOT_DATABASE_URL", "DATABASE_URL"] {
            if let value = environment[name], !value.isEmpty {
                return DatabaseTarget(conninfo: value, source: .environment(name))
            }
        }
        if ["PGSERVICE", "PGHOST", "PGDATABASE"].contains(where: { environment[$0]?.isEmpty == false }) {
            return DatabaseTarget(conninfo: "", source: .libpqEnvironment)
        }
        return DatabaseTarget(conninfo: localClusterURL(environment), source: .localCluster)
    }

    /// Says where this is, without a password, for messages.
    public var displayName: String {
        switch source {
        case .libpqEnvironment: return "the server named by PGSERVICE/PGHOST"
        default: return ConnectionString.redacted(conninfo)
        }
    }

    /// True when the target is the embedded cluster, where `--as` may become any tilskot user.
    public var isLocalCluster: Bool { source == .localCluster }
}
