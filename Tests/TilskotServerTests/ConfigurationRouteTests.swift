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

/// The issuer, the details letters give of a user, the notice channels and a scheme's regulations
/// and appeal bodies through `tilskot serve` (I19-R4-B): the services of `issuer …`, `user set |
/// show`, `notice channels | channel`, `scheme regulation add` and `scheme appeal-body`, the CLI's
/// JSON keys, and every refusal the database's sentence (what psql reads) with its SQLSTATE.
@Suite("tilskot serve: issuer, staff details, notice channels, regulations, appeal bodies")
struct ConfigurationRouteTests: ServerRouteSuite {
    static let caseworker = "r4b_kari"
    static let manager = "r4b_mona"
    static let finance = "r4b_fia"
    static let admin = "r4b_adm"

    /// JS/2021 with Oslo (JS-2021-0001) granted 1 000 000 kr by mona on 2021-04-15; no issuer, no
    /// staff details, no regulations and no appeal body.
    func scene() throws -> TestDatabase {
        let (k, m) = (Self.caseworker, Self.manager)
        return try TestDatabase.scene(
            users: [Self.caseworker: .caseworker, Self.manager: .manager, Self.finance: .finance, Self.admin: .admin],
            steps: [
                ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
                ["round", "open", "JS/2021", "--frame", "10 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
                ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", k],
                ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen i Oslo",
                 "--amount", "1 000 000", "--received", "2021-02-01", "--as", k],
                ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", k],
                ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--date", "2021-04-15", "--as", m],
            ])
    }

    /// A JSON object without its null values (the API leaves an absent value out; the CLI writes null).
    func withoutNulls(_ object: [String: Any]) -> NSDictionary {
        object.filter { !($0.value is NSNull) } as NSDictionary
    }

    func cliObject(_ arguments: [String], _ db: TestDatabase) throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(try cli(arguments, db).utf8))) as? [String: Any] ?? [:]
    }

    static let issuer = #"""
        {"name_nn":"Integrerings- og mangfaldsdirektoratet (IMDi)","name_nb":"Integrerings- og mangfoldsdirektoratet (IMDi)",
         "name_en":"the Directorate of Integration and Diversity (IMDi)","orgnr":"987 879 696",
         "postal_address":"Postboks 8059 Dep, 0031 Oslo","email":"post@imdi.no","website":"www.imdi.no","phone":"24 16 88 00",
         "digital_channel":"eDialog på www.imdi.no","repayment_account":"7694.05.00008"}
        """#

    @Test("issuer: 404 with the CLI's sentence until set; a caseworker setting it reads psql's 42T08 as a 403; a first partial set is psql's 23T30; an administrator's set is what `issuer show` shows, and a later partial one keeps the rest")
    func issuer() async throws {
        let db = try scene()
        defer { db.drop() }
        let caseworker = try psql(db, as: Self.caseworker, "SELECT tilskot.require_letter_role('issuer settings')")
        #expect(caseworker.sqlstate == "42T08")
        let partial = try psql(db, as: Self.admin, "INSERT INTO tilskot.issuer (email) VALUES ('post@imdi.no')")
        #expect(partial.sqlstate == "23T30")
        let unset = try CLIRunner.run(["issuer", "show", "--as", Self.caseworker], database: db)
        #expect(unset.exitCode == 1)
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/issuer", method: .get, headers: try await headers(as: Self.caseworker)) { response in
                #expect(response.status == .notFound, "\(String(buffer: response.body))")
                let detail = try #require(obj(response)["detail"] as? String)
                #expect(detail == Issuer.missing)
                #expect(unset.stderr.contains(detail))
            }
            try await client.execute(uri: "/issuer", method: .put, headers: try await headers(as: Self.caseworker),
                                     body: ByteBuffer(string: Self.issuer)) { response in
                expectProblem(response, .forbidden, caseworker)
            }
            try await client.execute(uri: "/issuer", method: .put, headers: try await headers(as: Self.admin),
                                     body: ByteBuffer(string: #"{"email":"post@imdi.no"}"#)) { response in
                expectProblem(response, .unprocessableContent, partial)
            }
            try await client.execute(uri: "/issuer", method: .put, headers: try await headers(as: Self.admin),
                                     body: ByteBuffer(string: Self.issuer)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let set = obj(response)
                #expect(set["orgnr"] as? String == "987879696")
                #expect(set["repayment_account"] as? String == "76940500008")
                #expect(set["changed_by"] as? String == Self.admin)
                let shown = try cliObject(["issuer", "show", "--format", "json", "--as", Self.caseworker], db)
                #expect(withoutNulls(set) == withoutNulls(shown))
            }
            try await client.execute(uri: "/issuer", method: .put, headers: try await headers(as: Self.admin),
                                     body: ByteBuffer(string: #"{"phone":"24 16 88 01"}"#)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(obj(response)["phone"] as? String == "24 16 88 01")
                #expect(obj(response)["postal_address"] as? String == "Postboks 8059 Dep, 0031 Oslo")
            }
            try await client.execute(uri: "/issuer", method: .get, headers: try await headers(as: Self.finance)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let shown = try cliObject(["issuer", "show", "--format", "json", "--as", Self.finance], db)
                #expect(withoutNulls(obj(response)) == withoutNulls(shown))
                #expect(obj(response)["phone"] as? String == "24 16 88 01")
            }
        }
    }

    @Test("users/{login}: 404 until recorded; a caseworker naming themselves reads psql's 42T08; an administrator's details are `user show`'s; a person changes their own telephone but not another's")
    func staffDetails() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = Self.caseworker
        let naming = try psql(db, as: kari, "SELECT tilskot.require_letter_role('staff details')")
        #expect(naming.sqlstate == "42T08")
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/users/\(kari)", method: .get, headers: try await headers(as: kari)) { response in
                #expect(response.status == .notFound, "\(String(buffer: response.body))")
                #expect((obj(response)["detail"] as? String)?.hasPrefix("no details are recorded for \(kari)") == true)
            }
            try await client.execute(uri: "/users/\(kari)", method: .patch, headers: try await headers(as: kari),
                                     body: ByteBuffer(string: #"{"name":"Kari Nordmann"}"#)) { response in
                expectProblem(response, .forbidden, naming)
            }
            try await client.execute(uri: "/users/\(kari)", method: .patch, headers: try await headers(as: Self.admin),
                                     body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unprocessableContent)
                #expect((obj(response)["detail"] as? String)?.hasPrefix("give what changes") == true)
            }
            for (login, name) in [(kari, "Kari Nordmann"), (Self.manager, "Mona Leiar")] {
                let body = #"{"name":"\#(name)","title":"seniorrådgivar","email":"\#(login)@imdi.no","phone":"24 16 88 99"}"#
                try await client.execute(uri: "/users/\(login)", method: .patch, headers: try await headers(as: Self.admin),
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    #expect(obj(response)["user"] as? String == login)
                    #expect(obj(response)["name"] as? String == name)
                    let shown = try cliObject(["user", "show", login, "--format", "json", "--as", Self.admin], db)
                    #expect(withoutNulls(obj(response)) == withoutNulls(shown))
                }
            }
            try await client.execute(uri: "/users/\(kari)", method: .patch, headers: try await headers(as: kari),
                                     body: ByteBuffer(string: #"{"phone":"24 16 88 42"}"#)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(obj(response)["phone"] as? String == "24 16 88 42")
                #expect(obj(response)["name"] as? String == "Kari Nordmann")
            }
            let another = try psql(db, as: kari, "UPDATE tilskot.staff SET phone = '24 16 88 42' WHERE login = '\(Self.manager)'")
            #expect(another.sqlstate == "42T08")
            try await client.execute(uri: "/users/\(Self.manager)", method: .patch, headers: try await headers(as: kari),
                                     body: ByteBuffer(string: #"{"phone":"24 16 88 42"}"#)) { response in
                expectProblem(response, .forbidden, another)
            }
            try await client.execute(uri: "/users/\(Self.manager)", method: .get, headers: try await headers(as: Self.finance)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(obj(response)["phone"] as? String == "24 16 88 99")
            }
        }
    }

    @Test("notice channels: the list is `notice channels`'; a manager setting one reads psql's 42T07, a negative number of days psql's 23T40; an administrator's change is what the CLI then lists")
    func noticeChannels() async throws {
        let db = try scene()
        defer { db.drop() }
        let manager = try psql(db, as: Self.manager, "SELECT tilskot.require_notice_step('channel')")
        #expect(manager.sqlstate == "42T07")
        let negative = try psql(db, as: Self.admin, "UPDATE tilskot.notice_channel SET presumed_days = -1 WHERE channel = 'post'")
        #expect(negative.sqlstate == "23T40")
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/notice-channels", method: .get, headers: try await headers(as: Self.caseworker)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(arr(response).map { $0["channel"] as? String } == ["digital", "email", "post"])
                let listed = try cli(["notice", "channels", "--format", "json", "--as", Self.caseworker], db)
                #expect(parsed(String(buffer: response.body)) == parsed(listed))
            }
            try await client.execute(uri: "/notice-channels/post", method: .put, headers: try await headers(as: Self.manager),
                                     body: ByteBuffer(string: #"{"presumed_days":5}"#)) { response in
                expectProblem(response, .forbidden, manager)
            }
            try await client.execute(uri: "/notice-channels/post", method: .put, headers: try await headers(as: Self.admin),
                                     body: ByteBuffer(string: #"{"presumed_days":-1}"#)) { response in
                expectProblem(response, .unprocessableContent, negative)
            }
            let pigeon = try CLIRunner.run(["notice", "channel", "pigeon", "--days", "3", "--as", Self.admin], database: db)
            #expect(pigeon.exitCode == 1)
            try await client.execute(uri: "/notice-channels/pigeon", method: .put, headers: try await headers(as: Self.admin),
                                     body: ByteBuffer(string: #"{"presumed_days":3}"#)) { response in
                #expect(response.status == .unprocessableContent, "\(String(buffer: response.body))")
                let detail = try #require(obj(response)["detail"] as? String)
                #expect(detail.hasPrefix("channel refused: \"pigeon\" is not a channel"))
                #expect(pigeon.stderr.contains(detail))
            }
            try await client.execute(uri: "/notice-channels/Post", method: .put, headers: try await headers(as: Self.admin),
                                     body: ByteBuffer(string: #"{"presumed_days":5}"#)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(obj(response)["channel"] as? String == "post")
                #expect(obj(response)["presumed_days"] as? Int == 5)
            }
        }
        let listed = try cli(["notice", "channels", "--format", "json", "--as", Self.caseworker], db)
        let post = (parsed(listed) as? [[String: Any]])?.first { $0["channel"] as? String == "post" }
        #expect(post?["presumed_days"] as? Int == 5)
    }

    @Test("regulations and appeal bodies: a finance officer adding one reads psql's 42T01; a manager's are created once under a key, listed as `scheme show` lists them, and the decision letter then cites them")
    func regulationsAndLetter() async throws {
        let db = try scene()
        defer { db.drop() }
        let finance = try psql(db, as: Self.finance, "SELECT tilskot.require_letter_role('scheme regulations')")
        #expect(finance.sqlstate == "42T01")
        let financeBody = try psql(db, as: Self.finance, "SELECT tilskot.require_letter_role('appeal body')")
        #expect(financeBody.sqlstate == "42T01")
        let untitled = try psql(db, as: Self.manager, """
            INSERT INTO tilskot.scheme_regulation (scheme_id, title, adopted_on, in_force_from)
            SELECT id, '', '2019-12-16', '2020-01-01' FROM tilskot.scheme WHERE code = 'JS'
            """)
        #expect(untitled.sqlstate == "23T30")
        let title = "Regelverk for tilskot til Jobbsjansen"
        let regulation = #"{"title":"\#(title)","adopted":"2019-12-16","in_force_from":"2020-01-01","url":"https://www.imdi.no/tilskudd/"}"#
        let appealBody = #"{"from":"2018-01-17","name_nn":"Arbeids- og inkluderingsdepartementet","name_nb":"Arbeids- og inkluderingsdepartementet","name_en":"the Ministry of Labour and Social Inclusion"}"#
        try await app(db).test(.router) { client in
            // The issuer and the signatures first, through their endpoints; the letter still lacks an
            // appeal body and regulations (the appeal body is asked for first).
            try await client.execute(uri: "/issuer", method: .put, headers: try await headers(as: Self.admin),
                                     body: ByteBuffer(string: Self.issuer)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            for (login, name) in [(Self.caseworker, "Kari Nordmann"), (Self.manager, "Mona Leiar")] {
                let body = #"{"name":"\#(name)","title":"seniorrådgivar","email":"\#(login)@imdi.no","phone":"24 16 88 99"}"#
                try await client.execute(uri: "/users/\(login)", method: .patch, headers: try await headers(as: Self.admin),
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                }
            }
            try await client.execute(uri: "/applications/JS-2021-0001/letters/decision", method: .get,
                                     headers: try await headers(as: Self.caseworker, accept: "text/markdown")) { response in
                #expect(response.status.code >= 400)
                #expect((obj(response)["detail"] as? String)?.contains("no appeal body is recorded for scheme JS") == true, "\(String(buffer: response.body))")
            }
            try await client.execute(uri: "/schemes/JS/regulations", method: .post, headers: try await headers(as: Self.finance, key: "reg-0"),
                                     body: ByteBuffer(string: regulation)) { response in
                expectProblem(response, .forbidden, finance)
            }
            try await client.execute(uri: "/schemes/JS/appeal-bodies", method: .post, headers: try await headers(as: Self.finance, key: "body-0"),
                                     body: ByteBuffer(string: appealBody)) { response in
                expectProblem(response, .forbidden, financeBody)
            }
            try await client.execute(uri: "/schemes/JS/regulations", method: .post, headers: try await headers(as: Self.manager),
                                     body: ByteBuffer(string: regulation)) { response in
                #expect(response.status == .preconditionRequired)
            }
            try await client.execute(uri: "/schemes/JS/regulations", method: .post, headers: try await headers(as: Self.manager, key: "reg-1"),
                                     body: ByteBuffer(string: #"{"title":" ","adopted":"2019-12-16","in_force_from":"2020-01-01"}"#)) { response in
                expectProblem(response, .unprocessableContent, untitled)
            }
            try await client.execute(uri: "/schemes/XX/regulations", method: .get, headers: try await headers(as: Self.manager)) { response in
                #expect(response.status == .notFound, "\(String(buffer: response.body))")
            }
            for _ in 0..<2 {
                try await client.execute(uri: "/schemes/JS/regulations", method: .post, headers: try await headers(as: Self.manager, key: "reg-2"),
                                         body: ByteBuffer(string: regulation)) { response in
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                    #expect(obj(response)["title"] as? String == title)
                    #expect(obj(response)["in_force_from"] as? String == "2020-01-01")
                }
                try await client.execute(uri: "/schemes/js/appeal-bodies", method: .post, headers: try await headers(as: Self.manager, key: "body-1"),
                                         body: ByteBuffer(string: appealBody)) { response in
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                    #expect(obj(response)["from"] as? String == "2018-01-17")
                }
            }
            let shown = try cliObject(["scheme", "show", "JS", "--format", "json", "--as", Self.caseworker], db)
            try await client.execute(uri: "/schemes/JS/regulations", method: .get, headers: try await headers(as: Self.caseworker)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(arr(response).count == 1, "created once under its key")
                #expect(arr(response).map(withoutNulls) == ((shown["regulations"] as? [[String: Any]]) ?? []).map(withoutNulls))
            }
            try await client.execute(uri: "/schemes/JS/appeal-bodies", method: .get, headers: try await headers(as: Self.finance)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(arr(response).count == 1, "created once under its key")
                #expect(arr(response).map(withoutNulls) == ((shown["appeal_bodies"] as? [[String: Any]]) ?? []).map(withoutNulls))
            }
            let letter = try cli(["application", "letter", "JS-2021-0001", "--as", Self.caseworker], db)
            try await client.execute(uri: "/applications/JS-2021-0001/letters/decision", method: .get,
                                     headers: try await headers(as: Self.caseworker, accept: "text/markdown")) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let text = String(buffer: response.body)
                #expect(text == letter)
                #expect(text.contains(title))
                #expect(text.contains("Arbeids- og inkluderingsdepartementet"))
                #expect(text.contains("Postboks 8059 Dep, 0031 Oslo"))
                #expect(text.contains("Mona Leiar"))
            }
        }
    }
}
