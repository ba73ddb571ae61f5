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

/// The plumbing the route suites of `tilskot serve` share: a server on a test database (its pool
/// logs in as tilskot_authenticator), local tokens under one key, request headers, the JSON of a
/// response, a case's ETag, and what psql or the CLI says for the same step. A suite conforming to
/// `ServerRouteSuite` calls these as its own members (`headers(token)`, `obj(response)`).
enum ServerHarness {
    /// The HS256 key of the local tokens every suite's server accepts.
    static let key: [UInt8] = Array("tilskot-server-harness-key-0123456789abcdef".utf8)

    /// A token verifier with the local key and, when given, an identity provider's JWKS document,
    /// issuer, audience and the claim naming the subject (`serve --token-subject-claim`).
    static func tokens(jwks: String? = nil, issuer: String? = nil, audience: String? = nil,
                       subjectClaim: String = TokenVerifier.defaultSubjectClaim) async throws -> TokenVerifier {
        try await TokenVerifier(localKey: key, jwks: jwks, issuer: issuer, audience: audience, subjectClaim: subjectClaim)
    }

    /// The server's configuration for `db`: a quiet logger; `tokens` defaults to the local key only;
    /// `schemaRecheck` nil keeps the server's default interval.
    static func configuration(_ db: TestDatabase, pool: Int = 2, acquireTimeout: Duration = .seconds(5), debugRoutes: Bool = false,
                              schemaRecheck: Duration? = nil, tokens: TokenVerifier? = nil) async throws -> ServerConfiguration {
        var logger = Logger(label: "tilskot.serve.test")
        logger.logLevel = .warning
        let verifier: TokenVerifier
        if let tokens { verifier = tokens } else { verifier = try await Self.tokens() }
        var configuration = ServerConfiguration(
            database: DatabaseTarget(conninfo: db.url(asLogin: "tilskot_authenticator"), source: .explicit),
            poolSize: pool, acquireTimeout: acquireTimeout, tokens: verifier, logger: logger, debugRoutes: debugRoutes)
        if let schemaRecheck { configuration.schemaRecheck = schemaRecheck }
        return configuration
    }

    static func app(_ db: TestDatabase, pool: Int = 2, acquireTimeout: Duration = .seconds(5), debugRoutes: Bool = false,
                    schemaRecheck: Duration? = nil, tokens: TokenVerifier? = nil) async throws -> some ApplicationProtocol {
        try buildApplication(try await configuration(db, pool: pool, acquireTimeout: acquireTimeout, debugRoutes: debugRoutes,
                                                     schemaRecheck: schemaRecheck, tokens: tokens))
    }

    /// A local token for `user`, valid ten minutes.
    static func token(_ user: String) async throws -> String {
        try await TokenVerifier.issueLocal(login: user, ttl: 3600, key: key)
    }

    /// Bearer `token` (none when nil), an Idempotency-Key, If-Match and Accept when given, and the
    /// body's content type (none when nil).
    static func headers(_ token: String?, key: String? = nil, ifMatch: String? = nil, accept: String? = nil,
                        contentType: String? = "application/json") -> HTTPFields {
        var fields = HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        if let key { fields[HTTPField.Name("Idempotency-Key")!] = key }
        if let ifMatch { fields[.ifMatch] = ifMatch }
        if let accept { fields[.accept] = accept }
        if let contentType { fields[.contentType] = contentType }
        return fields
    }

    /// `headers` with a fresh token for `user`.
    static func headers(as user: String, key: String? = nil, ifMatch: String? = nil, accept: String? = nil,
                        contentType: String? = "application/json") async throws -> HTTPFields {
        headers(try await token(user), key: key, ifMatch: ifMatch, accept: accept, contentType: contentType)
    }

    /// The case's ETag (GET /applications/{reference}), for If-Match on a change to it; the read
    /// must be answered.
    static func etag(_ client: some TestClientProtocol, _ reference: String, _ token: String) async throws -> String {
        try await client.execute(uri: "/applications/\(reference)", method: .get, headers: headers(token)) { response in
            #expect(response.status == .ok)
            return try #require(response.headers[.eTag])
        }
    }

    /// The case's ETag as a client reads it, nil when the response has none.
    static func etagOrNil(_ client: some TestClientProtocol, _ reference: String, _ token: String) async throws -> String? {
        try await client.execute(uri: "/applications/\(reference)", method: .get, headers: headers(token)) { $0.headers[.eTag] }
    }

    static func json(_ response: TestResponse) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(buffer: response.body))
    }

    /// The body's JSON object; the test stops when it is not one.
    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try json(response) as? [String: Any], "\(String(buffer: response.body))")
    }

    /// The body's JSON array; the test stops when it is not one.
    static func array(_ response: TestResponse) throws -> [[String: Any]] {
        try #require(try json(response) as? [[String: Any]], "\(String(buffer: response.body))")
    }

    /// Non-throwing forms for #expect (empty when the body is not the JSON expected).
    static func obj(_ body: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    static func obj(_ response: TestResponse) -> [String: Any] {
        obj(response.body)
    }

    static func arr(_ response: TestResponse) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [[String: Any]] ?? []
    }

    /// Any JSON text (a bare scalar too) as a comparable object; nil when it is not JSON.
    static func parsed(_ text: String) -> NSObject? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) as? NSObject
    }

    /// The CLI's stdout (exit 0 required).
    static func cli(_ arguments: [String], _ db: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try CLIRunner.run(arguments, database: db)
        #expect(result.exitCode == 0, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// The sentence and SQLSTATE psql shows `login` for `sql` (in a transaction rolled back); an
    /// issue is recorded when psql is not refused.
    static func psql(_ db: TestDatabase, as login: String, _ sql: String,
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> (sentence: String, sqlstate: String) {
        let c = try db.connect(asLogin: login)
        do {
            try c.execute("BEGIN")
            try c.execute(sql)
            try c.execute("ROLLBACK")
        } catch {
            _ = try? c.execute("ROLLBACK")
            return (error.message, error.sqlState)
        }
        Issue.record("psql was not refused: \(sql)", sourceLocation: sourceLocation)
        return ("", "")
    }

    /// What psql shows `login` for `sql` with `parameters` (SQLSTATE and sentence), or nil when it
    /// passes; either way nothing is kept.
    static func psqlSentence(_ db: TestDatabase, _ login: String, _ sql: String,
                             _ parameters: [String?] = []) throws -> (sqlstate: String, message: String)? {
        let c = try db.connect(asLogin: login)
        do {
            try c.transaction { try c.execute(sql, parameters) ; throw CancellationError() }
        } catch let error as PGError {
            return (error.sqlState, error.message)
        } catch is CancellationError {
            return nil
        }
        return nil
    }

    /// The response is a problem document of `status` carrying psql's sentence and SQLSTATE.
    static func expectProblem(_ response: TestResponse, _ status: HTTPResponse.Status, _ expected: (sentence: String, sqlstate: String),
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
        let problem = obj(response)
        #expect(problem["detail"] as? String == expected.sentence, sourceLocation: sourceLocation)
        #expect(problem["sqlstate"] as? String == expected.sqlstate, sourceLocation: sourceLocation)
    }

    /// An integer the superuser reads (-1 when the query gives none).
    static func count(_ db: TestDatabase, _ sql: String, _ parameters: [String?] = []) throws -> Int {
        try db.connect().queryValue(sql, parameters, as: Int.self) ?? -1
    }
}

/// A route suite: the harness's helpers as its members.
protocol ServerRouteSuite {}

extension ServerRouteSuite {
    func app(_ db: TestDatabase, pool: Int = 2, acquireTimeout: Duration = .seconds(5), debugRoutes: Bool = false,
             schemaRecheck: Duration? = nil, tokens: TokenVerifier? = nil) async throws -> some ApplicationProtocol {
        try await ServerHarness.app(db, pool: pool, acquireTimeout: acquireTimeout, debugRoutes: debugRoutes,
                                    schemaRecheck: schemaRecheck, tokens: tokens)
    }

    func token(_ user: String) async throws -> String {
        try await ServerHarness.token(user)
    }

    func headers(_ token: String?, key: String? = nil, ifMatch: String? = nil, accept: String? = nil,
                 contentType: String? = "application/json") -> HTTPFields {
        ServerHarness.headers(token, key: key, ifMatch: ifMatch, accept: accept, contentType: contentType)
    }

    func headers(as user: String, key: String? = nil, ifMatch: String? = nil, accept: String? = nil,
                 contentType: String? = "application/json") async throws -> HTTPFields {
        try await ServerHarness.headers(as: user, key: key, ifMatch: ifMatch, accept: accept, contentType: contentType)
    }

    func etag(_ client: some TestClientProtocol, _ reference: String, _ token: String) async throws -> String {
        try await ServerHarness.etag(client, reference, token)
    }

    func etagOrNil(_ client: some TestClientProtocol, _ reference: String, _ token: String) async throws -> String? {
        try await ServerHarness.etagOrNil(client, reference, token)
    }

    func json(_ response: TestResponse) throws -> Any { try ServerHarness.json(response) }
    func object(_ response: TestResponse) throws -> [String: Any] { try ServerHarness.object(response) }
    func array(_ response: TestResponse) throws -> [[String: Any]] { try ServerHarness.array(response) }
    func obj(_ response: TestResponse) -> [String: Any] { ServerHarness.obj(response) }
    func arr(_ response: TestResponse) -> [[String: Any]] { ServerHarness.arr(response) }
    func parsed(_ text: String) -> NSObject? { ServerHarness.parsed(text) }

    func cli(_ arguments: [String], _ db: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try ServerHarness.cli(arguments, db, sourceLocation: sourceLocation)
    }

    func psql(_ db: TestDatabase, as login: String, _ sql: String,
              sourceLocation: SourceLocation = #_sourceLocation) throws -> (sentence: String, sqlstate: String) {
        try ServerHarness.psql(db, as: login, sql, sourceLocation: sourceLocation)
    }

    func psqlSentence(_ db: TestDatabase, _ login: String, _ sql: String,
                      _ parameters: [String?] = []) throws -> (sqlstate: String, message: String)? {
        try ServerHarness.psqlSentence(db, login, sql, parameters)
    }

    func expectProblem(_ response: TestResponse, _ status: HTTPResponse.Status, _ expected: (sentence: String, sqlstate: String),
                       sourceLocation: SourceLocation = #_sourceLocation) {
        ServerHarness.expectProblem(response, status, expected, sourceLocation: sourceLocation)
    }

    func count(_ db: TestDatabase, _ sql: String, _ parameters: [String?] = []) throws -> Int {
        try ServerHarness.count(db, sql, parameters)
    }
}

/// A connection handed to the test's request closures; used by one of them at a time.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
