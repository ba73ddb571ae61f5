import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PGClient
import Testing
import TilskotServer
import TilskotStore
import TilskotTestSupport

/// The case page's step forms (issue 20; CaseStepActions), through `app.test(.router)` against the
/// real PostgreSQL: the steps on a pending appeal (dismiss, forward, the appeal body's decision, a
/// new decision on the appeal), advance notices and their answers, and disqualification. Each works
/// for the user the database lets do it (the case shows the change); each posted as a user the
/// database refuses shows its sentence beside the form, what was typed kept, with nothing written;
/// a form without its CSRF token is refused.
// Serialized: every test sets the passwords of the same roles (roles belong to the cluster).
@Suite("web: the case page's steps on appeals, advance notices and disqualification", .serialized)
struct WebCaseStepRouteTests: WebRouteSuite {
    static let manager = "w9f_mona"
    static let registrar = "w9f_per"
    static let caseworker = "w9f_kari"
    static let other = "w9f_ola"
    static let auditor = "w9f_arne"
    static let password = "korrekt-hest-batteri-w9f"
    /// An auditor changes no case: the database refuses the claim every change starts with (as on CaseActions' forms).
    static let claimRefused = "permission denied for function case_claim"

    /// Jobbsjansen 2021 (frame 20 000 000 kr; appeal body Kunnskapsdepartementet), decisions by mona
    /// on 2021-04-01 and appeals registered by per, received 2021-04-15 (in time, no notice recorded):
    ///   0001 Oslo, 3 400 000 kr, granted 3 000 000 kr, appealed;
    ///   0002 Stavanger, 2 000 000 kr, granted in full, no appeal;
    ///   0003 Bergen, in review with kari;
    ///   0004 Tromsø, 1 000 000 kr, granted 800 000 kr, appealed;
    ///   0005 Alta, 1 500 000 kr, granted 1 000 000 kr, appealed.
    func scene() throws -> TestDatabase {
        var steps: [[String]] = [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "20 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["scheme", "appeal-body", "JS", "--from", "2018-01-01", "--nn", "Kunnskapsdepartementet", "--nb", "Kunnskapsdepartementet",
             "--en", "Ministry of Education and Research", "--as", Self.manager],
        ]
        let cases: [(orgnr: String, name: String, municipality: String, amount: String, granted: String?, appealed: Bool)] = [
            ("958935420", "Oslo", "0301", "3 400 000", "3 000 000", true),
            ("964965226", "Stavanger", "1103", "2 000 000", "2 000 000", false),
            ("964338531", "Bergen", "4601", "900 000", nil, false),
            ("940101808", "Tromsø", "5501", "1 000 000", "800 000", true),
            ("944588132", "Alta", "5601", "1 500 000", "1 000 000", true),
        ]
        for (index, c) in cases.enumerated() {
            let reference = String(format: "JS-2021-%04d", index + 1)
            steps.append(["org", "add", c.orgnr, "--name", "\(c.name) kommune", "--kind", "municipality", "--municipality", c.municipality,
                          "--as", Self.caseworker])
            steps.append(["application", "register", "--round", "JS/2021", "--org", c.orgnr, "--title", "Jobbsjansen \(c.name)",
                          "--amount", c.amount, "--received", "2021-02-0\(index + 1)", "--as", Self.caseworker])
            guard let granted = c.granted else {
                steps.append(["application", "assign", reference, "--as", Self.caseworker])
                continue
            }
            steps.append(["application", "assess", reference, "--score", "4", "--recommend", "grant", "--as", Self.caseworker])
            steps.append(["application", "decide", reference, "--grant", granted, "--reasons", "Ramma rekk ikkje til meir",
                          "--conditions", "Rapport innan 1. mars 2022", "--date", "2021-04-01", "--as", Self.manager])
            if c.appealed {
                steps.append(["application", "appeal", reference, "--received", "2021-04-15", "--sent", "2021-04-13",
                              "--grounds", "Treng heile beløpet", "--as", Self.registrar])
            }
        }
        return try webScene(users: [Self.manager: .manager, Self.registrar: .manager, Self.caseworker: .caseworker,
                                    Self.other: .caseworker, Self.auditor: .auditor], steps: steps,
                            passwords: [Self.manager, Self.registrar, Self.caseworker, Self.other, Self.auditor])
    }

    // MARK: - Helpers (this suite's; the rest are WebHarness')

    func refusal(_ html: String) -> String {
        guard let start = html.range(of: "class=\"refusal\"") else { return "(no refusal)" }
        return String(html[start.upperBound...].prefix(400))
    }

    func casePage(_ client: some TestClientProtocol, _ cookie: String, _ reference: String) async throws
        -> (status: HTTPResponse.Status, html: String, csrf: String, etag: String) {
        try await client.execute(uri: "/web/cases/\(reference)", method: .get, headers: cookieHeader(cookie)) { r in
            let html = String(buffer: r.body)
            return (r.status, html, hidden(html, "csrf") ?? "", hidden(html, "etag", after: "case-action") ?? "")
        }
    }

    /// Posts step `step` on `reference` from the page as `cookie` sees it now.
    func step(_ client: some TestClientProtocol, _ cookie: String, _ reference: String, _ step: String,
              _ fields: [(String, String)]) async throws -> (status: HTTPResponse.Status, html: String, location: String?) {
        let page = try await casePage(client, cookie, reference)
        #expect(page.status == .ok)
        return try await post(client, cookie, "/web/cases/\(reference)/steps/\(step)", [("csrf", page.csrf), ("etag", page.etag)] + fields)
    }

    /// Rows that any case step writes: the audit log has one for every change.
    func written(_ db: TestDatabase) throws -> Int64 { try auditCount(db) }

    func count(_ db: TestDatabase, _ table: String) throws -> Int64 {
        try db.connect().queryValue("SELECT count(*) FROM tilskot.\(table)", as: Int64.self) ?? -1
    }

    /// The CLI's refusal sentence (stderr without "error: ").
    func cliSentence(_ db: TestDatabase, _ arguments: [String]) throws -> String {
        let result = try CLIRunner.run(arguments, database: db)
        #expect(result.exitCode == 1, "\(arguments): \(result.stdout)")
        return result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "error: ", with: "")
    }

    // MARK: - Tests

    @Test("the step forms show where they fit: appeal steps on a pending appeal, advance notices on a decided case, disqualification on an open one")
    func whereTheyShow() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let mona = try await session(client, Self.manager)
            let appealed = try await casePage(client, mona, "JS-2021-0001").html
            for id in ["form-appeal-dismiss", "form-appeal-forward", "form-appeal-decide", "form-forewarn", "form-disqualify"] {
                #expect(appealed.contains("id=\"\(id)\""), "appealed case: \(id)")
            }
            #expect(!appealed.contains("id=\"form-appeal-body\"") && !appealed.contains("id=\"form-forewarn-answer\""))
            // The help and the refusal's place are tied to the fields; the radio groups have legends.
            #expect(appealed.contains("<legend>") && appealed.contains("aria-describedby=\"appeal-dismiss-help\""))
            let decided = try await casePage(client, mona, "JS-2021-0002").html
            #expect(decided.contains("id=\"form-forewarn\"") && decided.contains("id=\"form-disqualify\""))
            #expect(!decided.contains("id=\"form-appeal-dismiss\"") && !decided.contains("id=\"form-appeal-decide\""))
            let open = try await casePage(client, mona, "JS-2021-0003").html
            #expect(open.contains("id=\"form-disqualify\"") && !open.contains("id=\"form-forewarn\""))
            // English labels when English is chosen.
            let english = cookieHeader(mona + "; tilskot_lang=en")
            let en = try await client.execute(uri: "/web/cases/JS-2021-0001", method: .get, headers: english) { String(buffer: $0.body) }
            #expect(en.contains("Send the appeal to the appeal body") && en.contains("Declare a conflict of interest"))
        }
    }

    @Test("each step posted as a user the database refuses: its sentence beside the form, what was typed kept, nothing written")
    func refused() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let arne = try await session(client, Self.auditor)
            let per = try await session(client, Self.registrar)
            let kari = try await session(client, Self.caseworker)
            let attempts: [(who: String, cookie: String, reference: String, step: String, fields: [(String, String)], says: String)] = [
                ("registrar", per, "JS-2021-0004", "appeal-dismiss", [("ground", "no_standing"), ("reasons", "Ikkje part i saka"), ("date", "2021-04-20")],
                 "cannot also decide it"),
                ("caseworker", kari, "JS-2021-0004", "appeal-forward", [("reasons", "Vi held fast på vedtaket"), ("date", "2021-04-20")], "appeal refused: \(Self.caseworker) is not a manager"),
                ("auditor", arne, "JS-2021-0004", "appeal-forward", [("reasons", "Revisoren sender"), ("date", "2021-04-20")], Self.claimRefused),
                ("caseworker", kari, "JS-2021-0005", "appeal-decide", [("instance", "directorate"), ("outcome", "grant"), ("amount", "1 500 000"),
                                                                        ("reasons", "Klaga vert teken til følgje")], "is not a manager"),
                ("auditor", arne, "JS-2021-0005", "appeal-decide", [("instance", "directorate"), ("outcome", "grant"), ("amount", "1 500 000"),
                                                                     ("reasons", "Revisoren gjer vedtak")], Self.claimRefused),
                ("caseworker", kari, "JS-2021-0002", "forewarn", [("purpose", "change"), ("proposal", "Ned til 1 000 000 kr"), ("amount", "1 000 000"),
                                                                   ("channel", "post"), ("sent", "2021-05-03"), ("answer_by", "2021-05-24")],
                 "\(Self.caseworker) is not a manager"),
                ("auditor", arne, "JS-2021-0003", "disqualify", [("reason", "Revisoren er i slekt med rådmannen")], Self.claimRefused),
                ("caseworker", kari, "JS-2021-0003", "disqualify", [("person", Self.other), ("reason", "Ola er gift med prosjektleiaren")],
                 "only a manager can declare someone else disqualified"),
            ]
            for attempt in attempts {
                let before = try written(db)
                let result = try await step(client, attempt.cookie, attempt.reference, attempt.step, attempt.fields)
                #expect(result.status == .forbidden || result.status == .conflict || result.status == .unprocessableContent,
                        "\(attempt.who) \(attempt.step): \(result.status)")
                #expect(result.location == nil)
                #expect(result.html.contains("id=\"\(attempt.step)-error\""), "\(attempt.who) \(attempt.step): the sentence beside the form")
                #expect(unescaped(result.html).contains(attempt.says), "\(attempt.who) \(attempt.step): \(refusal(result.html))")
                #expect(result.html.contains("aria-describedby=\"") && result.html.contains("\(attempt.step)-error\""))
                #expect(try written(db) == before, "\(attempt.who) \(attempt.step) wrote nothing")
                for (name, value) in attempt.fields where ["reasons", "reason", "proposal", "person"].contains(name) {
                    #expect(result.html.contains(value), "\(attempt.who) \(attempt.step) keeps \(name)")
                }
            }
            // The registrar's dismissal reads the CLI's sentence for the same step.
            let sentence = try cliSentence(db, ["appeal", "dismiss", "JS-2021-0004", "--ground", "no-standing", "--reasons", "Ikkje part i saka",
                                                "--date", "2021-04-20", "--as", Self.registrar])
            let page = try await step(client, per, "JS-2021-0004", "appeal-dismiss",
                                      [("ground", "no_standing"), ("reasons", "Ikkje part i saka"), ("date", "2021-04-20")])
            #expect(!sentence.isEmpty && unescaped(page.html).contains(sentence), "CLI: \(sentence)")
            for table in ["appeal_step", "advance_notice", "disqualification"] {
                #expect(try count(db, table) == 0, "\(table): nothing written")
            }
            #expect(try count(db, "decision") == 4)
        }
    }

    @Test("a manager forwards an appeal and the other records the appeal body's decision; the case shows each step")
    func forwardAndBody() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let mona = try await session(client, Self.manager)
            let per = try await session(client, Self.registrar)
            let forwarded = try await step(client, mona, "JS-2021-0001", "appeal-forward", [("reasons", "Vi held fast på vedtaket"), ("date", "2021-04-22")])
            #expect(forwarded.status == .seeOther, "forward: \(refusal(forwarded.html))")
            #expect(forwarded.location == "/web/cases/JS-2021-0001#h-decisions")
            let after = try await casePage(client, mona, "JS-2021-0001").html
            #expect(after.contains("Kunnskapsdepartementet") && after.contains("2021-04-22 forward"))
            // Forwarded: only the appeal body decides it now; its form shows, dismissing and forwarding do not.
            #expect(after.contains("id=\"form-appeal-body\"") && !after.contains("id=\"form-appeal-dismiss\"") && !after.contains("id=\"form-appeal-forward\""))
            // Forwarding again is the database's to refuse; an auditor recording the body's decision too.
            let arne = try await session(client, Self.auditor)
            let before = try written(db)
            let arneBody = try await step(client, arne, "JS-2021-0001", "appeal-body", [("outcome", "upheld"), ("reasons", "Stadfesta"), ("date", "2021-06-01")])
            #expect(arneBody.html.contains("id=\"appeal-body-error\"") && arneBody.html.contains("Stadfesta"))
            #expect(try written(db) == before)
            // A date before the forwarding: the database's sentence, the choice kept.
            let early = try await step(client, per, "JS-2021-0001", "appeal-body",
                                       [("outcome", "quashed"), ("reasons", "Oppheva"), ("body_reference", "21/1234"), ("date", "2021-04-21")])
            #expect(early.status == .unprocessableContent || early.status == .conflict)
            #expect(unescaped(early.html).contains("before the appeal on JS-2021-0001 was sent to the appeal body"), "\(refusal(early.html))")
            #expect(early.html.contains("id=\"appeal-body-quashed\" name=\"outcome\" type=\"radio\" value=\"quashed\" checked"))
            #expect(early.html.contains("value=\"21/1234\""))
            #expect(try written(db) == before)
            let upheld = try await step(client, per, "JS-2021-0001", "appeal-body",
                                        [("outcome", "upheld"), ("reasons", "Departementet stadfestar vedtaket"), ("body_reference", "21/1234"),
                                         ("date", "2021-06-01")])
            #expect(upheld.status == .seeOther, "body: \(refusal(upheld.html))")
            let done = try await casePage(client, mona, "JS-2021-0001").html
            #expect(done.contains("2021-06-01 body_upheld") && done.contains("status-partially_granted"))
            #expect(!done.contains("id=\"form-appeal-body\"") && !done.contains("id=\"form-appeal-decide\""))
            let outcome = try db.connect().queryValue("SELECT outcome FROM tilskot.appeal a JOIN tilskot.application p ON p.id = a.application_id WHERE p.reference = 'JS-2021-0001'",
                                                      as: String.self)
            #expect(outcome == "upheld")
        }
    }

    @Test("a manager dismisses an appeal (the ground chosen), and another changes a decision on appeal; the case shows both")
    func dismissAndDecide() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let mona = try await session(client, Self.manager)
            // No ground: the form's own refusal, the reasons kept.
            let noGround = try await step(client, mona, "JS-2021-0004", "appeal-dismiss", [("reasons", "Kommunen trekte klaga")])
            #expect(noGround.status == .unprocessableContent && noGround.html.contains("id=\"appeal-dismiss-error\"") && noGround.html.contains("Kommunen trekte klaga"))
            // Late on an appeal in time: the database's sentence.
            let late = try await step(client, mona, "JS-2021-0004", "appeal-dismiss", [("ground", "late"), ("reasons", "For sein")])
            #expect(unescaped(late.html).contains("cannot be dismissed as late"), "\(refusal(late.html))")
            #expect(late.html.contains("<option value=\"late\" selected>"))
            let dismissed = try await step(client, mona, "JS-2021-0004", "appeal-dismiss",
                                           [("ground", "withdrawn"), ("reasons", "Kommunen trekte klaga"), ("date", "2021-04-20")])
            #expect(dismissed.status == .seeOther, "dismiss: \(refusal(dismissed.html))")
            let after = try await casePage(client, mona, "JS-2021-0004").html
            #expect(after.contains("2021-04-20 dismiss (withdrawn)") && after.contains("status-partially_granted"))
            #expect(!after.contains("id=\"form-appeal-dismiss\""))

            // JS-2021-0005: the directorate changes its decision to the whole amount (omgjering).
            let decisions = try count(db, "decision")
            let changed = try await step(client, mona, "JS-2021-0005", "appeal-decide", [
                ("instance", "directorate"), ("outcome", "grant"), ("amount", "1 500 000"), ("reasons", "Klaga vert teken til følgje"),
                ("date", "2021-04-20"),
            ])
            #expect(changed.status == .seeOther, "decide: \(refusal(changed.html))")
            #expect(try count(db, "decision") == decisions + 1)
            let page = try await casePage(client, mona, "JS-2021-0005").html
            #expect(page.contains("Klaga vert teken til følgje") && page.contains("status-granted"))
            #expect(page.contains("<tr class=\"superseded\">"))
            #expect(!page.contains("id=\"form-appeal-decide\""))
        }
    }

    @Test("a change on appeal to the appellant's disadvantage: refused without its legal basis and advance notice, made with both chosen in the form")
    func disadvantage() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let mona = try await session(client, Self.manager)
            let warned = try await step(client, mona, "JS-2021-0005", "forewarn", [
                ("purpose", "change"), ("proposal", "Tilskotet blir sett ned til 800 000 kr"), ("amount", "800 000"),
                ("channel", "post"), ("sent", "2021-04-20"), ("answer_by", "2021-05-11"),
            ])
            #expect(warned.status == .seeOther, "forewarn: \(refusal(warned.html))")
            let id = try #require(try db.connect().queryValue("SELECT id FROM tilskot.advance_notice", as: Int64.self))
            // The form offers the case's advance notice to name.
            let page = try await casePage(client, mona, "JS-2021-0005").html
            #expect(page.contains("id=\"appeal-decide-notice\"") && page.contains("<option value=\"\(id)\""))
            let decisions = try count(db, "decision")
            let lower: [(String, String)] = [("instance", "directorate"), ("outcome", "grant"), ("amount", "800 000"),
                                             ("reasons", "Tiltaket er mindre enn søkt om"), ("date", "2021-05-12")]
            let bare = try await step(client, mona, "JS-2021-0005", "appeal-decide", lower)
            #expect(bare.status != .seeOther && bare.html.contains("id=\"appeal-decide-error\""))
            #expect(unescaped(bare.html).contains("disadvantage"), "\(refusal(bare.html))")
            #expect(bare.html.contains("Tiltaket er mindre enn søkt om") && bare.html.contains("value=\"800 000\""))
            #expect(try count(db, "decision") == decisions)
            let made = try await step(client, mona, "JS-2021-0005", "appeal-decide",
                                      lower + [("disadvantage_basis", "fvl. § 35 første ledd bokstav c"), ("advance_notice", String(id))])
            #expect(made.status == .seeOther, "decide: \(refusal(made.html))")
            let row = try #require(try db.connect().queryRow(
                "SELECT amount_ore, disadvantage_basis, advance_notice_id FROM tilskot.decision ORDER BY id DESC LIMIT 1"))
            #expect(try row.int64("amount_ore") == 80_000_000)
            #expect(try row.string("disadvantage_basis") == "fvl. § 35 første ledd bokstav c")
            #expect(try row.int64("advance_notice_id") == id)
        }
    }

    @Test("a manager sends an advance notice and a caseworker records its answer; an auditor's answer is refused; the answer names this case's notice")
    func advanceNotice() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let mona = try await session(client, Self.manager)
            let kari = try await session(client, Self.caseworker)
            let arne = try await session(client, Self.auditor)
            // Too little time to answer: the database's sentence (fvl. § 16), what was typed kept.
            let short = try await step(client, mona, "JS-2021-0002", "forewarn", [
                ("purpose", "change"), ("proposal", "Tilskotet blir sett ned til 1 000 000 kr"), ("amount", "1 000 000"),
                ("channel", "post"), ("sent", "2021-05-03"), ("answer_by", "2021-05-10"),
            ])
            #expect(unescaped(short.html).contains("give at least until 2021-05-17"), "\(refusal(short.html))")
            #expect(short.html.contains("value=\"2021-05-10\"") && short.html.contains("Tilskotet blir sett ned til 1 000 000 kr"))
            #expect(try count(db, "advance_notice") == 0)
            let sent = try await step(client, mona, "JS-2021-0002", "forewarn", [
                ("purpose", "change"), ("proposal", "Tilskotet blir sett ned til 1 000 000 kr"), ("amount", "1 000 000"),
                ("channel", "post"), ("sent", "2021-05-03"), ("answer_by", "2021-05-24"),
            ])
            #expect(sent.status == .seeOther, "forewarn: \(refusal(sent.html))")
            let page = try await casePage(client, kari, "JS-2021-0002").html
            #expect(page.contains("id=\"case-advance-notices\"") && page.contains("2021-05-24"))
            #expect(page.contains("id=\"form-forewarn-answer\""))
            let id = try #require(try db.connect().queryValue("SELECT id FROM tilskot.advance_notice", as: Int64.self))
            // The auditor records no answer.
            let before = try written(db)
            let arneAnswer = try await step(client, arne, "JS-2021-0002", "forewarn-answer",
                                            [("notice", String(id)), ("received", "2021-05-12"), ("summary", "Revisoren svarar")])
            #expect(arneAnswer.html.contains("id=\"forewarn-answer-error\"") && arneAnswer.html.contains("Revisoren svarar"))
            #expect(unescaped(arneAnswer.html).contains(Self.claimRefused), "\(refusal(arneAnswer.html))")
            #expect(try written(db) == before)
            // A notice of another case is refused on this case's page.
            let elsewhere = try await step(client, kari, "JS-2021-0001", "forewarn-answer",
                                           [("notice", String(id)), ("received", "2021-05-12"), ("summary", "Feil sak")])
            #expect(elsewhere.status == .unprocessableContent && elsewhere.location == nil)
            // That case offers no answer form: the sentence stands at the top of its page.
            #expect(elsewhere.html.contains("id=\"case-refusal\"") && !elsewhere.html.contains("id=\"form-forewarn-answer\""))
            #expect(unescaped(elsewhere.html).contains("there is no advance notice with id \(id) on JS-2021-0001"), "\(refusal(elsewhere.html))")
            #expect(try written(db) == before)
            let answered = try await step(client, kari, "JS-2021-0002", "forewarn-answer",
                                          [("notice", String(id)), ("received", "2021-05-12"), ("summary", "Kommunen er usamd")])
            #expect(answered.status == .seeOther, "answer: \(refusal(answered.html))")
            let after = try await casePage(client, kari, "JS-2021-0002").html
            #expect(after.contains("2021-05-12") && !after.contains("id=\"form-forewarn-answer\""))
            #expect(try db.connect().queryValue("SELECT summary FROM tilskot.advance_notice_answer", as: String.self) == "Kommunen er usamd")
        }
    }

    @Test("a caseworker declares herself disqualified, a manager declares another; the case lists both; without the CSRF token nothing is written")
    func disqualify() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let kari = try await session(client, Self.caseworker)
            let mona = try await session(client, Self.manager)
            // Without the CSRF token: 403 and nothing written.
            let page = try await casePage(client, kari, "JS-2021-0003")
            let before = try written(db)
            let noToken = try await post(client, kari, "/web/cases/JS-2021-0003/steps/disqualify",
                                         [("etag", page.etag), ("reason", "Eg er i slekt med rådmannen")])
            #expect(noToken.status == .forbidden)
            #expect(try written(db) == before)
            #expect(try count(db, "disqualification") == 0)
            // An unknown step is no route.
            let unknown = try await post(client, kari, "/web/cases/JS-2021-0003/steps/erase", [("csrf", page.csrf), ("etag", page.etag)])
            #expect(unknown.status == .notFound)
            let own = try await step(client, kari, "JS-2021-0003", "disqualify", [("reason", "Eg er i slekt med rådmannen")])
            #expect(own.status == .seeOther, "disqualify: \(refusal(own.html))")
            #expect(own.location == "/web/cases/JS-2021-0003#h-application")
            let other = try await step(client, mona, "JS-2021-0003", "disqualify", [("person", Self.other), ("reason", "Ola er gift med prosjektleiaren")])
            #expect(other.status == .seeOther, "disqualify other: \(refusal(other.html))")
            // Twice is the database's to refuse.
            let again = try await step(client, kari, "JS-2021-0003", "disqualify", [("reason", "Igjen")])
            #expect(unescaped(again.html).contains("is already disqualified on JS-2021-0003"), "\(refusal(again.html))")
            let after = try await casePage(client, kari, "JS-2021-0003").html
            #expect(after.contains("id=\"case-disqualifications\"") && after.contains("Eg er i slekt med rådmannen")
                    && after.contains("Ola er gift med prosjektleiaren"))
            #expect(try count(db, "disqualification") == 2)
        }
    }
}
