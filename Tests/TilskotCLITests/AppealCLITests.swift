import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

/// Issue 16 items 2 and 4 through the built binary: `application appeal --sent`, `tilskot appeal
/// dismiss | forward | body-decision`, `application decide` on an appeal, the help texts, and
/// `application show` with its appeals; each refusal is the database's sentence, the same through
/// the CLI and psql.
@Suite("appeal commands: register, dismiss, change, forward, the appeal body's decision")
struct AppealCLITests {
    static let manager = "ap_mona"
    static let registrar = "ap_per"
    static let caseworker = "ap_kari"

    /// Jobbsjansen 2021 with
    ///   JS-2021-0001 Oslo, 3 400 000 kr applied for, granted 3 000 000 kr on 2021-04-01 with conditions;
    ///   JS-2021-0002 Stavanger, 2 000 000 kr, granted in full on 2021-04-01;
    /// each appealed by ap_per, received 2021-04-15 (no notice recorded: in time).
    func scene() throws -> TestDatabase {
        try TestDatabase.scene(users: [Self.manager: .manager, Self.registrar: .manager, Self.caseworker: .caseworker], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "110,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
            ["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen Oslo",
             "--amount", "3 400 000", "--received", "2021-02-01", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "964965226", "--title", "Jobbsjansen Stavanger",
             "--amount", "2 000 000", "--received", "2021-02-02", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0001", "--score", "3", "--recommend", "partial", "--amount", "3 000 000", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0002", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
            ["application", "decide", "JS-2021-0001", "--grant", "3 000 000", "--reasons", "Ramma rekk ikkje", "--conditions",
             "Rapport innan 1. mars 2022", "--date", "2021-04-01", "--as", Self.manager],
            ["application", "decide", "JS-2021-0002", "--grant", "2 000 000", "--date", "2021-04-01", "--as", Self.manager],
            ["application", "appeal", "JS-2021-0001", "--received", "2021-04-15", "--sent", "2021-04-13", "--grounds", "Treng heile beløpet",
             "--as", Self.registrar],
            ["application", "appeal", "JS-2021-0002", "--received", "2021-04-15", "--grounds", "Vilkåra er for strenge", "--as", Self.registrar],
        ])
    }

    func run(_ db: TestDatabase, _ arguments: [String], as user: String) throws -> CLIResult {
        try CLIRunner.run(arguments + ["--as", user], database: db)
    }

    func app(_ db: TestDatabase, _ reference: String) throws -> Int64 {
        try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = $1", [reference], as: Int64.self))
    }

    @Test("the help says the deadline as the law does")
    func help() throws {
        let register = try CLIRunner.run(["application", "appeal", "--help"], database: nil)
        #expect(register.exitCode == 0)
        let text = register.stdout.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: " ")
        #expect(text.contains("reached the party (fvl. § 29"), "\(register.stdout)")
        #expect(text.contains("before the deadline ran out (§ 30)"), "\(register.stdout)")
        #expect(text.contains("(§ 31"), "\(register.stdout)")
        #expect(!text.contains("from the decision date"))
        let appeal = try CLIRunner.run(["appeal", "--help"], database: nil)
        #expect(appeal.exitCode == 0)
        #expect(appeal.stdout.contains("dismiss") && appeal.stdout.contains("forward") && appeal.stdout.contains("body-decision"))
    }

    @Test("dismiss: the decision in force stays; --dismiss on an appeal is refused with the way to dismiss the appeal")
    func dismiss() throws {
        let db = try scene()
        defer { db.drop() }
        let a1 = try app(db, "JS-2021-0001")
        try expectSameSentence(db, Self.manager, cli: ["application", "decide", "JS-2021-0001", "--dismiss", "--reasons", "For sein"],
                               sql: "INSERT INTO tilskot.decision (application_id, outcome, reasons) VALUES (\(a1), 'dismissed', 'For sein')",
                               containing: "`tilskot appeal dismiss JS-2021-0001 --ground …`")
        try expectSameSentence(db, Self.registrar, cli: ["appeal", "dismiss", "JS-2021-0001", "--ground", "no-standing", "--reasons", "Ikkje part"],
                               sql: "INSERT INTO tilskot.appeal_step (application_id, kind, ground, reasons) VALUES (\(a1), 'dismiss', 'no_standing', 'Ikkje part')",
                               containing: "cannot also decide it")
        try expectSameSentence(db, Self.manager, cli: ["appeal", "dismiss", "JS-2021-0001", "--ground", "late", "--reasons", "For sein"],
                               sql: "INSERT INTO tilskot.appeal_step (application_id, kind, ground, reasons) VALUES (\(a1), 'dismiss', 'late', 'For sein')",
                               containing: "cannot be dismissed as late")
        let wrong = try run(db, ["appeal", "dismiss", "JS-2021-0001", "--ground", "boring", "--reasons", "x"], as: Self.manager)
        #expect(wrong.exitCode == 1 && wrong.stderr.contains("is not one of late, no-standing, withdrawn, other"))

        let done = try run(db, ["appeal", "dismiss", "JS-2021-0001", "--ground", "withdrawn", "--reasons", "Kommunen trekte klaga",
                                "--date", "2021-04-20", "--format", "json"], as: Self.manager)
        #expect(done.exitCode == 0, "\(done.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(done.stdout.utf8)) as? [String: Any])
        #expect(object["outcome"] as? String == "dismissed")
        #expect(object["status_before"] as? String == "partially_granted")

        let show = try run(db, ["application", "show", "JS-2021-0001", "--format", "json"], as: Self.caseworker)
        let detail = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(detail["status"] as? String == "partially_granted")
        #expect(detail["granted_ore"] as? Int == 300_000_000)
        let appeals = try #require(detail["appeals"] as? [[String: Any]])
        #expect(appeals.count == 1)
        #expect(appeals[0]["received"] as? String == "2021-04-15")
        #expect(appeals[0]["sent"] as? String == "2021-04-13")
        #expect(appeals[0]["late"] as? Bool == false)
        #expect(appeals[0]["outcome"] as? String == "dismissed")
        #expect(appeals[0].keys.contains("forwarded_on") && appeals[0].keys.contains("appeal_body"))
        let steps = try #require(appeals[0]["steps"] as? [[String: Any]])
        #expect(steps.first?["kind"] as? String == "dismiss")
        #expect(steps.first?["ground"] as? String == "withdrawn")

        try expectSameSentence(db, Self.manager, cli: ["appeal", "dismiss", "JS-2021-0001", "--ground", "other", "--reasons", "Igjen"],
                               sql: "INSERT INTO tilskot.appeal_step (application_id, kind, ground, reasons) VALUES (\(a1), 'dismiss', 'other', 'Igjen')",
                               containing: "has no appeal pending")
    }

    @Test("change (omgjering): the same decision is refused, a change supersedes and keeps the conditions; a lower one needs basis and notice")
    func change() throws {
        let db = try scene()
        defer { db.drop() }
        let a1 = try app(db, "JS-2021-0001")
        try expectSameSentence(db, Self.manager, cli: ["application", "decide", "JS-2021-0001", "--grant", "3 000 000", "--reasons", "Same"],
                               sql: "INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES (\(a1), 'granted', 300000000, 'Same')",
                               containing: "`tilskot appeal forward JS-2021-0001`")
        try expectSameSentence(db, Self.manager, cli: ["application", "decide", "JS-2021-0001", "--grant", "2 000 000", "--reasons", "Mindre"],
                               sql: "INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES (\(a1), 'granted', 200000000, 'Mindre')",
                               containing: "to the appellant's disadvantage (3 000 000 kr → 2 000 000 kr)")
        let up = try run(db, ["application", "decide", "JS-2021-0001", "--grant", "3 200 000", "--reasons", "Klaga er teken delvis til følgje",
                              "--date", "2021-04-20", "--format", "json"], as: Self.manager)
        #expect(up.exitCode == 0, "\(up.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(up.stdout.utf8)) as? [String: Any])
        #expect(object["conditions"] as? String == "Rapport innan 1. mars 2022")
        #expect(object["instance"] as? String == "directorate")
        #expect(object["appeal_id"] is Int)
        #expect(object["supersedes"] is Int)
        let show = try run(db, ["application", "show", "JS-2021-0001"], as: Self.caseworker)
        #expect(show.stdout.contains("status         delvis innvilga"), "\(show.stdout)")
        #expect(show.stdout.contains("— changed"), "\(show.stdout)")
    }

    @Test("forward names the appeal body of the decision date; the appeal body's decisions are recorded")
    func forwardAndBody() throws {
        let db = try scene()
        defer { db.drop() }
        let a2 = try app(db, "JS-2021-0002")
        try expectSameSentence(db, Self.manager, cli: ["appeal", "forward", "JS-2021-0002"],
                               sql: "INSERT INTO tilskot.appeal_step (application_id, kind) VALUES (\(a2), 'forward')",
                               containing: "`tilskot scheme appeal-body JS --from DATE")
        for body in [["2018-01-01", "Kunnskapsdepartementet", "Ministry of Education and Research"],
                     ["2022-01-01", "Arbeids- og inkluderingsdepartementet", "Ministry of Labour and Social Inclusion"]] {
            let added = try run(db, ["scheme", "appeal-body", "JS", "--from", body[0], "--nn", body[1], "--nb", body[1], "--en", body[2]], as: Self.manager)
            #expect(added.exitCode == 0, "\(added.stderr)")
        }
        let forwarded = try run(db, ["appeal", "forward", "JS-2021-0002", "--date", "2021-04-22"], as: Self.manager)
        #expect(forwarded.exitCode == 0, "\(forwarded.stderr)")
        #expect(forwarded.stdout.contains("sent to Kunnskapsdepartementet on 2021-04-22"), "\(forwarded.stdout)")
        try expectSameSentence(db, Self.manager, cli: ["application", "decide", "JS-2021-0002", "--reject", "--reasons", "Nei"],
                               sql: "INSERT INTO tilskot.decision (application_id, outcome, reasons) VALUES (\(a2), 'rejected', 'Nei')",
                               containing: "the first instance can no longer decide it")
        let usage = try run(db, ["appeal", "body-decision", "JS-2021-0002", "--reasons", "x"], as: Self.manager)
        #expect(usage.exitCode == 2)
        let upheld = try run(db, ["appeal", "body-decision", "JS-2021-0002", "--upheld", "--reasons", "Departementet stadfestar vedtaket",
                                  "--body-reference", "21/1234", "--date", "2021-06-01"], as: Self.registrar)
        #expect(upheld.exitCode == 0, "\(upheld.stderr)")
        let show = try run(db, ["application", "show", "JS-2021-0002", "--format", "json"], as: Self.caseworker)
        let detail = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let appeal = try #require((detail["appeals"] as? [[String: Any]])?.first)
        #expect(appeal["appeal_body"] as? String == "Kunnskapsdepartementet")
        #expect(appeal["forwarded_on"] as? String == "2021-04-22")
        #expect(appeal["outcome"] as? String == "upheld")
        #expect((appeal["steps"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["forward", "body_upheld"])
        #expect(detail["status"] as? String == "granted")

        // JS-2021-0001: forwarded, then changed by the appeal body.
        let f1 = try run(db, ["appeal", "forward", "JS-2021-0001", "--date", "2021-04-22"], as: Self.manager)
        #expect(f1.exitCode == 0, "\(f1.stderr)")
        let changed = try run(db, ["application", "decide", "JS-2021-0001", "--by-appeal-body", "--body-reference", "21/99",
                                   "--grant", "3 400 000", "--date", "2021-06-02"], as: Self.registrar)
        #expect(changed.exitCode == 0, "\(changed.stderr)")
        #expect(changed.stdout.contains("the appeal body's decision"), "\(changed.stdout)")
        #expect(try db.connect().queryValue("SELECT granted_ore FROM tilskot.round", as: Int64.self) == 540_000_000)
    }
}
