import CLibPQ
import Foundation

/// One connection to PostgreSQL through libpq. Modelled on psycopg 3: `execute(sql, params)`,
/// `transaction { }`, `copy(...)`. A connection belongs to one task or thread at a time; concurrency
/// means more connections, never sharing one.
public final class Connection {
    private var handle: OpaquePointer?
    private var transactionDepth = 0
    private var savepointCounter = 0
    /// A statement to send together with the COMMIT of a transaction opened with its first
    /// statement (`sendWithCommit`).
    private var closing: (sql: String, parameters: [String?])?

    /// Opens a connection from a URL (`postgresql://…`) or a libpq conninfo string
    /// (`host=… dbname=…`). An empty string lets libpq use its own environment: `PGHOST`,
    /// `PGDATABASE`, `PGSERVICE`, `~/.pgpass` and the rest work because libpq does them.
    ///
    /// `fallbackApplicationName` names the program in `pg_stat_activity` and the server log unless
    /// the string or `PGAPPNAME` names one (libpq's `fallback_application_name`). `connectTimeout`
    /// (seconds, 0 = none) applies unless the string or `PGCONNECT_TIMEOUT` gives one.
    ///
    /// A failed connection's error carries the server's SQLSTATE when the server sent one (a wrong
    /// password is 28P01, too many connections 53300), and `needsPassword` when the server asked
    /// for a password that was not given.
    public init(_ conninfo: String = "", fallbackApplicationName: String? = nil, connectTimeout: Int? = nil) throws(PGError) {
        // Keywords are read in order and a later one wins: ours come first, then the caller's
        // string (expanded by libpq, expand_dbname = 1), so what the caller wrote overrides them.
        var keywords: [String] = []
        var values: [String?] = []
        if let connectTimeout, ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] == nil {
            keywords.append("connect_timeout"); values.append(String(connectTimeout))
        }
        if let fallbackApplicationName {
            keywords.append("fallback_application_name"); values.append(fallbackApplicationName)
        }
        keywords.append("dbname"); values.append(conninfo)
        let handle: OpaquePointer? = withCStrings(keywords) { keys in
            withCStrings(values) { vals in
                (keys + [nil]).withUnsafeBufferPointer { k in
                    (vals + [nil]).withUnsafeBufferPointer { v in
                        PQconnectStartParams(k.baseAddress, v.baseAddress, 1)
                    }
                }
            }
        }
        guard let handle else { throw PGError(sqlState: "", message: "out of memory") }
        if PQstatus(handle) == CONNECTION_BAD {
            let message = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            // libpq echoes parts of a string it cannot parse, the password included.
            throw PGError(sqlState: "", message: ConnectionString.scrubbed(message.trimmingTrailingNewlines(), conninfo: conninfo))
        }
        // The verbose form puts the server's SQLSTATE into the message ("FATAL:  28P01: password
        // authentication failed …"): libpq keeps a failed connection's error fields to itself, and the
        // code, unlike the text, is the same in every server language.
        PQsetErrorVerbosity(handle, PQERRORS_VERBOSE)
        let timeout = Self.effectiveTimeout(conninfo: conninfo, requested: connectTimeout)
        let outcome = Self.completeConnection(handle, timeout: timeout)
        guard outcome == .connected else {
            // libpq's own words when the server did not answer in time (PQconnectdb says the same).
            let raw = outcome == .timedOut ? "timeout expired" : String(cString: PQerrorMessage(handle))
            let needsPassword = PQconnectionNeedsPassword(handle) == 1
            PQfinish(handle)
            var error = PGError.fromConnectFailure(raw.trimmingTrailingNewlines())
            error.message = ConnectionString.scrubbed(error.message, conninfo: conninfo)
            error.needsPassword = needsPassword
            throw error
        }
        PQsetErrorVerbosity(handle, PQERRORS_DEFAULT)
        self.handle = handle
        // libpq prints server notices on stderr; the one a server sends as it shuts down ("WARNING:
        // terminating connection due to immediate shutdown command") would stand beside the CLI's
        // one sentence. Our rules raise errors, never notices, so nothing is lost.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        // Decoding relies on these; a server or role default must not change them under us.
        try executeScript("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET client_encoding = 'UTF8'; SET IntervalStyle = 'iso_8601'; SET client_min_messages = warning")
    }

    /// The connect timeout in force: the string's own `connect_timeout`, else `PGCONNECT_TIMEOUT`,
    /// else the one asked for; nil or 0 for none.
    static func effectiveTimeout(conninfo: String, requested: Int?) -> Int? {
        if let own = ConnectionString.options(conninfo)?.first(where: { $0.keyword == "connect_timeout" }) {
            return Int(own.value)
        }
        if let environment = ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] { return Int(environment) }
        return requested
    }

    enum ConnectOutcome { case connected, failed, timedOut }

    /// Drives libpq's non-blocking connect (PQconnectPoll) to its end, waiting on the socket.
    /// A timeout counts from each new server tried (as libpq's own blocking connect does); when it
    /// expires the attempt ends (libpq's blocking connect would try the next address of a host
    /// list: a list whose first server does not answer at all fails here).
    static func completeConnection(_ handle: OpaquePointer, timeout: Int?) -> ConnectOutcome {
        var status = PGRES_POLLING_WRITING
        var server = ""
        var deadline: Double? = nil
        while true {
            switch status {
            case PGRES_POLLING_OK:
                return .connected
            case PGRES_POLLING_FAILED:
                return .failed
            default:
                break
            }
            let now = Self.monotonicSeconds()
            let current = "\(PQhost(handle).map { String(cString: $0) } ?? "") \(PQport(handle).map { String(cString: $0) } ?? "")"
            if current != server || deadline == nil {
                server = current
                // libpq takes a connect_timeout below 2 s as 2 s.
                deadline = timeout.flatMap { $0 > 0 ? now + Double(max($0, 2)) : nil }
            }
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(status == PGRES_POLLING_READING ? POLLIN : POLLOUT), revents: 0)
            let wait = deadline.map { Int32(max(0, ($0 - now) * 1000)) } ?? -1
            let ready = poll(&descriptor, 1, wait)
            if ready == 0 { return .timedOut }  // waited the whole timeout on this server
            if ready < 0 && errno != EINTR { return .failed }
            status = PQconnectPoll(handle)
        }
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    deinit { PQfinish(handle) }

    /// Closes the connection now rather than when the last reference goes.
    public func close() {
        PQfinish(handle)
        handle = nil
    }

    /// The server's process id for this connection (what `pg_stat_activity.pid` shows).
    public var backendPID: Int32 { handle.map { PQbackendPID($0) } ?? 0 }

    /// Whether the server asked for the password and got it (libpq's PQconnectionUsedPassword):
    /// false for a connection pg_hba let in by trust, peer or a certificate alone.
    public var usedPassword: Bool { handle.map { PQconnectionUsedPassword($0) == 1 } ?? false }

    public var isInTransaction: Bool { transactionDepth > 0 }

    /// Called as each statement is sent; what it returns is called when the statement's answer is
    /// in. The CLI uses it to say on stderr that a statement waits on a lock (Session.open).
    public var statementWatch: (() -> (() -> Void))?

    // MARK: - Statements

    /// Runs one statement with bound parameters ($1, $2, …) and returns its rows (none for commands).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any SQLParameter] = []) throws(PGError) -> QueryResult {
        let handle = try liveHandle()
        let done = statementWatch?()
        defer { done?() }
        let texts: [String?] = parameters.map { $0.sqlText }
        let result: OpaquePointer? = withCStrings(texts) { pointers in
            PQexecParams(handle, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        return try QueryResult(consuming: result, connection: handle)
    }

    /// Runs a statement and returns its rows.
    public func query(_ sql: String, _ parameters: [any SQLParameter] = []) throws(PGError) -> [Row] {
        try execute(sql, parameters).rows
    }

    /// Runs a statement that returns at most one row.
    public func queryRow(_ sql: String, _ parameters: [any SQLParameter] = []) throws(PGError) -> Row? {
        try execute(sql, parameters).rows.first
    }

    /// The first column of the first row, decoded; nil when there is no row or the value is NULL.
    public func queryValue<T: SQLDecodable>(_ sql: String, _ parameters: [any SQLParameter] = [], as type: T.Type = T.self) throws(PGError) -> T? {
        guard let row = try queryRow(sql, parameters), let text = row[0] else { return nil }
        guard let value = T.decode(sqlText: text) else {
            throw PGError(sqlState: "", message: "value \"\(text)\" is not a \(T.self)")
        }
        return value
    }

    /// Runs several statements with no parameters through the simple query protocol. Only for
    /// trusted text that ships with the program (migrations, session settings), never user input.
    public func executeScript(_ sql: String) throws(PGError) {
        let handle = try liveHandle()
        let done = statementWatch?()
        defer { done?() }
        let result = PQexec(handle, sql)
        _ = try QueryResult(consuming: result, connection: handle)
    }

    // MARK: - Transactions

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws (any error).
    /// A nested call becomes a savepoint, so an inner failure undoes only the inner work.
    @discardableResult
    public func transaction<T>(isolation: IsolationLevel = .readCommitted, _ body: () throws -> T) throws -> T {
        if transactionDepth == 0 {
            try executeScript("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
            transactionDepth = 1
            defer { transactionDepth = 0 }
            do {
                let value = try body()
                try executeScript("COMMIT")
                return value
            } catch {
                try? executeScript("ROLLBACK")
                throw error
            }
        }
        savepointCounter += 1
        let name = "sp_\(savepointCounter)"
        try executeScript("SAVEPOINT \(name)")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let value = try body()
            try executeScript("RELEASE SAVEPOINT \(name)")
            return value
        } catch {
            try? executeScript("ROLLBACK TO SAVEPOINT \(name)")
            throw error
        }
    }

    /// Runs `body` in a transaction whose first statement (`sql`) is sent together with its BEGIN,
    /// in one round trip (libpq's pipeline mode): the server of `tilskot serve` opens each request's
    /// transaction this way with the statement that makes the token's user the role. `body` gets the
    /// statement's rows; COMMIT when it returns, ROLLBACK when it (or the statement) throws.
    @discardableResult
    public func transaction<T>(isolation: IsolationLevel = .readCommitted, opening sql: String, _ parameters: [any SQLParameter],
                               _ body: ([Row]) throws -> T) throws -> T {
        precondition(transactionDepth == 0, "a transaction opened with its first statement cannot be nested")
        let rows: [Row]
        do {
            rows = try beginPipelined(isolation: isolation, sql, parameters)
        } catch {
            if let handle, PQtransactionStatus(handle) != PQTRANS_IDLE { _ = try? executeScript("ROLLBACK") }
            throw error
        }
        transactionDepth = 1
        closing = nil
        defer { transactionDepth = 0; closing = nil }
        do {
            let value = try body(rows)
            if let last = closing {
                try commitPipelined(last.sql, last.parameters)
            } else {
                try executeScript("COMMIT")
            }
            return value
        } catch {
            if let handle, PQtransactionStatus(handle) != PQTRANS_IDLE { _ = try? executeScript("ROLLBACK") }
            throw error
        }
    }

    /// Inside `transaction(opening:)`: `sql` is the transaction's last statement, sent with its
    /// COMMIT in one round trip when the body returns. Its error, or COMMIT's (a deferred rule),
    /// rolls the whole transaction back and is thrown; its rows are not read. `tilskot serve` stores
    /// a request's answer for its Idempotency-Key this way.
    public func sendWithCommit(_ sql: String, _ parameters: [any SQLParameter]) {
        precondition(transactionDepth == 1, "sendWithCommit belongs to a transaction opened with its first statement")
        closing = (sql, parameters.map { $0.sqlText })
    }

    /// `sql` and COMMIT in one pipeline; the first error of either is thrown (the transaction is
    /// then left aborted or ended, for the caller's ROLLBACK).
    func commitPipelined(_ sql: String, _ texts: [String?]) throws(PGError) {
        let handle = try liveHandle()
        guard PQenterPipelineMode(handle) == 1 else { throw PGError.from(result: nil, connection: handle) }
        defer { PQexitPipelineMode(handle) }
        let sent = withCStrings(texts) { pointers in
                PQsendQueryParams(handle, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
            } == 1
            && PQsendQueryParams(handle, "COMMIT", 0, nil, nil, nil, nil, 0) == 1
            && PQpipelineSync(handle) == 1
        guard sent else { throw PGError.from(result: nil, connection: handle) }
        try readPipeline(handle)
    }

    /// BEGIN and `sql` in one pipeline, then their answers: the statement's rows, or the first
    /// error. Every answer up to the pipeline's sync point is read before pipeline mode ends, so the
    /// connection is left as after two ordinary statements.
    func beginPipelined(isolation: IsolationLevel, _ sql: String, _ parameters: [any SQLParameter]) throws(PGError) -> [Row] {
        let handle = try liveHandle()
        let done = statementWatch?()
        defer { done?() }
        guard PQenterPipelineMode(handle) == 1 else { throw PGError.from(result: nil, connection: handle) }
        defer { PQexitPipelineMode(handle) }
        let texts: [String?] = parameters.map { $0.sqlText }
        let sent = PQsendQueryParams(handle, "BEGIN ISOLATION LEVEL \(isolation.rawValue)", 0, nil, nil, nil, nil, 0) == 1
            && withCStrings(texts) { pointers in
                PQsendQueryParams(handle, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
            } == 1
            && PQpipelineSync(handle) == 1
        guard sent else { throw PGError.from(result: nil, connection: handle) }
        let answers = try readPipeline(handle)
        return answers.count > 1 ? answers[1] : []
    }

    /// Several statements in one round trip (libpq's pipeline mode), each with its own snapshot at
    /// READ COMMITTED as if sent one by one: their rows in order, or the first error (the statements
    /// after it are skipped; inside a transaction, the transaction is then aborted; outside one,
    /// the pipeline is one implicit transaction, undone). Only for statements none of which needs
    /// another's answer to be written.
    public func pipeline(_ statements: [(sql: String, parameters: [any SQLParameter])]) throws(PGError) -> [[Row]] {
        let handle = try liveHandle()
        let done = statementWatch?()
        defer { done?() }
        guard PQenterPipelineMode(handle) == 1 else { throw PGError.from(result: nil, connection: handle) }
        defer { PQexitPipelineMode(handle) }
        for statement in statements {
            let texts: [String?] = statement.parameters.map { $0.sqlText }
            guard withCStrings(texts, { pointers in
                PQsendQueryParams(handle, statement.sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
            }) == 1 else { throw PGError.from(result: nil, connection: handle) }
        }
        guard PQpipelineSync(handle) == 1 else { throw PGError.from(result: nil, connection: handle) }
        return try readPipeline(handle)
    }

    /// The answers of a pipeline up to its sync point: each statement's rows, in order (none for a
    /// statement skipped after an error), or the first error. Every answer is read before pipeline
    /// mode ends, so the connection is left as after ordinary statements.
    @discardableResult
    func readPipeline(_ handle: OpaquePointer) throws(PGError) -> [[Row]] {
        var failure: PGError?
        var answers: [[Row]] = []
        while true {
            guard let result = PQgetResult(handle) else {
                // The end of one statement's answer; the end of everything when the connection broke.
                if PQstatus(handle) != CONNECTION_OK {
                    throw PGError(sqlState: "08006", message: String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines())
                }
                continue
            }
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_SYNC { PQclear(result); break }
            if status == PGRES_PIPELINE_ABORTED { PQclear(result); answers.append([]); continue }
            do {
                answers.append(try QueryResult(consuming: result, connection: handle).rows)
            } catch {
                if failure == nil { failure = error }
                answers.append([])
            }
        }
        if let failure { throw failure }
        return answers
    }

    /// Runs `body` in its own transaction and runs it again when PostgreSQL reports a serialization
    /// failure or a deadlock (40001, 40P01), up to `attempts` times.
    @discardableResult
    public func retryingTransaction<T>(isolation: IsolationLevel = .readCommitted, attempts: Int = 10, _ body: () throws -> T) throws -> T {
        precondition(transactionDepth == 0, "a retrying transaction cannot be nested")
        return try retrying(attempts: attempts) { try transaction(isolation: isolation, body) }
    }

    /// Runs `body` — a transaction, or one statement that is its own transaction — again on a
    /// deadlock or serialization failure (or whatever `when` says is worth another try), up to
    /// `attempts` times.
    public func retrying<T>(attempts: Int = 10, when retry: (PGError) -> Bool = \.isRetryable,
                            _ body: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try body()
            } catch let error as PGError where retry(error) && attempt < attempts {
                // Back off with jitter, so the transactions that collided do not collide again at once.
                usleep(UInt32.random(in: 0...UInt32(min(1 << attempt, 64)) * 1_000))
                attempt += 1
            }
        }
    }

    public enum IsolationLevel: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    // MARK: - Internals

    func liveHandle() throws(PGError) -> OpaquePointer {
        guard let handle else { throw PGError(sqlState: "", message: "the connection is closed") }
        if PQstatus(handle) != CONNECTION_OK {
            throw PGError(sqlState: "08006", message: String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines())
        }
        return handle
    }
}

/// Passes an array of optional Swift strings to C as `const char * const *`, NULL for nil.
func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let owned: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
    defer { owned.forEach { free($0) } }
    return body(owned.map { $0.map { UnsafePointer($0) } })
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
