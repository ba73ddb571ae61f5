import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotDevData
import TilskotStore
import TilskotTestSupport

/// The frame checked under the round's row lock at COMMIT (decision_within_frame,
/// SQL/schema/07_decisions.sql), the tally kept per row (14_report_summaries.sql), the one-line
/// triggers that read their column directly (01_reference.sql) and the race that measures them:
/// what is built for speed must hold every rule.
@Suite("the frame at commit, the per-row tally and the one-line triggers (issue 7, deciders)")
struct FrameAtCommitTests {
    func id(_ db: TestDatabase, _ reference: ApplicationReference) throws -> Int64 {
        try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = $1",
                                                 [reference.description], as: Int64.self))
    }

    func grantedOre(_ db: TestDatabase) throws -> Int64 {
        try #require(try db.connect().queryValue("""
            SELECT r.granted_ore FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
             WHERE s.code = 'JS' AND r.year = 2021
            """, as: Int64.self))
    }

    @Test("a grant that fitted when inserted but not when its transaction commits is refused by the COMMIT with the frame's sentence, and nothing of it is written")
    func refusedAtCommit() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        // JS/2021's frame is 135 300 000 kr: either grant fits alone, not both.
        let first = try Lifecycle.assessed(db, amount: "100 000 000")
        let second = try Lifecycle.assessed(db, org: Lifecycle.stavanger, amount: "50 000 000")
        let mona = try db.connect(asLogin: Lifecycle.mona)
        let per = try db.connect(asLogin: Lifecycle.per)
        let auditBefore = try Lifecycle.count(db, "audit_log")

        try mona.execute("BEGIN")
        try mona.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [try id(db, first)])
        try per.execute("BEGIN")
        // Nothing is committed yet, so the early check lets it through.
        try per.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [try id(db, second)])
        try mona.execute("COMMIT")
        expectSQLError("23T01", "\(second) would bring Jobbsjansen 2021 to 150 000 000 kr, 14 700 000 kr over its frame of 135 300 000 kr") {
            try per.execute("COMMIT")
        }

        #expect(try grantedOre(db) == 10_000_000_000)
        let owner = try db.connect()
        #expect(try owner.queryValue("SELECT status FROM tilskot.application WHERE reference = $1", [second.description], as: String.self) == "assessed")
        #expect(try owner.queryValue("SELECT count(*) FROM tilskot.decision WHERE application_id = $1", [try id(db, second)], as: Int.self) == 0)
        // The first decision's three audit rows (decision, status, the round's sum); none of the second's.
        #expect(try Lifecycle.count(db, "audit_log") == auditBefore + 3)
        // And now the early check refuses it at once, through the service layer too.
        expectRefused("\(second) would bring Jobbsjansen 2021 to 150 000 000 kr, 14 700 000 kr over its frame of 135 300 000 kr") {
            _ = try Decisions.decide(second, .grant(Money(kroner: 50_000_000)), session: try db.session(as: Lifecycle.per))
        }
    }

    @Test("the service layer turns a refusal at COMMIT into the frame's sentence")
    func serviceRefusedAtCommit() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let first = try Lifecycle.assessed(db, amount: "100 000 000")
        let second = try Lifecycle.assessed(db, org: Lifecycle.stavanger, amount: "50 000 000")
        let session = try db.session(as: Lifecycle.mona)
        expectRefused("\(second) would bring Jobbsjansen 2021 to 150 000 000 kr, 14 700 000 kr over its frame of 135 300 000 kr") {
            try session.transaction {
                _ = try Decisions.decide(second, .grant(Money(kroner: 50_000_000)), session: session)
                // Another manager takes most of the frame before this transaction commits.
                _ = try Decisions.decide(first, .grant(Money(kroner: 100_000_000)), session: try db.session(as: Lifecycle.per))
            }
        }
        #expect(try grantedOre(db) == 10_000_000_000)
        #expect(try Decisions.current(second, session: session) == nil)
    }

    @Test("grants still queue on the round's row; a rejection of an undecided application does not touch it")
    func whatTakesTheRoundLock() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let granted = try Lifecycle.assessed(db, amount: "1 000 000")
        let rejected = try Lifecycle.assessed(db, org: Lifecycle.stavanger, amount: "1 000 000")
        // The owner holds the round's row as a decider does at commit.
        let owner = try db.connect()
        try owner.execute("BEGIN")
        try owner.execute("SELECT 1 FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id WHERE s.code = 'JS' AND r.year = 2021 FOR NO KEY UPDATE OF r")
        let mona = try db.connect(asLogin: Lifecycle.mona)
        try mona.execute("SET lock_timeout = '300ms'")
        expectSQLError("55P03") {
            try mona.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [try id(db, granted)])
        }
        try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, reasons) VALUES ($1, 'rejected', 'Svakt grunnlag.')",
                         [try id(db, rejected)])
        try owner.execute("ROLLBACK")
        try mona.execute("INSERT INTO tilskot.decision (application_id, outcome) VALUES ($1, 'granted')", [try id(db, granted)])
        #expect(try grantedOre(db) == 100_000_000)
    }

    @Test("an appeal's new decision moves the round's sum and the tally by the difference, at commit")
    func appealDifference() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let reference = try Lifecycle.assessed(db, amount: "2 000 000")
        let mona = try db.session(as: Lifecycle.mona)
        _ = try Decisions.decide(reference, .grant(Money(kroner: 1_500_000)), reasons: "Delvis.", session: mona)
        #expect(try grantedOre(db) == 150_000_000)
        let owner = try db.connect()
        let app = try id(db, reference)
        let decisionDate = try #require(try owner.queryValue("SELECT decision_date::text FROM tilskot.decision WHERE application_id = $1", [app], as: String.self))
        try db.connect(asLogin: Lifecycle.per).execute("INSERT INTO tilskot.appeal (application_id, received, grounds) VALUES ($1, $2::date, 'Vi treng alt.')",
                                                        [app, decisionDate])
        _ = try Decisions.decide(reference, .grant(Money(kroner: 2_000_000)), session: mona)
        #expect(try grantedOre(db) == 200_000_000)
        let tally = try #require(try owner.queryRow("""
            SELECT sum(t.granted) AS granted, sum(t.partially_granted) AS partial, sum(t.granted_ore) AS granted_ore, sum(t.pending) AS pending, sum(t.appealed) AS appealed
              FROM tilskot.application_tally t JOIN tilskot.round r ON r.id = t.round_id WHERE r.year = 2021
            """))
        #expect(try tally.int64("granted") == 1)
        #expect(try tally.int64("partial") == 0)
        #expect(try tally.int64("granted_ore") == 200_000_000)
        #expect(try tally.int64("pending") == 0)
        #expect(try tally.int64("appealed") == 0)
    }

    @Test("the one-line rule on titles and external references holds for a caseworker who sets tilskot.bulk_import, and on UPDATE")
    func oneLineStillHolds() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let owner = try db.connect()
        let round = try #require(try owner.queryValue("SELECT r.id FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id WHERE s.code = 'JS' AND r.year = 2021", as: Int64.self))
        let org = try #require(try owner.queryValue("SELECT id FROM tilskot.organisation WHERE orgnr = $1", [Lifecycle.oslo.digits], as: Int64.self))
        let kari = try db.connect(asLogin: Lifecycle.kari)
        try kari.execute("SELECT set_config('tilskot.bulk_import', 'on', false)")
        let insert = "INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received, external_ref) VALUES ($1, $2, $3, 100, '2021-02-01', $4)"
        expectSQLError("23T13", "application refused: the title contains a control character (U+000A, a line break)") {
            try kari.execute(insert, [round, org, "Første linje\nAndre linje", String?.none])
        }
        expectSQLError("23T13", "the external reference contains a character that reorders text on screen (U+202E)") {
            try kari.execute(insert, [round, org, "Tittel", "REF-\u{202E}1"])
        }
        expectSQLError("23T13", "the external reference is 501 characters long") {
            try kari.execute(insert, [round, org, "Tittel", String(repeating: "x", count: 501)])
        }
        try kari.execute(insert, [round, org, "Porsanki/Porsáŋgu/Porsanger", "REF-1"])
        // Even the owner cannot change a title or reference into more than one line.
        expectSQLError("23T13", "change refused: the title contains a control character (U+0009, a tab)") {
            try owner.execute("UPDATE tilskot.application SET title = E'a\\tb' WHERE external_ref = 'REF-1'")
        }
        expectSQLError("23T13", "the external reference contains a control character") {
            try owner.execute("UPDATE tilskot.application SET external_ref = E'REF\\n2' WHERE external_ref = 'REF-1'")
        }
        #expect(try owner.queryValue("SELECT title FROM tilskot.application WHERE external_ref = 'REF-1'", as: String.self) == "Porsanki/Porsáŋgu/Porsanger")
    }

    @Test("a decision on its own is one statement: its reasons on every audit row it writes, the round's at commit included")
    func reasonsOnEveryAuditRow() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let reference = try Lifecycle.assessed(db, amount: "2 000 000")
        let session = try db.session(as: Lifecycle.mona)
        let before = try #require(try db.connect().queryValue("SELECT max(id) FROM tilskot.audit_log", as: Int64.self))
        _ = try Decisions.decide(reference, .grant(Money(kroner: 1_500_000)), reasons: "Delvis: budsjettet er stramt.", session: session)
        let rows = try db.connect().query("SELECT table_name, reason FROM tilskot.audit_log WHERE id > $1 ORDER BY id", [before])
        #expect(try rows.map { try $0.string("table_name") }.sorted() == ["application", "decision", "round"])
        #expect(try rows.allSatisfy { try $0.string("reason") == "Delvis: budsjettet er stramt." })
        // The setting was the decision's own: the next statement on the session has none.
        #expect(try session.connection.queryValue("SELECT coalesce(current_setting('tilskot.reason', true), '')", as: String.self) == "")
    }

    @Test("the deciders' race: the frame runs out mid-race, refused grants become rejections, overspend 0 kr")
    func race() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        let target = DatabaseTarget(conninfo: db.url, source: .explicit)
        let file = FileManager.default.temporaryDirectory.appending(path: "fac-dev-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        // The dev users are cluster-wide; another suite may be creating them at the same moment.
        do {
            try DevDataLoader.setUp(DevDataPlan(applications: 10, seed: 3), target: target, file: file)
        } catch {
            try DevDataLoader.setUp(DevDataPlan(applications: 10, seed: 3), target: target, file: file)
        }
        let rounds = try DecisionRace.prepare(target: target, applications: 300, rounds: 1)
        let result = try DecisionRace.run(target: target, rounds: rounds, workers: 4, seconds: 60)
        #expect(result.decisions == 300)
        #expect(result.frameRefusals > 0)
        #expect(result.grants + result.frameRefusals == 300)
        #expect(result.overspend == .zero)
        #expect(result.granted == result.grantedFromDecisions)
        #expect(result.granted <= result.frame)
    }
}
