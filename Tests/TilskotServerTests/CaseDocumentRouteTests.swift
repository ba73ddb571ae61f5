import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PGClient
import Testing
import TilskotCore
import TilskotServer
import TilskotStore
import TilskotTestSupport

/// One case, one document (SQL/schema/22_case_read.sql): `application show --format json`,
/// `GET /applications/{reference}` and what psql reads from tilskot.application_case are the same
/// JSON — the API's bytes are the database's, the CLI's the same keys and values — in one statement;
/// the audit history is worded by tilskot.audit_what for the CLI's `audit list` as well.
@Suite("one case, one document: CLI, API and psql read tilskot.application_case")
struct CaseDocumentRouteTests: ServerRouteSuite {
    static let caseworker = "cd_kari"
    static let manager = "cd_mona"
    static let registrar = "cd_per"
    static let auditor = "cd_aud"
    static let other = "cd_ola"

    /// JS-2021-0001 (Oslo) with a disqualification, an assessment superseded by a second, a partial
    /// grant with conditions, its notice, an advance notice with its answer, and an appeal forwarded to
    /// the appeal body; JS-2021-0002 (Stavanger) only registered.
    func scene() throws -> TestDatabase {
        let (k, m) = (Self.caseworker, Self.manager)
        return try TestDatabase.scene(
            users: [k: .caseworker, m: .manager, Self.registrar: .manager, Self.auditor: .auditor, Self.other: .caseworker],
            steps: [
                ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
                ["round", "open", "JS/2021", "--frame", "10 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
                ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", k],
                ["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103", "--as", k],
                ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen i Oslo",
                 "--amount", "3 400 000", "--received", "2021-02-01", "--as", k],
                ["application", "register", "--round", "JS/2021", "--org", "964965226", "--title", "Jobbsjansen i Stavanger",
                 "--amount", "1 000 000", "--received", "2021-02-02", "--as", k],
                ["application", "disqualify", "JS-2021-0001", "--user", Self.other, "--reason", "Sit i styret hjå søkjaren", "--as", m],
                ["application", "assess", "JS-2021-0001", "--score", "3", "--recommend", "grant", "--as", k],
                ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "partial", "--amount", "3 000 000", "--as", k],
                ["application", "decide", "JS-2021-0001", "--grant", "3 000 000", "--reasons", "Ramma rekk ikkje",
                 "--conditions", "Rapport innan 1. mars 2022", "--date", "2021-04-01", "--as", m],
                ["application", "notify", "JS-2021-0001", "--sent", "2021-04-02", "--channel", "post", "--as", k],
                ["application", "forewarn", "JS-2021-0001", "--purpose", "change", "--proposal", "Endre tilskotet til 2 500 000 kr",
                 "--amount", "2 500 000", "--sent", "2021-04-05", "--channel", "email", "--answer-by", "2021-04-20", "--as", m],
                ["application", "forewarn-answer", "1", "--received", "2021-04-10", "--summary", "Søkjaren er usamd", "--as", m],
                ["application", "appeal", "JS-2021-0001", "--received", "2021-04-15", "--grounds", "Treng heile beløpet", "--as", Self.registrar],
                ["scheme", "appeal-body", "JS", "--from", "2020-01-01", "--nn", "Arbeids- og inkluderingsdepartementet",
                 "--nb", "Arbeids- og inkluderingsdepartementet", "--en", "the Ministry of Labour and Social Inclusion", "--as", m],
                ["appeal", "forward", "JS-2021-0001", "--date", "2021-05-01", "--as", m],
            ])
    }

    /// The database's document for `reference`, read by psql as `login`.
    func psqlDocument(_ db: TestDatabase, _ reference: String, as login: String) throws -> String? {
        try db.connect(asLogin: login).queryValue("SELECT tilskot.application_case($1)::text", [reference], as: String.self)
    }

    @Test("the API sends the database's bytes and their hash as ETag; the CLI prints the same JSON; every part of the case is there")
    func sameDocument() async throws {
        let db = try scene()
        let document = try #require(try psqlDocument(db, "JS-2021-0001", as: Self.manager))
        // The ETag is the first 128 bits of the document's SHA-256 (Encoding.etag), as PostgreSQL computes it too.
        let etag = try db.connect(asLogin: Self.manager).queryValue(
            "SELECT '\"' || left(encode(sha256(convert_to($1, 'UTF8')), 'hex'), 32) || '\"'", [document], as: String.self)
        let app = try await app(db)
        try await app.test(.router) { client in
            let token = try await token(Self.manager)
            try await client.execute(uri: "/applications/JS-2021-0001", method: .get, headers: headers(token)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == document)
                #expect(response.headers[.eTag] == etag)
            }
        }
        let printed = try cli(["application", "show", "JS-2021-0001", "--format", "json", "--as", Self.caseworker], db)
        #expect(parsed(printed) == parsed(document))

        let object = try #require(parsed(document) as? [String: Any])
        func count(_ key: String) -> Int { (object[key] as? [Any])?.count ?? -1 }
        #expect(count("disqualifications") == 1 && count("assessments") == 2 && count("decisions") == 1)
        #expect(count("notices") == 1 && count("advance_notices") == 1 && count("appeals") == 1)
        #expect(object["status"] as? String == "appealed" && object["granted_ore"] as? Int == 300_000_000)
        #expect(object["notice_sent"] as? String == "2021-04-02" && object["notice_channel"] as? String == "post")
        let appeal = try #require((object["appeals"] as? [[String: Any]])?.first)
        #expect((appeal["steps"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["forward"])
        let answer = try #require((object["advance_notices"] as? [[String: Any]])?.first)
        #expect(answer["answer_summary"] as? String == "Søkjaren er usamd" && answer["answer_received"] as? String == "2021-04-10")
        let assessments = try #require(object["assessments"] as? [[String: Any]])
        #expect(assessments.map { $0["is_current"] as? Bool } == [false, true])

        // The decoded detail (text and web) holds the same parts.
        let detail = try Applications.show(try ApplicationReference("JS-2021-0001"), session: try db.session(as: Self.auditor))
        #expect(detail.document == Data(document.utf8))
        #expect(detail.assessments.count == 2 && detail.currentAssessment?.score == 4)
        #expect(detail.currentNotice?.sentOn.description == "2021-04-02" && detail.advanceNotices.first?.answer?.summary == "Søkjaren er usamd")
        #expect(detail.appeals.first?.steps.first?.kind == "forward" && detail.disqualifications.first?.person == Self.other)
    }

    @Test("the history's words come from tilskot.audit_what, the same in the case, in `audit list` and for psql")
    func historyWords() throws {
        let db = try scene()
        let detail = try Applications.show(try ApplicationReference("JS-2021-0001"), session: try db.session(as: Self.auditor))
        let words = detail.history.map(\.summary)
        #expect(words.contains("status received → in_review") || words.contains("status received → assessed"))
        #expect(words.contains("decided: partially_granted 3 000 000 kr on 2021-04-01"))
        #expect(words.contains("\(Self.other) disqualified (fvl. §§ 6–10)"))
        #expect(words.contains("notice sent 2021-04-02 by post, presumed received 2021-04-09"))
        #expect(words.contains("appeal forwarded to the appeal body on 2021-05-01"))
        let c = try db.connect(asLogin: Self.auditor)
        let psqlWords = try c.query("""
            SELECT tilskot.audit_what(table_name, action, old, new) AS what FROM tilskot.audit_log
             WHERE application_id = (SELECT id FROM tilskot.application WHERE reference = 'JS-2021-0001') ORDER BY id
            """).map { try $0.string("what") }
        #expect(psqlWords == words)
        let listed = try Audit.list(.init(application: try ApplicationReference("JS-2021-0001")), session: try db.session(as: Self.auditor))
        #expect(listed.map(\.summary) == words)
    }

    @Test("no such case: the CLI's sentence and 404; a login without a staff role may not call the function")
    func unknownAndUnauthorised() async throws {
        let db = try scene()
        #expect(try psqlDocument(db, "JS-2021-0099", as: Self.manager) == nil)
        let result = try CLIRunner.run(["application", "show", "JS-2021-0099", "--as", Self.caseworker], database: db)
        #expect(result.exitCode == 1 && result.stderr.contains("there is no application JS-2021-0099"))
        let app = try await app(db)
        try await app.test(.router) { client in
            try await client.execute(uri: "/applications/JS-2021-0099", method: .get, headers: try await headers(as: Self.manager)) { response in
                #expect(response.status == .notFound)
            }
        }
        // The server's own login owns nothing and holds no grant: the function is not for it.
        let refused = try psql(db, as: "tilskot_authenticator", "SELECT tilskot.application_case('JS-2021-0001')")
        #expect(refused.sqlstate == "42501")
    }
}
