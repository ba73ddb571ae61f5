import Foundation
import Testing
import TilskotLocalCluster
import TilskotStore
import TilskotTestSupport

/// `--replica-url` against a real hot standby: Scripts/test-replica makes a primary and a streaming
/// standby, loads the sample data on the primary only, and checks that every report read on the
/// standby equals the primary's, says so in its basis, and that the standby refuses writes.
@Suite("reports on a streaming replica")
struct ReplicaCLITests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test("Scripts/test-replica: reports read on a standby equal the primary's and name the replica")
    func reportsOnStandby() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["TILSKOT"] = CLIRunner.executable.path
        let result = try ChildProcess.run([Self.repository.appending(path: "Scripts/test-replica").path],
                                          environment: environment, separateStandardError: true)
        #expect(result.exitCode == 0, "Scripts/test-replica failed: \(result.errorOutput)")
        #expect(result.output.contains("6 reports equal on primary and replica"), "\(result.output)")
    }
}
