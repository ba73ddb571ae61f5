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

/// `tilskot serve` (issue 19) through `app.test(.router)` against the real PostgreSQL: the server's
/// pool logs in as tilskot_authenticator and becomes each request's user; every refusal is a
/// problem document carrying the database's sentence and SQLSTATE.
@Suite("tilskot serve: routes, tokens, problems, the pool")
struct ServerRouteTests: ServerRouteSuite {
    static let manager = "srv_mona"
    static let caseworker = "srv_kari"
    static let disabled = "srv_gone"

    /// Jobbsjansen 2021 with a frame of 4 000 000 kr: JS-2021-0001 (Oslo, 3 400 000 kr, assessed)
    /// undecided; JS-2021-0002 (Stavanger, 2 000 000 kr) granted in full — so granting 0001 in full
    /// would put 5 400 000 kr on the frame.
    func scene() throws -> TestDatabase {
        try TestDatabase.scene(users: [Self.manager: .manager, Self.caseworker: .caseworker, Self.disabled: .caseworker], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "4 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
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

    @Test("health: live, and ready when the database answers at this binary's schema level")
    func health() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db, debugRoutes: true).test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
            }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let seenObject = try object(response)
                #expect(seenObject["status"] as? String == "ready")
            }
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(String(buffer: response.body).hasPrefix("openapi: 3.1.0"))
            }
        }
    }

    @Test("readiness is given again for a while without asking the database: a newer schema level recorded after a probe shows only once the answer has aged out")
    func readinessKept() async throws {
        let db = try scene()
        defer { db.drop() }
        var kept = try await ServerHarness.configuration(db)
        kept.readinessKept = .seconds(120)
        var fresh = try await ServerHarness.configuration(db)
        fresh.readinessKept = .zero
        let keptApp = try buildApplication(kept), freshApp = try buildApplication(fresh)
        try await keptApp.test(.router) { keptClient in
            #expect(try await keptClient.execute(uri: "/health/ready", method: .get) { $0.status } == .ok)
            // What a newer release's `tilskot migrate` leaves behind (SchemaRecheckRouteTests).
            _ = try db.connect().execute("UPDATE public.tilskot_schema_level SET level = level || '-newer'")
            #expect(try await keptClient.execute(uri: "/health/ready", method: .get) { $0.status } == .ok)
        }
        // The same database asked afresh: not ready (the level differs).
        let status = try await freshApp.test(.router) { freshClient in
            try await freshClient.execute(uri: "/health/ready", method: .get) { $0.status }
        }
        #expect(status == .serviceUnavailable)
    }

    /// Until a session of `db` waits for a lock on tilskot.round (at most 30 s): a fixed sleep is too
    /// short on a loaded machine, where the request's task may not have run yet.
    static func untilWaitingOnRound(_ db: TestDatabase) async throws {
        let watcher = UncheckedBox(try db.connect())
        for _ in 0..<300 {
            let waiting = try watcher.value.queryValue(
                """
                SELECT count(*) FROM pg_locks
                 WHERE NOT granted AND relation = 'tilskot.round'::regclass
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, as: Int.self) ?? 0
            if waiting > 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("no session came to wait on tilskot.round within 30 s")
    }

    @Test("no token or a bad one: 401 problem with WWW-Authenticate: Bearer, and the request id given is echoed")
    func unauthorized() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db, debugRoutes: true).test(.router) { client in
            var fields = headers(nil)
            fields[HTTPField.Name("X-Request-Id")!] = "req-401-test"
            try await client.execute(uri: "/applications/JS-2021-0001", method: .get, headers: fields) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] == "req-401-test")
                let problem = try object(response)
                #expect(problem["status"] as? Int == 401)
                #expect(problem["request_id"] as? String == "req-401-test")
            }
            let forged = try await TokenVerifier.issueLocal(login: Self.manager, ttl: 600, key: Array("another key, not the server's one!".utf8))
            try await client.execute(uri: "/applications/JS-2021-0001", method: .get, headers: headers(forged)) { response in
                #expect(response.status == .unauthorized)
            }
            // With a valid token the same request is answered.
            try await client.execute(uri: "/applications/JS-2021-0001", method: .get, headers: headers(try await token(Self.caseworker))) { response in
                #expect(response.status == .ok)
                let detail = try object(response)
                #expect(detail["reference"] as? String == "JS-2021-0001")
                #expect(detail["amount_applied_ore"] as? Int == 340_000_000)
            }
        }
    }

    @Test("a caseworker registers: 201 with Location; the same key replays the first response and registers once; the same key with another body is 422; no key is 428")
    func registerIdempotently() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        let body = #"{"round":"JS/2021","orgnr":"958935420","title":"Jobbsjansen Oslo III","amount_ore":50000000,"received":"2021-02-10"}"#
        try await app(db, debugRoutes: true).test(.router) { client in
            let first = try await client.execute(uri: "/applications", method: .post, headers: headers(kari, key: "k-1"), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(response.headers[.location] == "/applications/JS-2021-0003")
                return String(buffer: response.body)
            }
            try await client.execute(uri: "/applications", method: .post, headers: headers(kari, key: "k-1"), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created)
                #expect(String(buffer: response.body) == first)
                #expect(response.headers[.location] == "/applications/JS-2021-0003")
            }
            let other = body.replacingOccurrences(of: "Oslo III", with: "Oslo IV")
            try await client.execute(uri: "/applications", method: .post, headers: headers(kari, key: "k-1"), body: ByteBuffer(string: other)) { response in
                #expect(response.status == .unprocessableContent)
                let problem = try object(response)
                #expect(problem["sqlstate"] as? String == "23T71")
                #expect((problem["detail"] as? String)?.contains("was used for another request") == true)
            }
            try await client.execute(uri: "/applications", method: .post, headers: headers(kari), body: ByteBuffer(string: other)) { response in
                #expect(response.status == .preconditionRequired)
            }
        }
        let count = try db.connect().queryValue("SELECT count(*) FROM tilskot.application WHERE title LIKE 'Jobbsjansen Oslo I%'", as: Int.self)
        #expect(count == 1)
    }

    @Test("a caseworker deciding: 403 problem whose detail is the database's sentence")
    func caseworkerMayNotDecide() async throws {
        let db = try scene()
        defer { db.drop() }
        // The sentence psql shows the same person (the service's first step asks the same function).
        var expected = ""
        do {
            _ = try db.connect(asLogin: Self.caseworker).execute("SELECT tilskot.require_role('decision')")
        } catch let error as PGError {
            expected = error.message
        }
        #expect(expected.contains("is not a manager"))
        let sentence = expected
        let body = #"{"outcome":"grant","amount_ore":340000000}"#
        try await app(db, debugRoutes: true).test(.router) { client in
            try await client.execute(uri: "/applications/JS-2021-0001/decision", method: .post,
                                     headers: headers(try await token(Self.caseworker), key: "d-1", ifMatch: try await etagOrNil(client, "JS-2021-0001", try await token(Self.caseworker))), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .forbidden, "\(String(buffer: response.body))")
                let problem = try object(response)
                #expect(problem["detail"] as? String == sentence)
                #expect((problem["sqlstate"] as? String)?.hasPrefix("42") == true)
            }
        }
    }

    @Test("a manager over the frame: 409 problem with the database's sentence and SQLSTATE 23T01; nothing is decided")
    func overTheFrame() async throws {
        let db = try scene()
        defer { db.drop() }
        let appID = try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = 'JS-2021-0001'", as: Int64.self))
        var expected = ""
        do {
            let c = try db.connect(asLogin: Self.manager)
            try c.transaction {
                try c.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore) VALUES ($1, 'granted', 340000000)", [appID])
            }
        } catch let error as PGError {
            #expect(error.sqlState == "23T01")
            expected = error.message
        }
        let sentence = expected
        let body = #"{"outcome":"grant","amount_ore":340000000}"#
        try await app(db, debugRoutes: true).test(.router) { client in
            try await client.execute(uri: "/applications/JS-2021-0001/decision", method: .post,
                                     headers: headers(try await token(Self.manager), key: "d-2", ifMatch: try await etagOrNil(client, "JS-2021-0001", try await token(Self.manager))), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .conflict, "\(String(buffer: response.body))")
                let problem = try object(response)
                #expect(problem["sqlstate"] as? String == "23T01")
                #expect(problem["detail"] as? String == sentence)
            }
        }
        #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.decision WHERE application_id = $1", [appID], as: Int.self) == 0)
    }

    @Test("the role leak: on a pool of ONE connection, user B's request after user A's sees B as current_user and none of A's settings")
    func roleLeak() async throws {
        let db = try scene()
        defer { db.drop() }
        let mona = try await token(Self.manager)
        let kari = try await token(Self.caseworker)
        try await app(db, pool: 1, debugRoutes: true).test(.router) { client in
            let pid = try await client.execute(uri: "/debug/session", method: .get, headers: headers(mona)) { response in
                let seen = try object(response)
                #expect(seen["current_user"] as? String == Self.manager)
                #expect(seen["session_user"] as? String == "tilskot_authenticator")
                #expect(seen["read_only"] as? String == "on")
                return seen["pid"] as? String ?? ""
            }
            // A's change: a rejection, whose reasons become the transaction's tilskot.reason.
            let body = #"{"outcome":"reject","reasons":"Svak grunngjeving frå A"}"#
            try await client.execute(uri: "/applications/JS-2021-0001/decision", method: .post,
                                     headers: headers(mona, key: "leak-1", ifMatch: try await etagOrNil(client, "JS-2021-0001", mona)), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let seenObject = try object(response)
                #expect(seenObject["decided_by"] as? String == Self.manager)
            }
            try await client.execute(uri: "/debug/session", method: .get, headers: headers(kari)) { response in
                let seen = try object(response)
                #expect(seen["pid"] as? String == pid, "one connection served both")
                #expect(seen["current_user"] as? String == Self.caseworker)
                #expect(seen["session_user"] as? String == "tilskot_authenticator")
                #expect(seen["reason"] as? String == "")
                #expect(seen["search_path"] as? String == "tilskot, public")
                #expect(seen["temp_tables"] as? String == "0")
            }
        }
        // Outside any request the connection's own role is the authenticator's: nothing was set
        // at the session level (the audit log names A for A's decision).
        let actor = try db.connect().queryValue("""
            SELECT actor FROM tilskot.audit_log WHERE table_name = 'decision' ORDER BY id DESC LIMIT 1
            """, as: String.self)
        #expect(actor == Self.manager)
    }

    @Test("a token whose user is disabled: 401")
    func disabledUser() async throws {
        let db = try scene()
        defer { db.drop() }
        let gone = try await token(Self.disabled)
        try await app(db, debugRoutes: true).test(.router) { client in
            try await client.execute(uri: "/rounds/JS/2021", method: .get, headers: headers(gone)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let seenObject = try object(response)
                #expect(seenObject["frame_ore"] as? Int == 400_000_000)
            }
            _ = try db.connectAsAdmin().execute("SELECT tilskot.user_disable($1, 'left')", [Self.disabled])
            try await client.execute(uri: "/rounds/JS/2021", method: .get, headers: headers(gone)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
            }
        }
        // Let the next run of this suite use the user again.
        _ = try? db.connect().execute("SELECT tilskot.user_add($1, 'caseworker')", [Self.disabled])
    }

    @Test("an Idempotency-Key whose first request still runs: 409 with SQLSTATE 23T71, and nothing registered")
    func idempotencyKeyStillRunning() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        // The lock tilskot.idempotency_begin takes for (user, key), held as the first request would.
        let holder = try db.connect()
        try holder.execute("SELECT pg_advisory_lock(hashtext('tilskot.idempotency'), hashtext($1))", ["\(Self.caseworker) k-run"])
        let body = #"{"round":"JS/2021","orgnr":"958935420","title":"Jobbsjansen Oslo V","amount_ore":100000,"received":"2021-02-10"}"#
        try await app(db, debugRoutes: true).test(.router) { client in
            try await client.execute(uri: "/applications", method: .post, headers: headers(kari, key: "k-run"), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .conflict, "\(String(buffer: response.body))")
                let problem = try object(response)
                #expect(problem["sqlstate"] as? String == "23T71")
                #expect((problem["detail"] as? String)?.contains("still running") == true)
            }
        }
        #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.application WHERE title = 'Jobbsjansen Oslo V'", as: Int.self) == 0)
    }

    @Test("a busy pool: a request that finds no free connection in time is 503 with Retry-After: 1; the one holding it finishes")
    func poolTimeout() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        // Another session holds the round table, so a round read waits on its lock holding the
        // pool's only connection.
        let blocker = UncheckedBox(try db.connect())
        try blocker.value.executeScript("BEGIN; LOCK TABLE tilskot.round IN ACCESS EXCLUSIVE MODE")
        // The waiting request's limits are long: on a loaded machine this test's own steps may run
        // seconds late, and the one holding the connection must still be waiting when they do.
        var configuration = try await ServerHarness.configuration(db, pool: 1, acquireTimeout: .milliseconds(300), debugRoutes: true)
        configuration.lockTimeout = "120s"
        configuration.statementTimeout = "120s"
        try await buildApplication(configuration).test(.router) { client in
            let held = Task {
                try await client.execute(uri: "/rounds/JS/2021", method: .get, headers: headers(kari)) { $0.status }
            }
            try await Self.untilWaitingOnRound(db)
            try await client.execute(uri: "/applications/JS-2021-0001", method: .get, headers: headers(kari)) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try blocker.value.executeScript("ROLLBACK")
            #expect(try await held.value == .ok)
        }
    }

    @Test("a lost connection is made again: after its backend is terminated the next request is answered, on a new backend")
    func reconnect() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        try await app(db, pool: 1, debugRoutes: true).test(.router) { client in
            let first = try await client.execute(uri: "/debug/session", method: .get, headers: headers(kari)) { response in
                try object(response)["pid"] as? String ?? ""
            }
            let pid = try #require(Int32(first))
            _ = try db.connect().execute("SELECT pg_terminate_backend($1)", [Int(pid)])
            try await Task.sleep(for: .milliseconds(200))
            let second = try await client.execute(uri: "/debug/session", method: .get, headers: headers(kari)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                return try object(response)["pid"] as? String ?? ""
            }
            #expect(!second.isEmpty && second != first)
        }
    }

    @Test("paging: limit and an opaque cursor walk the applications in reference order; /metrics counts requests by route and status")
    func pagingAndMetrics() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        try await app(db, debugRoutes: true).test(.router) { client in
            let cursor = try await client.execute(uri: "/applications?round=JS/2021&limit=1", method: .get, headers: headers(kari)) { response in
                let page = try object(response)
                let items = page["items"] as? [[String: Any]] ?? []
                #expect(items.map { $0["reference"] as? String } == ["JS-2021-0001"])
                return page["next_cursor"] as? String ?? ""
            }
            #expect(!cursor.isEmpty)
            try await client.execute(uri: "/applications?round=JS/2021&limit=1&cursor=\(cursor)", method: .get, headers: headers(kari)) { response in
                let page = try object(response)
                let items = page["items"] as? [[String: Any]] ?? []
                #expect(items.map { $0["reference"] as? String } == ["JS-2021-0002"])
                #expect(page["next_cursor"] == nil)
            }
            try await client.execute(uri: "/applications?limit=1001", method: .get, headers: headers(kari)) { response in
                #expect(response.status == .unprocessableContent || response.status == .badRequest)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"tilskot_http_requests_total{method="GET",route="/applications",status="200"} 2"#), "\(text)")
                #expect(text.contains("tilskot_http_request_duration_seconds_bucket"))
                #expect(text.contains("tilskot_pool_connections_in_use"))
            }
        }
    }
}
