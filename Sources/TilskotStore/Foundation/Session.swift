import PGClient

/// A connection set up for tilskot: our schema on the search path and, with `--as`, the acting user
/// as `current_user` (SET ROLE), which every trigger records as the actor.
public final class Session {
    public let connection: Connection
    public let target: DatabaseTarget

    public init(connection: Connection, target: DatabaseTarget) {
        self.connection = connection
        self.target = target
    }

    /// Connects to `target`, acting as `actAs` when given.
    public static func open(
        _ target: DatabaseTarget,
        actAs: String? = nil
    ) throws(TilskotError) -> Session {
        let connection: Connection
        do {
            connection = try Connection(target.conninfo)
        } catch {
            throw unreachable(target, error)
        }
        let session = Session(connection: connection, target: target)
        do {
            try connection.executeScript("SET search_path = tilskot, public")
        } catch {
            throw TilskotError.from(error)
        }
        if let actAs, !actAs.isEmpty { try session.act(as: actAs) }
        return session
    }

    static func unreachable(_ target: DatabaseTarget, _ error: PGError) -> TilskotError {
        .unreachable(
            "cannot reach PostgreSQL at \(target.displayName): \(oneLine(error.message)); start the local database with `tilskot db start` or pass --database-url"
        )
    }

    /// The connection broke while a command was working (the server stopped or crashed): the
    /// server rolls back what was not committed.
    static func lost(_ target: DatabaseTarget, _ error: PGError) -> TilskotError {
        .unreachable(
            "lost the connection to PostgreSQL at \(target.displayName) while working: \(oneLine(error.message)); what was not committed is rolled back, so once the server is back (`tilskot db start` for the local database) run the command again"
        )
    }

    /// libpq's messages span lines and indent with tabs; a refusal is one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Becomes `user` for the rest of the session (SET ROLE through set_config, so the name travels
    /// as a bound parameter).
    public func act(as user: String) throws(TilskotError) {
        do {
            try connection.execute("SELECT set_config('role', $1, false)", [user])
        } catch {
            if error.sqlState == "22023" || error.message.contains("does not exist") {
                throw .refused("user \(user) does not exist; add them with `tilskot user add \(user) --role caseworker` (or another role)")
            }
            if error.kind == .syntaxOrAccessRule(insufficientPrivilege: true) || error.sqlState == "42501" {
                throw .refused("cannot act as \(user): the login user may not become them; connect as \(user) instead")
            }
            throw TilskotError.from(error)
        }
    }

    /// The acting user (`current_user`).
    public func currentUser() throws(TilskotError) -> String {
        try run { try connection.queryValue("SELECT current_user::text") ?? "" }
    }

    /// Runs database work, turning database errors into sentences for people.
    public func run<T>(_ body: () throws -> T) throws(TilskotError) -> T {
        do {
            return try body()
        } catch let error as TilskotError {
            throw error
        } catch let error as PGError {
            if error.isConnectionLoss { throw Session.lost(target, error) }
            throw TilskotError.from(error)
        } catch let error as any CustomStringConvertible & Error {
            throw .refused(error.description)
        } catch {
            throw .refused("\(error)")
        }
    }

    /// Runs `body` in one transaction (all or nothing), with `reason` recorded on every audit event
    /// the transaction writes (the audit trigger reads the `tilskot.reason` setting).
    ///
    /// Inside a larger transaction (the sample loader, a caller's own) this is one step of it, and
    /// its reason is this step's only: the reason of the transaction around it is put back when the
    /// step ends, so no audit row of a later step carries this step's reason — nor a reason a step
    /// set itself (a decision makes its reasons the reason of its statement). Issue 14: 378 audit
    /// rows of the sample data carried another step's reason. A step that fails is rolled back to
    /// its savepoint, which undoes its setting as well.
    public func transaction<T>(reason: String? = nil, _ body: () throws -> T) throws(TilskotError) -> T {
        try run {
            let work = {
                if let reason {
                    try self.connection.execute("SELECT set_config('tilskot.reason', $1, true)", [reason])
                }
                return try body()
            }
            guard connection.isInTransaction else {
                // An outermost transaction is run again on a deadlock or serialization failure.
                return try connection.retryingTransaction(work)
            }
            let outer = try connection.queryValue("SELECT coalesce(current_setting('tilskot.reason', true), '')",
                                                  as: String.self) ?? ""
            let value = try connection.transaction(work)
            try connection.execute("SELECT set_config('tilskot.reason', $1, true)", [outer])
            return value
        }
    }
}
