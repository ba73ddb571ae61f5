import Foundation
import TilskotStore

extension DatabaseTarget {
    /// Where a command connects (see `DatabaseTarget`), falling back to this machine's embedded cluster.
    public static func resolve(
        databaseURL: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(TilskotError) -> DatabaseTarget {
        try resolve(databaseURL: databaseURL, environment: environment,
                    localClusterURL: { LocalCluster(environment: $0).connectionURL() })
    }
}
