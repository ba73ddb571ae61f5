import Foundation
import PGClient
import Synchronization
import Testing
import TilskotStore
import TilskotTestSupport

/// The quick version of Scripts/faults, in the suite: the server ends the import's connection in the
/// middle of its work (pg_terminate_backend — to the CLI the same as a server going down, without
/// stopping the cluster the other tests share). The CLI says so in one line with exit 3, none of the
/// import's rows stay, and the same import then succeeds.
@Suite("faults through the CLI")
struct FaultCLITests {
    static let caseworker = "fault_kari"
    static let manager = "fault_mona"

    @Test("the connection ends in the middle of an import: exit 3 in one line, no partial data, the re-run imports every row")
    func connectionEndsMidImport() throws {
        let db = try TestDatabase.scene(users: [Self.manager: .manager, Self.caseworker: .caseworker], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "135,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
        ])
        defer { db.drop() }
        let rows = 20_000
        let file = FileManager.default.temporaryDirectory.appending(path: "fault-import-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        var text = "orgnr,title,amount,received,external_ref\n"
        for i in 1...rows { text += "958935420,Jobbsjansen nr \(i),\(1000 + i % 5000),2021-02-01,FT-\(i)\n" }
        try text.write(to: file, atomically: true, encoding: .utf8)
        let arguments = ["application", "import", file.path, "--round", "JS/2021", "--as", Self.caseworker]

        // MUT: the import runs on a thread; this one ends its connection once it is working
        let outcome = Mutex<CLIResult?>(nil)
        let thread = Thread {
            let result = try? CLIRunner.run(arguments, database: db)
            outcome.withLock { $0 = result }
        }
        thread.start()
        let watcher = try db.connect()
        var terminated: String?
        for _ in 0..<3_000 where terminated == nil && outcome.withLock({ $0 == nil }) {
            // First find it, then end that one process (a condition with pg_terminate_backend in it
            // could be evaluated before the others and end every connection of the cluster).
            if let busy = try watcher.queryRow("""
                SELECT pid, CASE WHEN query ILIKE 'COPY%' THEN 'COPY' ELSE 'import_applications' END AS step
                  FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'
                   AND (query ILIKE 'COPY%application_import%' OR query ILIKE '%import_applications%')
                 LIMIT 1
                """) {
                _ = try watcher.execute("SELECT pg_terminate_backend($1)", [try busy.int("pid")])
                terminated = try busy.string("step")
            } else {
                usleep(5_000)
            }
        }
        while outcome.withLock({ $0 == nil }) { usleep(10_000) }
        let result = try #require(outcome.withLock { $0 })
        try #require(terminated != nil, "the import finished before it could be interrupted: \(result.stdout)")

        // validate: exit 3, one line naming what happened, nothing of the import
        #expect(result.exitCode == 3, "ended during \(terminated ?? "?"): \(result.stderr)")
        #expect(result.errorLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("lost the connection to PostgreSQL"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let count = "SELECT count(*) FROM tilskot.application"
        #expect(try watcher.queryValue(count, as: Int.self) == 0)
        #expect(try watcher.queryValue("SELECT count(*) FROM tilskot.audit_log WHERE table_name = 'application'", as: Int.self) == 0)

        let again = try CLIRunner.run(arguments, database: db)
        #expect(again.exitCode == 0, "\(again.stderr)")
        #expect(try watcher.queryValue(count, as: Int.self) == rows)
    }
}
