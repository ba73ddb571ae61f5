import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PGClient
import Prometheus
import TilskotStore

/// What the handlers of one request know beyond their generated input: its id, the verified
/// token's identity, and the raw body and path (the Idempotency-Key's fingerprint). Set by
/// RequestMiddleware around the OpenAPI handler, which runs in the same task.
struct RequestInfo: Sendable {
    var id: String
    var identity: TokenIdentity?
    var method: String
    var path: String
    var body: [UInt8]

    @TaskLocal static var current: RequestInfo?
}

/// Every request: its id (X-Request-Id in, else a new one; always out), one JSON log line, the
/// request count and latency by route and status, the bearer token verified (routes other than
/// /health/*, /metrics and /openapi.yaml), and every error turned into a problem document.
struct RequestMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: TokenVerifier
    let metrics: PrometheusCollectorRegistry
    let logger: Logger

    static func isPublic(_ path: String) -> Bool {
        path.hasPrefix("/health/") || path == "/metrics" || path == "/openapi.yaml"
            // The web pages: their own session cookie (Web/WebMiddleware.swift), not a bearer token.
            || path == "/" || path == "/web" || path.hasPrefix("/web/") || path.hasPrefix("/static/")
    }

    static func requestID(_ request: Request) -> String {
        if let given = request.headers[HTTPField.Name("X-Request-Id")!], (1...200).contains(given.count),
           given.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "\"" }) {
            return given
        }
        return RequestID.new()
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let id = Self.requestID(request)
        var request = request
        var logger = self.logger
        logger[metadataKey: "request_id"] = .string(id)
        let route = context.endpointPath ?? "unmatched"
        var response: Response
        do {
            var identity: TokenIdentity?
            if !Self.isPublic(request.uri.path) {
                guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
                    throw Problem.unauthorized("a bearer token is required: send Authorization: Bearer TOKEN (`tilskot token issue --user NAME` makes one)")
                }
                let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
                guard let verified = await tokens.verify(token) else {
                    throw Problem.unauthorized("the bearer token is not valid: its signature, issuer, audience or expiry does not check out; get a new one")
                }
                identity = verified
            }
            // An import's upload streams to its handler uncollected (ImportEndpoint.swift).
            let buffer = TilskotAPI.streamsRequestBody(method: request.method, path: request.uri.path)
                ? ByteBuffer() : try await request.collectBody(upTo: 1 << 20)
            let info = RequestInfo(id: id, identity: identity, method: request.method.rawValue,
                                   path: request.uri.description, body: [UInt8](buffer: buffer))
            response = try await RequestInfo.$current.withValue(info) {
                try await next(request, context)
            }
        } catch {
            let problem = Self.problem(for: error)
            if problem.status.code >= 500 {
                // The handler's own error only: the OpenAPI runtime's wrapper describes the whole
                // request, its Authorization header included, which never goes into a log.
                logger.error("request failed", metadata: ["error": .string(String(describing: Self.unwrap(error)).prefix(2000).description)])
            }
            response = Self.response(problem, requestID: id)
        }
        response.headers[HTTPField.Name("X-Request-Id")!] = id
        // The OpenAPI runtime percent-encodes header values as URI components; a Location is a path.
        if let location = response.headers[.location], location.contains("%2F") {
            response.headers[.location] = location.removingPercentEncoding ?? location
        }
        // An ETag is a quoted string (RFC 9110 § 8.8.3), sent as it is (CaseworkEndpoints.swift).
        if let etag = response.headers[.eTag], etag.hasPrefix("%22") {
            response.headers[.eTag] = etag.removingPercentEncoding ?? etag
        }
        let elapsed = ContinuousClock.now - started
        let status = String(response.status.code)
        let labels = [("method", request.method.rawValue), ("route", route), ("status", status)]
        metrics.makeCounter(descriptor: MetricNameDescriptor(metricName: "tilskot_http_requests_total", unitName: "",
                                                             helpText: "HTTP requests by route and status."),
                            labels: labels).increment()
        metrics.makeDurationHistogram(descriptor: MetricNameDescriptor(metricName: "tilskot_http_request_duration_seconds", unitName: "",
                                                                       helpText: "HTTP request latency by route and status."),
                                      labels: labels, buckets: Self.buckets).record(elapsed)
        logger.info("request", metadata: [
            "method": .string(request.method.rawValue), "path": .string(request.uri.path), "route": .string(route),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .stringConvertible((Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15).rounded() ),
        ])
        return response
    }

    static var buckets: [Duration] { LatencyBuckets.all }
}

enum RequestID {
    /// A random version 4 UUID, lower case, from the system's generator (getrandom): Foundation's
    /// UUID() opens /dev/urandom for each one; UUID(uuid:) only writes the text.
    static func new() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (generator.next() as UInt64, generator.next() as UInt64)
        withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = (raw[6] & 0x0F) | 0x40  // version 4
            raw[8] = (raw[8] & 0x3F) | 0x80  // RFC 9562 variant
        }
        return UUID(uuid: unsafeBitCast(bytes, to: uuid_t.self)).uuidString.lowercased()
    }
}

enum LatencyBuckets {
    static let all: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                      .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                      .seconds(1), .seconds(2.5), .seconds(5), .seconds(10)]
}

extension RequestMiddleware {

    /// Any error as a problem; a 5xx says nothing of the server's insides.
    /// The error a handler threw, out of the OpenAPI runtime's wrappers (which also wrap its own
    /// decoding failures).
    static func unwrap(_ error: any Error) -> any Error {
        var error = error
        for _ in 0..<4 {
            if let wrapped = (error as? any OpenAPIUnderlyingError)?.openAPIUnderlyingError { error = wrapped } else { break }
        }
        return error
    }

    /// What a client is shown: a 500 says nothing but `internalProblem`'s sentence, and a 503 for a
    /// lost connection or the database's resources (08, 53, 57 but a statement timeout, 58) only that
    /// the database cannot serve now — their messages name files, processes and hosts. The log
    /// keeps the error itself under the request id.
    static func problem(for error: any Error) -> Problem {
        let problem = databaseProblem(for: error)
        if problem.status == .internalServerError { return internalProblem() }
        if problem.status == .serviceUnavailable, let state = problem.sqlstate, state != "57014", state != "55P03",
           ["08", "53", "57", "58"].contains(String(state.prefix(2))) {
            return Problem(.serviceUnavailable, "the database cannot be reached or is out of resources; nothing was done — try again in a moment",
                           sqlstate: state, headers: [("Retry-After", "1")])
        }
        return problem
    }

    private static func databaseProblem(for error: any Error) -> Problem {
        let error = unwrap(error)
        switch error {
        case let problem as Problem:
            return problem
        case let failure as DatabasePool.RequestFailure:
            return Problem.from(failure.error, database: failure.database)
        case let pg as PGError:
            return Problem.from(pg)
        case let tilskot as TilskotError:
            return Problem.from(tilskot, database: nil)
        case let http as HTTPError:
            return Problem(http.status, http.body ?? http.status.reasonPhrase)
        case is DecodingError:
            return Problem(.badRequest, "the request is not what the API document (/openapi.yaml) describes: \(String(describing: error).prefix(300))")
        default:
            if Self.isClientError(error) {
                return Problem(.badRequest, "the request is not what the API document (/openapi.yaml) describes: \(String(describing: error).prefix(300))")
            }
            return internalProblem()
        }
    }

    static func isClientError(_ error: any Error) -> Bool {
        let text = String(describing: type(of: error))
        return text.contains("Decoding") || text.contains("RuntimeError")
    }

    static func internalProblem() -> Problem {
        Problem(.internalServerError, "the server met an error it did not expect; nothing more is shown here — the server's log has it under this request id")
    }

    static func response(_ problem: Problem, requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        for (name, value) in problem.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: problem.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: problem.body(requestID: requestID))))
    }
}

/// The OpenAPI runtime's ServerError and friends carry the handler's error.
protocol OpenAPIUnderlyingError { var openAPIUnderlyingError: any Error { get } }
