import CLibPQ

/// One connection to PostgreSQL through libpq. Modelled on psycopg 3: `execute(sql, params)`,
/// `transaction { }`, `copy(...)`. A connection belongs to one task or thread at a time; concurrency
/// means more connections, never sharing one.
public final class Connection {
    private var handle: OpaquePointer?
    private var transactionDepth = 0
    private var savepointCounter = 0

    /// Opens a connection from a URL (`postgresql://…`) or a libpq conninfo string
    /// (`host=… dbname=…`). An empty string lets libpq use its own environment: `PGHOST`,
    /// `PGDATABASE`, `PGSERVICE`, `~/.pgpass` and the rest work because libpq does them.
    public init(_ conninfo: String = "") throws(PGError) {
        let handle = PQconnectdb(conninfo)
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? "out of memory"
            PQfinish(handle)
            // libpq echoes parts of a string it cannot parse, the password included.
            throw PGError(sqlState: "", message: ConnectionString.scrubbed(message.trimmingTrailingNewlines(), conninfo: conninfo))
        }
        self.handle = handle
        // libpq prints server notices on stderr; the one a server sends as it shuts down ("WARNING:
        // terminating connection due to immediate shutdown command") would stand beside the CLI's
        // one sentence. Our rules raise errors, never notices, so nothing is lost.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        // Decoding relies on these; a server or role default must not change them under us.
        try executeScript("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET client_encoding = 'UTF8'; SET IntervalStyle = 'iso_8601'; SET client_min_messages = warning")
    }

    deinit { PQfinish(handle) }

    /// Closes the connection now rather than when the last reference goes.
    public func close() {
        PQfinish(handle)
        handle = nil
    }

    /// The server's process id for this connection (what `pg_stat_activity.pid` shows).
    public var backendPID: Int32 { handle.map { PQbackendPID($0) } ?? 0 }

    public var isInTransaction: Bool { transactionDepth > 0 }

    // MARK: - Statements

    /// Runs one statement with bound parameters ($1, $2, …) and returns its rows (none for commands).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any SQLParameter] = []) throws(PGError) -> QueryResult {
        let handle = try liveHandle()
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
