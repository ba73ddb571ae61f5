import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

/// Issue 15 item 5: the database is the only judge of each rule. For every rule the CLI used to
/// check itself (with its own sentence) before the database did, the same person meets the rule
/// twice — once through the built binary, once with plain SQL as a psql login — and must read the
/// same sentence: the CLI's one line on stderr is the database's error message, word for word.
@Suite("one judge: CLI and psql read the same sentence")
struct OneJudgeCLITests {
    static let manager = "oj_mona"
    static let otherManager = "oj_per"
    static let caseworker = "oj_kari"
    static let finance = "oj_fia"
    /// Pays what `finance` attested (the payer is not the attester).
    static let payer = "oj_finn"

    /// Jobbsjansen 2021 (municipalities only, window 2021-01-04 to 2021-03-01) with
    ///   JS-2021-0001 Oslo, 3 400 000 kr applied for, assessed (grant), undecided;
    ///   JS-2021-0002 Stavanger, 2 000 000 kr, assessed and granted in full on 2021-04-01;
    ///   JS-2021-0003 Oslo, 1 000 000 kr, received, undecided (external ref P-3);
    /// and a voluntary organisation, Laget (988077917), that may not apply to it.
    func scene() throws -> TestDatabase {
        try TestDatabase.scene(users: [Self.manager: .manager, Self.otherManager: .manager, Self.caseworker: .caseworker], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "110,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
            ["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103", "--as", Self.caseworker],
            ["org", "add", "988077917", "--name", "Laget", "--kind", "voluntary", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen Oslo",
             "--amount", "3 400 000", "--received", "2021-02-01", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "964965226", "--title", "Jobbsjansen Stavanger",
             "--amount", "2 000 000", "--received", "2021-02-02", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen Oslo II",
             "--amount", "1 000 000", "--received", "2021-02-03", "--external-ref", "P-3", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0002", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
            ["application", "decide", "JS-2021-0002", "--grant", "2 000 000", "--date", "2021-04-01", "--as", Self.manager],
        ])
    }

    /// The id of an application, round or organisation, for the plain SQL.
    func id(_ db: TestDatabase, _ sql: String, _ key: String) throws -> Int64 {
        try #require(try db.connect().queryValue(sql, [key], as: Int64.self))
    }
    func app(_ db: TestDatabase, _ reference: String) throws -> Int64 {
        try id(db, "SELECT id FROM tilskot.application WHERE reference = $1", reference)
    }
    func org(_ db: TestDatabase, _ number: String) throws -> Int64 {
        try id(db, "SELECT id FROM tilskot.organisation WHERE orgnr = $1", number)
    }
    func round(_ db: TestDatabase) throws -> Int64 {
        try id(db, "SELECT r.id FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id WHERE s.code || '/' || r.year = $1", "JS/2021")
    }

    @Test("decisions: a grant above the amount applied for, reasons, a date in the future")
    func decisions() throws {
        let db = try scene()
        defer { db.drop() }
        let a1 = try app(db, "JS-2021-0001")
        // A grant cannot exceed the amount applied for (3 400 000 kr).
        try expectSameSentence(db, Self.manager, cli: ["application", "decide", "JS-2021-0001", "--grant", "5 000 000", "--reasons", "Godt prosjekt"],
                               sql: "INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES (\(a1), 'granted', 500000000, 'Godt prosjekt')",
                               containing: "a grant cannot exceed the amount applied for")
        // A partial grant states its reasons (fvl. §§ 24–25).
        try expectSameSentence(db, Self.manager, cli: ["application", "decide", "JS-2021-0001", "--grant", "1 000 000"],
                               sql: "INSERT INTO tilskot.decision (application_id, outcome, amount_ore) VALUES (\(a1), 'partially_granted', 100000000)",
                               containing: "must state its reasons")
        // So does a rejection; blank reasons are no reasons.
        try expectSameSentence(db, Self.manager, cli: ["application", "decide", "JS-2021-0001", "--reject", "--reasons", "  "],
                               sql: "INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES (\(a1), 'rejected', 0, '  ')",
                               containing: "a rejection of JS-2021-0001 must state its reasons")
        // A grant of 0 kr is a rejection.
        try expectSameSentence(db, Self.manager, cli: ["application", "decide", "JS-2021-0001", "--grant", "0", "--reasons", "Lite midlar"],
                               sql: "INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES (\(a1), 'partially_granted', 0, 'Lite midlar')",
                               containing: "is a rejection")
        // The decision date is not in the future, by the server's clock.
        try expectSameSentence(db, Self.manager, cli: ["application", "decide", "JS-2021-0001", "--grant", "3 400 000", "--date", "2099-01-01"],
                               sql: "INSERT INTO tilskot.decision (application_id, outcome, amount_ore, decision_date) VALUES (\(a1), 'granted', 340000000, '2099-01-01')",
                               containing: "the decision date 2099-01-01 is in the future")
    }

    @Test("registration: the window, a late registration's reason and who makes it, the received date, the applicant's kind, another applicant's external reference")
    func registration() throws {
        let db = try scene()
        defer { db.drop() }
        let r = try round(db)
        let oslo = try org(db, "958935420")
        let stavanger = try org(db, "964965226")
        let laget = try org(db, "988077917")
        func register(_ orgnr: String, _ extra: [String]) -> [String] {
            ["application", "register", "--round", "JS/2021", "--org", orgnr, "--title", "Ny", "--amount", "100"] + extra
        }
        func insert(_ organisation: Int64, amount: Int64 = 10_000, _ columns: String, _ values: String) -> String {
            "INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore\(columns)) VALUES (\(r), \(organisation), 'Ny', \(amount)\(values))"
        }
        try expectSameSentence(db, Self.caseworker, cli: register("958935420", ["--received", "2021-03-05"]),
                               sql: insert(oslo, ", received", ", '2021-03-05'"), containing: "is outside that window")
        try expectSameSentence(db, Self.manager, cli: register("958935420", ["--received", "2021-03-05", "--late"]),
                               sql: insert(oslo, ", received, late", ", '2021-03-05', true"), containing: "needs a reason")
        try expectSameSentence(db, Self.caseworker, cli: register("958935420", ["--received", "2021-03-05", "--late", "--reason", "Posten"]),
                               sql: insert(oslo, ", received, late, late_reason", ", '2021-03-05', true, 'Posten'"), containing: "is not a manager")
        try expectSameSentence(db, Self.caseworker, cli: register("958935420", ["--received", "2099-01-01"]),
                               sql: insert(oslo, ", received", ", '2099-01-01'"), containing: "is in the future")
        try expectSameSentence(db, Self.caseworker, cli: register("988077917", ["--received", "2021-02-05"]),
                               sql: insert(laget, ", received", ", '2021-02-05'"), containing: "accepts applications from municipality only")
        try expectSameSentence(db, Self.caseworker, cli: register("964965226", ["--received", "2021-02-05", "--external-ref", "P-3"]),
                               sql: insert(stavanger, ", received, external_ref", ", '2021-02-05', 'P-3'"),
                               containing: "external reference P-3 is already registered as JS-2021-0003")
    }

    @Test("appeals: nothing decided, the deadline from the notice (fvl. §§ 29–30), late or in time, the received date")
    func appeals() throws {
        let db = try scene()
        defer { db.drop() }
        let a2 = try app(db, "JS-2021-0002")
        let a3 = try app(db, "JS-2021-0003")
        func insert(_ app: Int64, _ received: String, sent: String? = nil, late: Bool = false) -> String {
            "INSERT INTO tilskot.appeal (application_id, received, sent_on, late, grounds) VALUES (\(app), '\(received)', \(sent.map { "'\($0)'" } ?? "NULL"), \(late), 'For lite')"
        }
        try expectSameSentence(db, Self.otherManager, cli: ["application", "appeal", "JS-2021-0003", "--received", "2021-04-10", "--grounds", "For lite"],
                               sql: insert(a3, "2021-04-10"), containing: "has not been decided")
        // No notice recorded: the deadline has not started to run, so --late says something false.
        try expectSameSentence(db, Self.otherManager, cli: ["application", "appeal", "JS-2021-0002", "--received", "2021-09-01", "--grounds", "For lite", "--late"],
                               sql: insert(a2, "2021-09-01", late: true), containing: "no notice of the decision is recorded")
        // Notice by post sent 2021-04-06: presumed received 2021-04-13, deadline 2021-05-04.
        try db.connect(asLogin: Self.manager).execute("INSERT INTO tilskot.notice (application_id, decision_id, sent_on, channel) SELECT application_id, id, '2021-04-06', 'post' FROM tilskot.decision WHERE application_id = \(a2)")
        try expectSameSentence(db, Self.otherManager, cli: ["application", "appeal", "JS-2021-0002", "--received", "2021-05-06", "--grounds", "For lite"],
                               sql: insert(a2, "2021-05-06"), containing: "after the deadline of 2021-05-04 (three weeks from 2021-04-13")
        try expectSameSentence(db, Self.otherManager, cli: ["application", "appeal", "JS-2021-0002", "--received", "2021-05-06", "--sent", "2021-05-05", "--grounds", "For lite"],
                               sql: insert(a2, "2021-05-06", sent: "2021-05-05"), containing: "register it as late with `--late --reason …`")
        try expectSameSentence(db, Self.otherManager, cli: ["application", "appeal", "JS-2021-0002", "--received", "2021-05-06", "--sent", "2021-05-04", "--grounds", "For lite", "--late"],
                               sql: insert(a2, "2021-05-06", sent: "2021-05-04", late: true), containing: "is in time (the deadline is 2021-05-04)")
        try expectSameSentence(db, Self.otherManager, cli: ["application", "appeal", "JS-2021-0002", "--received", "2099-01-01", "--grounds", "For lite"],
                               sql: insert(a2, "2099-01-01"), containing: "is in the future")
    }

    @Test("assessment amounts, withdrawal reasons, rounds, schemes and organisations")
    func casework() throws {
        let db = try scene()
        defer { db.drop() }
        let a1 = try app(db, "JS-2021-0001")
        let a3 = try app(db, "JS-2021-0003")
        let scheme = try id(db, "SELECT id FROM tilskot.scheme WHERE code = $1", "JS")
        try expectSameSentence(db, Self.caseworker, cli: ["application", "assess", "JS-2021-0003", "--score", "3", "--recommend", "partial", "--amount", "1 000 000"],
                               sql: "INSERT INTO tilskot.assessment (application_id, score, recommendation, recommended_amount_ore) VALUES (\(a3), 3, 'partial', 100000000)",
                               containing: "needs an amount above 0 kr and below")
        try expectSameSentence(db, Self.caseworker, cli: ["application", "assess", "JS-2021-0003", "--score", "3", "--recommend", "grant", "--amount", "500 000"],
                               sql: "INSERT INTO tilskot.assessment (application_id, score, recommendation, recommended_amount_ore) VALUES (\(a3), 3, 'grant', 50000000)",
                               containing: "recommending a full grant of JS-2021-0003")
        try expectSameSentence(db, Self.caseworker, cli: ["application", "assess", "JS-2021-0003", "--score", "3", "--recommend", "reject", "--amount", "500 000"],
                               sql: "INSERT INTO tilskot.assessment (application_id, score, recommendation, recommended_amount_ore) VALUES (\(a3), 3, 'reject', 50000000)",
                               containing: "takes no amount")
        try expectSameSentence(db, Self.caseworker, cli: ["application", "withdraw", "JS-2021-0001", "--reason", " "],
                               sql: "INSERT INTO tilskot.withdrawal (application_id, reason) VALUES (\(a1), ' ')",
                               containing: "withdrawing JS-2021-0001 needs a reason")
        try expectSameSentence(db, Self.manager, cli: ["round", "open", "JS/2021", "--frame", "1 mill", "--opens", "2021-01-04", "--closes", "2021-03-01"],
                               sql: "INSERT INTO tilskot.round (scheme_id, year, opens, closes, initial_frame_ore) VALUES (\(scheme), 2021, '2021-01-04', '2021-03-01', 100000000)",
                               containing: "Jobbsjansen 2021 is already open")
        try expectSameSentence(db, Self.manager, cli: ["round", "open", "JS/2022", "--frame", "1 mill", "--opens", "2022-03-01", "--closes", "2022-01-01"],
                               sql: "INSERT INTO tilskot.round (scheme_id, year, opens, closes, initial_frame_ore) VALUES (\(scheme), 2022, '2022-03-01', '2022-01-01', 100000000)",
                               containing: "would close on 2022-01-01 before it opens on 2022-03-01")
        try expectSameSentence(db, Self.manager, cli: ["scheme", "create", "JS", "--name", "Noko anna", "--applicant-kinds", "voluntary", "--prefix", "NA"],
                               sql: "INSERT INTO tilskot.scheme (code, name, applicant_kinds, reference_prefix) VALUES ('JS', 'Noko anna', '{voluntary}', 'NA')",
                               containing: "the code JS is already used by Jobbsjansen")
        try expectSameSentence(db, Self.caseworker, cli: ["org", "add", "958935420", "--name", "Oslo", "--kind", "municipality"],
                               sql: "INSERT INTO tilskot.organisation (orgnr, name, kind) VALUES ('958935420', 'Oslo', 'municipality')",
                               containing: "organisation 958935420 is already registered as Oslo kommune")
    }

    @Test("what the tables' CHECKs hold, said by their triggers: reasons for a move, a disqualification and a frame adjustment, an appeal's grounds, the score, a 0 kr adjustment, a scheme's name, applicant kinds and threshold, an organisation's name, a title")
    func checkedContent() throws {
        let db = try scene()
        defer { db.drop() }
        let opened = try CLIRunner.run(["round", "open", "JS/2022", "--frame", "1 mill", "--opens", "2022-01-03", "--closes", "2022-03-01", "--as", Self.manager], database: db)
        #expect(opened.exitCode == 0, "stderr: \(opened.stderr)")
        let a2 = try app(db, "JS-2021-0002")
        let a3 = try app(db, "JS-2021-0003")
        let r2021 = try round(db)
        let r2022 = try id(db, "SELECT r.id FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id WHERE s.code || '/' || r.year = $1", "JS/2022")
        let oslo = try org(db, "958935420")
        // Reasons: blank ones reach the database, which says what is missing.
        try expectSameSentence(db, Self.caseworker, cli: ["application", "move", "JS-2021-0003", "--to-round", "JS/2022", "--reason", " "],
                               sql: "INSERT INTO tilskot.round_move (application_id, to_round_id, reason) VALUES (\(a3), \(r2022), ' ')",
                               containing: "moving JS-2021-0003 needs a reason")
        try expectSameSentence(db, Self.caseworker, cli: ["application", "disqualify", "JS-2021-0003", "--reason", " "],
                               sql: "INSERT INTO tilskot.disqualification (application_id, reason) VALUES (\(a3), ' ')",
                               containing: "declaring oj_kari disqualified on JS-2021-0003 needs a reason")
        try expectSameSentence(db, Self.manager, cli: ["round", "adjust", "JS/2021", "--amount", "+1 mill", "--reason", " "],
                               sql: "INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason) VALUES (\(r2021), 100000000, ' ')",
                               containing: "adjusting the frame of Jobbsjansen 2021 needs a reason")
        try expectSameSentence(db, Self.otherManager, cli: ["application", "appeal", "JS-2021-0002", "--received", "2021-04-10", "--grounds", " "],
                               sql: "INSERT INTO tilskot.appeal (application_id, received, grounds) VALUES (\(a2), '2021-04-10', ' ')",
                               containing: "the appeal on JS-2021-0002 needs its grounds")
        // Values: the score, an adjustment of 0 kr.
        try expectSameSentence(db, Self.caseworker, cli: ["application", "assess", "JS-2021-0003", "--score", "7", "--recommend", "grant"],
                               sql: "INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES (\(a3), 7, 'grant')",
                               containing: "score 7 is out of range")
        try expectSameSentence(db, Self.caseworker, cli: ["application", "assess", "JS-2021-0003", "--score", "0", "--recommend", "grant"],
                               sql: "INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES (\(a3), 0, 'grant')",
                               containing: "score 0 is out of range")
        try expectSameSentence(db, Self.manager, cli: ["round", "adjust", "JS/2021", "--amount", "0", "--reason", "Ingenting"],
                               sql: "INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason) VALUES (\(r2021), 0, 'Ingenting')",
                               containing: "an adjustment of 0 kr to Jobbsjansen 2021 changes nothing")
        // Schemes: a name, at least one applicant kind, a threshold not below 0 kr.
        func scheme(_ name: String, _ kinds: String, _ threshold: Int64 = 40_000_000) -> String {
            "INSERT INTO tilskot.scheme (code, name, applicant_kinds, reference_prefix, report_account_threshold_ore) VALUES ('NY', '\(name)', '\(kinds)', 'NY', \(threshold))"
        }
        try expectSameSentence(db, Self.manager, cli: ["scheme", "create", "NY", "--name", " ", "--applicant-kinds", "municipality"],
                               sql: scheme(" ", "{municipality}"), containing: "the name of scheme NY is missing")
        try expectSameSentence(db, Self.manager, cli: ["scheme", "create", "NY", "--name", "Ny", "--applicant-kinds", ""],
                               sql: scheme("Ny", "{}"), containing: "scheme NY needs at least one applicant kind")
        try expectSameSentence(db, Self.manager, cli: ["scheme", "create", "NY", "--name", "Ny", "--applicant-kinds", "municipality", "--report-account-threshold", "-1"],
                               sql: scheme("Ny", "{municipality}", -100), containing: "the report account threshold of scheme NY cannot be negative")
        // Names and titles.
        try expectSameSentence(db, Self.caseworker, cli: ["org", "add", "974760673", "--name", " ", "--kind", "voluntary"],
                               sql: "INSERT INTO tilskot.organisation (orgnr, name, kind) VALUES ('974760673', ' ', 'voluntary')",
                               containing: "organisation 974760673 refused: its name is missing")
        try expectSameSentence(db, Self.caseworker, cli: ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", " ", "--amount", "100", "--received", "2021-02-05"],
                               sql: "INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received) VALUES (\(r2021), \(oslo), ' ', 10000, '2021-02-05')",
                               containing: "the title is missing")
    }

    @Test("who may decide: the CLI reads the database's sentence (tilskot.require_role, which the trigger calls); psql's INSERT meets the privileges first")
    func whoMayDecide() throws {
        let db = try scene()
        defer { db.drop() }
        let result = try CLIRunner.run(["application", "decide", "JS-2021-0001", "--reject", "--reasons", "Nei", "--as", Self.caseworker], database: db)
        #expect(result.exitCode == 1 && result.errorLines.count == 1, "stderr: \(result.stderr)")
        let kari = try db.connect(asLogin: Self.caseworker)
        var sentence = ""
        do {
            _ = try kari.execute("SELECT tilskot.require_role('decision')")
            Issue.record("a caseworker may decide")
        } catch {
            #expect(error.sqlState == "42T01")
            sentence = error.message
        }
        #expect(result.stderr.trimmingCharacters(in: .newlines) == sentence)
        #expect(sentence == "decision refused: oj_kari is not a manager; only members of tilskot_manager can decide applications")
        let a1 = try app(db, "JS-2021-0001")
        do {
            _ = try kari.execute("INSERT INTO tilskot.decision (application_id, outcome, reasons) VALUES (\(a1), 'rejected', 'Nei')")
            Issue.record("a caseworker's decision was stored")
        } catch {
            #expect(error.sqlState == "42501")
        }
    }

    @Test("full or partial is the database's to say: a grant of less than was applied for is partial; the whole amount is never partial")
    func fullOrPartial() throws {
        let db = try scene()
        defer { db.drop() }
        let assess = try CLIRunner.run(["application", "assess", "JS-2021-0003", "--score", "3", "--recommend", "grant", "--as", Self.caseworker], database: db)
        #expect(assess.exitCode == 0, "stderr: \(assess.stderr)")
        let mona = try db.connect(asLogin: Self.manager)
        func outcome(_ reference: String) throws -> String? {
            try db.connect().queryValue("""
                SELECT d.outcome || ' ' || a.status FROM tilskot.decision d JOIN tilskot.application a ON a.id = d.application_id
                 WHERE a.reference = $1 AND d.is_current
                """, [reference], as: String.self)
        }
        // psql writes 'granted' for 1 000 000 of the 3 400 000 kr applied for: a partial grant.
        _ = try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES (\(try app(db, "JS-2021-0001")), 'granted', 100000000, 'Ramma er avgrensa')")
        #expect(try outcome("JS-2021-0001") == "partially_granted partially_granted")
        // psql calling the whole 1 000 000 kr applied for partial is refused: it is a full grant.
        let a3 = try app(db, "JS-2021-0003")
        do {
            _ = try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES (\(a3), 'partially_granted', 100000000, 'x')")
            Issue.record("a partial grant of the whole amount was stored")
        } catch {
            #expect(error.sqlState == "23T05" && error.message.contains("which makes it a full grant"), "\(error.message)")
        }
        // The CLI sends every grant as 'granted': the whole amount is a full grant, without reasons.
        let full = try CLIRunner.run(["application", "decide", "JS-2021-0003", "--grant", "1 000 000", "--as", Self.manager], database: db)
        #expect(full.exitCode == 0, "stderr: \(full.stderr)")
        #expect(try outcome("JS-2021-0003") == "granted granted")
    }

    @Test("the bulk import and the row trigger share registration's sentences")
    func importSharesTheRowRule() throws {
        let db = try scene()
        defer { db.drop() }
        let r = try round(db)
        let dir = FileManager.default.temporaryDirectory.appending(path: "onejudge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let kari = try db.connect(asLogin: Self.caseworker)
        for (n, (row, organisation, column, values, sqlColumns)) in [
            ("958935420,Ny,100,2021-03-05,", "958935420", "received", "'2021-03-05'", "received"),
            ("988077917,Ny,100,2021-02-05,", "988077917", "orgnr", "'2021-02-05'", "received"),
            ("964965226,Ny,100,2021-02-05,P-3", "964965226", "external_ref", "'2021-02-05', 'P-3'", "received, external_ref"),
        ].enumerated() {
            let file = dir.appending(path: "\(n).csv")
            try "orgnr,title,amount,received,external_ref\n\(row)\n".write(to: file, atomically: true, encoding: .utf8)
            let before = try db.rowCounts()
            let result = try CLIRunner.run(["application", "import", file.path, "--round", "JS/2021", "--as", Self.caseworker], database: db)
            #expect(result.exitCode == 1 && result.errorLines.count == 1, "stderr: \(result.stderr)")
            let organisationID = try org(db, organisation)
            var sentence = ""
            do {
                _ = try kari.execute("INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, \(sqlColumns)) VALUES (\(r), \(organisationID), 'Ny', 10000, \(values))")
                Issue.record("the row was registered: \(row)")
            } catch {
                sentence = String(error.message.trimmingPrefix("application refused: "))
            }
            #expect(!sentence.isEmpty)
            // "FILE: nothing imported: line 2: COLUMN: SENTENCE; correct it and import the file again"
            #expect(result.stderr.contains("nothing imported: line 2: \(column): \(sentence); correct it"), "stderr: \(result.stderr)")
            #expect(try db.rowCounts() == before)
        }
    }

    @Test("reasons without a letter and titles that are no titles: the database's sentence through the CLI, psql and the import")
    func reasonsAndTitles() throws {
        let db = try scene()
        defer { db.drop() }
        let a1 = try app(db, "JS-2021-0001")
        let r = try round(db)
        let oslo = try org(db, "958935420")
        // Digits and a dash are no reasons (fvl. §§ 24–25); nor are zero-width spaces.
        try expectSameSentence(db, Self.manager, cli: ["application", "decide", "JS-2021-0001", "--reject", "--reasons", "12 – 34"],
                               sql: "INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons) VALUES (\(a1), 'rejected', 0, '12 – 34')",
                               containing: "the reasons have no words")
        try expectSameSentence(db, Self.caseworker, cli: ["application", "withdraw", "JS-2021-0001", "--reason", "\u{200B}\u{200B}"],
                               sql: "INSERT INTO tilskot.withdrawal (application_id, reason) VALUES (\(a1), E'\\u200B\\u200B')",
                               containing: "the reason has no words")
        func insert(_ title: String) -> String {
            "INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received) VALUES (\(r), \(oslo), \(title), 10000, '2021-02-05')"
        }
        try expectSameSentence(db, Self.caseworker, cli: ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Ny\u{202E}søknad",
                                                          "--amount", "100", "--received", "2021-02-05"],
                               sql: insert("E'Ny\\u202Esøknad'"), containing: "the title contains a character that reorders text on screen")
        // The import reports a line's title in the row trigger's words.
        let dir = FileManager.default.temporaryDirectory.appending(path: "onejudge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let kari = try db.connect(asLogin: Self.caseworker)
        for (n, (title, sqlTitle)) in [("", "' '"), (String(repeating: "x", count: 501), "'\(String(repeating: "x", count: 501))'")].enumerated() {
            let file = dir.appending(path: "title-\(n).csv")
            try "orgnr,title,amount,received\n958935420,\(title),100,2021-02-05\n".write(to: file, atomically: true, encoding: .utf8)
            let before = try db.rowCounts()
            let result = try CLIRunner.run(["application", "import", file.path, "--round", "JS/2021", "--as", Self.caseworker], database: db)
            #expect(result.exitCode == 1 && result.errorLines.count == 1, "stderr: \(result.stderr)")
            var sentence = ""
            do {
                _ = try kari.execute(insert(sqlTitle))
                Issue.record("the title was accepted: \(sqlTitle)")
            } catch {
                #expect(error.sqlState == "23T13")
                sentence = String(error.message.trimmingPrefix("application refused: "))
            }
            #expect(sentence.hasPrefix("the title "), "\(sentence)")
            #expect(result.stderr.contains("nothing imported: line 2: title: \(sentence); correct it"), "stderr: \(result.stderr)")
            #expect(try db.rowCounts() == before)
        }
    }

    /// Jobbsjansen 2021 with JS-2021-0001 (Oslo) granted 1 000 000 kr on 2021-04-15, planned in two
    /// halves: the first attested (fia) and paid (finn) on 2021-05-03, the second attested; a report
    /// received 2022-02-01 waiting for review; a claw-back of 100 000 kr decided 2022-04-20.
    func followUpScene() throws -> TestDatabase {
        let (k, m, f) = (Self.caseworker, Self.manager, Self.finance)
        return try TestDatabase.scene(users: [k: .caseworker, m: .manager, f: .finance, Self.payer: .finance], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
            ["round", "open", "JS/2021", "--frame", "110,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", k],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen Oslo",
             "--amount", "1 000 000", "--received", "2021-02-01", "--as", k],
            ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", k],
            ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--date", "2021-04-15", "--as", m],
            ["payment", "plan", "JS-2021-0001", "--instalments", "50%:2021-05-01,50%:2021-09-01", "--account", "8601 11 17947", "--as", k],
            ["payment", "attest", "1", "2", "--as", f],
            ["payment", "pay", "1", "--voucher", "UTB-2021-05", "--date", "2021-05-03", "--as", Self.payer],
            ["followup", "receive", "JS-2021-0001", "--report-date", "2022-02-01", "--as", k],
            ["clawback", "demand", "JS-2021-0001", "--amount", "100 000", "--reasons", "Ubrukte midlar", "--due", "2022-06-01",
             "--date", "2022-04-20", "--without-notice", "fvl. § 16 tredje ledd bokstav c: mottakaren har sjølv rapportert midlane", "--as", m],
        ])
    }

    @Test("follow-up: claw-back amounts, dates and reasons, repayments, vouchers, withholding, reports")
    func followUp() throws {
        let db = try followUpScene()
        defer { db.drop() }
        let a1 = try app(db, "JS-2021-0001")
        let report = try id(db, "SELECT id FROM tilskot.recipient_report WHERE application_id = $1::bigint", String(a1))
        let clawback = try id(db, "SELECT id FROM tilskot.clawback WHERE application_id = $1::bigint", String(a1))
        func demand(_ amount: Int64, _ reasons: String, _ date: String, _ due: String) -> String {
            "INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, decision_date, due_date) VALUES (\(a1), \(amount), '\(reasons)', '\(date)', '\(due)')"
        }
        try expectSameSentence(db, Self.manager, cli: ["clawback", "demand", "JS-2021-0001", "--amount", "0", "--reasons", "Ubrukt", "--due", "2022-06-01", "--date", "2022-04-20"],
                               sql: demand(0, "Ubrukt", "2022-04-20", "2022-06-01"), containing: "must be more than 0 kr")
        try expectSameSentence(db, Self.manager, cli: ["clawback", "demand", "JS-2021-0001", "--amount", "1 000", "--reasons", " ", "--due", "2022-06-01", "--date", "2022-04-20"],
                               sql: demand(100_000, " ", "2022-04-20", "2022-06-01"), containing: "must state its reasons")
        try expectSameSentence(db, Self.manager, cli: ["clawback", "demand", "JS-2021-0001", "--amount", "1 000", "--reasons", "Ubrukt", "--due", "2099-06-01", "--date", "2099-01-01"],
                               sql: demand(100_000, "Ubrukt", "2099-01-01", "2099-06-01"), containing: "the decision date 2099-01-01 is in the future")
        // Advance notice (fvl. § 16): neither a notice nor an exception, and a notice that does not exist.
        try expectSameSentence(db, Self.manager, cli: ["clawback", "demand", "JS-2021-0001", "--amount", "1 000", "--reasons", "Ubrukt", "--due", "2022-06-01", "--date", "2022-04-20"],
                               sql: demand(100_000, "Ubrukt", "2022-04-20", "2022-06-01"), containing: "given time to answer before it is decided (fvl. § 16)")
        try expectSameSentence(db, Self.manager, cli: ["clawback", "demand", "JS-2021-0001", "--amount", "1 000", "--reasons", "Ubrukt", "--due", "2022-06-01",
                                                       "--date", "2022-04-20", "--advance-notice", "999"],
                               sql: "INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, decision_date, due_date, advance_notice_id) VALUES (\(a1), 100000, 'Ubrukt', '2022-04-20', '2022-06-01', 999)",
                               containing: "there is no advance notice with id 999")
        // A KID whose check digit does not fit, and one of no claw-back.
        try expectSameSentence(db, Self.finance, cli: ["clawback", "repay", "--kid", "12345670", "--amount", "1 000", "--date", "2022-05-01"],
                               sql: "INSERT INTO tilskot.repayment (kid, amount_ore, received_on) VALUES ('12345670', 100000, '2022-05-01')",
                               containing: "12345670 is not a KID")
        try expectSameSentence(db, Self.finance, cli: ["clawback", "repay", "--kid", "1234 5674", "--amount", "1 000", "--date", "2022-05-01"],
                               sql: "INSERT INTO tilskot.repayment (kid, amount_ore, received_on) VALUES ('12345674', 100000, '2022-05-01')",
                               containing: "no claw-back has the KID 12345674")
        try expectSameSentence(db, Self.finance, cli: ["clawback", "repay", String(clawback), "--amount", "0", "--date", "2022-05-01"],
                               sql: "INSERT INTO tilskot.repayment (clawback_id, amount_ore, received_on) VALUES (\(clawback), 0, '2022-05-01')",
                               containing: "a repayment must be more than 0 kr")
        try expectSameSentence(db, Self.finance, cli: ["clawback", "repay", String(clawback), "--amount", "1 000", "--date", "2099-01-01"],
                               sql: "INSERT INTO tilskot.repayment (clawback_id, amount_ore, received_on) VALUES (\(clawback), 100000, '2099-01-01')",
                               containing: "which is in the future")
        try expectSameSentence(db, Self.payer, cli: ["payment", "pay", "2", "--voucher", " "],
                               sql: "INSERT INTO tilskot.payment_event (payment_id, kind, voucher) VALUES (2, 'pay', NULL)",
                               containing: "needs the voucher number")
        try expectSameSentence(db, Self.payer, cli: ["payment", "pay", "2", "--voucher", "UTB-2099", "--date", "2099-01-01"],
                               sql: "INSERT INTO tilskot.payment_event (payment_id, kind, voucher, paid_on) VALUES (2, 'pay', 'UTB-2099', '2099-01-01')",
                               containing: "the payment date 2099-01-01 is in the future")
        try expectSameSentence(db, Self.finance, cli: ["payment", "withhold", "2", "--reason", " "],
                               sql: "INSERT INTO tilskot.payment_event (payment_id, kind, reason) VALUES (2, 'withhold', ' ')",
                               containing: "needs a reason")
        // Who may attest: a manager may write payment events (to withhold), so the trigger judges.
        try expectSameSentence(db, Self.manager, cli: ["payment", "attest", "2"],
                               sql: "INSERT INTO tilskot.payment_event (payment_id, kind) VALUES (2, 'attest')",
                               containing: "oj_mona is not in finance")
        try expectSameSentence(db, Self.caseworker, cli: ["followup", "receive", "JS-2021-0001", "--report-date", "2099-01-01"],
                               sql: "INSERT INTO tilskot.recipient_report (application_id, report_date) VALUES (\(a1), '2099-01-01')",
                               containing: "the report date 2099-01-01 is in the future")
        try expectSameSentence(db, Self.caseworker, cli: ["followup", "reject", "JS-2021-0001", "--reasons", " "],
                               sql: "INSERT INTO tilskot.report_review (report_id, outcome, reasons) VALUES (\(report), 'rejected', ' ')",
                               containing: "needs reasons")
        try expectSameSentence(db, Self.caseworker, cli: ["followup", "duty", "JS-2021-0001", "--project-end", "2021-12-31", "--due", "2021-06-01"],
                               sql: "INSERT INTO tilskot.report_duty (application_id, project_end, due_date) VALUES (\(a1), '2021-12-31', '2021-06-01')",
                               containing: "before its project ends")
        try expectSameSentence(db, Self.caseworker, cli: ["clawback", "appeal", String(clawback), "--received", "2022-04-25", "--grounds", " "],
                               sql: "INSERT INTO tilskot.clawback_appeal (clawback_id, received, grounds) VALUES (\(clawback), '2022-04-25', ' ')",
                               containing: "needs its grounds in words")
        // The claw-back's notice reached the recipient on 2022-04-20 (e-mail): sent after the
        // deadline of 2022-05-11 (fvl. §§ 29–30), an appeal is late.
        try db.connect(asLogin: Self.manager).execute("""
            INSERT INTO tilskot.notice (application_id, clawback_id, sent_on, channel, received_on)
            VALUES ($1, $2, '2022-04-20', 'email', '2022-04-20')
            """, [a1, clawback])
        try expectSameSentence(db, Self.caseworker, cli: ["clawback", "appeal", String(clawback), "--received", "2022-05-13", "--sent", "2022-05-12", "--grounds", "Brukt"],
                               sql: "INSERT INTO tilskot.clawback_appeal (clawback_id, received, sent_on, grounds) VALUES (\(clawback), '2022-05-13', '2022-05-12', 'Brukt')",
                               containing: "it was sent 2022-05-12 and received 2022-05-13, after the deadline of 2022-05-11")
    }
}
