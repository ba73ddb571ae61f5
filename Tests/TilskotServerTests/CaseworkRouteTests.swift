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

/// The case actions of `tilskot serve` (issue 19 items 2 and 5): each calls the CLI's service, each
/// refusal is the database's sentence (the same psql reads), and a change to an application needs
/// the case's ETag as If-Match (428 without, 412 when the case changed since).
@Suite("tilskot serve: case actions, letters, ETag and If-Match")
struct CaseworkRouteTests: ServerRouteSuite {
    static let manager = "cw_mona"
    static let manager2 = "cw_per"
    static let caseworker = "cw_kari"
    static let caseworker2 = "cw_ola"

    /// Jobbsjansen 2021 (frame 4 000 000 kr) and 2022: JS-2021-0001 (Oslo, 3 400 000 kr) assessed and
    /// undecided; JS-2021-0002 (Stavanger, 2 000 000 kr) granted in full by the manager on 2021-04-01.
    func scene() throws -> TestDatabase {
        try TestDatabase.scene(users: [Self.manager: .manager, Self.manager2: .manager, Self.caseworker: .caseworker,
                                       Self.caseworker2: .caseworker], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "4 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["round", "open", "JS/2022", "--frame", "4 000 000", "--opens", "2022-01-03", "--closes", "2022-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
            ["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen Oslo",
             "--amount", "3 400 000", "--received", "2021-02-01", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "964965226", "--title", "Jobbsjansen Stavanger",
             "--amount", "2 000 000", "--received", "2021-02-02", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0002", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
            ["application", "decide", "JS-2021-0002", "--grant", "2 000 000", "--date", "2021-04-01", "--as", Self.manager],
        ])
    }

    /// The issuer, staff, regulations and appeal bodies letters and forwarding need (as
    /// LetterCLITests' configureLetters), written by an administrator.
    func configureLetters(_ db: TestDatabase) throws {
        let c = try db.connectAsAdmin()
        try c.execute("""
            INSERT INTO tilskot.issuer (name_nn, name_nb, name_en, orgnr, postal_address, email, website, phone, digital_channel, repayment_account)
            VALUES ('Integrerings- og mangfaldsdirektoratet (IMDi)', 'Integrerings- og mangfoldsdirektoratet (IMDi)',
                    'the Directorate of Integration and Diversity (IMDi)', '987879696', 'Postboks 8059 Dep, 0031 Oslo',
                    'post@imdi.no', 'www.imdi.no', '24 16 88 00', 'eDialog på www.imdi.no', '76940500008')
            ON CONFLICT DO NOTHING
            """)
        for (login, name) in [Self.manager: "Mona Manager", Self.manager2: "Per Manager", Self.caseworker: "Kari Caseworker"] {
            try c.execute("""
                INSERT INTO tilskot.staff (login, full_name, job_title, email, phone)
                VALUES ($1, $2, 'seniorrådgivar', $1 || '@imdi.no', '24 16 88 99') ON CONFLICT DO NOTHING
                """, [login, name])
        }
        let schemeID = try #require(try c.queryValue("SELECT id FROM tilskot.scheme WHERE code = 'JS'", as: Int64.self))
        try c.execute("""
            INSERT INTO tilskot.scheme_regulation (scheme_id, title, adopted_on, in_force_from, url)
            VALUES ($1, 'Regelverk for tilskot til Jobbsjansen', '2019-12-16', '2020-01-01', 'https://www.imdi.no/tilskudd/')
            """, [schemeID])
        try c.execute("""
            INSERT INTO tilskot.scheme_appeal_body (scheme_id, from_date, name_nn, name_nb, name_en) VALUES
                ($1, '2018-01-17', 'Kunnskapsdepartementet', 'Kunnskapsdepartementet', 'the Ministry of Education and Research')
            """, [schemeID])
    }

    /// POSTs `body` to the case's `path` with its current ETag; returns status and JSON object.
    func change(_ client: some TestClientProtocol, _ reference: String, _ path: String, _ body: String, as token: String,
                key: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let tag = try await etag(client, reference, token)
        return try await client.execute(uri: "/applications/\(reference)/\(path)", method: .post,
                                        headers: headers(token, key: key, ifMatch: tag), body: ByteBuffer(string: body)) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
        }
    }

    func applicationID(_ db: TestDatabase, _ reference: String) throws -> String {
        String(try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = $1", [reference], as: Int64.self)))
    }

    @Test("GET gives the case's ETag; a change without If-Match is 428, with a stale one 412 and nothing recorded, with the current one 201; the ETag then changes; a replay of the same key returns the first response")
    func ifMatch() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        let body = #"{"score":5,"recommendation":"grant"}"#
        let count = "SELECT count(*) FROM tilskot.assessment a JOIN tilskot.application p ON p.id = a.application_id WHERE p.reference = 'JS-2021-0001'"
        try await app(db).test(.router) { client in
            let first = try await etag(client, "JS-2021-0001", kari)
            #expect(first.hasPrefix("\"") && first.hasSuffix("\"") && first.count == 34, "\(first)")
            // Reading changes nothing: the same ETag twice.
            #expect(try await etag(client, "JS-2021-0001", kari) == first)
            #expect(try await etag(client, "JS-2021-0002", kari) != first)
            try await client.execute(uri: "/applications/JS-2021-0001/assessments", method: .post, headers: headers(kari, key: "a-1"),
                                     body: ByteBuffer(string: body)) { response in
                #expect(response.status == .preconditionRequired)
                let detail = try object(response)["detail"] as? String
                #expect(detail?.contains("needs an If-Match header") == true)
            }
            try await client.execute(uri: "/applications/JS-2021-0001/assessments", method: .post,
                                     headers: headers(kari, key: "a-1", ifMatch: "\"0123456789abcdef0123456789abcdef\""),
                                     body: ByteBuffer(string: body)) { response in
                #expect(response.status == .preconditionFailed, "\(String(buffer: response.body))")
                let detail = try object(response)["detail"] as? String
                #expect(detail?.contains("JS-2021-0001 has changed since you read it") == true)
            }
            #expect(try db.connect().queryValue(count, as: Int.self) == 1)
            // A weak tag never matches (strong comparison).
            try await client.execute(uri: "/applications/JS-2021-0001/assessments", method: .post,
                                     headers: headers(kari, key: "a-1", ifMatch: "W/\(first)"), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .preconditionFailed)
            }
            let created = try await client.execute(uri: "/applications/JS-2021-0001/assessments", method: .post,
                                                   headers: headers(kari, key: "a-1", ifMatch: "\"nope\", \(first)"),
                                                   body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                return String(buffer: response.body)
            }
            #expect(try db.connect().queryValue(count, as: Int.self) == 2)
            let second = try await etag(client, "JS-2021-0001", kari)
            #expect(second != first)
            // The same key again (a client retrying): the first response, not a 412, and once only.
            try await client.execute(uri: "/applications/JS-2021-0001/assessments", method: .post,
                                     headers: headers(kari, key: "a-1", ifMatch: first), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created)
                #expect(String(buffer: response.body) == created)
            }
            // A new request made on what was read before the change: 412.
            try await client.execute(uri: "/applications/JS-2021-0001/assessments", method: .post,
                                     headers: headers(kari, key: "a-2", ifMatch: first), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .preconditionFailed)
            }
            #expect(try db.connect().queryValue(count, as: Int.self) == 2)
            // A case that does not exist: 404 with the lookup's sentence.
            try await client.execute(uri: "/applications/JS-2021-0099/assessments", method: .post,
                                     headers: headers(kari, key: "a-3", ifMatch: first), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .notFound, "\(String(buffer: response.body))")
            }
        }
    }

    @Test("assign (take, hand over), move and withdraw through the API; withdrawing a decided case reads psql's sentence")
    func assignMoveWithdraw() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        let mona = try await token(Self.manager)
        let decidedID = try applicationID(db, "JS-2021-0002")
        let expected = try #require(try psqlSentence(db, Self.caseworker,
                                                     "INSERT INTO tilskot.withdrawal (application_id, reason) VALUES ($1, 'trekt av søkjar')", [decidedID]))
        try await app(db).test(.router) { client in
            var (status, seen) = try await change(client, "JS-2021-0001", "assignments", "{}", as: kari, key: "as-1")
            #expect(status == .created, "\(seen)")
            #expect(seen["caseworker"] as? String == Self.caseworker)
            #expect((seen["application"] as? [String: Any])?["reference"] as? String == "JS-2021-0001")
            (status, seen) = try await change(client, "JS-2021-0001", "assignments", #"{"to":"\#(Self.caseworker2)"}"#, as: mona, key: "as-2")
            #expect(status == .created, "\(seen)")
            #expect(seen["before"] as? [String] == [Self.caseworker])
            #expect(seen["after"] as? [String] == [Self.caseworker2])
            (status, seen) = try await change(client, "JS-2021-0001", "assignments", #"{"to":"a","also":"b"}"#, as: mona, key: "as-3")
            #expect(status == .unprocessableContent)
            (status, seen) = try await change(client, "JS-2021-0001", "moves", #"{"to_round":"JS/2022","reason":"søkt for seint til 2021"}"#,
                                              as: kari, key: "mv-1")
            #expect(status == .created, "\(seen)")
            #expect(seen["round"] as? String == "JS/2022")
            (status, seen) = try await change(client, "JS-2021-0001", "withdrawal", #"{"reason":"trekt av søkjar per e-post"}"#, as: kari, key: "wd-1")
            #expect(status == .created, "\(seen)")
            #expect(seen["status"] as? String == "withdrawn")
            (status, seen) = try await change(client, "JS-2021-0002", "withdrawal", #"{"reason":"trekt av søkjar"}"#, as: kari, key: "wd-2")
            #expect(status.code == 422 || status.code == 409, "\(seen)")
            #expect(seen["detail"] as? String == expected.message)
            #expect(seen["sqlstate"] as? String == expected.sqlstate)
        }
    }

    @Test("disqualify: a caseworker declaring someone else reads psql's sentence (fvl. § 8: a manager's step); declaring oneself is recorded")
    func disqualify() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        let id = try applicationID(db, "JS-2021-0001")
        let expected = try #require(try psqlSentence(db, Self.caseworker, """
            INSERT INTO tilskot.disqualification (application_id, person, reason) VALUES ($1, $2, 'svoger i kommunen')
            """, [id, Self.caseworker2]))
        try await app(db).test(.router) { client in
            var (status, seen) = try await change(client, "JS-2021-0001", "disqualifications",
                                                  #"{"person":"\#(Self.caseworker2)","reason":"svoger i kommunen"}"#, as: kari, key: "dq-1")
            #expect(status == .forbidden || status == .unprocessableContent, "\(seen)")
            #expect(seen["detail"] as? String == expected.message)
            #expect(seen["sqlstate"] as? String == expected.sqlstate)
            (status, seen) = try await change(client, "JS-2021-0001", "disqualifications", #"{"reason":"styremedlem i søkjaren"}"#,
                                              as: kari, key: "dq-2")
            #expect(status == .created, "\(seen)")
            #expect(seen["person"] as? String == Self.caseworker)
            #expect(seen["declared_by"] as? String == Self.caseworker)
        }
    }

    @Test("notice, appeal and forwarding: a caseworker registering an appeal reads psql's sentence; a manager's is recorded and forwarded to the scheme's appeal body")
    func noticeAppealForward() async throws {
        let db = try scene()
        defer { db.drop() }
        try configureLetters(db)
        let kari = try await token(Self.caseworker)
        let mona = try await token(Self.manager)
        let per = try await token(Self.manager2)
        let expected = try #require(try psqlSentence(db, Self.caseworker, "SELECT tilskot.require_role('appeal')"))
        try await app(db).test(.router) { client in
            var (status, seen) = try await change(client, "JS-2021-0002", "notices", #"{"sent":"2021-04-01","channel":"digital"}"#,
                                                  as: mona, key: "n-1")
            #expect(status == .created, "\(seen)")
            #expect(seen["sent"] as? String == "2021-04-01")
            #expect(seen["appeal_deadline"] as? String != nil)
            let appeal = #"{"received":"2021-04-10","grounds":"Tilskotet burde vore større"}"#
            (status, seen) = try await change(client, "JS-2021-0002", "appeals", appeal, as: kari, key: "ap-1")
            #expect(status == .forbidden, "\(seen)")
            #expect(seen["detail"] as? String == expected.message)
            // Registered by the manager who decided; another manager handles it (four-eyes, 23T03).
            (status, seen) = try await change(client, "JS-2021-0002", "appeals", appeal, as: mona, key: "ap-2")
            #expect(status == .created, "\(seen)")
            #expect(seen["late"] as? Bool == false)
            #expect(seen["outcome"] == nil, "pending")
            (status, seen) = try await change(client, "JS-2021-0002", "appeal-steps", #"{"kind":"dismiss"}"#, as: per, key: "st-0")
            #expect(status == .unprocessableContent)
            (status, seen) = try await change(client, "JS-2021-0002", "appeal-steps", #"{"kind":"forward","date":"2021-04-20"}"#,
                                              as: per, key: "st-1")
            #expect(status == .created, "\(seen)")
            #expect(seen["appeal_body"] as? String == "Kunnskapsdepartementet")
            #expect((seen["steps"] as? [[String: Any]])?.first?["kind"] as? String == "forward")
            // Once forwarded the directorate no longer dismisses it: the database's sentence.
            let id = try applicationID(db, "JS-2021-0002")
            let refused = try #require(try psqlSentence(db, Self.manager2, """
                INSERT INTO tilskot.appeal_step (application_id, kind, ground, step_date, reasons) VALUES ($1, 'dismiss', 'other', '2021-04-21', 'trekt')
                """, [id]))
            (status, seen) = try await change(client, "JS-2021-0002", "appeal-steps",
                                              #"{"kind":"dismiss","ground":"other","reasons":"trekt","date":"2021-04-21"}"#, as: per, key: "st-2")
            #expect(status.code >= 400, "\(seen)")
            #expect(seen["detail"] as? String == refused.message)
            #expect(seen["sqlstate"] as? String == refused.sqlstate)
        }
    }

    @Test("letters: refused with the CLI's sentence when incomplete; HTML by default, Markdown by Accept, in the language asked")
    func letters() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        let cli = try CLIRunner.run(["application", "letter", "JS-2021-0002", "--as", Self.caseworker], database: db)
        #expect(cli.exitCode == 1)
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/applications/JS-2021-0002/letters/decision", method: .get, headers: headers(kari)) { response in
                #expect(response.status.code >= 400)
                let detail = try #require(try object(response)["detail"] as? String)
                #expect(detail.contains("no issuer is configured"))
                #expect(cli.stderr.contains(detail))
            }
        }
        try configureLetters(db)
        let markdown = try CLIRunner.run(["application", "letter", "JS-2021-0002", "--lang", "en", "--as", Self.caseworker], database: db)
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/applications/JS-2021-0002/letters/decision", method: .get, headers: headers(kari)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: response.body).contains("<"))
            }
            try await client.execute(uri: "/applications/JS-2021-0002/letters/decision?lang=en", method: .get,
                                     headers: headers(kari, accept: "text/markdown")) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(response.headers[.contentType]?.hasPrefix("text/markdown") == true)
                #expect(String(buffer: response.body) == markdown.stdout)
            }
            try await client.execute(uri: "/applications/JS-2021-0002/letters/forwarding", method: .get, headers: headers(kari)) { response in
                #expect(response.status.code >= 400, "no appeal was forwarded")
            }
        }
    }

    /// POSTs `body` to `uri` with an Idempotency-Key; returns status and JSON object.
    func post(_ client: some TestClientProtocol, _ uri: String, _ body: String, as token: String,
              key: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: uri, method: .post, headers: headers(token, key: key), body: ByteBuffer(string: body)) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
        }
    }

    func array(_ client: some TestClientProtocol, _ uri: String, as token: String) async throws -> [[String: Any]] {
        try await client.execute(uri: uri, method: .get, headers: headers(token)) { response in
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            return (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]]) ?? []
        }
    }

    @Test("schemes, rounds and organisations: a manager creates a scheme and opens and adjusts a round; a caseworker creating a scheme and a second registration of an organisation read psql's sentences")
    func registers() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        let mona = try await token(Self.manager)
        let schemeRefused = try #require(try psqlSentence(db, Self.caseworker, "SELECT tilskot.require_role('scheme')"))
        let orgRefused = try #require(try psqlSentence(db, Self.caseworker, """
            INSERT INTO tilskot.organisation (orgnr, name, kind, municipality) VALUES ('958935420', 'Oslo kommune', 'municipality', '0301')
            """))
        let scheme = #"{"code":"TK","name":"Tolking","applicant_kinds":["municipality"]}"#
        try await app(db).test(.router) { client in
            var (status, seen) = try await post(client, "/schemes", scheme, as: kari, key: "s-1")
            #expect(status == .forbidden, "\(seen)")
            #expect(seen["detail"] as? String == schemeRefused.message)
            (status, seen) = try await post(client, "/schemes", scheme, as: mona, key: "s-2")
            #expect(status == .created, "\(seen)")
            #expect(seen["applicant_kinds"] as? [String] == ["municipality"])
            let codes = try await array(client, "/schemes", as: kari).compactMap { $0["code"] as? String }.sorted()
            #expect(codes == ["JS", "TK"])
            try await client.execute(uri: "/schemes/TK", method: .get, headers: headers(kari)) { response in
                #expect(response.status == .ok)
                let name = try object(response)["name"] as? String
                #expect(name == "Tolking")
            }
            try await client.execute(uri: "/schemes/XX", method: .get, headers: headers(kari)) { response in
                #expect(response.status == .notFound)
            }
            (status, seen) = try await post(client, "/rounds", #"{"round":"TK/2021","frame_ore":100000000,"opens":"2021-01-04","closes":"2021-03-01"}"#,
                                            as: mona, key: "r-1")
            #expect(status == .created, "\(seen)")
            #expect(seen["frame_ore"] as? Int == 100_000_000)
            (status, seen) = try await post(client, "/rounds/TK/2021/adjustments", #"{"amount_ore":50000000,"reason":"Revidert nasjonalbudsjett","date":"2021-06-01"}"#,
                                            as: mona, key: "r-2")
            #expect(status == .created, "\(seen)")
            #expect(seen["frame_ore"] as? Int == 150_000_000)
            let rounds = try await array(client, "/rounds", as: kari)
            #expect(rounds.count == 3)
            (status, seen) = try await post(client, "/organisations", #"{"orgnr":"958935420","name":"Oslo kommune","kind":"municipality","municipality":"0301"}"#,
                                            as: kari, key: "o-1")
            #expect(status.code == 422 || status.code == 409, "\(seen)")
            #expect(seen["detail"] as? String == orgRefused.message)
            #expect(seen["sqlstate"] as? String == orgRefused.sqlstate)
            (status, seen) = try await post(client, "/organisations", #"{"orgnr":"974760673","name":"Bergen kommune","kind":"municipality","municipality":"4601"}"#,
                                            as: kari, key: "o-2")
            #expect(status == .created, "\(seen)")
            try await client.execute(uri: "/organisations/974760673", method: .get, headers: headers(kari)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let name = try object(response)["name"] as? String
                #expect(name == "Bergen kommune")
            }
            let inOslo = try await array(client, "/organisations?municipality=0301", as: kari).compactMap { $0["orgnr"] as? String }
            #expect(inOslo == ["958935420"])
            let all = try await array(client, "/organisations", as: kari)
            #expect(all.count == 3)
        }
    }

    @Test("advance notice (fvl. § 16) and its answer; an answer to a notice of another case is 404 and nothing is recorded")
    func advanceNotice() async throws {
        let db = try scene()
        defer { db.drop() }
        let mona = try await token(Self.manager)
        let kari = try await token(Self.caseworker)
        try await app(db).test(.router) { client in
            var (status, seen) = try await change(client, "JS-2021-0002", "advance-notices",
                                                  #"{"purpose":"change","proposal":"Tilskotet blir sett ned til 1 500 000 kr","amount_ore":150000000,"sent":"2021-05-03","channel":"digital","answer_by":"2021-05-20"}"#,
                                                  as: mona, key: "f-1")
            #expect(status == .created, "\(seen)")
            let id = try #require(seen["id"] as? Int)
            #expect(seen["amount_ore"] as? Int == 150_000_000)
            (status, seen) = try await change(client, "JS-2021-0001", "advance-notices/\(id)/answer",
                                              #"{"received":"2021-05-10","summary":"Kommunen er usamd"}"#, as: kari, key: "f-2")
            #expect(status == .notFound, "\(seen)")
            #expect((seen["detail"] as? String)?.hasPrefix("answer refused: there is no advance notice with id \(id) on JS-2021-0001") == true, "\(seen)")
            (status, seen) = try await change(client, "JS-2021-0002", "advance-notices/\(id)/answer",
                                              #"{"received":"2021-05-10","summary":"Kommunen er usamd"}"#, as: kari, key: "f-3")
            #expect(status == .created, "\(seen)")
            #expect(seen["answer_summary"] as? String == "Kommunen er usamd")
        }
        #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.advance_notice_answer", as: Int.self) == 1)
    }
}
