import Foundation
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import PGClient
import Prometheus
import TilskotStore

/// The server of `tilskot serve`, without a process around it: tests run it with
/// `app.test(.router)`. Routes: the operations of openapi.yaml (generated), GET /openapi.yaml,
/// GET /metrics (Prometheus text), and — for tests only (`debugRoutes`) — GET /debug/session.
public func buildApplication(_ configuration: ServerConfiguration) throws -> some ApplicationProtocol {
    let metrics = PrometheusCollectorRegistry()
    let pool = DatabasePool(target: configuration.database, size: configuration.poolSize,
                            acquireTimeout: configuration.acquireTimeout, statementTimeout: configuration.statementTimeout,
                            lockTimeout: configuration.lockTimeout, metrics: metrics,
                            schemaRecheck: configuration.schemaRecheck, readinessKept: configuration.readinessKept)
    let router = Router()
    router.add(middleware: RequestMiddleware(tokens: configuration.tokens, metrics: metrics, logger: configuration.logger))
    // Compact JSON, keys sorted: the same bytes an idempotent replay stores (TilskotAPI.json), and
    // no indentation to write and send on every answer (the runtime's default is pretty-printed).
    try TilskotAPI(pool: pool).registerHandlers(on: router, configuration: .init(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]))
    TilskotAPI.registerStreamingRoutes(on: router, pool: pool)  // GET /exports/360giving (ReportEndpoints.swift)
    TilskotAPI.registerApplicationDetailRoute(on: router, pool: pool)  // GET /applications/{reference}
    WebRoutes.register(on: router, pool: pool, configuration: configuration)  // the web pages (Web/, issue 20)
    router.get("/openapi.yaml") { _, _ in
        var headers = HTTPFields()
        headers[.contentType] = "application/yaml"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.text)))
    }
    router.get("/metrics") { _, _ in
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
    }
    if configuration.debugRoutes {
        // What a request's transaction sees of its connection: who it is and which settings it has.
        // The role-leak test reads it after another user's request on the same connection.
        router.get("/debug/session") { _, _ in
            let api = TilskotAPI(pool: pool)
            let data = try await api.read("GET /debug/session") { session in
                let row = try session.connection.queryRow("""
                    SELECT current_user::text AS current_user, session_user::text AS session_user,
                           coalesce(current_setting('tilskot.reason', true), '') AS reason,
                           current_setting('statement_timeout') AS statement_timeout,
                           current_setting('search_path') AS search_path,
                           current_setting('transaction_read_only') AS read_only,
                           (SELECT count(*) FROM pg_class WHERE relpersistence = 't' AND pg_table_is_visible(oid)) AS temp_tables,
                           pg_backend_pid() AS pid
                    """)
                var object: [String: String] = [:]
                for name in ["current_user", "session_user", "reason", "statement_timeout", "search_path", "read_only", "temp_tables", "pid"] {
                    object[name] = row?[name] ?? ""
                }
                return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(max(1, configuration.idleTimeout.components.seconds)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tilskot"),
        logger: configuration.logger
    )
}

/// openapi.yaml as served: the document the server is generated from, embedded into the binary at
/// build time (Plugins/EmbedFiles), so an installed `tilskot` serves the document it was built from.
enum OpenAPIDocument {
    static let text: String = EmbeddedFiles.text("openapi.yaml") ?? ""
}
