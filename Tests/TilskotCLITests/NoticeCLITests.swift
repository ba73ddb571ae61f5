import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

/// Notice of decisions, the appeal deadline in `application show`, `application list --not-notified`,
/// the notice channels and advance notice, through the built binary; and for each rule, the CLI and
/// a psql login read the same sentence (the database's, SQL/schema/16_notice.sql).
@Suite("notice, deadlines and advance notice through the CLI")
struct NoticeCLITests {
    static let manager = "nt_mona"
    static let caseworker = "nt_kari"
    static let finance = "nt_fia"
    static let admin = "nt_adam"

    /// Jobbsjansen 2021 with
    ///   JS-2021-0001 Oslo, 3 400 000 kr applied for, assessed, undecided;
    ///   JS-2021-0002 Stavanger, 2 000 000 kr applied for, granted 1 500 000 kr on 2021-04-01;
    ///   JS-2021-0003 Oslo, 1 000 000 kr applied for, rejected on 2021-04-01.
    func scene() throws -> TestDatabase {
        try TestDatabase.scene(users: [Self.manager: .manager, Self.caseworker: .caseworker, Self.finance: .finance, Self.admin: .admin], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "110,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
            ["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen Oslo",
             "--amount", "3 400 000", "--received", "2021-02-01", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "964965226", "--title", "Jobbsjansen Stavanger",
             "--amount", "2 000 000", "--received", "2021-02-02", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen Oslo II",
             "--amount", "1 000 000", "--received", "2021-02-03", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0002", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0003", "--score", "2", "--recommend", "reject", "--as", Self.caseworker],
            ["application", "decide", "JS-2021-0002", "--grant", "1 500 000", "--reasons", "Ramma strekk ikkje til",
             "--date", "2021-04-01", "--as", Self.manager],
            ["application", "decide", "JS-2021-0003", "--reject", "--reasons", "Fell utanfor ordninga",
             "--date", "2021-04-01", "--as", Self.manager],
        ])
    }

    func run(_ db: TestDatabase, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try CLIRunner.run(arguments, database: db)
        #expect(result.exitCode == 0, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func id(_ db: TestDatabase, _ reference: String) throws -> Int64 {
        try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = $1", [reference], as: Int64.self))
    }

    @Test("notify, then show prints the notice, the presumed day and the deadline; --not-notified lists the open ones")
    func notifyAndShow() throws {
        let db = try scene()
        defer { db.drop() }
        let open = try run(db, ["application", "show", "JS-2021-0002"])
        #expect(open.contains("appeal by      open: no notice recorded"))
        let openJSON = try json(try run(db, ["application", "show", "JS-2021-0002", "--format", "json"]))
        #expect(openJSON["appeal_deadline"] is NSNull && openJSON["notice_sent"] is NSNull)
        let listed = try run(db, ["application", "list", "--status", "decided", "--not-notified", "--format", "csv"])
        #expect(listed.contains("JS-2021-0002") && listed.contains("JS-2021-0003") && !listed.contains("JS-2021-0001"))

        // Sent by post on Tuesday 2021-04-06: presumed received 2021-04-13 (7 days), deadline three weeks on.
        let out = try run(db, ["application", "notify", "JS-2021-0002", "--sent", "2021-04-06", "--channel", "post", "--as", Self.caseworker])
        #expect(out == "JS-2021-0002: notice of decision 1: sent 2021-04-06 by post, presumed received 2021-04-13; appeal deadline 2021-05-04 (fvl. § 29)\n"
                || out.contains("sent 2021-04-06 by post, presumed received 2021-04-13; appeal deadline 2021-05-04"))
        let shown = try run(db, ["application", "show", "JS-2021-0002"])
        #expect(shown.contains("notice         sent 2021-04-06 by post, presumed received 2021-04-13"))
        #expect(shown.contains("appeal by      2021-05-04"))
        let object = try json(try run(db, ["application", "show", "JS-2021-0002", "--format", "json"]))
        #expect(object["notice_sent"] as? String == "2021-04-06")
        #expect(object["notice_channel"] as? String == "post")
        #expect(object["notice_received"] is NSNull)
        #expect(object["notice_presumed_received"] as? String == "2021-04-13")
        #expect(object["appeal_deadline"] as? String == "2021-05-04")

        // A known day of receipt: the rejection reached Oslo on Friday 2021-04-23 → 2021-05-14 (Ascension
        // Day 2021-05-13 is not the last day; the 14th is a Friday).
        let received = try json(try run(db, ["application", "notify", "JS-2021-0003", "--sent", "2021-04-22", "--channel", "digital",
                                             "--received", "2021-04-23", "--as", Self.manager, "--format", "json"]))
        #expect(received["appeal_deadline"] as? String == "2021-05-14" && received["received"] as? String == "2021-04-23")
        let after = try run(db, ["application", "list", "--status", "decided", "--not-notified", "--format", "csv"])
        #expect(!after.contains("JS-2021-0002") && !after.contains("JS-2021-0003"))
    }

    @Test("the notice rules: the CLI and psql read the same sentence")
    func sameSentences() throws {
        let db = try scene()
        defer { db.drop() }
        let a2 = try id(db, "JS-2021-0002"), a1 = try id(db, "JS-2021-0001")
        let decision = try #require(try db.connect().queryValue("SELECT id FROM tilskot.decision WHERE application_id = $1", [a2], as: Int64.self))
        let insert = "INSERT INTO tilskot.notice (application_id, decision_id, sent_on, channel, received_on) VALUES ($1, $2, $3::date, $4, $5::date)"
        try expectSameSentence(db, Self.caseworker, cli: ["application", "notify", "JS-2021-0002", "--sent", "2021-03-31", "--channel", "post"],
                               sql: insert, parameters: [a2, decision, "2021-03-31", "post", String?.none],
                               containing: "notice refused: it is dated as sent 2021-03-31, before decision \(decision) was made (2021-04-01)")
        try expectSameSentence(db, Self.caseworker, cli: ["application", "notify", "JS-2021-0002", "--sent", "2099-01-05", "--channel", "post"],
                               sql: insert, parameters: [a2, decision, "2099-01-05", "post", String?.none], containing: "the sent date 2099-01-05 is in the future")
        try expectSameSentence(db, Self.caseworker,
                               cli: ["application", "notify", "JS-2021-0002", "--sent", "2021-04-06", "--channel", "post", "--received", "2021-04-05"],
                               sql: insert, parameters: [a2, decision, "2021-04-06", "post", "2021-04-05"], containing: "received 2021-04-05, before it was sent")
        try expectSameSentence(db, Self.caseworker, cli: ["application", "notify", "JS-2021-0002", "--sent", "2021-04-06", "--channel", "fax"],
                               sql: insert, parameters: [a2, decision, "2021-04-06", "fax", String?.none], containing: "\"fax\" is not a channel")
        try expectSameSentence(db, Self.caseworker, cli: ["application", "notify", "JS-2021-0001", "--sent", "2021-04-06", "--channel", "post"],
                               sql: "INSERT INTO tilskot.notice (application_id, sent_on, channel) VALUES ($1, '2021-04-06', 'post')", parameters: [a1],
                               containing: "JS-2021-0001 has not been decided")
        try expectSameSentence(db, Self.finance, cli: ["application", "notify", "JS-2021-0002", "--sent", "2021-04-06", "--channel", "post"],
                               sql: "SELECT tilskot.require_notice_step('notice')", containing: "nt_fia is neither a caseworker nor a manager")
        _ = try run(db, ["application", "notify", "JS-2021-0002", "--sent", "2021-04-06", "--channel", "email", "--as", Self.caseworker])
        try expectSameSentence(db, Self.manager, cli: ["application", "notify", "JS-2021-0002", "--sent", "2021-04-07", "--channel", "post"],
                               sql: insert, parameters: [a2, decision, "2021-04-07", "post", String?.none],
                               containing: "is already recorded (sent 2021-04-06 by email)")
        // Channels: administrators only, and 0–14 days.
        try expectSameSentence(db, Self.manager, cli: ["notice", "channel", "post", "--days", "3"],
                               sql: "SELECT tilskot.require_notice_step('channel')", containing: "nt_mona is not an administrator")
        try expectSameSentence(db, Self.admin, cli: ["notice", "channel", "post", "--days", "20"],
                               sql: "UPDATE tilskot.notice_channel SET presumed_days = 20 WHERE channel = 'post'",
                               containing: "20 days is not a presumed time for post to reach the party")
        // Advance notice: at least 14 days to answer; managers only.
        try expectSameSentence(db, Self.manager,
                               cli: ["application", "forewarn", "JS-2021-0002", "--purpose", "change", "--proposal", "Ned til 1 000 000 kr",
                                     "--amount", "1 000 000", "--sent", "2021-05-03", "--channel", "post", "--answer-by", "2021-05-10"],
                               sql: """
                                   INSERT INTO tilskot.advance_notice (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by)
                                   VALUES ($1, 'change', 'Ned til 1 000 000 kr', 100000000, '2021-05-03', 'post', '2021-05-10')
                                   """, parameters: [a2], containing: "less than 14 days from 2021-05-03 to state their view; give at least until 2021-05-17")
        try expectSameSentence(db, Self.caseworker,
                               cli: ["application", "forewarn", "JS-2021-0002", "--purpose", "change", "--proposal", "Ned",
                                     "--sent", "2021-05-03", "--channel", "post", "--answer-by", "2021-05-24"],
                               sql: "SELECT tilskot.require_notice_step('advance notice')", containing: "nt_kari is not a manager")
        try expectSameSentence(db, Self.manager,
                               cli: ["clawback", "forewarn", "JS-2021-0002", "--amount", "100 000", "--proposal", "Krav om tilbakebetaling",
                                     "--sent", "2021-05-03", "--channel", "post", "--answer-by", "2021-05-24"],
                               sql: """
                                   INSERT INTO tilskot.advance_notice (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by)
                                   VALUES ($1, 'clawback', 'Krav om tilbakebetaling', 10000000, '2021-05-03', 'post', '2021-05-24')
                                   """, parameters: [a2], containing: "nothing has been paid on JS-2021-0002")
    }

    @Test("notice channels, an administrator's change, and advance notice with its answer in show")
    func channelsAndAdvanceNotice() throws {
        let db = try scene()
        defer { db.drop() }
        let channels = try run(db, ["notice", "channels", "--format", "csv"])
        #expect(channels == "channel,presumed_days\r\ndigital,1\r\nemail,1\r\npost,7\r\n")
        #expect(try run(db, ["notice", "channel", "post", "--days", "5", "--as", Self.admin])
                == "a notice by post is now presumed to reach the party 5 days after it is sent\n")
        #expect(try run(db, ["notice", "channels", "--format", "csv"]).contains("post,5"))

        let warned = try json(try run(db, ["application", "forewarn", "JS-2021-0002", "--purpose", "change",
                                           "--proposal", "Tilskotet blir sett ned til 1 000 000 kr", "--amount", "1 000 000",
                                           "--sent", "2021-05-03", "--channel", "post", "--answer-by", "2021-05-24",
                                           "--as", Self.manager, "--format", "json"]))
        let noticeID = try #require(warned["id"] as? Int)
        #expect(warned["answer_by"] as? String == "2021-05-24" && warned["amount_ore"] as? Int == 100_000_000)
        let answered = try run(db, ["application", "forewarn-answer", String(noticeID), "--received", "2021-05-12",
                                    "--summary", "Kommunen er usamd", "--as", Self.caseworker])
        #expect(answered == "advance notice \(noticeID): answer received 2021-05-12 recorded\n")
        let shown = try run(db, ["application", "show", "JS-2021-0002"])
        #expect(shown.contains("advance notices (fvl. § 16)"))
        #expect(shown.contains("   \(noticeID)  sent 2021-05-03 by post, change 1 000 000 kr, answer by 2021-05-24, by \(Self.manager): Tilskotet blir sett ned til 1 000 000 kr"))
        #expect(shown.contains("      answered 2021-05-12: Kommunen er usamd"))
        let object = try json(try run(db, ["application", "show", "JS-2021-0002", "--format", "json"]))
        let list = try #require(object["advance_notices"] as? [[String: Any]])
        #expect(list.count == 1 && list[0]["answer_received"] as? String == "2021-05-12")
        let again = try CLIRunner.run(["application", "forewarn-answer", String(noticeID), "--received", "2021-05-13",
                                       "--summary", "Meir", "--as", Self.caseworker], database: db)
        #expect(again.exitCode == 1 && again.stderr.contains("is already recorded (received 2021-05-12)"))
        let noClawback = try CLIRunner.run(["clawback", "notify", "999", "--sent", "2021-05-03", "--channel", "post",
                                            "--as", Self.caseworker], database: db)
        #expect(noClawback.exitCode == 1 && noClawback.stderr == "notice refused: there is no claw-back 999; see `tilskot clawback list`\n")
        let badID = try CLIRunner.run(["application", "forewarn-answer", "x1", "--received", "2021-05-13", "--summary", "Meir"], database: db)
        #expect(badID.exitCode == 1 && badID.stderr.contains("advance notice id \"x1\" is not a number"))
    }
}
