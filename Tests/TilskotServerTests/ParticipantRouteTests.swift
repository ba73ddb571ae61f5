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

/// The participant register's purge, aggregate report and access log through `tilskot serve`
/// (I19-R4): the services of `participant purge | report | log`, the same JSON as their
/// `--format json`; every refusal the database's sentence (what psql reads) with its SQLSTATE, and
/// the purge and the report in the access log.
@Suite("tilskot serve: participant purge, report and access log")
struct ParticipantRouteTests: ServerRouteSuite {
    static let caseworker = "r4a_kari"
    static let manager = "r4a_mona"
    static let admin = "r4a_adm"
    static let auditor = "r4a_aud"

    /// JS/2021 with Oslo (JS-2021-0001) granted by mona; three participants recorded by kari: OSL-0001
    /// ended 2022-06-30 (employment), OSL-0002 ended 2023-03-31 (education), OSL-0003 still taking part.
    func scene() throws -> TestDatabase {
        let (k, m) = (Self.caseworker, Self.manager)
        func participant(_ code: String, _ extra: [String]) -> [String] {
            ["participant", "add", "JS-2021-0001", "--code", code, "--birth-year", "1985", "--municipality", "0301",
             "--start", "2021-09-01", "--gender", "female"] + extra + ["--as", k]
        }
        return try TestDatabase.scene(
            users: [Self.caseworker: .caseworker, Self.manager: .manager, Self.admin: .admin, Self.auditor: .auditor],
            steps: [
                ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
                ["round", "open", "JS/2021", "--frame", "10 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
                ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", k],
                ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen i Oslo",
                 "--amount", "1 000 000", "--received", "2021-02-01", "--as", k],
                ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", k],
                ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--date", "2021-04-15", "--as", m],
                participant("OSL-0001", ["--end", "2022-06-30", "--outcome", "employment"]),
                participant("OSL-0002", ["--end", "2023-03-31", "--outcome", "education"]),
                participant("OSL-0003", []),
            ])
    }

    @Test("POST /participants/purge: a caseworker reads psql's 42T03 as a 403, a future day psql's 23T28; an administrator deletes the one ended before the day, once under its key, and the purge is in the log")
    func purge() async throws {
        let db = try scene()
        defer { db.drop() }
        let notAdmin = try psql(db, as: Self.caseworker, "SELECT tilskot.participant_purge('2023-01-01')")
        #expect(notAdmin.sqlstate == "42T03" && notAdmin.sentence.contains("r4a_kari is not an admin"))
        let future = try psql(db, as: Self.admin, "SELECT tilskot.participant_purge(tilskot.today() + 1)")
        #expect(future.sqlstate == "23T28")
        let tomorrow = try #require(try db.connect().queryValue("SELECT (tilskot.today() + 1)::text", as: String.self))
        // The CLI reads the same sentence for the same day (the database judges; Swift does not restate it).
        let cliFuture = try CLIRunner.run(["participant", "purge", "--before", tomorrow, "--as", Self.admin], database: db)
        #expect(cliFuture.exitCode == 1 && cliFuture.stderr.contains(future.sentence), "\(cliFuture.stderr)")
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/participants/purge", method: .post, headers: try await headers(as: Self.caseworker, key: "p-k"),
                                     body: ByteBuffer(string: #"{"before":"2023-01-01"}"#)) { response in
                expectProblem(response, .forbidden, notAdmin)
            }
            try await client.execute(uri: "/participants/purge", method: .post, headers: try await headers(as: Self.admin, key: "p-f"),
                                     body: ByteBuffer(string: #"{"before":"\#(tomorrow)"}"#)) { response in
                expectProblem(response, .unprocessableContent, future)
            }
            // Without a key nothing is deleted: 428.
            try await client.execute(uri: "/participants/purge", method: .post, headers: try await headers(as: Self.admin),
                                     body: ByteBuffer(string: #"{"before":"2023-01-01"}"#)) { response in
                #expect(response.status == .preconditionRequired, "\(String(buffer: response.body))")
            }
            #expect(try count(db, "SELECT count(*)::int FROM tilskot.participant") == 3)
            for _ in 0..<2 {
                try await client.execute(uri: "/participants/purge", method: .post, headers: try await headers(as: Self.admin, key: "p-1"),
                                         body: ByteBuffer(string: #"{"before":"2023-01-01"}"#)) { response in
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                    #expect(obj(response)["deleted"] as? Int == 1)
                    #expect(obj(response)["before"] as? String == "2023-01-01")
                }
            }
        }
        #expect(try count(db, "SELECT count(*)::int FROM tilskot.participant") == 2)
        #expect(try count(db, "SELECT count(*)::int FROM tilskot.participant WHERE code = 'OSL-0001'") == 0)
        // One purge, by the administrator, of one row; the replay ran nothing.
        #expect(try count(db, """
            SELECT count(*)::int FROM tilskot.participant_access_log
             WHERE action = 'purge' AND actor = 'r4a_adm' AND query = 'participant_purge(''2023-01-01'')' AND row_count = 1
            """) == 1)
        #expect(try count(db, "SELECT count(*)::int FROM tilskot.participant_access_log WHERE action = 'purge'") == 1)
    }

    @Test("GET /participants/report: the CLI's rows (1–4 as <5), the read logged as an aggregate; an unknown round is the CLI's sentence")
    func report() async throws {
        let db = try scene()
        defer { db.drop() }
        let shown = try cli(["participant", "report", "--round", "JS/2021", "--format", "json", "--as", Self.manager], db)
        let shown12 = try cli(["participant", "report", "--round", "JS/2021", "--at", "12m", "--format", "json", "--as", Self.manager], db)
        let aggregates = "SELECT count(*)::int FROM tilskot.participant_access_log WHERE action = 'aggregate' AND actor = 'r4a_mona'"
        #expect(try count(db, aggregates) == 2)
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/participants/report?round=JS/2021", method: .get, headers: try await headers(as: Self.manager)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(parsed(String(buffer: response.body)) == parsed(shown))
                let rows = arr(response)
                let project = try #require(rows.first { $0["reference"] as? String == "JS-2021-0001" })
                #expect(project["total"] as? String == "<5")
                #expect(project["employment"] as? String != "1", "a cell of one person is never shown")
            }
            try await client.execute(uri: "/participants/report?round=JS/2021&at=12m", method: .get, headers: try await headers(as: Self.manager)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(parsed(String(buffer: response.body)) == parsed(shown12))
            }
            let unknown = try CLIRunner.run(["participant", "report", "--round", "JS/2019", "--as", Self.manager], database: db)
            #expect(unknown.exitCode == 1)
            try await client.execute(uri: "/participants/report?round=JS/2019", method: .get, headers: try await headers(as: Self.manager)) { response in
                #expect(response.status.code >= 400 && response.status.code < 500, "\(String(buffer: response.body))")
                let detail = try #require(obj(response)["detail"] as? String)
                #expect(unknown.stderr.contains(detail), "\(unknown.stderr)")
            }
        }
        #expect(try count(db, aggregates) == 4)
    }

    @Test("GET /participants/access-log: an auditor reads the CLI's entries, newest first, since and limit; a caseworker reads psql's 42501 as a 403")
    func accessLog() async throws {
        let db = try scene()
        defer { db.drop() }
        let denied = try psql(db, as: Self.caseworker, "SELECT * FROM tilskot.participant_access_log")
        #expect(denied.sqlstate == "42501")
        let shown = try cli(["participant", "log", "--format", "json", "--as", Self.auditor], db)
        let newest = try cli(["participant", "log", "--limit", "1", "--since", "2021-01-01", "--format", "json", "--as", Self.auditor], db)
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/participants/access-log", method: .get, headers: try await headers(as: Self.auditor)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(parsed(String(buffer: response.body)) == parsed(shown))
                let entries = arr(response)
                #expect(entries.count == 3)
                #expect(entries.map { $0["action"] as? String } == ["add", "add", "add"])
                #expect(entries.allSatisfy { $0["actor"] as? String == Self.caseworker && $0["reference"] as? String == "JS-2021-0001" })
                let ids = entries.compactMap { $0["id"] as? Int }
                #expect(ids == ids.sorted(by: >))
            }
            try await client.execute(uri: "/participants/access-log?limit=1&since=2021-01-01", method: .get,
                                     headers: try await headers(as: Self.auditor)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(parsed(String(buffer: response.body)) == parsed(newest))
                #expect(arr(response).count == 1)
            }
            try await client.execute(uri: "/participants/access-log?since=2099-01-01", method: .get, headers: try await headers(as: Self.auditor)) { response in
                #expect(response.status == .ok)
                #expect(arr(response).isEmpty)
            }
            try await client.execute(uri: "/participants/access-log", method: .get, headers: try await headers(as: Self.caseworker)) { response in
                #expect(response.status == .forbidden, "\(String(buffer: response.body))")
                #expect(obj(response)["sqlstate"] as? String == denied.sqlstate)
                let detail = try #require(obj(response)["detail"] as? String)
                #expect(detail.contains("participant_access_log"), "\(detail)")
            }
        }
        // Reading the log is not itself logged (it holds no participant data).
        #expect(try count(db, "SELECT count(*)::int FROM tilskot.participant_access_log") == 3)
    }
}
