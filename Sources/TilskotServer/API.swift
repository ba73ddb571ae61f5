import Foundation
import HTTPTypes
import OpenAPIRuntime
import PGClient
import TilskotCore
import TilskotStore

extension ServerError: OpenAPIUnderlyingError {
    var openAPIUnderlyingError: any Error { underlyingError }
}

/// The handlers of openapi.yaml: each parses its input's form, calls the same service as the CLI
/// command named in the document, inside the request's transaction as the token's user
/// (DatabasePool.request), and returns its result. Refusals are thrown and become problem
/// documents (RequestMiddleware).
struct TilskotAPI: APIProtocol {
    let pool: DatabasePool

    // MARK: - Request plumbing

    static var info: RequestInfo {
        get throws {
            guard let info = RequestInfo.current else { throw Problem(.internalServerError, "no request information") }
            return info
        }
    }

    /// Runs a read as the token's user in a READ ONLY transaction.
    func read<T: Sendable>(_ name: String, _ body: @escaping @Sendable (Session) throws -> T) async throws -> T {
        let info = try Self.info
        guard let identity = info.identity else { throw Problem.unauthorized("a bearer token is required") }
        return try await pool.request(.init(identity: identity, readOnly: true, applicationName: "tilskot serve \(name)"), body)
    }

    /// Runs a change that creates something under an Idempotency-Key (428 without one): a stored
    /// response to the same key and body is returned as it was (status and body), the same key with
    /// another body is refused by the database (23T71 → 422); else `body` runs and its response is
    /// stored in the same transaction (tilskot.idempotency_begin / _finish, SQL/schema/20_server.sql).
    func create(_ name: String, key: String?, _ body: @escaping @Sendable (Session) throws -> Data) async throws -> (status: Int, body: Data) {
        let result = try await storing(name, key: key) { session, _ in (try body(session), nil as Data?) }
        return (result.status, result.body)
    }

    /// `create` for an answer of a type of openapi.yaml: the stored JSON is decoded only for a
    /// replay; a fresh answer is returned as made.
    func create<Answer: Codable & Sendable>(_ name: String, key: String?, answer: Answer.Type,
                                            _ body: @escaping @Sendable (Session) throws -> Answer) async throws -> Answer {
        let result = try await storing(name, key: key) { session, _ in
            let value = try body(session)
            return (try Self.json(value), value)
        }
        return try result.fresh ?? Self.decode(Answer.self, result.body)
    }

    /// A statement sent in the same round trip as the Idempotency-Key's (`storing`).
    typealias Statement = (sql: String, parameters: [any SQLParameter])

    /// The work of `create`. `along` are statements sent in the same round trip as the key's lookup,
    /// after it (each its own statement, so each sees what committed before it began); `body` gets
    /// their rows. They run on a replay too, so they must be harmless there (a read, a claim).
    func storing<Answer: Sendable>(_ name: String, key: String?, along: [Statement] = [],
                                   _ body: @escaping @Sendable (Session, [[Row]]) throws -> (Data, Answer?)) async throws
        -> (status: Int, body: Data, fresh: Answer?) {
        let info = try Self.info
        guard let identity = info.identity else { throw Problem.unauthorized("a bearer token is required") }
        guard let key, !key.isEmpty else {
            throw Problem(.preconditionRequired, "request refused: a POST that creates something needs an Idempotency-Key header (a new random value per request, e.g. a UUID); send the same key again to repeat the request safely")
        }
        // The fingerprint: SHA-256 of method, path and body, computed by the database.
        let material = Data((info.method + " " + info.path + "\n").utf8 + info.body).base64EncodedString()
        return try await pool.request(.init(identity: identity, readOnly: false, applicationName: "tilskot serve \(name)")) { session in
            let c = session.connection
            // One round trip: the fingerprint and the key's stored response, and `along`. A PGError
            // 23T71 is thrown for a key used with another request (422) or still running (409).
            let answers = try c.pipeline([("""
                SELECT b.status, b.response, f.fingerprint
                  FROM (SELECT encode(sha256(decode($2, 'base64')), 'hex') AS fingerprint) f,
                       LATERAL tilskot.idempotency_begin($1, f.fingerprint) b
                """, [key, material])] + along)
            let stored = answers.first?.first
            let fingerprint = stored?["fingerprint"] ?? ""
            if let status = stored?["status"], let response = stored?["response"] {
                return (Int(status) ?? 201, Data(response.utf8), nil)
            }
            let (data, fresh) = try body(session, Array(answers.dropFirst()))
            // The answer is stored with the change: sent together with the COMMIT, in one round trip.
            c.sendWithCommit("SELECT tilskot.idempotency_finish($1, $2, 201, $3)", [key, fingerprint, String(decoding: data, as: UTF8.self)])
            return (201, data, fresh)
        }
    }

    static func parse<T>(_ make: () throws(ValidationError) -> T) throws -> T {
        do {
            return try make()
        } catch {
            throw Problem(.unprocessableContent, error.message)
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: data)
    }

    // MARK: - Health

    func healthLive(_ input: Operations.HealthLive.Input) async throws -> Operations.HealthLive.Output {
        .ok(.init(body: .json(.init(status: "live"))))
    }

    func healthReady(_ input: Operations.HealthReady.Input) async throws -> Operations.HealthReady.Output {
        let comparison: SchemaLevel.Comparison
        do {
            comparison = try await pool.readiness()
        } catch {
            throw Problem(.serviceUnavailable, "not ready: the database cannot be reached", headers: [("Retry-After", "1")])
        }
        guard comparison == .current else {
            throw Problem(.serviceUnavailable, "not ready: \(comparison.sentence ?? "the schema level differs")", headers: [("Retry-After", "5")])
        }
        return .ok(.init(body: .json(.init(status: "ready", schemaLevel: SchemaLevel.bundled))))
    }

    // MARK: - Applications

    func listApplications(_ input: Operations.ListApplications.Input) async throws -> Operations.ListApplications.Output {
        let q = input.query
        let limit = q.limit ?? 100
        guard (1...1000).contains(limit) else {
            throw Problem(.unprocessableContent, "limit \(limit) is outside 1–1000: ask for at most 1 000 applications a page and follow next_cursor")
        }
        var filter = Applications.Filter()
        if let round = q.round { filter.round = try Self.parse { () throws(ValidationError) in try RoundKey(round) } }
        if let status = q.status {
            guard let parsed = ApplicationStatus(rawValue: status) else {
                throw Problem(.unprocessableContent, "status \"\(status)\" is not a status of an application; see /openapi.yaml")
            }
            filter.status = parsed
        }
        // A keyset page: the cursor carries the last row's id (the list's order), and the next page
        // starts after it at the index (Applications.Filter.afterID) rather than skipping rows, so a
        // page costs the same far into the list and a row registered meanwhile shifts nothing.
        filter.afterID = try q.cursor.map(Self.decodeCursor)
        filter.limit = limit + 1
        let chosen = filter
        let rows = try await read("GET /applications") { session in try Applications.list(chosen, session: session) }
        let page = rows.prefix(limit)
        let next = rows.count > limit ? page.last.map { Self.encodeCursor(after: $0.id) } : nil
        return .ok(.init(body: .json(.init(items: page.map { Encoding.summary($0) }, nextCursor: next))))
    }

    /// A cursor of GET /applications and GET /audit: base64url (no padding) of `{"after":ID}`, the
    /// last row's id.
    struct Cursor: Codable { var after: Int64 }

    static func encodeCursor(after id: Int64) -> String {
        let json = (try? JSONEncoder().encode(Cursor(after: id))) ?? Data()
        return json.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The id a cursor carries; 400 for anything this server did not give.
    static func decodeCursor(_ text: String) throws -> Int64 {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let cursor = try? JSONDecoder().decode(Cursor.self, from: data), cursor.after > 0,
              encodeCursor(after: cursor.after) == text else {
            throw Problem(.badRequest, "the cursor is not one this server gave; start again without it")
        }
        return cursor.after
    }

    func registerApplication(_ input: Operations.RegisterApplication.Input) async throws -> Operations.RegisterApplication.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let round = try Self.parse { () throws(ValidationError) in try RoundKey(body.round) }
        let orgnr = try Self.parse { () throws(ValidationError) in try OrganisationNumber(body.orgnr) }
        let received = try body.received.map { text in try Self.parse { () throws(ValidationError) in try CalendarDate(text, field: "received") } }
        let new = Applications.NewApplication(round: round, organisation: orgnr, title: body.title, amount: Money(ore: body.amountOre),
                                              received: received, externalRef: body.externalRef, late: body.late ?? false,
                                              lateReason: body.lateReason)
        let summary = try await create("POST /applications", key: input.headers.idempotencyKey,
                                       answer: Components.Schemas.ApplicationSummary.self) { session in
            let registration = try Applications.register(new, session: session)
            return Encoding.summary(registration.application, alreadyRegistered: registration.alreadyRegistered)
        }
        return .created(.init(headers: .init(location: "/applications/\(summary.reference)"), body: .json(summary)))
    }

    func assessApplication(_ input: Operations.AssessApplication.Input) async throws -> Operations.AssessApplication.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.parse { () throws(ValidationError) in try ApplicationReference(input.path.reference) }
        guard let recommendation = Recommendation(rawValue: body.recommendation.rawValue) else {
            throw Problem(.unprocessableContent, "recommendation \(body.recommendation.rawValue) is not grant, partial or reject")
        }
        let assessment = try await caseChange("POST /applications/{reference}/assessments", reference: reference,
                                              key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch,
                                              answer: Components.Schemas.Assessment.self) { session in
            let record = try Assessments.assess(reference, score: body.score, recommendation: recommendation,
                                                amount: body.amountOre.map { Money(ore: $0) }, notes: body.notes, session: session)
            return Encoding.assessment(record)
        }
        return .created(.init(body: .json(assessment)))
    }

    func decideApplication(_ input: Operations.DecideApplication.Input) async throws -> Operations.DecideApplication.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.parse { () throws(ValidationError) in try ApplicationReference(input.path.reference) }
        let request: DecisionRequest
        switch body.outcome {
        case .grant:
            guard let amount = body.amountOre else {
                throw Problem(.unprocessableContent, "a grant needs amount_ore, the amount granted in øre")
            }
            request = .grant(Money(ore: amount))
        case .reject: request = .reject
        case .dismiss: request = .dismiss
        }
        let date = try body.date.map { text in try Self.parse { () throws(ValidationError) in try CalendarDate(text, field: "date") } }
        let decision = try await caseChange("POST /applications/{reference}/decision", reference: reference,
                                            key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch,
                                            answer: Components.Schemas.Decision.self) { session in
            let record = try Decisions.decide(reference, request, reasons: body.reasons, conditions: body.conditions, date: date,
                                              session: session)
            return Encoding.decision(record)
        }
        return .created(.init(body: .json(decision)))
    }

    // MARK: - Rounds

    func showRound(_ input: Operations.ShowRound.Input) async throws -> Operations.ShowRound.Output {
        let key = try Self.parse { () throws(ValidationError) in
            try RoundKey(scheme: try SchemeCode(input.path.scheme), year: input.path.year)
        }
        let round = try await read("GET /rounds/{scheme}/{year}") { session in try Rounds.show(key, session: session) }
        return .ok(.init(body: .json(Encoding.round(round))))
    }
}
