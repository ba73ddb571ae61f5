import Foundation
import PGClient
import Prometheus
import Synchronization
import TilskotStore

/// libpq blocks, so the server never calls it on an event loop: N connections, each with its own
/// serial queue (one thread at a time per connection), lent to one request at a time. A request
/// waits at most `acquireTimeout` for a free one (then 503, Retry-After: 1). A connection that was
/// lost is dropped and made again on its next use.
///
/// Per request: BEGIN and, in the same round trip (libpq's pipeline mode), ONE statement that finds
/// the token's user (tilskot.token_login, as
/// the authenticator, before any role) and sets the role, the search path, the timeouts, the
/// application name and, for reads, READ ONLY — all with set_config(…, true), so all of it ends
/// with the transaction and nothing reaches the next request on that connection (PostgREST's
/// pattern). Then the service call, then COMMIT (ROLLBACK on error).
public final class DatabasePool: Sendable {
    final class Slot: @unchecked Sendable {
        let queue: DispatchQueue
        /// Touched only on `queue`.
        var connection: Connection?
        init(_ index: Int) { queue = DispatchQueue(label: "tilskot.pool.\(index)") }
    }

    struct State {
        var free: [Int]
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Int, any Error>)] = []
        var nextWaiter: UInt64 = 0
    }

    let target: DatabaseTarget
    let slots: [Slot]
    let acquireTimeout: Duration
    let statementTimeout: String
    let lockTimeout: String
    private let state: Mutex<State>
    let inUse: Gauge
    let waiting: Gauge
    /// The database's schema level against this binary's (SchemaLevel.compare) and when it was read.
    /// Read again when older than `schemaRecheck`: a `tilskot migrate` run while the server is up
    /// (a newer binary's) is noticed within that time, and from then its changes are refused.
    let schema = Mutex<(comparison: SchemaLevel.Comparison, readAt: ContinuousClock.Instant)?>(nil)
    let schemaRecheck: Duration
    /// The installation's time zone (tilskot.installation_time_zone()), in which the web pages show
    /// times: read with the schema level, so at most every `schemaRecheck` and never on a request's
    /// own round trips (a changed zone shows within that time). Europe/Oslo until read, and where
    /// the database has no such function (a schema older than issue 18).
    let installationTimeZone = Mutex<String>("Europe/Oslo")

    init(target: DatabaseTarget, size: Int, acquireTimeout: Duration, statementTimeout: String, lockTimeout: String,
         metrics: PrometheusCollectorRegistry, schemaRecheck: Duration = .seconds(10), readinessKept: Duration = .seconds(1)) {
        self.target = target
        self.schemaRecheck = schemaRecheck
        self.readinessKept = readinessKept
        self.slots = (0..<max(1, size)).map(Slot.init)
        self.acquireTimeout = acquireTimeout
        self.statementTimeout = statementTimeout
        self.lockTimeout = lockTimeout
        self.state = Mutex(State(free: Array(slots.indices)))
        inUse = metrics.makeGauge(descriptor: MetricNameDescriptor(metricName: "tilskot_pool_connections_in_use", unitName: "",
                                                                   helpText: "Pool connections lent to a request."))
        waiting = metrics.makeGauge(descriptor: MetricNameDescriptor(metricName: "tilskot_pool_requests_waiting", unitName: "",
                                                                     helpText: "Requests waiting for a pool connection."))
    }

    // MARK: - Lending

    private func acquire() async throws -> Int {
        if let index = state.withLock({ $0.free.popLast() }) {
            inUse.increment()
            return index
        }
        let id = state.withLock { s -> UInt64 in s.nextWaiter += 1; return s.nextWaiter }
        waiting.increment()
        defer { waiting.decrement() }
        let timeout = acquireTimeout
        let index: Int = try await withCheckedThrowingContinuation { continuation in
            let immediate = state.withLock { s -> Int? in
                if let index = s.free.popLast() { return index }
                s.waiters.append((id, continuation))
                return nil
            }
            if let immediate { continuation.resume(returning: immediate); return }
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                guard let self else { return }
                let timedOut = self.state.withLock { s -> CheckedContinuation<Int, any Error>? in
                    guard let at = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return s.waiters.remove(at: at).continuation
                }
                timedOut?.resume(throwing: Problem.poolTimeout())
            }
        }
        inUse.increment()
        return index
    }

    private func release(_ index: Int) {
        inUse.decrement()
        let next = state.withLock { s -> CheckedContinuation<Int, any Error>? in
            if !s.waiters.isEmpty { return s.waiters.removeFirst().continuation }
            s.free.append(index)
            return nil
        }
        next?.resume(returning: index)
    }

    /// Runs `body` with a connection of the pool on that connection's own thread. A connection
    /// found lost before the request did anything (NotStarted: at BEGIN or the first statement —
    /// the server was restarted, or the backend ended) is made again and the request run once
    /// more; one lost later is dropped, made again at its next use, and the request fails (503).
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let index = try await acquire()
        defer { release(index) }
        let slot = slots[index]
        let target = self.target
        return try await withCheckedThrowingContinuation { continuation in
            slot.queue.async {
                continuation.resume(with: Result {
                    func connect() throws -> Connection {
                        if let existing = slot.connection { return existing }
                        do {
                            let connection = try Connection(target.conninfo, fallbackApplicationName: "tilskot serve", connectTimeout: 10)
                            slot.connection = connection
                            return connection
                        } catch {
                            throw Session.connectFailure(target, error)
                        }
                    }
                    func attempt(retry: Bool) throws -> T {
                        let connection = try connect()
                        do {
                            return try body(connection)
                        } catch let error as NotStarted {
                            slot.connection = nil
                            if retry { return try attempt(retry: false) }
                            throw error.error
                        } catch let error as PGError where error.isConnectionLoss {
                            slot.connection = nil  // made again at its next use
                            throw error
                        } catch let error as TilskotError where Self.isLoss(error, connection) {
                            slot.connection = nil
                            throw error
                        } catch let error as RequestFailure where Self.isLoss(error.error, connection) {
                            slot.connection = nil
                            throw error
                        }
                    }
                    return try attempt(retry: true)
                })
            }
        }
    }

    /// The connection was found lost before the request did anything: safe to run it again.
    struct NotStarted: Error { let error: PGError }

    /// A service call saw the connection go (it says so as `.unreachable`).
    private static func isLoss(_ error: TilskotError, _ connection: Connection) -> Bool {
        if case .unreachable = error { return true }
        return false
    }

    // MARK: - Requests

    /// Who a request acts as and how it is named.
    struct RequestSettings: Sendable {
        var identity: TokenIdentity
        var readOnly: Bool
        /// "tilskot serve POST /applications".
        var applicationName: String
    }

    /// One request's transaction as the token's user; `body` gets a Session acting as that user
    /// (Session.forRequest) and runs the service call. Throws Problem (401 when the token names no
    /// tilskot user), PGError (at COMMIT: a deferred rule) or TilskotError with the session's
    /// last database error.
    func request<T: Sendable>(_ settings: RequestSettings, _ body: @escaping @Sendable (Session) throws -> T) async throws -> T {
        let target = self.target
        let known = schema.withLock { cached -> SchemaLevel.Comparison? in
            guard let cached, ContinuousClock.now - cached.readAt < schemaRecheck else { return nil }
            return cached.comparison
        }
        let statementTimeout = self.statementTimeout
        let lockTimeout = self.lockTimeout
        let zone = WebPageContext.current?.timeZone
        return try await withConnection { [self] connection in
            // The schema level, read at most every schemaRecheck (before any transaction): a change on a
            // database older or newer than this binary is refused as the CLI refuses it
            // (Session.requireCurrentSchema).
            var comparison = known
            if comparison == nil, let read = try? self.recheck(connection) {
                comparison = read
            }
            zone?.set(self.installationTimeZone.withLock { $0 })
            var session: Session?
            var started = false
            do {
                // BEGIN and the identity statement go in one round trip (Connection.transaction(opening:)).
                return try connection.transaction(opening: """
                        SELECT t.login::text AS login,
                               set_config('role', t.login, true) AS role,
                               set_config('search_path', 'tilskot, public', true) AS search_path,
                               set_config('statement_timeout', $3, true) AS statement_timeout,
                               -- A request idle inside its transaction (an upload or a download whose
                               -- client stopped) is ended after as long as a statement may run: a
                               -- stalled client cannot keep a pool connection for the database's 15 min.
                               set_config('idle_in_transaction_session_timeout', $3, true) AS idle_timeout,
                               set_config('lock_timeout', $4, true) AS lock_timeout,
                               set_config('application_name', $5, true) AS application_name,
                               set_config('transaction_read_only', $6, true) AS read_only
                          FROM (SELECT tilskot.token_login($1, $2) AS login OFFSET 0) t
                         WHERE t.login IS NOT NULL
                        """, [settings.identity.issuer, settings.identity.subject, statementTimeout, lockTimeout,
                              String(settings.applicationName.prefix(63)), settings.readOnly ? "on" : "off"]) { rows in
                    started = true
                    guard let login = rows.first?["login"] else {
                        throw Problem.unauthorized("the token names no tilskot user, or one who is disabled; ask an administrator to link your identity (`tilskot user link`) or to add you again")
                    }
                    let s = Session.forRequest(connection: connection, target: target, actingAs: login, schemaComparison: comparison)
                    session = s
                    return try body(s)
                }
            } catch let error as PGError where error.isConnectionLoss && !started {
                throw NotStarted(error: error)
            } catch let error as TilskotError {
                throw RequestFailure(error: error, database: session?.lastDatabaseError)
            }
        }
    }

    /// A service's refusal with the database error behind it.
    struct RequestFailure: Error {
        let error: TilskotError
        let database: PGError?
    }

    // MARK: - Health

    /// The last readiness answer, kept for `readinessKept` (ServerConfiguration): /health/ready needs
    /// no token, and a flood of probes must not take the pool's connections from requests (nor,
    /// with the database down, open a connection attempt each).
    let lastReadiness = Mutex<(answer: Result<SchemaLevel.Comparison, any Error>, at: ContinuousClock.Instant)?>(nil)
    let readinessKept: Duration

    /// Whether the database answers, and its schema level against this binary's (kept for the
    /// sessions' change check). Runs as the authenticator, outside any request.
    func readiness() async throws -> SchemaLevel.Comparison {
        if let kept = lastReadiness.withLock({ $0 }), ContinuousClock.now - kept.at < readinessKept {
            return try kept.answer.get()
        }
        let answer: Result<SchemaLevel.Comparison, any Error>
        do {
            answer = .success(try await withConnection { [self] connection in try recheck(connection) })
        } catch {
            answer = .failure(error)
        }
        lastReadiness.withLock { $0 = (answer, ContinuousClock.now) }
        return try answer.get()
    }

    /// Reads the schema level and the installation's time zone (as the authenticator, outside any
    /// transaction) and keeps both until `schemaRecheck` has passed.
    private func recheck(_ connection: Connection) throws -> SchemaLevel.Comparison {
        let comparison = try SchemaLevel.compare(connection)
        // query_to_xml calls the function only where it exists (as Session.open does).
        if let row = try? connection.queryRow("""
            SELECT CASE WHEN to_regprocedure('tilskot.installation_time_zone()') IS NOT NULL
                        THEN substring(query_to_xml('SELECT tilskot.installation_time_zone() AS z', false, true, '')::text
                                       FROM '<z>([^<]*)</z>') END AS time_zone
            """), let zone = row["time_zone"], !zone.isEmpty, TimeZone(identifier: zone) != nil {
            installationTimeZone.withLock { $0 = zone }
        }
        schema.withLock { $0 = (comparison, ContinuousClock.now) }
        return comparison
    }
}
