import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import PGClient
import Testing
import TilskotServer
import TilskotStore
import TilskotTestSupport

/// The portal user through `tilskot serve` (issue 19): a machine client registers through
/// POST /applications (the same service as the CLI) and reads GET /applications/{reference}/status
/// of its own applications; another's is 404 like an unknown reference, and everything else is 403
/// (the database's grants and row-level security: SQL/schema/21_portal.sql). Maskinporten tokens
/// name the client's organisation number in `consumer.ID`, not `sub` (--token-subject-claim).
@Suite("tilskot serve: the portal user")
struct PortalRouteTests: ServerRouteSuite {
    static let manager = "prt_mona"
    static let caseworker = "prt_kari"
    static let portalX = "prt_portal_x"
    static let portalY = "prt_portal_y"

    /// JS/2021: JS-2021-0001 a caseworker's; JS-2021-0002 portal Y's (external ref Y-1).
    func scene() throws -> TestDatabase {
        let users: [String: UserRole] = [Self.manager: .manager, Self.caseworker: .caseworker, Self.portalX: .portal, Self.portalY: .portal]
        let steps: [[String]] = [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "4 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Staff one",
             "--amount", "1 000 000", "--received", "2021-02-01", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Portal Y one",
             "--amount", "500 000", "--received", "2021-02-02", "--external-ref", "Y-1", "--as", Self.portalY],
        ]
        return try TestDatabase.scene(users: users, steps: steps)
    }

    @Test("a portal registers, reads its status; another's application is 404 with the unknown reference's sentence")
    func registerAndStatus() async throws {
        let db = try scene()
        defer { db.drop() }
        let x = try await token(Self.portalX)
        let body = #"{"round":"JS/2021","orgnr":"958935420","title":"Portal X one","amount_ore":50000000,"received":"2021-02-10","external_ref":"X-1"}"#
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/applications", method: .post, headers: headers(x, key: "p-1"), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(response.headers[.location] == "/applications/JS-2021-0003")
            }
            try await client.execute(uri: "/applications/JS-2021-0003/status", method: .get, headers: headers(x)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let seen = try object(response)
                #expect(seen["reference"] as? String == "JS-2021-0003")
                #expect(seen["external_ref"] as? String == "X-1")
                #expect(seen["status"] as? String == "received")
                #expect(seen["received"] as? String == "2021-02-10")
                #expect(seen["decision_date"] == nil || seen["decision_date"] is NSNull)
                #expect(Set(seen.keys).isSubset(of: ["reference", "external_ref", "status", "received", "decision_date"]))
            }
            // Another portal's and a caseworker's application answer exactly as one that does not exist.
            func problem(_ reference: String) async throws -> (HTTPResponse.Status, String?) {
                try await client.execute(uri: "/applications/\(reference)/status", method: .get, headers: headers(x)) { response in
                    (response.status, try object(response)["detail"] as? String)
                }
            }
            let unknown = try await problem("JS-2021-0999")
            #expect(unknown.0 == .notFound)
            #expect(unknown.1 == "there is no application JS-2021-0999; see `tilskot application list`")
            for reference in ["JS-2021-0001", "JS-2021-0002"] {
                let seen = try await problem(reference)
                #expect(seen.0 == .notFound)
                #expect(seen.1 == unknown.1?.replacingOccurrences(of: "JS-2021-0999", with: reference))
            }
            // Staff read the status of any application; the registering portal of its own.
            try await client.execute(uri: "/applications/JS-2021-0002/status", method: .get, headers: headers(try await token(Self.caseworker))) { response in
                #expect(response.status == .ok)
                let seen = try object(response)
                #expect(seen["external_ref"] as? String == "Y-1")
            }
            try await client.execute(uri: "/applications/JS-2021-0002/status", method: .get, headers: headers(try await token(Self.portalY))) { response in
                #expect(response.status == .ok)
            }
        }
        // psql reads the same: the portal's login sees its own application and no other.
        let seen = try db.connect(asLogin: Self.portalX).query("SELECT reference FROM tilskot.application").map { try $0.string("reference") }
        #expect(seen == ["JS-2021-0003"])
    }

    @Test("everything else is 403 with SQLSTATE 42501: the case, assigning, organisations, rounds, reports; the list holds its own applications only")
    func nothingElse() async throws {
        let db = try scene()
        defer { db.drop() }
        let y = try await token(Self.portalY)
        // What psql's portal login reads for the case read: the case document's function is for
        // staff only (SQL/schema/22_case_read.sql), a portal has only the status.
        var refusal = ""
        do {
            _ = try db.connect(asLogin: Self.portalY).execute("SELECT tilskot.application_case('JS-2021-0002')")
        } catch let error as PGError {
            refusal = error.message
        }
        let psql = refusal
        #expect(psql == "permission denied for function application_case")
        try await app(db).test(.router) { client in
            let forbidden: [(String, HTTPRequest.Method, String?)] = [
                ("/applications/JS-2021-0002", .get, nil),
                ("/applications/JS-2021-0002/assignments", .post, #"{}"#),
                ("/organisations", .get, nil),
                ("/organisations/958935420", .get, nil),
                ("/reports/summary?year=2021", .get, nil),
                ("/rounds/JS/2021", .get, nil),
                ("/users", .get, nil),
            ]
            for (uri, method, body) in forbidden {
                var fields = headers(y, key: "n-\(uri)")
                fields[.ifMatch] = "\"0\""
                try await client.execute(uri: uri, method: method, headers: fields,
                                         body: body.map { ByteBuffer(string: $0) }) { response in
                    #expect(response.status == .forbidden, "\(uri): \(String(buffer: response.body))")
                    let problem = try object(response)
                    #expect(problem["sqlstate"] as? String == "42501", "\(uri)")
                    #expect((problem["detail"] as? String)?.contains("permission denied for") == true, "\(uri)")
                }
            }
            // The case read of its own application refuses as psql does.
            try await client.execute(uri: "/applications/JS-2021-0002", method: .get, headers: headers(y)) { response in
                let detail = try object(response)["detail"] as? String
                #expect(detail?.contains(psql) == true, "\(detail ?? "")")
            }
            // The list reads the same rows as the status: the portal's own applications, no other.
            try await client.execute(uri: "/applications", method: .get, headers: headers(y)) { response in
                #expect(response.status == .ok)
                let items = try object(response)["items"] as? [[String: Any]]
                #expect(items?.map { $0["reference"] as? String } == ["JS-2021-0002"])
            }
        }
    }

    @Test("every GET the API document lists, asked by a portal about its own application: nothing answers 200 but its list, its status and the public routes")
    func everyRead() async throws {
        let db = try scene()
        defer { db.drop() }
        let y = try await token(Self.portalY)
        try await app(db).test(.router) { client in
            let document = try await client.execute(uri: "/openapi.yaml", method: .get) { String(buffer: $0.body) }
            // The paths with a `get:` (two-space paths, four-space methods, as the document is written).
            var paths: [String] = []
            var path: String?
            for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()) }
                else if !line.hasPrefix(" ") { path = nil }
                if let path, line == "    get:" { paths.append(path) }
            }
            #expect(paths.count >= 40, "\(paths)")
            let values = ["reference": "JS-2021-0002", "kind": "decision", "code": "JS", "scheme": "JS", "year": "2021",
                          "orgnr": "958935420", "id": "1", "login": Self.manager]
            // Besides its own: the installation's time zone, in which every client's dates are
            // days, is readable by every role by design (SQL/schema/19_operations.sql).
            let open: Set<String> = ["/health/live", "/health/ready", "/applications", "/applications/{reference}/status", "/installation"]
            var answered: [String] = []
            for template in paths where !open.contains(template) {
                var uri = template
                for (name, value) in values { uri = uri.replacingOccurrences(of: "{\(name)}", with: value) }
                #expect(!uri.contains("{"), "\(template)")
                let status = try await client.execute(uri: uri + "?year=2021&round=JS/2021&date=2021-03-01", method: .get,
                                                      headers: headers(y)) { $0.status }
                if status.code < 300 { answered.append("\(template) \(status.code)") }
            }
            #expect(answered.isEmpty, "\(answered)")
        }
    }

    /// An RSA key made by openssl (the test's own, thrown away after).
    static func rsaKey() throws -> Insecure.RSA.PrivateKey {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let pem = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try Insecure.RSA.PrivateKey(pem: String(decoding: pem, as: UTF8.self))
    }

    struct MaskinportenClaims: JWTPayload {
        struct Consumer: Codable, Sendable {
            var authority: String
            var ID: String
        }
        var iss: IssuerClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var scope: String
        var consumer: Consumer?
        var sub: SubjectClaim?
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    @Test("a Maskinporten token (RS256) names the client's organisation in consumer.ID: linked, it acts as the portal user; without the claim, or read from sub, it is 401")
    func maskinporten() async throws {
        let db = try scene()
        defer { db.drop() }
        let issuer = "https://maskinporten.no/"
        let audience = "https://tilskot.example.no"
        let orgID = "0192:921234567"
        let key = try Self.rsaKey()
        let (n, e) = try key.publicKey.getKeyPrimitives()
        func b64url(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let jwks = #"{"keys":[{"kty":"RSA","n":"\#(b64url(n))","e":"\#(b64url(e))","kid":"mp-1","alg":"RS256","use":"sig"}]}"#
        let signer = await JWTKeyCollection().add(rsa: key, digestAlgorithm: .sha256, kid: "mp-1")
        func token(consumer: String?, sub: String? = nil) async throws -> String {
            try await signer.sign(MaskinportenClaims(
                iss: .init(value: issuer), aud: .init(value: [audience]), exp: .init(value: Date().addingTimeInterval(3600)),  // an hour: a loaded CI may take minutes between signing and use
                scope: "tilskot:applications", consumer: consumer.map { .init(authority: "iso6523-actorid-upis", ID: $0) },
                sub: sub.map { .init(value: $0) }), kid: "mp-1")
        }
        // The administrator links the organisation number to the portal's login, as
        // `tilskot user link --issuer https://maskinporten.no/ --subject 0192:921234567 prt_portal_y` does.
        _ = try db.connectAsAdmin().execute("SELECT tilskot.user_link($1, $2, $3)", [Self.portalY, issuer, orgID])
        let linked = try await token(consumer: orgID)
        let otherOrg = try await token(consumer: "0192:999999999")
        let noConsumer = try await token(consumer: nil, sub: orgID)
        let byConsumer = try await ServerHarness.tokens(jwks: jwks, issuer: issuer, audience: audience,
                                                      subjectClaim: try TokenVerifier.parseSubjectClaim("consumer.ID"))
        try await app(db, tokens: byConsumer).test(.router) { client in
            func status(_ token: String, _ uri: String = "/applications/JS-2021-0002/status") async throws -> HTTPResponse.Status {
                try await client.execute(uri: uri, method: .get, headers: headers(token)) { $0.status }
            }
            let own = try await status(linked)
            let another = try await status(linked, "/applications/JS-2021-0001/status")
            let unlinked = try await status(otherOrg)
            // The configured claim only: `sub` is never read in its place.
            let bySubInstead = try await status(noConsumer)
            #expect(own == .ok)
            #expect(another == .notFound)
            #expect(unlinked == .unauthorized)
            #expect(bySubInstead == .unauthorized)
        }
        // A provider read by `sub` (the default) finds no subject in a Maskinporten token.
        let bySub = try await ServerHarness.tokens(jwks: jwks, issuer: issuer, audience: audience)
        #expect(await bySub.identity(of: linked) == nil)
        #expect(await bySub.identity(of: noConsumer) == TokenIdentity(issuer: issuer, subject: orgID))
        #expect(await byConsumer.identity(of: linked) == TokenIdentity(issuer: issuer, subject: orgID))
        // A claim path that is not one is wrong usage.
        #expect(throws: TilskotError.self) { try TokenVerifier.parseSubjectClaim("consumer..ID") }
        #expect(throws: TilskotError.self) { try TokenVerifier.parseSubjectClaim("") }
        let plain = try TokenVerifier.parseSubjectClaim("sub")
        #expect(plain == "sub")
    }
}
