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

/// Participants, correcting an organisation, the installation's time zone and resuming numbering
/// through `tilskot serve` (I19-R2): the services of `participant …`, `org update`,
/// `installation …` and `db resume-numbering`; every refusal the database's sentence (what psql
/// reads) with its SQLSTATE, and every participant read in the access log.
@Suite("tilskot serve: participants, organisation update, installation, numbering")
struct RegisterRouteTests: ServerRouteSuite {
    static let caseworker = "r2_kari"
    /// A caseworker who never touched JS-2021-0001: not on the case, so no need to know.
    static let outsider = "r2_ola"
    static let manager = "r2_mona"
    static let admin = "r2_adm"

    /// JS/2021 with Oslo (JS-2021-0001, registered and assessed by kari) granted 1 000 000 kr, and
    /// two participants recorded by kari; Stavanger registered, undecided.
    func scene() throws -> TestDatabase {
        let (k, m) = (Self.caseworker, Self.manager)
        return try TestDatabase.scene(
            users: [Self.caseworker: .caseworker, Self.outsider: .caseworker, Self.manager: .manager, Self.admin: .admin],
            steps: [
                ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
                ["round", "open", "JS/2021", "--frame", "10 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
                ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", k],
                ["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103", "--as", k],
                ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen i Oslo",
                 "--amount", "1 000 000", "--received", "2021-02-01", "--as", k],
                ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", k],
                ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--date", "2021-04-15", "--as", m],
                ["participant", "add", "JS-2021-0001", "--code", "OSL-0001", "--birth-year", "1985", "--municipality", "0301",
                 "--start", "2021-09-01", "--gender", "female", "--as", k],
                ["participant", "add", "JS-2021-0001", "--code", "OSL-0002", "--birth-year", "1985", "--municipality", "0301",
                 "--start", "2021-09-01", "--gender", "female", "--as", k],
            ])
    }

    /// The participant access log's reads by `actor` of participant_list('JS-2021-0001').
    func reads(_ db: TestDatabase, by actor: String) throws -> Int {
        try db.connect().queryValue("""
            SELECT count(*)::int FROM tilskot.participant_access_log
             WHERE action = 'read' AND actor = $1 AND query = 'participant_list(''JS-2021-0001'')'
            """, [actor], as: Int.self) ?? -1
    }

    @Test("participants: a caseworker not on the case reads psql's sentence as a 403 and leaves no read; the case's caseworker reads the CLI's rows and the read is logged")
    func listParticipants() async throws {
        let db = try scene()
        defer { db.drop() }
        let refused = try psql(db, as: Self.outsider, "SELECT * FROM tilskot.participant_list('JS-2021-0001')")
        #expect(refused.sqlstate == "42T03")
        #expect(refused.sentence.contains("r2_ola is neither a participant reader nor a caseworker of JS-2021-0001"))
        let cliRows = try cli(["participant", "list", "JS-2021-0001", "--format", "json", "--as", Self.caseworker], db)
        let readsBefore = try reads(db, by: Self.caseworker)
        #expect(readsBefore == 1, "the CLI's read is logged")
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/applications/JS-2021-0001/participants", method: .get,
                                     headers: try await headers(as: Self.outsider)) { response in
                expectProblem(response, .forbidden, refused)
            }
            #expect(try reads(db, by: Self.outsider) == 0)
            try await client.execute(uri: "/applications/JS-2021-0001/participants", method: .get,
                                     headers: try await headers(as: Self.caseworker)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(parsed(String(buffer: response.body)) == parsed(cliRows))
                #expect(arr(response).map { $0["code"] as? String } == ["OSL-0001", "OSL-0002"])
            }
            // The GET's read is committed with the access log row (a read-write transaction).
            #expect(try reads(db, by: Self.caseworker) == readsBefore + 1)
            // A round's participants: what `participant list --round` shows each user (row-level security chooses).
            for user in [Self.caseworker, Self.outsider] {
                let shown = try cli(["participant", "list", "--round", "JS/2021", "--format", "json", "--as", user], db)
                try await client.execute(uri: "/rounds/JS/2021/participants", method: .get, headers: try await headers(as: user)) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    #expect(parsed(String(buffer: response.body)) == parsed(shown), "\(user)")
                    #expect(arr(response).count == (user == Self.caseworker ? 2 : 0), "\(user)")
                }
            }
            let roundReads = try db.connect().queryValue("""
                SELECT count(*)::int FROM tilskot.participant_access_log
                 WHERE action = 'read' AND actor = $1 AND query = 'participant_list_round(''JS'', 2021)'
                """, [Self.caseworker], as: Int.self)
            #expect(roundReads == 2, "the CLI's and the API's read of the round")
        }
    }

    @Test("participants: add under an Idempotency-Key (replayed once); an update through the API leaves what the CLI's leaves; an outsider's update is psql's 42T03")
    func addAndUpdate() async throws {
        let db = try scene()
        defer { db.drop() }
        let body = #"{"code":"OSL-0003","birth_year":1990,"municipality":"0301","start":"2021-10-01","gender":"mann"}"#
        let refused = try psql(db, as: Self.outsider,
                               "SELECT tilskot.participant_update('JS-2021-0001', 'OSL-0001', '2022-06-30', 'employment', NULL, NULL, NULL)")
        #expect(refused.sqlstate == "42T03")
        try await app(db).test(.router) { client in
            let first = try await client.execute(uri: "/applications/JS-2021-0001/participants", method: .post,
                                                 headers: try await headers(as: Self.caseworker, key: "p-1"), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(obj(response)["reference"] as? String == "JS-2021-0001")
                #expect(obj(response)["code"] as? String == "OSL-0003")
                #expect(obj(response)["id"] as? Int != nil)
                return String(buffer: response.body)
            }
            try await client.execute(uri: "/applications/JS-2021-0001/participants", method: .post,
                                     headers: try await headers(as: Self.caseworker, key: "p-1"), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created)
                #expect(String(buffer: response.body) == first)
            }
            // OSL-0001 through the API; OSL-0002 with the same values through the CLI.
            try await client.execute(uri: "/applications/JS-2021-0001/participants/OSL-0001", method: .patch,
                                     headers: try await headers(as: Self.outsider),
                                     body: ByteBuffer(string: #"{"end":"2022-06-30","outcome":"employment"}"#)) { response in
                expectProblem(response, .forbidden, refused)
            }
            try await client.execute(uri: "/applications/JS-2021-0001/participants/OSL-0001", method: .patch,
                                     headers: try await headers(as: Self.caseworker),
                                     body: ByteBuffer(string: #"{"end":"2022-06-30","outcome":"employment","outcome_6m":"education","gender":"other_or_unknown"}"#)) { response in
                #expect(response.status == .noContent, "\(String(buffer: response.body))")
            }
            _ = try cli(["participant", "update", "JS-2021-0001", "--code", "OSL-0002", "--end", "2022-06-30", "--outcome", "employment",
                         "--outcome-6m", "education", "--gender", "other_or_unknown", "--as", Self.caseworker], db)
            try await client.execute(uri: "/applications/JS-2021-0001/participants", method: .get,
                                     headers: try await headers(as: Self.caseworker)) { response in
                let rows = Dictionary(uniqueKeysWithValues: arr(response).map { ($0["code"] as? String ?? "", $0) })
                #expect(rows.count == 3)
                let api = try #require(rows["OSL-0001"]), viaCLI = try #require(rows["OSL-0002"])
                for key in ["end_date", "outcome", "outcome_6m", "outcome_12m", "gender", "recorded_by", "start_date"] {
                    #expect("\(api[key] ?? "missing")" == "\(viaCLI[key] ?? "missing")", "\(key)")
                }
                #expect(api["end_date"] as? String == "2022-06-30")
                #expect(api["gender"] as? String == "other_or_unknown")
                #expect(rows["OSL-0003"]?["gender"] as? String == "male")
            }
        }
        // Each update is in the access log, once.
        let updates = try db.connect().queryValue(
            "SELECT count(*)::int FROM tilskot.participant_access_log WHERE action = 'update'", as: Int.self)
        #expect(updates == 2)
    }

    @Test("PATCH /organisations/{orgnr}: the CLI's update, the same organisation as `org show`; an unknown municipality is psql's sentence; nothing to change is 422")
    func updateOrganisation() async throws {
        let db = try scene()
        defer { db.drop() }
        let refused = try psql(db, as: Self.caseworker, "UPDATE tilskot.organisation SET municipality = '0399' WHERE orgnr = '958935420'")
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/organisations/958935420", method: .patch, headers: try await headers(as: Self.caseworker),
                                     body: ByteBuffer(string: #"{"municipality":"0399"}"#)) { response in
                expectProblem(response, .unprocessableContent, refused)
            }
            try await client.execute(uri: "/organisations/958935420", method: .patch, headers: try await headers(as: Self.caseworker),
                                     body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unprocessableContent)
                #expect((obj(response)["detail"] as? String)?.hasPrefix("give what changes") == true)
            }
            let change = #"{"name":"Oslo kommune, Velferdsetaten","address":"Postboks 30 Sentrum, 0101 Oslo","preferred_language":"nb","contact_name":"Kari Nordmann","contact_email":"kari@oslo.kommune.no","reason":"retta etter brev"}"#
            try await client.execute(uri: "/organisations/958935420", method: .patch, headers: try await headers(as: Self.caseworker),
                                     body: ByteBuffer(string: change)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let api = obj(response)
                #expect(api["name"] as? String == "Oslo kommune, Velferdsetaten")
                #expect(api["preferred_language"] as? String == "nb")
                let shown = try #require(try JSONSerialization.jsonObject(with: Data(try cli(["org", "show", "958935420", "--format", "json",
                                                                                             "--as", Self.caseworker], db).utf8)) as? [String: Any])
                let shared = Set(shown.keys).intersection(api.keys)
                #expect(shared.count >= 10)
                for key in shared { #expect("\(shown[key]!)" == "\(api[key]!)", "\(key)") }
            }
            // The same change through the CLI on Stavanger leaves the same fields.
            _ = try cli(["org", "update", "964965226", "--name", "Oslo kommune, Velferdsetaten", "--address", "Postboks 30 Sentrum, 0101 Oslo",
                         "--language", "nb", "--contact-name", "Kari Nordmann", "--contact-email", "kari@oslo.kommune.no",
                         "--reason", "retta etter brev", "--as", Self.caseworker], db)
            let both = try await client.execute(uri: "/organisations", method: .get, headers: try await headers(as: Self.caseworker)) { arr($0) }
            let fields = ["name", "address", "preferred_language", "contact_name", "contact_email", "contact_phone"]
            let oslo = try #require(both.first { $0["orgnr"] as? String == "958935420" })
            let stavanger = try #require(both.first { $0["orgnr"] as? String == "964965226" })
            for key in fields { #expect("\(oslo[key] ?? "missing")" == "\(stavanger[key] ?? "missing")", "\(key)") }
        }
        // The reason is in the audit log with what the row said before.
        let audited = try db.connect().queryValue("""
            SELECT count(*)::int FROM tilskot.audit_log
             WHERE table_name = 'organisation' AND action = 'UPDATE' AND reason = 'retta etter brev'
            """, as: Int.self)
        #expect(audited == 2)
    }

    @Test("installation: anyone reads the time zone; a caseworker setting it reads psql's 42T09 as a 403; an administrator sets it as the CLI shows; an unknown zone is 23T61")
    func installation() async throws {
        let db = try scene()
        defer { db.drop() }
        let refused = try psql(db, as: Self.caseworker, "UPDATE tilskot.installation SET time_zone = 'Europe/London'")
        #expect(refused.sqlstate == "42T09")
        let unknown = try psql(db, as: Self.admin, "UPDATE tilskot.installation SET time_zone = 'Mars/Olympus'")
        #expect(unknown.sqlstate == "23T61")
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/installation", method: .get, headers: try await headers(as: Self.caseworker)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(obj(response)["time_zone"] as? String == "Europe/Oslo")
            }
            try await client.execute(uri: "/installation", method: .put, headers: try await headers(as: Self.caseworker),
                                     body: ByteBuffer(string: #"{"time_zone":"Europe/London"}"#)) { response in
                expectProblem(response, .forbidden, refused)
            }
            try await client.execute(uri: "/installation", method: .put, headers: try await headers(as: Self.admin),
                                     body: ByteBuffer(string: #"{"time_zone":"Mars/Olympus"}"#)) { response in
                expectProblem(response, .unprocessableContent, unknown)
            }
            try await client.execute(uri: "/installation", method: .put, headers: try await headers(as: Self.admin),
                                     body: ByteBuffer(string: #"{"time_zone":"Europe/London"}"#)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(obj(response)["time_zone"] as? String == "Europe/London")
                #expect(obj(response)["changed_by"] as? String == Self.admin)
                let shown = try cli(["installation", "show", "--format", "json", "--as", Self.caseworker], db)
                #expect(parsed(String(buffer: response.body)) == parsed(shown))
            }
        }
    }

    @Test("POST /numbering/resumptions: where nothing was registered an administrator resumes (201, replayed under the same key); again it is psql's 23T62")
    func resumeNumberingDone() async throws {
        let db = try TestDatabase.scene(users: [Self.admin: .admin], steps: [])
        defer { db.drop() }
        let body = #"{"skip":0,"reason":"after pg_upgrade"}"#
        try await app(db).test(.router) { client in
            let first = try await client.execute(uri: "/numbering/resumptions", method: .post, headers: try await headers(as: Self.admin, key: "n-1"),
                                                 body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(obj(response)["rounds"] as? Int == 0)
                #expect(obj(response)["skip"] as? Int == 0)
                return String(buffer: response.body)
            }
            try await client.execute(uri: "/numbering/resumptions", method: .post, headers: try await headers(as: Self.admin, key: "n-1"),
                                     body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created)
                #expect(String(buffer: response.body) == first)
            }
            let again = try psql(db, as: Self.admin, "SELECT tilskot.numbering_resume(10, 'again')")
            #expect(again.sqlstate == "23T62")
            try await client.execute(uri: "/numbering/resumptions", method: .post, headers: try await headers(as: Self.admin, key: "n-2"),
                                     body: ByteBuffer(string: #"{"skip":10,"reason":"again"}"#)) { response in
                expectProblem(response, .unprocessableContent, again)
            }
        }
    }

    @Test("POST /numbering/resumptions: a caseworker reads psql's 42T09 as a 403; on the database that gave its numbers an administrator reads psql's 23T62; no key is 428")
    func resumeNumbering() async throws {
        let db = try scene()
        defer { db.drop() }
        let refused = try psql(db, as: Self.caseworker, "SELECT tilskot.numbering_resume(100, 'restored from the backup of 2021-05-01')")
        #expect(refused.sqlstate == "42T09")
        let nothing = try psql(db, as: Self.admin, "SELECT tilskot.numbering_resume(100, 'restored from the backup of 2021-05-01')")
        #expect(nothing.sqlstate == "23T62")
        let body = #"{"skip":100,"reason":"restored from the backup of 2021-05-01"}"#
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/numbering/resumptions", method: .post, headers: try await headers(as: Self.admin),
                                     body: ByteBuffer(string: body)) { response in
                #expect(response.status == .preconditionRequired)
            }
            try await client.execute(uri: "/numbering/resumptions", method: .post, headers: try await headers(as: Self.caseworker, key: "n-1"),
                                     body: ByteBuffer(string: body)) { response in
                expectProblem(response, .forbidden, refused)
            }
            try await client.execute(uri: "/numbering/resumptions", method: .post, headers: try await headers(as: Self.admin, key: "n-2"),
                                     body: ByteBuffer(string: body)) { response in
                expectProblem(response, .unprocessableContent, nothing)
            }
        }
    }
}
