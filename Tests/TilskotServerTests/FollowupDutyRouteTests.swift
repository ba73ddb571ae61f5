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

/// A grant's follow-up through `tilskot serve` (issue 19, R1): reporting duty, report and review,
/// due / overdue, reminders, the money summary and closing. Each happy path answers what the CLI's
/// `--format json` prints for the same step on a twin database; each refusal is the database's
/// sentence and SQLSTATE, as psql reads them.
@Suite("tilskot serve: follow-up duties, reports, reminders and closing")
struct FollowupDutyRouteTests: ServerRouteSuite {
    static let caseworker = "r1f_kari"
    static let manager = "r1f_mona"
    static let finance = "r1f_fia"
    static let payer = "r1f_finn"

    /// JS/2021 with Oslo (JS-2021-0001) granted 1 000 000 kr in two halves, the first paid and the
    /// second withheld (the money settled); no report yet. Stavanger (JS-2021-0002) granted 300 000 kr.
    func scene() throws -> TestDatabase {
        let (k, m, f) = (Self.caseworker, Self.manager, Self.finance)
        var steps: [[String]] = [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
            ["round", "open", "JS/2021", "--frame", "10 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
        ]
        for (orgnr, name, code, amount) in [("958935420", "Oslo", "0301", "1 000 000"), ("964965226", "Stavanger", "1103", "300 000")] {
            steps.append(["org", "add", orgnr, "--name", "\(name) kommune", "--kind", "municipality", "--municipality", code, "--as", k])
            steps.append(["application", "register", "--round", "JS/2021", "--org", orgnr, "--title", "Jobbsjansen i \(name)",
                          "--amount", amount, "--received", "2021-02-01", "--as", k])
        }
        steps += [
            ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", k],
            ["application", "assess", "JS-2021-0002", "--score", "4", "--recommend", "grant", "--as", k],
            ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--date", "2021-04-15", "--as", m],
            ["application", "decide", "JS-2021-0002", "--grant", "300 000", "--date", "2021-04-15", "--as", m],
            ["payment", "plan", "JS-2021-0001", "--instalments", "50%:2021-05-01,50%:2021-09-01", "--account", "8601 11 17947", "--as", k],
            ["payment", "attest", "1", "--as", f],
            ["payment", "pay", "1", "--voucher", "UTB-2021-05", "--date", "2021-05-03", "--as", Self.payer],
            ["payment", "withhold", "2", "--reason", "Prosjektet brukte mindre", "--as", f],
        ]
        return try TestDatabase.scene(users: [Self.caseworker: .caseworker, Self.manager: .manager, Self.finance: .finance,
                                              Self.payer: .finance],
                                      steps: steps)
    }

    /// The JSON without its null members: the API's encoder leaves out what the CLI prints as null.
    static func normal(_ value: Any?) -> NSObject {
        switch value {
        case let object as [String: Any]: return object.filter { !($0.value is NSNull) }.mapValues { normal($0) } as NSDictionary
        case let array as [Any]: return array.map { normal($0) } as NSArray
        case let other as NSObject: return other
        default: return NSNull()
        }
    }

    static func parsed(_ text: String) -> NSObject {
        normal(try? JSONSerialization.jsonObject(with: Data(text.utf8)))
    }

    /// What the CLI prints as JSON for `arguments` (exit 0 expected).
    func cli(_ db: TestDatabase, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> NSObject {
        let result = try CLIRunner.run(arguments + ["--format", "json"], database: db)
        #expect(result.exitCode == 0, "\(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        return Self.parsed(result.stdout)
    }

    /// POSTs `body` to the case's `path` with its current ETag; the status and the body's JSON.
    func change(_ client: some TestClientProtocol, _ reference: String, _ path: String, _ body: String, as token: String,
                key: String) async throws -> (status: HTTPResponse.Status, json: NSObject, text: String) {
        let tag = try await etag(client, reference, token)
        return try await client.execute(uri: "/applications/\(reference)/\(path)", method: .post,
                                        headers: headers(token, key: key, ifMatch: tag), body: ByteBuffer(string: body)) { response in
            (response.status, Self.parsed(String(buffer: response.body)), String(buffer: response.body))
        }
    }

    func get(_ client: some TestClientProtocol, _ uri: String, as token: String) async throws -> (status: HTTPResponse.Status, json: NSObject, text: String) {
        try await client.execute(uri: uri, method: .get, headers: headers(token)) { response in
            (response.status, Self.parsed(String(buffer: response.body)), String(buffer: response.body))
        }
    }

    func problem(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    static let oslo = "(SELECT id FROM tilskot.application WHERE reference = 'JS-2021-0001')"

    @Test("duty, due, overdue, reminders, report, approval, summary, closing: each the CLI's JSON for the same step")
    func story() async throws {
        let api = try scene()
        defer { api.drop() }
        let twin = try scene()
        defer { twin.drop() }
        let (k, m) = (Self.caseworker, Self.manager)
        let (kari, mona) = (try await token(k), try await token(m))
        try await app(api).test(.router) { client in
            let duty = try await change(client, "JS-2021-0001", "reporting-duty", #"{"due":"2022-04-30"}"#, as: kari, key: "d-1")
            #expect(duty.status == .created, "\(duty.text)")
            #expect(duty.json == (try cli(twin, ["followup", "duty", "JS-2021-0001", "--due", "2022-04-30", "--as", k])))
            #expect((duty.json as? NSDictionary)?["account_required"] as? Bool == true)

            let due = try await get(client, "/followup/due?within=30d&as_of=2022-04-15", as: kari)
            #expect(due.status == .ok, "\(due.text)")
            #expect((due.json as? NSArray)?.count == 1, "\(due.text)")
            #expect(due.json == (try cli(twin, ["followup", "due", "--within", "30d", "--as-of", "2022-04-15", "--as", k])))
            let mine = try await get(client, "/followup/due?within=30d&as_of=2022-04-15&mine=true", as: kari)
            #expect(mine.json == (try cli(twin, ["followup", "due", "--within", "30d", "--as-of", "2022-04-15", "--mine", "--as", k])))
            let badSpan = try await get(client, "/followup/due?within=soon", as: kari)
            #expect(badSpan.status == .unprocessableContent)
            #expect((problem(badSpan.text)["detail"] as? String)?.contains("not a number of days") == true, "\(badSpan.text)")

            let overdue = try await get(client, "/followup/overdue?as_of=2022-06-01&round=JS/2021", as: kari)
            #expect((overdue.json as? NSArray)?.count == 1, "\(overdue.text)")
            #expect(overdue.json == (try cli(twin, ["followup", "overdue", "--as-of", "2022-06-01", "--round", "JS/2021", "--as", k])))

            // Reminders: the list records nothing; sending records each once a week, as the CLI does.
            let candidates = try await get(client, "/followup/reminders", as: kari)
            #expect((candidates.json as? NSArray)?.count == 1, "\(candidates.text)")
            #expect(candidates.json == (try cli(twin, ["followup", "reminders", "--dry-run", "--as", k])))
            let sent = try await client.execute(uri: "/followup/reminders", method: .post, headers: headers(kari, key: "r-1"),
                                                body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                return Self.parsed(String(buffer: response.body))
            }
            #expect(sent == (try cli(twin, ["followup", "reminders", "--as", k])))
            let again = try await client.execute(uri: "/followup/reminders", method: .post, headers: headers(kari, key: "r-2"),
                                                 body: ByteBuffer(string: "{}")) { Self.parsed(String(buffer: $0.body)) }
            #expect((again as? NSArray)?.count == 0)

            let received = try await change(client, "JS-2021-0001", "reports", #"{"report_date":"2022-03-20","account_approved":true}"#,
                                            as: kari, key: "rep-1")
            #expect(received.status == .created, "\(received.text)")
            #expect(received.json == (try cli(twin, ["followup", "receive", "JS-2021-0001", "--report-date", "2022-03-20",
                                                     "--account-approved", "--as", k])))
            let approved = try await change(client, "JS-2021-0001", "report-review", #"{"outcome":"approve"}"#, as: kari, key: "rev-1")
            #expect(approved.status == .created, "\(approved.text)")
            #expect((approved.json as? NSDictionary)?["status"] as? String == "approved")
            #expect(approved.json == (try cli(twin, ["followup", "approve", "JS-2021-0001", "--as", k])))

            let closed = try await change(client, "JS-2021-0001", "closing", #"{"notes":"Avslutta"}"#, as: mona, key: "c-1")
            #expect(closed.status == .created, "\(closed.text)")
            #expect((closed.json as? NSDictionary)?["status"] as? String == "closed")
            #expect(closed.json == (try cli(twin, ["application", "close", "JS-2021-0001", "--notes", "Avslutta", "--as", m])))

            let rounds = try await get(client, "/followup/summary", as: kari)
            #expect((rounds.json as? NSArray)?.count == 1, "\(rounds.text)")
            #expect(rounds.json == (try cli(twin, ["followup", "summary", "--as", k])))
            let grants = try await get(client, "/followup/summary?round=JS/2021&grants=true", as: kari)
            #expect((grants.json as? NSArray)?.count == 2, "\(grants.text)")
            #expect(grants.json == (try cli(twin, ["followup", "summary", "--round", "JS/2021", "--grants", "--as", k])))
            let noRound = try await get(client, "/followup/summary?grants=true", as: kari)
            #expect(noRound.status == .unprocessableContent)
        }
    }

    @Test("refusals: the problem's detail and sqlstate are what psql reads; If-Match is required and checked")
    func refusals() async throws {
        let db = try scene()
        defer { db.drop() }
        let (k, m) = (Self.caseworker, Self.manager)
        let (kari, mona) = (try await token(k), try await token(m))
        let waived = try psql(db, as: k, "INSERT INTO tilskot.report_duty (application_id, account_required) VALUES (\(Self.oslo), false)")
        #expect(waived.sentence.contains("threshold"), "\(waived.sentence)")
        let notManager = try psql(db, as: k, "SELECT tilskot.require_role('closing')")
        #expect(notManager.sentence.contains("is not a manager"), "\(notManager.sentence)")
        let unreported = try psql(db, as: m, "INSERT INTO tilskot.closing (application_id) VALUES (\(Self.oslo))")
        #expect(unreported.sentence.contains("has no approved report"), "\(unreported.sentence)")
        try await app(db).test(.router) { client in
            func expectProblem(_ result: (status: HTTPResponse.Status, json: NSObject, text: String),
                               _ expected: (sentence: String, sqlstate: String), sourceLocation: SourceLocation = #_sourceLocation) {
                let p = problem(result.text)
                #expect(result.status.code >= 400 && result.status.code < 500, "\(result.text)", sourceLocation: sourceLocation)
                #expect(p["detail"] as? String == expected.sentence, sourceLocation: sourceLocation)
                #expect(p["sqlstate"] as? String == expected.sqlstate, sourceLocation: sourceLocation)
            }
            expectProblem(try await change(client, "JS-2021-0001", "reporting-duty", #"{"account_required":false}"#, as: kari, key: "d-0"), waived)
            expectProblem(try await change(client, "JS-2021-0001", "closing", "{}", as: kari, key: "c-0"), notManager)
            expectProblem(try await change(client, "JS-2021-0001", "closing", "{}", as: mona, key: "c-1"), unreported)

            // A rejection needs reasons: with a report waiting, a blank reason is the database's to refuse.
            let received = try await change(client, "JS-2021-0001", "reports", #"{"report_date":"2022-03-20","account_approved":true}"#,
                                            as: kari, key: "rep-1")
            #expect(received.status == .created, "\(received.text)")
            let id = try #require((received.json as? NSDictionary)?["id"] as? Int)
            let noReasons = try psql(db, as: k, "INSERT INTO tilskot.report_review (report_id, outcome) VALUES (\(id), 'rejected')")
            expectProblem(try await change(client, "JS-2021-0001", "report-review", #"{"outcome":"reject","reasons":" "}"#,
                                           as: kari, key: "rev-0"), noReasons)

            // If-Match: 428 without it; 412 with a version the case has left.
            let stale = try await etag(client, "JS-2021-0001", kari)
            try await client.execute(uri: "/applications/JS-2021-0001/report-review", method: .post, headers: headers(kari, key: "rev-1"),
                                     body: ByteBuffer(string: #"{"outcome":"approve"}"#)) { response in
                #expect(response.status == .preconditionRequired)
            }
            let approved = try await change(client, "JS-2021-0001", "report-review", #"{"outcome":"approve"}"#, as: kari, key: "rev-2")
            #expect(approved.status == .created, "\(approved.text)")
            try await client.execute(uri: "/applications/JS-2021-0001/closing", method: .post,
                                     headers: headers(mona, key: "c-2", ifMatch: stale), body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .preconditionFailed, "\(String(buffer: response.body))")
            }
            // An approval takes no reasons (input form, as `followup approve --reasons` without --reject).
            let withReasons = try await change(client, "JS-2021-0002", "report-review", #"{"outcome":"approve","reasons":"x"}"#,
                                               as: kari, key: "rev-3")
            #expect(withReasons.status == .unprocessableContent)
        }
    }
}
