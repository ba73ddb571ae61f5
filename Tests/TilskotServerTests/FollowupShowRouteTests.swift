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

/// A grant's follow-up, a claw-back's advance notice and letters, and the organisation's letter
/// language through `tilskot serve` (I19-R4): the services of `followup show`, `clawback forewarn`,
/// `clawback letter` and `org set-language`; letters the CLI's text, refusals the CLI's or psql's
/// sentence.
@Suite("tilskot serve: follow-up, claw-back letters, letter language")
struct FollowupShowRouteTests: ServerRouteSuite {
    static let caseworker = "r4f_kari"
    static let manager = "r4f_mona"
    static let finance = "r4f_fia"
    static let payer = "r4f_finn"

    /// JS/2021 with Oslo (JS-2021-0001) granted 1 000 000 kr on 2021-04-15; half planned on 2021-05-01
    /// paid on 2021-05-03, half planned on 2021-09-01; the issuer and staff letters need.
    func scene() throws -> TestDatabase {
        let (k, m) = (Self.caseworker, Self.manager)
        let db = try TestDatabase.scene(
            users: [Self.caseworker: .caseworker, Self.manager: .manager, Self.finance: .finance, Self.payer: .finance],
            steps: [
                ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
                ["round", "open", "JS/2021", "--frame", "10 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
                ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", k],
                ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen i Oslo",
                 "--amount", "1 000 000", "--received", "2021-02-01", "--as", k],
                ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", k],
                ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--date", "2021-04-15", "--as", m],
                ["payment", "plan", "JS-2021-0001", "--instalments", "50%:2021-05-01,50%:2021-09-01", "--account", "8601 11 17947", "--as", k],
                ["payment", "attest", "1", "--as", Self.finance],
                ["payment", "pay", "1", "--voucher", "UTB-2021-05", "--date", "2021-05-03", "--as", Self.payer],
            ])
        do {
            let c = try db.connectAsAdmin()
            try c.execute("""
                INSERT INTO tilskot.issuer (name_nn, name_nb, name_en, orgnr, postal_address, email, website, phone, digital_channel, repayment_account)
                VALUES ('Integrerings- og mangfaldsdirektoratet (IMDi)', 'Integrerings- og mangfoldsdirektoratet (IMDi)',
                        'the Directorate of Integration and Diversity (IMDi)', '987879696', 'Postboks 8059 Dep, 0031 Oslo',
                        'post@imdi.no', 'www.imdi.no', '24 16 88 00', 'eDialog på www.imdi.no', '76940500008')
                ON CONFLICT DO NOTHING
                """)
            try c.execute("""
                INSERT INTO tilskot.staff (login, full_name, job_title, email, phone)
                VALUES ($1, 'Mona Manager', 'seniorrådgivar', $1 || '@imdi.no', '24 16 88 99') ON CONFLICT DO NOTHING
                """, [Self.manager])
            let scheme = try #require(try c.queryValue("SELECT id FROM tilskot.scheme WHERE code = 'JS'", as: Int64.self))
            try c.execute("""
                INSERT INTO tilskot.scheme_regulation (scheme_id, title, adopted_on, in_force_from, url)
                VALUES ($1, 'Regelverk for tilskot til Jobbsjansen', '2019-12-16', '2020-01-01', 'https://www.imdi.no/tilskudd/')
                """, [scheme])
            try c.execute("""
                INSERT INTO tilskot.scheme_appeal_body (scheme_id, from_date, name_nn, name_nb, name_en) VALUES
                    ($1, '2018-01-17', 'Kunnskapsdepartementet', 'Kunnskapsdepartementet', 'the Ministry of Education and Research'),
                    ($1, '2022-01-01', 'Arbeids- og inkluderingsdepartementet', 'Arbeids- og inkluderingsdepartementet', 'the Ministry of Labour and Social Inclusion')
                """, [scheme])
        } catch {
            db.drop()
            throw error
        }
        return db
    }

    func followup(_ client: some TestClientProtocol, as user: String) async throws -> [String: Any] {
        try await client.execute(uri: "/applications/JS-2021-0001/followup", method: .get, headers: try await headers(as: user)) { response in
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            return obj(response)
        }
    }

    @Test("GET /applications/{ref}/followup: money, payments, duty, reports, claw-backs; a claw-back's advance notice (purpose clawback) then its demand show in it")
    func followupShow() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            let before = try await followup(client, as: Self.caseworker)
            #expect(before["reference"] as? String == "JS-2021-0001")
            #expect(before["organisation_name"] as? String == "Oslo kommune")
            #expect(before["status"] as? String == "in_follow_up")
            let money = try #require(before["money"] as? [String: Any])
            #expect(money["granted_ore"] as? Int == 100_000_000)
            #expect(money["paid_ore"] as? Int == 50_000_000)
            #expect(money["clawed_back_ore"] as? Int == 0)
            // Planning payments started the follow-up: the duty is set; nothing is settled before closing.
            let duty = try #require(before["duty"] as? [String: Any])
            #expect(duty["reference"] as? String == "JS-2021-0001" && duty["due_date"] is String && duty["account_required"] is Bool)
            #expect(before["settlement"] is NSNull)
            #expect((before["reports"] as? [Any])?.isEmpty == true && (before["clawbacks"] as? [Any])?.isEmpty == true)
            let payments = try #require(before["payments"] as? [[String: Any]])
            #expect(payments.map { $0["status"] as? String } == ["paid", "planned"])
            #expect(payments.map { $0["amount_ore"] as? Int } == [50_000_000, 50_000_000])
            // The payments are `payment list --application REF --format json`, key for key.
            let listed = try cli(["payment", "list", "--application", "JS-2021-0001", "--format", "json", "--as", Self.caseworker], db)
            let cliPayments = try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? NSArray
            #expect((before["payments"] as? NSArray) == cliPayments)

            // `clawback forewarn` is POST /applications/{ref}/advance-notices with purpose clawback (fvl. § 16).
            let tag = try await client.execute(uri: "/applications/JS-2021-0001", method: .get, headers: try await headers(as: Self.manager)) { response in
                try #require(response.headers[.eTag])
            }
            let forewarn = #"{"purpose":"clawback","proposal":"Krav om tilbakebetaling av 100 000 kr","amount_ore":10000000,"sent":"2022-03-01","channel":"post","answer_by":"2022-03-22"}"#
            let notice = try await client.execute(uri: "/applications/JS-2021-0001/advance-notices", method: .post,
                                                  headers: try await headers(as: Self.manager, key: "fw-1", ifMatch: tag),
                                                  body: ByteBuffer(string: forewarn)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(obj(response)["purpose"] as? String == "clawback")
                #expect(obj(response)["amount_ore"] as? Int == 10_000_000)
                return try #require(obj(response)["id"] as? Int)
            }
            let demand = try cli(["clawback", "demand", "JS-2021-0001", "--amount", "100 000", "--reasons", "Ubrukte midlar",
                                  "--due", "2022-06-01", "--date", "2022-04-20", "--advance-notice", "\(notice)", "--format", "json",
                                  "--as", Self.manager], db)
            let claw = try #require(try JSONSerialization.jsonObject(with: Data(demand.utf8)) as? [String: Any])
            let after = try await followup(client, as: Self.finance)
            let clawbacks = try #require(after["clawbacks"] as? [[String: Any]])
            #expect(clawbacks.map { $0["id"] as? Int } == [claw["id"] as? Int])
            #expect(clawbacks.first?["amount_ore"] as? Int == 10_000_000)
            #expect(clawbacks.first?["advance_notice_id"] as? Int == notice)
            #expect((after["money"] as? [String: Any])?["clawed_back_ore"] as? Int == 10_000_000)
            // An unknown case: 404 with the lookup's sentence.
            try await client.execute(uri: "/applications/JS-2021-0099/followup", method: .get, headers: try await headers(as: Self.caseworker)) { response in
                #expect(response.status == .notFound, "\(String(buffer: response.body))")
                #expect((obj(response)["detail"] as? String)?.contains("JS-2021-0099") == true)
            }
        }
    }

    /// A claw-back demanded after an advance notice; returns its id.
    func demanded(_ db: TestDatabase) throws -> Int {
        let notice = try #require(try db.connect(asLogin: Self.manager).queryValue("""
            INSERT INTO tilskot.advance_notice (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by)
            SELECT id, 'clawback', 'Krav om tilbakebetaling av 100 000 kr', 10000000, '2022-03-01', 'post', '2022-03-22'
              FROM tilskot.application WHERE reference = 'JS-2021-0001' RETURNING id
            """, as: Int64.self))
        let demand = try cli(["clawback", "demand", "JS-2021-0001", "--amount", "100 000", "--reasons", "Ubrukte midlar",
                              "--due", "2022-06-01", "--date", "2022-04-20", "--advance-notice", "\(notice)", "--format", "json",
                              "--as", Self.manager], db)
        let claw = try #require(try JSONSerialization.jsonObject(with: Data(demand.utf8)) as? [String: Any])
        return try #require(claw["id"] as? Int)
    }

    @Test("GET /clawbacks/{id}/letter: the decision and its advance notice as the CLI writes them (Markdown, HTML, ?lang); a cancellation letter for a claw-back not cancelled is the CLI's sentence; an unknown claw-back 404")
    func clawbackLetter() async throws {
        let db = try scene()
        defer { db.drop() }
        let id = try demanded(db)
        let m = Self.manager
        let decision = try cli(["clawback", "letter", "\(id)", "--as", m], db)
        let english = try cli(["clawback", "letter", "\(id)", "--lang", "en", "--format", "html", "--as", m], db)
        let advance = try cli(["clawback", "letter", "\(id)", "--kind", "advance-notice", "--as", m], db)
        #expect(decision.contains("# Vedtak om tilbakebetaling av tilskot frå Jobbsjansen 2021"))
        #expect(english.contains("<h1>Decision to claim back a grant from Jobbsjansen 2021</h1>"))
        let cancellation = try CLIRunner.run(["clawback", "letter", "\(id)", "--kind", "cancellation", "--as", m], database: db)
        #expect(cancellation.exitCode == 1 && cancellation.stderr.contains("is not cancelled as registered in error"))
        try await app(db).test(.router) { client in
            for (uri, accept, expected) in [("/clawbacks/\(id)/letter", "text/markdown", decision),
                                            ("/clawbacks/\(id)/letter?kind=decision&lang=en", "text/html", english),
                                            ("/clawbacks/\(id)/letter?kind=advance-notice", "text/markdown, text/html;q=0.5", advance)] {
                try await client.execute(uri: uri, method: .get, headers: try await headers(as: Self.caseworker, accept: accept)) { response in
                    #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
                    #expect(response.headers[.contentType]?.hasPrefix(accept.hasPrefix("text/markdown") ? "text/markdown" : "text/html") == true)
                    #expect(String(buffer: response.body).trimmingCharacters(in: .newlines) == expected.trimmingCharacters(in: .newlines), "\(uri)")
                }
            }
            try await client.execute(uri: "/clawbacks/\(id)/letter?kind=cancellation", method: .get,
                                     headers: try await headers(as: Self.caseworker, accept: "text/html")) { response in
                #expect(response.status == .unprocessableContent, "\(String(buffer: response.body))")
                let detail = try #require(obj(response)["detail"] as? String)
                #expect(detail.contains("is not cancelled as registered in error") && cancellation.stderr.contains(detail), "\(detail)")
            }
            let missing = try CLIRunner.run(["clawback", "letter", "999", "--kind", "advance-notice", "--as", m], database: db)
            #expect(missing.exitCode == 1)
            try await client.execute(uri: "/clawbacks/999/letter?kind=advance-notice", method: .get,
                                     headers: try await headers(as: Self.caseworker)) { response in
                #expect(response.status == .notFound, "\(String(buffer: response.body))")
                let detail = try #require(obj(response)["detail"] as? String)
                #expect(detail == "there is no claw-back 999" && missing.stderr.contains(detail), "\(missing.stderr)")
            }
        }
    }

    /// The organisation's stored letter language ("NULL" for none).
    func stored(_ db: TestDatabase) throws -> String? {
        try db.connect().queryValue("SELECT coalesce(preferred_language, 'NULL') FROM tilskot.organisation WHERE orgnr = '958935420'",
                                    as: String.self)
    }

    /// The heading of claw-back `id`'s decision letter in the organisation's language (no ?lang).
    func letterHeading(_ client: some TestClientProtocol, _ id: Int) async throws -> String {
        try await client.execute(uri: "/clawbacks/\(id)/letter", method: .get,
                                 headers: try await headers(as: Self.caseworker, accept: "text/markdown")) { response in
            String(String(buffer: response.body).split(separator: "\n").first { $0.hasPrefix("# ") } ?? "")
        }
    }

    @Test("PUT and DELETE /organisations/{orgnr}/language: set (letters follow it), back to the default (null, letters in nn); an unknown language is psql's 23T13, finance psql's 42501")
    func organisationLanguage() async throws {
        let db = try scene()
        defer { db.drop() }
        let id = try demanded(db)
        let unknown = try psql(db, as: Self.caseworker, "UPDATE tilskot.organisation SET preferred_language = 'de' WHERE orgnr = '958935420'")
        #expect(unknown.sqlstate == "23T13")
        let denied = try psql(db, as: Self.finance, "UPDATE tilskot.organisation SET preferred_language = 'en' WHERE orgnr = '958935420'")
        #expect(denied.sqlstate == "42501")
        try await app(db).test(.router) { client in
            #expect(try await letterHeading(client, id) == "# Vedtak om tilbakebetaling av tilskot frå Jobbsjansen 2021")
            try await client.execute(uri: "/organisations/958935420/language", method: .put, headers: try await headers(as: Self.caseworker),
                                     body: ByteBuffer(string: #"{"language":"en"}"#)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(obj(response)["preferred_language"] as? String == "en")
                #expect(obj(response)["orgnr"] as? String == "958935420")
            }
            #expect(try stored(db) == "en")
            #expect(try await letterHeading(client, id) == "# Decision to claim back a grant from Jobbsjansen 2021")
            try await client.execute(uri: "/organisations/958935420/language", method: .delete, headers: try await headers(as: Self.caseworker)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                // No preferred language: absent from the Organisation (as GET /organisations/{orgnr} shows it).
                #expect((obj(response)["preferred_language"] ?? NSNull()) is NSNull)
                #expect(obj(response)["orgnr"] as? String == "958935420")
            }
            #expect(try stored(db) == "NULL")
            #expect(try await letterHeading(client, id) == "# Vedtak om tilbakebetaling av tilskot frå Jobbsjansen 2021")
            try await client.execute(uri: "/organisations/958935420/language", method: .put, headers: try await headers(as: Self.caseworker),
                                     body: ByteBuffer(string: #"{"language":"de"}"#)) { response in
                #expect(response.status == .unprocessableContent, "\(String(buffer: response.body))")
                #expect(obj(response)["detail"] as? String == unknown.sentence)
                #expect(obj(response)["sqlstate"] as? String == unknown.sqlstate)
            }
            try await client.execute(uri: "/organisations/958935420/language", method: .delete, headers: try await headers(as: Self.finance)) { response in
                #expect(response.status == .forbidden, "\(String(buffer: response.body))")
                #expect(obj(response)["sqlstate"] as? String == denied.sqlstate)
            }
            // An unregistered organisation: 404 with the CLI's sentence.
            let cliMissing = try CLIRunner.run(["org", "set-language", "964965226", "nb", "--as", Self.caseworker], database: db)
            #expect(cliMissing.exitCode == 1)
            try await client.execute(uri: "/organisations/964965226/language", method: .put, headers: try await headers(as: Self.caseworker),
                                     body: ByteBuffer(string: #"{"language":"nb"}"#)) { response in
                #expect(response.status == .notFound, "\(String(buffer: response.body))")
                let detail = try #require(obj(response)["detail"] as? String)
                #expect(cliMissing.stderr.contains(detail), "\(detail) / \(cliMissing.stderr)")
            }
        }
        #expect(try stored(db) == "NULL")
    }
}
