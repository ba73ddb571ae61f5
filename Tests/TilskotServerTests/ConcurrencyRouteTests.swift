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

/// If-Match while another transaction changes the same case (the case is claimed before its
/// version is read), and GET /applications' keyset cursor.
@Suite("tilskot serve: If-Match under concurrency, keyset paging")
struct ConcurrencyRouteTests: ServerRouteSuite {
    static let manager = "cw_mona"
    static let caseworker = "cw_kari"

    /// Jobbsjansen 2021 with five received applications, JS-2021-0001 … 0005, registered by Kari.
    func scene() throws -> TestDatabase {
        var steps: [[String]] = [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "40 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
        ]
        for n in 1...5 {
            steps.append(["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen Oslo \(n)",
                          "--amount", "1 000 000", "--received", "2021-02-0\(n)", "--external-ref", "OSL-\(n)", "--as", Self.caseworker])
        }
        return try TestDatabase.scene(users: [Self.manager: .manager, Self.caseworker: .caseworker], steps: steps)
    }

    static let assessments = """
        SELECT count(*) FROM tilskot.assessment a JOIN tilskot.application p ON p.id = a.application_id
         WHERE p.reference = 'JS-2021-0001'
        """

    @Test("a change sent with the ETag read before another transaction's event on the case waits for that transaction and is refused 412 once it commits; nothing of it is recorded")
    func staleETagUnderConcurrency() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        try await app(db).test(.router) { client in
            let before = try await etag(client, "JS-2021-0001", kari)
            // A psql-like login assesses the case in a transaction left open.
            let psql = try db.connect(asLogin: Self.caseworker)
            try psql.execute("BEGIN")
            try psql.execute("""
                INSERT INTO tilskot.assessment (application_id, score, recommendation)
                SELECT id, 3, 'grant' FROM tilskot.application WHERE reference = 'JS-2021-0001'
                """)
            let request = Task {
                try await client.execute(uri: "/applications/JS-2021-0001/assessments", method: .post,
                                         headers: headers(kari, key: "c-1", ifMatch: before),
                                         body: ByteBuffer(string: #"{"score":5,"recommendation":"grant"}"#)) { response in
                    (response.status, String(buffer: response.body))
                }
            }
            // The API's transaction waits on the case (a lock wait seen by the server), not done yet.
            let observer = try db.connect()
            var waiting = false
            for _ in 0..<100 where !waiting {
                try await Task.sleep(for: .milliseconds(50))
                waiting = try observer.queryValue("""
                    SELECT count(*) FROM pg_stat_activity
                     WHERE application_name LIKE 'tilskot serve POST%' AND wait_event_type = 'Lock'
                    """, as: Int.self) == 1
            }
            #expect(waiting, "the API's change should wait for the open transaction on the same case")
            try psql.execute("COMMIT")
            let (status, body) = try await request.value
            #expect(status == .preconditionFailed, "\(body)")
            #expect(body.contains("JS-2021-0001 has changed since you read it"), "\(body)")
            // The psql assessment only.
            #expect(try db.connect().queryValue(Self.assessments, as: Int.self) == 1)
            // With the version read after the commit, the same change goes through.
            let after = try await etag(client, "JS-2021-0001", kari)
            #expect(after != before)
            try await client.execute(uri: "/applications/JS-2021-0001/assessments", method: .post,
                                     headers: headers(kari, key: "c-2", ifMatch: after),
                                     body: ByteBuffer(string: #"{"score":5,"recommendation":"grant"}"#)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
            }
            #expect(try db.connect().queryValue(Self.assessments, as: Int.self) == 2)
        }
    }

    @Test("a change to an application that does not exist is 404 (the claim finds no case), whatever If-Match says")
    func changeToNoCase() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/applications/JS-2021-0099/assessments", method: .post,
                                     headers: headers(kari, key: "n-1", ifMatch: "\"0123456789abcdef0123456789abcdef\""),
                                     body: ByteBuffer(string: #"{"score":5,"recommendation":"grant"}"#)) { response in
                #expect(response.status == .notFound, "\(String(buffer: response.body))")
                let detail = try object(response)["detail"] as? String
                #expect(detail == "request refused: there is no application JS-2021-0099")
            }
        }
    }

    /// The references of one page and its next cursor.
    func page(_ client: some TestClientProtocol, _ query: String, _ token: String) async throws -> (references: [String], next: String?) {
        try await client.execute(uri: "/applications?\(query)", method: .get, headers: headers(token)) { response in
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let page = try object(response)
            let items = page["items"] as? [[String: Any]] ?? []
            return (items.compactMap { $0["reference"] as? String }, page["next_cursor"] as? String)
        }
    }

    @Test("the cursor is the last row's key: pages walk all applications once; a row leaving the filter between pages shifts nothing; the cursor is base64url JSON; a tampered one is a 400 problem")
    func keysetCursor() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        try await app(db).test(.router) { client in
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let p = try await page(client, "round=JS/2021&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), kari)
                seen += p.references
                cursor = p.next
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == (1...5).map { "JS-2021-000\($0)" })
            #expect(pages == 3)

            // Walking the received ones: JS-2021-0001 is assessed between pages. An offset would now
            // skip JS-2021-0003; the keyset starts after JS-2021-0002.
            let first = try await page(client, "status=received&limit=2", kari)
            #expect(first.references == ["JS-2021-0001", "JS-2021-0002"])
            let next = try #require(first.next)
            let plain = try #require(Data(base64Encoded: next.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                + String(repeating: "=", count: (4 - next.count % 4) % 4)))
            let id = try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = 'JS-2021-0002'", as: Int64.self)
            #expect(String(decoding: plain, as: UTF8.self) == "{\"after\":\(try #require(id))}")
            let psql = try db.connect(asLogin: Self.caseworker)
            try psql.execute("""
                INSERT INTO tilskot.assessment (application_id, score, recommendation)
                SELECT id, 4, 'grant' FROM tilskot.application WHERE reference = 'JS-2021-0001'
                """)
            #expect(try psql.queryValue("SELECT status FROM tilskot.application WHERE reference = 'JS-2021-0001'", as: String.self) != "received")
            let second = try await page(client, "status=received&limit=2&cursor=\(next)", kari)
            #expect(second.references == ["JS-2021-0003", "JS-2021-0004"])

            // Tampered: not base64url, not the server's JSON, an id that is not positive, padding added.
            let forged = Data(#"{"after":"x"}"#.utf8).base64EncodedString()
            for bad in ["nonsense!", forged, Data(#"{"after":0}"#.utf8).base64EncodedString(), next + "=", "cDoy"] {
                try await client.execute(uri: "/applications?cursor=\(bad)", method: .get, headers: headers(kari)) { response in
                    #expect(response.status == .badRequest, "\(bad): \(String(buffer: response.body))")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let problem = try object(response)
                    let status = problem["status"] as? Int, detail = problem["detail"] as? String
                    #expect(status == 400)
                    #expect(detail == "the cursor is not one this server gave; start again without it")
                }
            }
        }
    }
}
