import PGClient

/// A connection set up for tilskot: our schema on the search path and, with `--as`, the acting user
/// as `current_user` (SET ROLE), which every trigger records as the actor.
public final class Session {
    public let connection: Connection
    public let target: DatabaseTarget
    /// The user named with `--as` (act(as:)), or nil when the login acts.
    public private(set) var actingAs: String?
    /// Whether the login was found to be a tilskot user (asked once, at the first change).
    private var loginIsTilskotUser: Bool?

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
        // A disabled user's role still exists, but they act no more (`user disable`): say so here
        // rather than let the login act in their place.
        let canLogIn = try run {
            try connection.queryValue("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", [user], as: Bool.self)
        }
        if canLogIn == false {
            _ = try run { try connection.execute("RESET role") }
            throw .refused("cannot act as \(user): the user is disabled or is not a person (a group role); an administrator adds them again with `tilskot user add \(user) --role ROLE`")
        }
        actingAs = user
    }

    /// Nobody acts nameless (issue 17): a change needs a tilskot user. With `--as` the database
    /// checks the named user's groups at every step; without it the login acts, and must itself be
    /// a tilskot user — never on the local database, whose login is the cluster's superuser, nor
    /// the deployer's login over a URL. Asked once per session; the database refuses the same
    /// writes on its own (42T20), this only says so before any work, with how to name the user.
    public func requireNamedActor() throws(TilskotError) {
        guard actingAs == nil else { return }
        if loginIsTilskotUser == nil {
            loginIsTilskotUser = try run {
                try connection.queryValue("SELECT tilskot.is_tilskot_user(session_user::text)", as: Bool.self) ?? false
            }
        }
        guard loginIsTilskotUser == true else {
            let login = (try? run { try connection.queryValue("SELECT session_user::text", as: String.self) }) ?? nil
            if target.isLocalCluster {
                throw .refused("change refused: no tilskot user is named: on the local database a change is made by a named user; pass --as USER or set TILSKOT_USER (`tilskot user list` shows who there is)")
            }
            throw .refused("change refused: the login \(login ?? "user") is not a tilskot user (in none of tilskot's groups, or disabled), and changes are made by named people; log in as your own tilskot user, or pass --as USER or set TILSKOT_USER")
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
