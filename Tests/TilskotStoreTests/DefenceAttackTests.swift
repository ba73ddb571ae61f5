import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Issue 8's attacks that LifecycleAttackTests does not already make: each group role, logged in
/// with plain SQL, tries what a person with psql and their own password could try against the
/// database's defences — roles, triggers, ownership, views, functions with rights of their own,
/// TRUNCATE, the audit log. docs/security.md maps every rule to the test that attacks it.
@Suite("defences under attack through plain SQL")
struct DefenceAttackTests {
    /// One login per group role (Lifecycle's people).
    static let logins: [(user: String, group: String)] = [
        (Lifecycle.kari, "tilskot_caseworker"), (Lifecycle.mona, "tilskot_manager"), (Lifecycle.fia, "tilskot_finance"),
        (Lifecycle.aud, "tilskot_auditor"), (Lifecycle.adm, "tilskot_admin"),
    ]

    func id(_ db: TestDatabase, _ reference: ApplicationReference) throws -> Int64 {
        try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = $1",
                                                 [reference.description], as: Int64.self))
    }

    @Test("SET ROLE to one's own group role does not change who acts: four-eyes and disqualification still see the person")
    func setRoleToTheGroupKeepsThePerson() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let app = try id(db, try Lifecycle.register(db))
        let mona = try db.connect(asLogin: Lifecycle.mona)
        // Assess under the group's name, then decide as herself: still her own assessment (fixed in 0040).
        try mona.execute("SET ROLE tilskot_manager")
        try mona.execute("INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES ($1, 5, 'grant')", [app])
        try mona.execute("RESET ROLE")
        #expect(try mona.queryValue("SELECT assessor FROM tilskot.assessment WHERE application_id = $1", [app], as: String.self) == Lifecycle.mona)
        expectSQLError("23T03", "\(Lifecycle.mona) assessed") {
            try mona.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [app])
        }
        // The other way round: decide under the group's name after assessing as herself.
        try mona.execute("SET ROLE tilskot_manager")
        expectSQLError("23T03", "\(Lifecycle.mona) assessed") {
            try mona.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [app])
        }
        try mona.execute("RESET ROLE")
        // A disqualified manager cannot hide behind the group either.
        let per = try db.connect(asLogin: Lifecycle.per)
        try per.execute("INSERT INTO tilskot.disqualification (application_id, reason) VALUES ($1, 'bror er rådmann')", [app])
        try per.execute("SET ROLE tilskot_manager")
        expectSQLError("23T04", "\(Lifecycle.per) is disqualified") {
            try per.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [app])
        }
        // Every audit entry names the person, whatever role the session had chosen.
        let actors = try db.connect().query("SELECT DISTINCT actor FROM tilskot.audit_log").map { try $0.string("actor") }
        #expect(!actors.contains { $0.hasPrefix("tilskot_") }, "actors: \(actors)")
    }
}
