import Foundation
import Logging
import TilskotStore

/// What `tilskot serve` needs to run: where it listens, the database it logs in to as
/// tilskot_authenticator, the size of its connection pool and how it verifies tokens.
public struct ServerConfiguration: Sendable {
    /// "127.0.0.1".
    public var host: String
    public var port: Int
    /// The authenticator's connection (LOGIN NOINHERIT; it becomes each request's user).
    public var database: DatabaseTarget
    /// Connections in the pool, each used by one thread at a time.
    public var poolSize: Int
    /// How long a request waits for a free connection before it is answered 503 (Retry-After: 1).
    public var acquireTimeout: Duration
    /// Per request (set_config(…, true) in the request's transaction).
    public var statementTimeout: String
    public var lockTimeout: String
    public var tokens: TokenVerifier
    public var logger: Logger
    /// The routes under /debug that only tests use (the role-leak test): never in `tilskot serve`.
    public var debugRoutes: Bool
    /// How long a read of the database's schema level is trusted before it is read again (a migrate
    /// run while the server is up is noticed within it).
    public var schemaRecheck: Duration = .seconds(10)
    /// How long an answer of /health/ready is given again without asking the database.
    public var readinessKept: Duration = .seconds(1)
    /// Reached through a TLS proxy: web session cookies carry Secure (`serve --behind-tls`).
    public var behindTLS = false
    /// Web log-in through the organisation's OpenID Connect provider (`serve --oidc-issuer …`).
    public var oidc: OidcSettings? = nil
    /// A connection that sends nothing for this long while its request is being read, or between
    /// requests, is closed: a client that opens connections and stalls holds no server state.
    public var idleTimeout: Duration = .seconds(60)

    public init(host: String = "127.0.0.1", port: Int = 8080, database: DatabaseTarget, poolSize: Int = 8,
                acquireTimeout: Duration = .seconds(5), statementTimeout: String = "30s", lockTimeout: String = "10s",
                tokens: TokenVerifier, logger: Logger = Logger(label: "tilskot.serve"), debugRoutes: Bool = false) {
        self.host = host
        self.port = port
        self.database = database
        self.poolSize = poolSize
        self.acquireTimeout = acquireTimeout
        self.statementTimeout = statementTimeout
        self.lockTimeout = lockTimeout
        self.tokens = tokens
        self.logger = logger
        self.debugRoutes = debugRoutes
    }

    /// "127.0.0.1:8080", "[::1]:8080", ":8080" or "8080" → host and port.
    public static func parseListen(_ text: String) throws(TilskotError) -> (host: String, port: Int) {
        var host = "127.0.0.1"
        var portText = text
        if let colon = text.lastIndex(of: ":") {
            let h = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            if !h.isEmpty { host = h }
            portText = String(text[text.index(after: colon)...])
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw .usage("--listen \"\(text)\" is not an address: give HOST:PORT, e.g. 127.0.0.1:8080")
        }
        return (host, port)
    }
}
