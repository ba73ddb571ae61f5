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

/// `tilskot serve` under concurrent load (issue 19 item 6): eight managers deciding against one
/// round's frame through POST /applications/{ref}/decision at the same time. The frame is the
/// database's rule (23T01, checked under the round's lock at COMMIT); the server adds nothing to it,
/// so however the requests interleave on the pool, no krone is granted beyond the frame. SIGTERM
/// during load and schemathesis run against the live binary in Scripts/test-api.
@Suite("tilskot serve under load: the HTTP race on one frame")
struct ServerLoadTests: ServerRouteSuite {
    static let caseworker = "load_kari"
    /// One manager per client: the audit log names each, and the frame is all they share.
    static let managers = (1...8).map { "load_m\($0)" }

    /// 24 applications of 100 000 kr each in RACE/2021, whose frame is 1 050 000 kr: ten grants fit,
    /// the eleventh would put 1 100 000 kr on the frame.
    static let applications = 24
    static let amountOre: Int64 = 10_000_000
    static let frameOre: Int64 = 105_000_000

    func scene() throws -> TestDatabase {
        var users: [String: UserRole] = [Self.caseworker: .caseworker]
        for manager in Self.managers { users[manager] = .manager }
        return try TestDatabase.scene(users: users, steps: [
            ["scheme", "create", "RACE", "--name", "Kappløpet", "--applicant-kinds", "municipality", "--as", Self.managers[0]],
            ["round", "open", "RACE/2021", "--frame", "1 050 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.managers[0]],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
        ])
    }

    /// What one decision request came to, after retrying serialization failures and deadlocks.
    enum Outcome: Sendable, Equatable {
        case granted
        case refused(status: Int, sqlstate: String, detail: String)
    }

    @Test("8 managers deciding one round through the API at once: 0 kr over the frame, every refusal a 409 with 23T01, the decisions sum to the round's granted_ore")
    func raceOnOneFrame() async throws {
        let db = try scene()
        defer { db.drop() }
        let kari = try await token(Self.caseworker)
        var managerTokens: [String] = []
        for manager in Self.managers { managerTokens.append(try await token(manager)) }
        let tokens = managerTokens
        try await app(db, pool: 4, acquireTimeout: .seconds(30)).test(.router) { client in
            // Registered and assessed through the API too, one after another.
            var references: [String] = []
            for n in 1...Self.applications {
                let body = #"{"round":"RACE/2021","orgnr":"958935420","title":"Kappløp \#(n)","amount_ore":\#(Self.amountOre),"received":"2021-02-10"}"#
                let reference = try await client.execute(uri: "/applications", method: .post, headers: ServerHarness.headers(kari, key: "reg-\(n)"),
                                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                    return ServerHarness.obj(response.body)["reference"] as? String ?? ""
                }
                let etag = try await ServerHarness.etagOrNil(client, reference, kari)
                try await client.execute(uri: "/applications/\(reference)/assessments", method: .post,
                                         headers: ServerHarness.headers(kari, key: "ass-\(n)", ifMatch: etag),
                                         body: ByteBuffer(string: #"{"score":4,"recommendation":"grant"}"#)) { response in
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                }
                references.append(reference)
            }
            let all = references
            // Client i decides applications i, i+8, i+16 in turn, all eight at once.
            let outcomes = try await withThrowingTaskGroup(of: [Outcome].self) { group in
                for (i, token) in tokens.enumerated() {
                    let mine = stride(from: i, to: all.count, by: tokens.count).map { all[$0] }
                    group.addTask {
                        var results: [Outcome] = []
                        for reference in mine {
                            results.append(try await Self.decide(client, reference: reference, token: token))
                        }
                        return results
                    }
                }
                var collected: [Outcome] = []
                for try await results in group { collected += results }
                return collected
            }
            let granted = outcomes.filter { $0 == .granted }.count
            let refusals = outcomes.compactMap { outcome -> (Int, String, String)? in
                if case .refused(let status, let sqlstate, let detail) = outcome { return (status, sqlstate, detail) }
                return nil
            }
            #expect(outcomes.count == Self.applications)
            // Ten grants fit the frame exactly; whichever ten won, the rest were refused by the frame.
            #expect(granted == Int(Self.frameOre / Self.amountOre))
            for (status, sqlstate, detail) in refusals {
                #expect(status == 409, "\(detail)")
                #expect(sqlstate == "23T01", "\(detail)")
            }
            // The round as the API shows it.
            try await client.execute(uri: "/rounds/RACE/2021", method: .get, headers: ServerHarness.headers(tokens[0])) { response in
                let round = ServerHarness.obj(response.body)
                let frame = (round["frame_ore"] as? NSNumber)?.int64Value ?? -1
                let grantedOre = (round["granted_ore"] as? NSNumber)?.int64Value ?? -1
                #expect(frame == Self.frameOre)
                #expect(grantedOre <= frame, "over the frame by \(grantedOre - frame) øre")
                #expect(grantedOre == Int64(granted) * Self.amountOre)
            }
        }
        // The database's own account: the current decisions' sum is the round's granted figure,
        // within the frame, and each grant names the manager whose token made it.
        let c = try db.connect()
        let row = try #require(try c.queryRow("""
            SELECT (SELECT coalesce(sum(d.amount_ore), 0) FROM tilskot.decision d
                      JOIN tilskot.application a ON a.id = d.application_id
                     WHERE a.round_id = r.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted')) AS decided,
                   r.granted_ore AS granted,
                   r.frame_ore AS frame,
                   (SELECT count(DISTINCT l.actor) FROM tilskot.audit_log l
                     WHERE l.table_name = 'decision' AND l.action = 'INSERT') AS actors
              FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
             WHERE s.code = 'RACE' AND r.year = 2021
            """))
        let decided = Int64(row["decided"] ?? "") ?? -1
        let grantedOre = Int64(row["granted"] ?? "") ?? -2
        let frame = Int64(row["frame"] ?? "") ?? -3
        #expect(decided == grantedOre)
        #expect(grantedOre <= frame)
        #expect(frame == Self.frameOre)
        #expect((Int(row["actors"] ?? "") ?? 0) >= 2, "the grants came from more than one client")
    }

    /// POST /applications/{ref}/decision as a manager granting the applied amount, with the ETag read
    /// just before (If-Match). A serialization failure or deadlock (40001/40P01, 409) is tried again
    /// with the same Idempotency-Key (nothing was stored under it: the transaction rolled back).
    static func decide(_ client: some TestClientProtocol, reference: String, token: String) async throws -> Outcome {
        let body = #"{"outcome":"grant","amount_ore":\#(amountOre),"date":"2021-04-01"}"#
        let key = "decide-\(reference)"
        var ifMatch = try await ServerHarness.etagOrNil(client, reference, token)
        for _ in 0..<20 {
            let (status, problem) = try await client.execute(uri: "/applications/\(reference)/decision", method: .post,
                                                             headers: ServerHarness.headers(token, key: key, ifMatch: ifMatch),
                                                             body: ByteBuffer(string: body)) { response in
                (Int(response.status.code), ServerHarness.obj(response.body))
            }
            if status == 201 { return .granted }
            let sqlstate = problem["sqlstate"] as? String ?? ""
            let detail = problem["detail"] as? String ?? ""
            if status == 409 && (sqlstate == "40001" || sqlstate == "40P01") { continue }
            if status == 412 {
                // The case changed between the read and the change (not by this test's other
                // clients, which decide other cases): read it again once more.
                ifMatch = try await ServerHarness.etagOrNil(client, reference, token)
                continue
            }
            return .refused(status: status, sqlstate: sqlstate, detail: detail)
        }
        return .refused(status: 0, sqlstate: "", detail: "no final answer after 20 tries (serialization failures or changed ETags)")
    }
}
