import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

/// The follow-up commands through the built binary: payments, reports, reminders, claw-backs,
/// closing and the participant register; and issue 5's bad input, each refused with exit 1, one
/// sentence on stderr and nothing written.
@Suite("follow-up commands")
struct FollowUpCLITests {
    static let caseworker = "fucli_kari"
    static let other = "fucli_ola"
    static let manager = "fucli_mona"
    static let finance = "fucli_fia"
    /// Pays what `finance` attested: the payer is not the attester (SQL/schema/09_payments.sql).
    static let payer = "fucli_finn"
    static let admin = "fucli_adm"
    static let auditor = "fucli_aud"

    /// JS/2021 with Oslo granted 1 000 000 kr (planned in two halves, the first attested by fia and
    /// paid by finn), Stavanger
    /// granted 300 000 kr (no plan yet), Bergen rejected; one participant on Oslo's project.
    func scene() throws -> TestDatabase {
        let (k, m, f) = (Self.caseworker, Self.manager, Self.finance)
        var steps: [[String]] = [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
            ["round", "open", "JS/2021", "--frame", "135,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
        ]
        for (orgnr, name, code, amount) in [("958935420", "Oslo", "0301", "1 000 000"), ("964965226", "Stavanger", "1103", "300 000"),
                                            ("964338531", "Bergen", "4601", "500 000")] {
            steps.append(["org", "add", orgnr, "--name", "\(name) kommune", "--kind", "municipality", "--municipality", code, "--as", k])
            steps.append(["application", "register", "--round", "JS/2021", "--org", orgnr, "--title", "Jobbsjansen i \(name)",
                          "--amount", amount, "--received", "2021-02-01", "--as", k])
        }
        steps += [
            ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", k],
            ["application", "assess", "JS-2021-0002", "--score", "4", "--recommend", "grant", "--as", k],
            ["application", "assess", "JS-2021-0003", "--score", "2", "--recommend", "reject", "--as", k],
            ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--date", "2021-04-15", "--as", m],
            ["application", "decide", "JS-2021-0002", "--grant", "300 000", "--date", "2021-04-15", "--as", m],
            ["application", "decide", "JS-2021-0003", "--reject", "--reasons", "Ramma er brukt opp", "--date", "2021-04-15", "--as", m],
            ["payment", "plan", "JS-2021-0001", "--instalments", "50%:2021-05-01,50%:2021-09-01", "--account", "8601 11 17947", "--as", k],
            ["payment", "attest", "1", "--as", f],
            ["payment", "pay", "1", "--voucher", "UTB-2021-05", "--date", "2021-05-03", "--as", Self.payer],
            ["participant", "add", "JS-2021-0001", "--code", "OSL-0001", "--birth-year", "1985", "--municipality", "0301",
             "--start", "2021-09-01", "--end", "2022-06-30", "--outcome", "employment", "--as", k],
        ]
        return try TestDatabase.scene(users: [Self.caseworker: .caseworker, Self.other: .caseworker, Self.manager: .manager,
                                              Self.finance: .finance, Self.payer: .finance, Self.admin: .admin,
                                              Self.auditor: .auditor],
                                      steps: steps)
    }

    func counts(_ db: TestDatabase) throws -> [String: Int] { try db.rowCounts() }

    static let account = "8601 11 17947"

    /// Issue 5's bad input, grouped by area: each group runs on one scene (a refused command writes
    /// nothing, so the next one finds the scene as it was, which is itself checked).
    static let badInputCases: [(String, [([String], String)])] = [
        ("payments", [
            (["payment", "plan", "JS-2021-0003", "--instalments", "50%:2021-05-01", "--account", account], "was rejected, so it has no grant"),
            (["payment", "plan", "JS-2021-0002", "--instalments", "60%:2021-05-01,50%:2021-09-01", "--account", account], "add up to 110%"),
            (["payment", "plan", "JS-2021-0002", "--instalments", "50%", "--account", account], "has no due date"),
            (["payment", "plan", "JS-2021-0002", "--instalments", "50%:2021-05-01", "--account", "8601 11 17948"], "check digit should be 7"),
            (["payment", "plan", "JS-2021-0001", "--instalments", "1:2021-10-01", "--account", account], "over its grant of 1 000 000 kr"),
            (["payment", "attest", "2", "--as", manager], "is not in finance"),
            (["payment", "attest", "abc", "--as", finance], "is not a number"),
            (["payment", "attest", "999", "--as", finance], "there is no payment with id 999"),
            (["payment", "pay", "2", "--voucher", "V", "--as", finance], "only after it is attested"),
            (["payment", "pay", "1", "--voucher", "V", "--as", payer], "is paid"),
            (["payment", "withhold", "2", "--reason", " ", "--as", finance], "needs a reason"),
            (["payment", "list", "--status", "approved"], "not one of the allowed values"),
        ]),
        ("reports and closing", [
            (["followup", "receive", "JS-2021-0003", "--report-date", "2022-03-01"], "was rejected, so it has no grant"),
            (["followup", "receive", "JS-2021-0001", "--report-date", "2099-01-01"], "is in the future"),
            (["followup", "approve", "JS-2021-0001"], "has no report waiting for review"),
            (["followup", "approve", "JS-2021-0001", "--reject"], "has no report waiting for review"),
            (["followup", "duty", "JS-2021-0001", "--no-account-required"], "at or above the scheme's threshold of 400 000 kr"),
            (["followup", "due", "--within", "soon"], "not a number of days"),
            (["followup", "reminders", "--date", "2099-01-01"], "in the future"),
            (["followup", "close", "JS-2021-0001", "--as", manager], "has no approved report"),
            (["application", "close", "JS-2021-0001"], "is not a manager"),
        ]),
        ("claw-backs", [
            (["clawback", "demand", "JS-2021-0001", "--amount", "600 000", "--reasons", "Ubrukt", "--due", "2022-06-01",
             "--date", "2022-04-20", "--without-notice", "fvl. § 16 tredje ledd bokstav c: sjølvmeldt", "--as", manager],
             "a claw-back cannot exceed what was paid"),
            (["clawback", "demand", "JS-2021-0001", "--amount", "100", "--reasons", "Ubrukt", "--due", "2022-06-01",
             "--date", "2022-04-20", "--as", manager], "given time to answer before it is decided (fvl. § 16)"),
            (["clawback", "demand", "JS-2021-0001", "--amount", "100", "--reasons", "Ubrukt", "--due", "2022-06-01",
             "--date", "2022-04-20", "--advance-notice", "x1", "--as", manager], "advance notice id \"x1\" is not a number"),
            (["clawback", "repay", "--kid", "12345670", "--amount", "1", "--as", finance], "12345670 is not a KID"),
            (["clawback", "demand", "JS-2021-0001", "--amount", "100", "--reasons", "Ubrukt", "--due", "2022-06-01"], "is not a manager"),
            (["clawback", "repay", "99", "--amount", "1", "--as", finance], "there is no claw-back with id 99"),
        ]),
        ("participants", [
            (["participant", "add", "JS-2021-0001", "--code", "01018512345", "--birth-year", "1985", "--municipality", "0301",
             "--start", "2021-09-01"], "looks like a national identity number"),
            (["participant", "add", "JS-2021-0001", "--code", "OSL-0002", "--birth-year", "85", "--municipality", "0301",
             "--start", "2021-09-01"], "is not a year"),
            (["participant", "list", "JS-2021-0001", "--as", other], "is neither a participant reader nor a caseworker of JS-2021-0001"),
            (["participant", "list", "JS-2021-0001", "--as", auditor], "not allowed"),
            (["participant", "purge", "--before", "2022-01-01"], "is not an admin"),
            (["participant", "report", "--round", "JS/2021", "--at", "3m"], "not one of the allowed values"),
        ]),
    ]

    @Test("bad input: exit 1, one sentence on stderr, nothing written", arguments: badInputCases.map(\.0))
    func badInput(area: String) throws {
        let db = try scene()
        defer { db.drop() }
        let before = try counts(db)
        for (arguments, fragment) in Self.badInputCases.first(where: { $0.0 == area })?.1 ?? [] {
            let asArgs = arguments.contains("--as") ? [] : ["--as", Self.caseworker]
            let result = try CLIRunner.run(arguments + asArgs, database: db)
            let command = arguments.joined(separator: " ")
            #expect(result.exitCode == 1, "\(command): \(result.stderr)")
            #expect(result.errorLines.count == 1, "\(command): \(result.stderr)")
            #expect(result.stderr.contains(fragment), "\(command): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(command)")
            #expect(try counts(db) == before, "\(command) wrote something")
        }
    }

    @Test("the payment run as CSV for the finance system; a plan's JSON")
    func paymentRun() throws {
        let db = try scene()
        defer { db.drop() }
        let attest = try CLIRunner.run(["payment", "attest", "2", "--as", Self.finance], database: db)
        #expect(attest.exitCode == 0, "\(attest.stderr)")
        // The attester does not also approve the payment (to-personskontroll): one sentence, nothing paid.
        let before = try counts(db)
        let selfPay = try CLIRunner.run(["payment", "pay", "2", "--voucher", "UTB-2021-09", "--date", "2021-09-01", "--as", Self.finance],
                                        database: db)
        #expect(selfPay.exitCode == 1 && selfPay.errorLines.count == 1, "\(selfPay.stderr)")
        #expect(selfPay.stderr.contains("\(Self.finance) attested instalment 2 of JS-2021-0001") &&
                selfPay.stderr.contains("cannot also approve its payment"), "\(selfPay.stderr)")
        #expect(try counts(db) == before)
        let run = try CLIRunner.run(["payment", "export", "--date", "2021-09-01"], database: db)
        #expect(run.exitCode == 0)
        #expect(run.stdout == "orgnr,account_reference,amount_ore,reference,payment_id,due_date\r\n958935420,86011117947,50000000,JS-2021-0001/2,2,2021-09-01\r\n")
        #expect(try CLIRunner.run(["payment", "export", "--date", "2021-08-31"], database: db).stdout.split(separator: "\r\n").count == 1)
        let plan = try CLIRunner.run(["payment", "plan", "JS-2021-0002", "--instalments", "100 000:2021-05-01,66,66%:2021-09-01",
                                      "--account", Self.account, "--format", "json", "--as", Self.caseworker], database: db)
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["amount_ore"] as? Int64 } == [10_000_000, 19_998_000])
        #expect(rows.map { $0["status"] as? String } == ["planned", "planned"])
        // The list by due date, all of it under the default cap, and --limit taking the first.
        let all = try CLIRunner.run(["payment", "list", "--format", "csv"], database: db)
        let lines = all.stdout.split(whereSeparator: \.isNewline)
        #expect(lines.count > 3 && all.stderr.isEmpty, "\(all.stderr)")
        let first = try CLIRunner.run(["payment", "list", "--format", "csv", "--limit", "2"], database: db)
        #expect(first.stdout.split(whereSeparator: \.isNewline) == Array(lines.prefix(3)))
        #expect(first.stderr.isEmpty)
    }

    @Test("reports, reminders once a week, claw-back with its letter, closing, money summary")
    func followUpStory() throws {
        let db = try scene()
        defer { db.drop() }
        func ok(_ arguments: [String]) throws -> CLIResult {
            let result = try CLIRunner.run(arguments, database: db)
            #expect(result.exitCode == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
            return result
        }
        let (k, m, f) = (Self.caseworker, Self.manager, Self.finance)
        let overdue = try ok(["followup", "overdue", "--format", "csv"])
        #expect(overdue.stdout.contains("JS-2021-0001,958935420,Oslo kommune,100000000,2021-12-31,2022-03-31"))
        let due = try ok(["followup", "due", "--within", "30d", "--as-of", "2022-03-15", "--format", "csv"])
        #expect(due.stdout.split(separator: "\r\n").count == 2)
        // One round's worklist: JS/2021's report is in it, a round with no grants has none.
        _ = try ok(["round", "open", "JS/2022", "--frame", "1 mill", "--opens", "2022-01-03", "--closes", "2022-03-01", "--as", m])
        #expect(try ok(["followup", "overdue", "--round", "JS/2021", "--format", "csv"]).stdout == overdue.stdout)
        #expect(try ok(["followup", "overdue", "--round", "JS/2022", "--format", "csv"]).stdout.split(separator: "\r\n").count == 1)
        #expect(try ok(["followup", "due", "--within", "30d", "--as-of", "2022-03-15", "--round", "JS/2022", "--format", "csv"])
            .stdout.split(separator: "\r\n").count == 1)
        let first = try ok(["followup", "reminders", "--format", "json", "--as", k])
        #expect(first.stdout.contains("\"reference\" : \"JS-2021-0001\"") && first.stdout.contains("\"recorded\" : true"))
        let second = try ok(["followup", "reminders", "--as", k])
        #expect(second.stdout.hasPrefix("0 reminders recorded"))

        _ = try ok(["followup", "receive", "JS-2021-0001", "--report-date", "2022-03-20", "--account-approved", "--as", k])
        _ = try ok(["followup", "approve", "JS-2021-0001", "--as", k])
        // The advance notice (fvl. § 16) as the notice commands write it: sent 2022-03-01, answer by 2022-03-22.
        let notice = try #require(try db.connect(asLogin: m).queryValue("""
            INSERT INTO tilskot.advance_notice (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by)
            SELECT id, 'clawback', 'Krav om tilbakebetaling av 100 000 kr', 10000000, '2022-03-01', 'post', '2022-03-22'
              FROM tilskot.application WHERE reference = $1 RETURNING id
            """, ["JS-2021-0001"], as: Int64.self))
        let claw = try ok(["clawback", "demand", "JS-2021-0001", "--amount", "100 000", "--reasons", "Ubrukte midlar",
                           "--due", "2022-06-01", "--date", "2022-04-20", "--advance-notice", "\(notice)", "--format", "json", "--as", m])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(claw.stdout.utf8)) as? [String: Any])
        let id = try #require(object["id"] as? Int)
        #expect(object["amount_ore"] as? Int64 == 10_000_000)
        #expect(object["advance_notice_id"] as? Int64 == notice && object["notice_exception"] is NSNull)
        let kid = try #require(object["kid"] as? String)
        #expect(kid.count == 15 && kid.allSatisfy(\.isNumber))
        let shown = try ok(["clawback", "show", "\(id)"])
        #expect(shown.stdout.contains("kid          \(kid)") && shown.stdout.contains("notice       advance notice \(notice)"))
        try db.configureLetters(staff: [m: "Mona Hansen"])
        let letter = try ok(["clawback", "letter", "\(id)"])
        #expect(letter.stdout.contains("# Vedtak om tilbakebetaling av tilskot frå Jobbsjansen 2021"))
        #expect(letter.stdout.contains("Bruk KID \(kid) når de betaler."))
        #expect(letter.stdout.contains("krev at Oslo kommune betaler tilbake 100 000 kr av tilskotet"))
        #expect(letter.stdout.contains("Klagefristen er tre veker"))
        let english = try ok(["clawback", "letter", "\(id)", "--lang", "en", "--format", "html"])
        #expect(english.stdout.contains("<h1>Decision to claim back a grant from Jobbsjansen 2021</h1>"))

        let refused = try CLIRunner.run(["followup", "close", "JS-2021-0001", "--as", m], database: db)
        #expect(refused.exitCode == 1 && refused.stderr.contains("still planned"))
        _ = try ok(["payment", "withhold", "2", "--reason", "Prosjektet brukte mindre", "--as", f])
        let owed = try CLIRunner.run(["application", "close", "JS-2021-0001", "--as", m], database: db)
        #expect(owed.exitCode == 1 && owed.stderr.contains("has 100 000 kr still to be repaid"))
        _ = try ok(["clawback", "repay", "\(id)", "--amount", "40 000", "--date", "2022-05-20", "--as", f])
        let byKID = try ok(["clawback", "repay", "--kid", kid, "--amount", "60 000", "--date", "2022-05-21", "--as", f])
        #expect(byKID.stdout.contains("claw-back \(id): 100 000 kr repaid, 0 kr outstanding"))
        let usage = try CLIRunner.run(["clawback", "repay", "\(id)", "--kid", kid, "--amount", "1", "--as", f], database: db)
        #expect(usage.exitCode == 2)
        let closed = try ok(["application", "close", "JS-2021-0001", "--as", m])
        #expect(closed.stdout == "JS-2021-0001 is closed\n")

        let summary = try ok(["followup", "summary", "--round", "JS/2021", "--format", "json"])
        let rounds = try #require(try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [[String: Any]])
        #expect(rounds.count == 1)
        #expect(rounds[0]["granted_ore"] as? Int64 == 130_000_000)
        #expect(rounds[0]["paid_ore"] as? Int64 == 50_000_000)
        #expect(rounds[0]["clawed_back_ore"] as? Int64 == 10_000_000)
        #expect(rounds[0]["repaid_ore"] as? Int64 == 10_000_000)
        // Oslo closed at what it used (500 000 paid − 100 000 repaid; the withheld half never went
        // out), Stavanger at its grant: 400 000 + 300 000 kr.
        #expect(rounds[0]["net_ore"] as? Int64 == 70_000_000)
        #expect(rounds[0]["unused_ore"] as? Int64 == 50_000_000)
        let show = try ok(["followup", "show", "JS-2021-0001"])
        #expect(show.stdout.contains("JS-2021-0001 Oslo kommune — closed"))
    }

    @Test("a grant lowered on appeal below what was paid: `clawback overpaid` lists it, closing is refused in the database's words")
    func overpaid() throws {
        let db = try scene()
        defer { db.drop() }
        let (k, m) = (Self.caseworker, Self.manager)
        let owner = try db.connect()
        let app = try #require(try owner.queryValue("SELECT id FROM tilskot.application WHERE reference = 'JS-2021-0001'", as: Int64.self))
        // 500 000 kr paid, 500 000 kr planned; an appeal (registered by the admin, so that the
        // manager may decide it), an advance notice of the change (fvl. § 16) by the manager, and
        // the decision on appeal: 300 000 kr. The owner does no casework (issue 17).
        try db.connect(asLogin: Self.admin).execute("INSERT INTO tilskot.appeal (application_id, received, grounds) VALUES ($1, '2021-04-20', 'Treng meir')", [app])
        let notice = try #require(try db.connect(asLogin: m).queryValue("""
            INSERT INTO tilskot.advance_notice (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by)
            VALUES ($1, 'change', 'Tilskotet blir sett ned til 300 000 kr', 30000000, '2021-05-03', 'post', '2021-05-24') RETURNING id
            """, [app], as: Int64.self))
        let manager = try db.connect(asLogin: m)
        if try manager.queryValue("SELECT has_column_privilege('tilskot.decision', 'disadvantage_basis', 'INSERT')", as: Bool.self) == true {
            try manager.execute("""
                INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date, disadvantage_basis, advance_notice_id)
                VALUES ($1, 'partially_granted', 30000000, 'Ny vurdering', '2021-06-01', 'fvl. § 35 første ledd bokstav c', $2)
                """, [app, notice])
        } else {
            try manager.execute("""
                INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date)
                VALUES ($1, 'partially_granted', 30000000, 'Ny vurdering', '2021-06-01')
                """, [app])
        }
        let listed = try CLIRunner.run(["clawback", "overpaid", "--format", "json"], database: db)
        #expect(listed.exitCode == 0, "\(listed.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["reference"] as? String == "JS-2021-0001" && rows.first?["paid_ore"] as? Int64 == 50_000_000
                && rows.first?["grant_ore"] as? Int64 == 30_000_000 && rows.first?["clawed_back_ore"] as? Int64 == 0
                && rows.first?["to_claw_back_ore"] as? Int64 == 20_000_000)
        let payments = try CLIRunner.run(["payment", "list", "--application", "JS-2021-0001", "--format", "csv"], database: db)
        #expect(payments.stdout.contains("withheld") && payments.stdout.contains("grant lowered to 300 000 kr by the decision of 2021-06-01"),
                "\(payments.stdout) \(payments.stderr)")
        #expect(try CLIRunner.run(["followup", "receive", "JS-2021-0001", "--report-date", "2022-03-20", "--account-approved", "--as", k], database: db).exitCode == 0)
        #expect(try CLIRunner.run(["followup", "approve", "JS-2021-0001", "--as", k], database: db).exitCode == 0)
        let before = try db.rowCounts()
        let refused = try CLIRunner.run(["application", "close", "JS-2021-0001", "--as", m], database: db)
        #expect(refused.exitCode == 1 && refused.errorLines.count == 1)
        var sqlSentence = ""
        do {
            try manager.execute("INSERT INTO tilskot.closing (application_id) VALUES ($1)", [app])
        } catch {
            #expect(error.sqlState == "23T26")
            sqlSentence = error.message
        }
        #expect(refused.stderr.trimmingCharacters(in: .newlines) == sqlSentence)
        #expect(sqlSentence.contains("JS-2021-0001 has been paid 500 000 kr against its grant of 300 000 kr, and claw-backs in force cover 0 kr of that; demand the other 200 000 kr back"))
        #expect(try db.rowCounts() == before)
    }

    @Test("participants: the aggregate report in JSON with <5, the access log for auditors")
    func participants() throws {
        let db = try scene()
        defer { db.drop() }
        let report = try CLIRunner.run(["participant", "report", "--round", "JS/2021", "--format", "json", "--as", Self.manager], database: db)
        #expect(report.exitCode == 0, "\(report.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(Set(rows[0].keys) == ["reference", "project", "employment", "education", "other", "dropped_out", "no_outcome", "total"])
        #expect(rows[0]["employment"] as? String == "<5" && rows[1]["project"] as? String == "Total" && rows[1]["total"] as? String == "<5")
        let list = try CLIRunner.run(["participant", "list", "JS-2021-0001", "--format", "csv", "--as", Self.caseworker], database: db)
        #expect(list.stdout.contains("OSL-0001,1985,0301,2021-09-01,2022-06-30,employment"))
        let log = try CLIRunner.run(["participant", "log", "--format", "csv", "--as", Self.auditor], database: db)
        #expect(log.exitCode == 0, "\(log.stderr)")
        // The actor is the user acted as; the login is the connection's (the test cluster's superuser here).
        let lines = log.stdout.split(separator: "\r\n")
        #expect(lines.contains { $0.contains(",\(Self.caseworker),") && $0.contains(",read,JS-2021-0001,") })
        #expect(lines.contains { $0.contains(",\(Self.manager),") && $0.contains(",aggregate,,") })
        let purge = try CLIRunner.run(["participant", "purge", "--before", "2022-07-01", "--as", Self.admin], database: db)
        #expect(purge.stdout == "1 participant whose participation ended before 2022-07-01 deleted; the purge is in the access log\n")
    }
}
