import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

/// Issue 18 through the built binary: the installation's time zone and resuming numbering after a
/// restore are administrators' steps, refused to others with the database's own sentence.
@Suite("installation settings and numbering after a restore, through the CLI")
struct OperationsCLITests {
    static let admin = "opc_ada"
    static let caseworker = "opc_per"

    func scene() throws -> TestDatabase {
        try TestDatabase.scene(users: [Self.admin: .admin, Self.caseworker: .caseworker], steps: [])
    }

    @Test("installation set --time-zone: a caseworker reads the database's sentence; an administrator sets a known zone and is shown it")
    func timeZone() throws {
        let db = try scene()
        defer { db.drop() }
        try expectSameSentence(db, Self.caseworker, cli: ["installation", "set", "--time-zone", "UTC"],
                               sql: "UPDATE tilskot.installation SET time_zone = 'UTC'",
                               containing: "opc_per is not an administrator")
        try expectSameSentence(db, Self.admin, cli: ["installation", "set", "--time-zone", "Oslo"],
                               sql: "UPDATE tilskot.installation SET time_zone = 'Oslo'",
                               containing: "\"Oslo\" is not a time zone PostgreSQL knows by name")
        let set = try CLIRunner.run(["installation", "set", "--time-zone", "Europe/Helsinki", "--format", "json", "--as", Self.admin], database: db)
        #expect(set.exitCode == 0, "\(set.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(set.stdout.utf8)) as? [String: Any]
        #expect(object?["time_zone"] as? String == "Europe/Helsinki", "\(set.stdout)")
        #expect(object?["changed_by"] as? String == Self.admin, "\(set.stdout)")
        let shown = try CLIRunner.run(["installation", "show"], database: db)
        #expect(shown.exitCode == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("Europe/Helsinki") && shown.stdout.contains(Self.admin), "\(shown.stdout)")
    }

    @Test("db resume-numbering: refused to a caseworker and where nothing was restored, with the database's sentences")
    func resumeNumbering() throws {
        let db = try scene()
        defer { db.drop() }
        try expectSameSentence(db, Self.caseworker, cli: ["db", "resume-numbering", "--skip", "10", "--reason", "restored"],
                               sql: "SELECT tilskot.numbering_resume(10, 'restored')",
                               containing: "opc_per is not an administrator")
        // Nothing registered yet: no lineage recorded, so resuming records this database and moves nothing wrongly.
        let first = try CLIRunner.run(["db", "resume-numbering", "--skip", "0", "--reason", "after pg_upgrade", "--as", Self.admin], database: db)
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.stdout.contains("numbering resumed"), "\(first.stdout)")
        try expectSameSentence(db, Self.admin, cli: ["db", "resume-numbering", "--skip", "10", "--reason", "again"],
                               sql: "SELECT tilskot.numbering_resume(10, 'again')",
                               containing: "there is nothing to resume")
    }
}
