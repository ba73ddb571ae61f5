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

/// Reports, the 360Giving export and the audit log through `tilskot serve` (I19-S3): the rows the
/// CLI's `--format json` / `--format csv` print, the export streamed byte for byte as
/// `export 360giving` writes it, the audit log a page at a time.
@Suite("tilskot serve: reports, export, audit")
struct ReportRouteTests: ServerRouteSuite {
    static let caseworker = "s3r_kari"
    static let manager = "s3r_mona"
    static let auditor = "s3r_aud"

    /// JS/2021: Oslo granted 1 000 000 kr, Stavanger rejected.
    func scene() throws -> TestDatabase {
        let (k, m) = (Self.caseworker, Self.manager)
        return try TestDatabase.scene(
            users: [Self.caseworker: .caseworker, Self.manager: .manager, Self.auditor: .auditor],
            steps: [
                ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
                ["round", "open", "JS/2021", "--frame", "10 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
                ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", k],
                ["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103", "--as", k],
                ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen i Oslo",
                 "--amount", "1 000 000", "--received", "2021-02-01", "--as", k],
                ["application", "register", "--round", "JS/2021", "--org", "964965226", "--title", "Jobbsjansen i Stavanger",
                 "--amount", "500 000", "--received", "2021-02-02", "--as", k],
                ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", k],
                ["application", "assess", "JS-2021-0002", "--score", "2", "--recommend", "reject", "--as", k],
                ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--date", "2021-04-15", "--as", m],
                ["application", "decide", "JS-2021-0002", "--reject", "--reasons", "Ramma", "--date", "2021-04-15", "--as", m],
            ])
    }

    @Test("each report: the rows of the CLI's --format json, and its CSV by Accept; a year out of range is 422")
    func reports() async throws {
        let db = try scene()
        defer { db.drop() }
        let mona = try await headers(as: Self.manager, contentType: nil)
        let monaCSV = try await headers(as: Self.manager, accept: "text/csv", contentType: nil)
        let cases: [(uri: String, cli: [String])] = [
            ("/reports/summary?year=2021", ["report", "summary", "--year", "2021"]),
            ("/reports/geography?year=2021&by=municipality", ["report", "geography", "--year", "2021", "--by", "municipality"]),
            ("/reports/applicants?year=2021", ["report", "applicants", "--year", "2021"]),
            ("/reports/trend?scheme=JS&from=2020&to=2021", ["report", "trend", "--scheme", "JS", "--from", "2020", "--to", "2021"]),
            ("/reports/caseload?year=2021", ["report", "caseload", "--year", "2021"]),
            ("/reports/followup?year=2021", ["report", "followup", "--year", "2021"]),
        ]
        try await app(db).test(.router) { client in
            for c in cases {
                let json = try cli(c.cli + ["--format", "json", "--as", Self.manager], db)
                let csv = try cli(c.cli + ["--format", "csv", "--as", Self.manager], db)
                try await client.execute(uri: c.uri, method: .get, headers: mona) { response in
                    #expect(response.status == .ok, "\(c.uri): \(String(buffer: response.body))")
                    let seen = parsed(String(buffer: response.body))
                    #expect(seen != nil && seen == parsed(json), "\(c.uri): \(String(buffer: response.body)) / \(json)")
                }
                try await client.execute(uri: c.uri, method: .get, headers: monaCSV) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                    #expect(String(buffer: response.body) == csv, "\(c.uri)")
                }
            }
            try await client.execute(uri: "/reports/summary?year=1900", method: .get, headers: mona) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
    }

    @Test("the equality section as one HTML page")
    func equality() async throws {
        let db = try scene()
        defer { db.drop() }
        let mona = try await headers(as: Self.manager, contentType: nil)
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/reports/equality?year=2021&lang=en", method: .get, headers: mona) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let page = String(buffer: response.body)
                #expect(page.contains("<html") && page.contains("Jobbsjansen"), "\(page.prefix(400))")
            }
            try await client.execute(uri: "/reports/equality?year=2019", method: .get, headers: mona) { response in
                #expect(response.status == .unprocessableContent, "\(String(buffer: response.body))")
                let problem = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any]
                #expect((problem?["detail"] as? String)?.contains("there are no rounds in 2019") == true)
            }
        }
    }

    @Test("the 360Giving export streamed: byte for byte what `export 360giving` writes; a year without grants is a problem, not half a file")
    func giving360() async throws {
        let db = try scene()
        defer { db.drop() }
        let expected = try cli(["export", "360giving", "--year", "2021", "--as", Self.manager], db)
        let empty = try CLIRunner.run(["export", "360giving", "--year", "2020", "--as", Self.manager], database: db)
        #expect(empty.exitCode == 1)
        let mona = try await headers(as: Self.manager, contentType: nil)
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/exports/360giving?year=2021", method: .get, headers: mona) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(String(buffer: response.body) == expected)
                #expect(expected.contains("NO-BRC-958935420"))
            }
            try await client.execute(uri: "/exports/360giving?year=2020", method: .get, headers: mona) { response in
                #expect(response.status == .unprocessableContent, "\(String(buffer: response.body))")
                let problem = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any]
                let detail = problem?["detail"] as? String ?? ""
                #expect(!detail.isEmpty && empty.stderr.contains(detail), "\(detail) / \(empty.stderr)")
            }
            var none = HTTPFields()
            none[.accept] = "application/json"
            try await client.execute(uri: "/exports/360giving?year=2021", method: .get, headers: none) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test("the audit log a page at a time: the pages together are `audit list --format json`; a cursor this server did not give is a 400, one past the end an empty page")
    func auditPaging() async throws {
        let db = try scene()
        defer { db.drop() }
        let expected = try #require(parsed(try cli(["audit", "list", "--application", "JS-2021-0001", "--format", "json",
                                                    "--as", Self.auditor], db)) as? [[String: Any]])
        let expectedIDs = expected.compactMap { $0["id"] as? Int }
        #expect(expectedIDs.count >= 3)
        let aud = try await headers(as: Self.auditor, contentType: nil)
        try await app(db).test(.router) { client in
            var ids: [Int] = []
            var cursor: String?
            var pages = 0
            repeat {
                let uri = "/audit?application=JS-2021-0001&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                cursor = try await client.execute(uri: uri, method: .get, headers: aud) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    let page = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
                    let items = page["items"] as? [[String: Any]] ?? []
                    #expect(items.count <= 2)
                    ids += items.compactMap { $0["id"] as? Int }
                    return page["next_cursor"] as? String
                }
                pages += 1
            } while cursor != nil && pages < 50
            #expect(ids == expectedIDs)
            #expect(pages == (expectedIDs.count + 1) / 2)
            try await client.execute(uri: "/audit?cursor=nonsense", method: .get, headers: aud) { response in
                #expect(response.status == .badRequest)
            }
            // The old offset form with the largest number: refused, not added to (which would stop the server).
            let offset = Data("p:9223372036854775807".utf8).base64EncodedString()
            try await client.execute(uri: "/audit?cursor=\(offset)", method: .get, headers: aud) { response in
                #expect(response.status == .badRequest)
            }
            // A cursor past the last event: an empty last page.
            let past = Data("{\"after\":9223372036854775807}".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            try await client.execute(uri: "/audit?cursor=\(past)", method: .get, headers: aud) { response in
                #expect(response.status == .ok)
                let page = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
                #expect((page["items"] as? [Any])?.isEmpty == true && page["next_cursor"] == nil)
            }
        }
    }
}

/// Users through `tilskot serve` and `tilskot user link` (I19-S3): the admin functions, whose
/// refusals are the database's sentences, the same in psql, the CLI and the API.
@Suite("tilskot serve: users and identity links")
struct UserRouteTests: ServerRouteSuite {
    static let admin = "s3u_adm"
    static let caseworker = "s3u_kari"
    static let newcomer = "s3u_nils"
    static let issuer = "https://idp.example.no"

    @Test("`tilskot user link` and POST /users/{login}/links: an administrator links; a caseworker reads the database's sentence in psql, the CLI and the API")
    func link() async throws {
        let db = try TestDatabase.scene(users: [Self.admin: .admin, Self.caseworker: .caseworker], steps: [])
        defer { db.drop() }
        let refused = try psql(db, as: Self.caseworker, "SELECT tilskot.user_link('\(Self.caseworker)', '\(Self.issuer)', 'sub-x')").sentence
        #expect(refused.contains("is not an administrator"))
        let cliRefused = try CLIRunner.run(["user", "link", Self.caseworker, "--issuer", Self.issuer, "--subject", "sub-x",
                                            "--as", Self.caseworker], database: db)
        #expect(cliRefused.exitCode == 1)
        #expect(cliRefused.stderr.contains(refused), "\(cliRefused.stderr)")
        let linked = try CLIRunner.run(["user", "link", Self.caseworker, "--issuer", Self.issuer, "--subject", "sub-kari",
                                        "--as", Self.admin], database: db)
        #expect(linked.exitCode == 0, "\(linked.stderr)")
        #expect(linked.stdout.contains("\(Self.caseworker) is now linked to subject sub-kari"))
        #expect(try db.connect().queryValue("SELECT tilskot.token_login($1, $2)", [Self.issuer, "sub-kari"], as: String.self)
                == Self.caseworker)
        try await app(db).test(.router) { client in
            let body = #"{"issuer":"\#(Self.issuer)","subject":"sub-kari-2"}"#
            try await client.execute(uri: "/users/\(Self.caseworker)/links", method: .post,
                                     headers: try await headers(as: Self.caseworker, key: "l-0"), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .forbidden, "\(String(buffer: response.body))")
                #expect(obj(response)["detail"] as? String == refused.replacingOccurrences(of: "sub-x", with: "sub-kari-2"))
            }
            try await client.execute(uri: "/users/\(Self.caseworker)/links", method: .post,
                                     headers: try await headers(as: Self.admin, key: "l-1"), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(obj(response)["subject"] as? String == "sub-kari-2")
            }
        }
        #expect(try db.connect().queryValue("SELECT tilskot.token_login($1, $2)", [Self.issuer, "sub-kari-2"], as: String.self)
                == Self.caseworker)
    }

    @Test("users: list, add, a conflicting role's warning, role removed, disabled; a caseworker adding is refused")
    func users() async throws {
        let db = try TestDatabase.scene(users: [Self.admin: .admin, Self.caseworker: .caseworker], steps: [])
        defer { db.drop() }
        let refused = try psql(db, as: Self.caseworker, "SELECT tilskot.user_add('\(Self.newcomer)', 'tilskot_caseworker', NULL)").sentence
        try await app(db).test(.router) { client in
            let add = #"{"login":"\#(Self.newcomer)","role":"caseworker","reason":"ny tilsett"}"#
            try await client.execute(uri: "/users", method: .post, headers: try await headers(as: Self.caseworker, key: "u-0"),
                                     body: ByteBuffer(string: add)) { response in
                #expect(response.status == .forbidden, "\(String(buffer: response.body))")
                #expect(obj(response)["detail"] as? String == refused)
            }
            try await client.execute(uri: "/users", method: .post, headers: try await headers(as: Self.admin, key: "u-1"),
                                     body: ByteBuffer(string: add)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(obj(response)["user"] as? String == Self.newcomer)
                #expect((obj(response)["roles"] as? String)?.contains("caseworker") == true)
            }
            try await client.execute(uri: "/users/\(Self.newcomer)/roles", method: .post, headers: try await headers(as: Self.admin, key: "u-2"),
                                     body: ByteBuffer(string: #"{"role":"finance"}"#)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect((obj(response)["roles"] as? String)?.contains("finance") == true)
                #expect((obj(response)["warning"] as? String)?.isEmpty == false, "\(String(buffer: response.body))")
            }
            try await client.execute(uri: "/users/\(Self.newcomer)/roles/finance?reason=feil", method: .delete,
                                     headers: try await headers(as: Self.admin)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect((obj(response)["roles"] as? String)?.contains("finance") == false)
            }
            try await client.execute(uri: "/users/\(Self.newcomer)/disable", method: .post, headers: try await headers(as: Self.admin, key: "u-3"),
                                     body: ByteBuffer(string: #"{"reason":"slutta"}"#)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(obj(response)["disabled"] as? String == "yes")
            }
            let cli = try CLIRunner.run(["user", "list", "--format", "json", "--as", Self.admin], database: db)
            let expected = (try? JSONSerialization.jsonObject(with: Data(cli.stdout.utf8))) as? NSArray
            try await client.execute(uri: "/users", method: .get, headers: try await headers(as: Self.admin)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let seen = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? NSArray
                #expect(seen != nil && seen == expected)
            }
        }
        // Let the next run of this suite add the user again.
        _ = try? db.connect().execute("SELECT tilskot.user_add($1, 'tilskot_caseworker', NULL)", [Self.newcomer])
    }
}
