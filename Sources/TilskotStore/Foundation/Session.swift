import Foundation
import PGClient
import TilskotCore

/// A connection set up for tilskot: our schema on the search path and, with `--as`, the acting user
/// as `current_user` (SET ROLE), which every trigger records as the actor.
///
/// Every session names itself (`application_name`, e.g. "tilskot application decide"), gives up on
/// an unreachable server after a connect timeout, and — where the login has no limits of its own —
/// has a statement and a lock timeout (SessionSettings). It compares the database's schema level
/// with this binary's once, warns when they differ and refuses the first change (exit 6).
public final class Session {
    public let connection: Connection
    public let target: DatabaseTarget
    /// The user named with `--as` (act(as:)), or nil when the login acts.
    public private(set) var actingAs: String?
    /// Whether the login was found to be a tilskot user (asked once, at the first change).
    private var loginIsTilskotUser: Bool?
    /// The database's schema level against this binary's (nil when not asked: migrate, db *).
    public private(set) var schemaComparison: SchemaLevel.Comparison?
    /// The installation's time zone (tilskot.installation_time_zone()), in which dates and times are
    /// shown; Europe/Oslo where the database does not say.
    public private(set) var installationTimeZone = "Europe/Oslo"
    /// The session's lock_timeout as PostgreSQL writes it ("30s", "10s"; "0" for none).
    public private(set) var lockTimeout = "0"

    /// The last database error a service call met, before it became a sentence (TilskotError keeps
    /// no SQLSTATE): `tilskot serve` maps it to an HTTP status (403, 409, 422). Set by `run` and by
    /// the lifecycle services where they turn a rule's error into its sentence.
    public internal(set) var lastDatabaseError: PGError?

    public init(connection: Connection, target: DatabaseTarget) {
        self.connection = connection
        self.target = target
    }

    /// A session over a pooled connection of `tilskot serve`, inside the request's transaction whose
    /// first statement made `actingAs` the role with set_config(…, true): nothing session-level is set
    /// here (no SET ROLE, no search path), so nothing outlives the request on the connection.
    /// `requireNamedActor` and the lifecycle services work unchanged; their `transaction` becomes a
    /// savepoint inside the request's transaction.
    public static func forRequest(connection: Connection, target: DatabaseTarget, actingAs: String,
                                  schemaComparison: SchemaLevel.Comparison? = nil) -> Session {
        let session = Session(connection: connection, target: target)
        session.actingAs = actingAs
        session.schemaComparison = schemaComparison
        session.ownsRequestTransaction = true
        return session
    }

    /// True for a request's session of `tilskot serve` (forRequest): the request's transaction is
    /// the whole unit of work, so a step of it (`transaction`) needs no savepoint of its own — a
    /// refusal ends the request and rolls all of it back.
    private var ownsRequestTransaction = false
    /// The steps run in a request's transaction so far.
    private var requestSteps = 0

    /// Connects to `target`, acting as `actAs` when given. `checkSchemaLevel` false is for commands
    /// that work on any schema level (migrate, db *); nil takes the process's setting.
    /// `statementTimeout` overrides the process's client default for this session (a command that
    /// legitimately runs long: "0" for none).
    public static func open(
        _ target: DatabaseTarget,
        actAs: String? = nil,
        checkSchemaLevel: Bool? = nil,
        statementTimeout: String? = nil
    ) throws(TilskotError) -> Session {
        let settings = SessionSettings.current
        if let problem = settings.problem { throw .usage(problem) }
        let statementLimit = try SessionSettings.interval(statementTimeout ?? settings.statementTimeout, name: "the statement timeout")
        let lockLimit = try SessionSettings.interval(settings.lockTimeout, name: "TILSKOT_LOCK_TIMEOUT")
        let connection: Connection
        do {
            connection = try Connection(target.conninfo, fallbackApplicationName: settings.applicationName,
                                        connectTimeout: settings.connectTimeout)
        } catch {
            throw connectFailure(target, error)
        }
        let session = Session(connection: connection, target: target)
        // One round trip: the search path; the client's default limits only where the server's
        // value is PostgreSQL's default 0 — a casework login's own limits (18_users.sql: 10 s lock,
        // 5 min statement) are never loosened; the installation's time zone where the database has
        // one (query_to_xml runs the call only when the function exists, so a database migrated
        // before it, or not at all, still opens). A login that may not call it (no USAGE on the
        // schema) opens all the same, with Europe/Oslo: the same statement again without it.
        func setUp(readingZone: Bool) throws(PGError) -> Row? {
            try connection.queryRow("""
                SELECT set_config('search_path', 'tilskot, public', false) AS search_path,
                       CASE WHEN $1 <> '' AND current_setting('statement_timeout') = '0'
                            THEN set_config('statement_timeout', $1, false) END AS statement_timeout,
                       CASE WHEN $2 <> '' AND current_setting('lock_timeout') = '0'
                            THEN set_config('lock_timeout', $2, false)
                            ELSE current_setting('lock_timeout') END AS lock_timeout,
                       CASE WHEN $3 AND to_regprocedure('tilskot.installation_time_zone()') IS NOT NULL
                            THEN substring(query_to_xml('SELECT tilskot.installation_time_zone() AS z', false, true, '')::text
                                           FROM '<z>([^<]*)</z>') END AS time_zone
                """, [statementLimit, lockLimit, readingZone])
        }
        do {
            let row: Row?
            do {
                row = try setUp(readingZone: true)
            } catch where !error.isConnectionLoss {
                row = try setUp(readingZone: false)
            }
            if let zone = row?["time_zone"], !zone.isEmpty { session.installationTimeZone = zone }
            session.lockTimeout = row?["lock_timeout"] ?? "0"
            settings.timeZoneObserver?(session.installationTimeZone)
        } catch {
            throw TilskotError.from(error)
        }
        if checkSchemaLevel ?? settings.checksSchemaLevel {
            let comparison = try session.run { try SchemaLevel.compare(connection) }
            session.schemaComparison = comparison
            if let sentence = comparison.sentence { SessionSettings.warnOnce("warning: \(sentence)") }
        }
        if let delay = settings.lockNoticeDelay, delay > 0 {
            let notice = LockNotice(conninfo: target.conninfo, backendPID: connection.backendPID, delay: delay,
                                    timeZone: session.installationTimeZone, lockTimeout: session.lockTimeout)
            connection.statementWatch = { notice.watch() }
        }
        if let actAs, !actAs.isEmpty { try session.act(as: actAs) }
        return session
    }

    /// Why a connection could not be made, as one sentence with its exit status
    /// (docs/exit-status.md): the server's SQLSTATE decides where it sent one; libpq's own
    /// failures (no server, refused, timeout, a string it cannot use) are "unreachable".
    public static func connectFailure(_ target: DatabaseTarget, _ error: PGError) -> TilskotError {
        let place = target.displayName
        let reason = oneLine(error.message)
        switch error.sqlState {
        case "28P01":
            // PostgreSQL sends one message for a wrong and an expired password (VALID UNTIL);
            // only the server log says which.
            return .authentication("authentication failed at \(place): wrong password, or the password has expired (the server log says which): \(reason); check the password (URL, PGPASSWORD, ~/.pgpass) or ask the DBA for a new one")
        case let code where code.hasPrefix("28"):
            // 28000: no pg_hba.conf line lets this login in from here, or the role may not log in.
            return .authentication("the server at \(place) does not let this login in: \(reason); no pg_hba.conf entry for this login, address and database, or a role that may not log in (disabled) — ask the DBA")
        case "42501":
            // At connect: the login lacks CONNECT on the database — turned away like 28000.
            return .authentication("the server at \(place) does not let this login in: \(reason); the login may not connect to this database (CONNECT) — ask the DBA to give it a tilskot role")
        case "3D000":
            // The server answered, but the database named is not there: the target cannot be
            // reached as named (3), not a refusal of the command (1).
            let hint = target.isLocalCluster ? "; make it with `tilskot db create NAME`, or start from `tilskot db url`" : "; check the database name in the URL"
            return .unreachable("cannot reach PostgreSQL at \(place): \(reason)\(hint)")
        default:
            break
        }
        if error.sqlState == "53300" {
            // "sorry, too many clients already" (max_connections) or "too many connections for
            // role" (the login's CONNECTION LIMIT).
            return .serverResources("cannot connect to PostgreSQL at \(place): too many connections: \(reason) [53300]; nothing was done — try again in a moment, and if it keeps happening tell the DBA (max_connections, or the login's CONNECTION LIMIT)")
        }
        if let resources = TilskotError.serverResources(error) { return resources }
        if error.needsPassword {
            return .authentication("authentication failed at \(place): the server asks for a password and none was given: \(reason); put it in ~/.pgpass or PGPASSFILE (mode 0600), PGPASSWORD, or the URL")
        }
        return unreachable(target, error)
    }

    static func unreachable(_ target: DatabaseTarget, _ error: PGError) -> TilskotError {
        let hint = target.isLocalCluster
            ? "start the local database with `tilskot db start` or pass --database-url"
            : "check the address and that the server runs (TILSKOT_CONNECT_TIMEOUT sets how long to wait), or ask the DBA"
        return .unreachable("cannot reach PostgreSQL at \(target.displayName): \(oneLine(error.message)); \(hint)")
    }

    /// The connection broke while a command was working (the server stopped or crashed): the
    /// server rolls back what was not committed.
    static func lost(_ target: DatabaseTarget, _ error: PGError) -> TilskotError {
        let back = target.isLocalCluster ? " (`tilskot db start` for the local database)" : ""
        return .unreachable(
            "lost the connection to PostgreSQL at \(target.displayName) while working: \(oneLine(error.message)); what was not committed is rolled back, so once the server is back\(back) run the command again"
        )
    }

    /// libpq's messages span lines and indent with tabs; a refusal is one line.
    static func oneLine(_ text: String) -> String {
        TilskotError.oneLine(text)
    }

    /// Refuses a change when the database's schema level is not this binary's (exit 6): reads go
    /// on with the warning Session.open gave, a change could meet tables or rules this binary does
    /// not know. Called with requireNamedActor, before every change.
    public func requireCurrentSchema() throws(TilskotError) {
        guard let comparison = schemaComparison, let sentence = comparison.sentence else { return }
        throw .schemaMismatch("change refused: \(sentence)")
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
    /// First of all a change needs the schema level this binary was built for (exit 6).
    public func requireNamedActor() throws(TilskotError) {
        try requireCurrentSchema()
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

    /// Today in the installation's calendar, as the database counts it (tilskot.today(),
    /// SQL/schema/00_foundation.sql): the day a default date stands for. Not the machine's UTC day:
    /// between midnight in Oslo and midnight UTC those differ, and deadlines run in the
    /// directorate's days (fvl. §§ 29–30).
    public func today() throws(TilskotError) -> CalendarDate {
        let text: String? = try run { try connection.queryValue("SELECT to_char(tilskot.today(), 'YYYY-MM-DD')") }
        guard let text, let day = try? CalendarDate(text, field: "today") else {
            throw .refused("the database did not say what day it is (tilskot.today()); run `tilskot migrate`")
        }
        return day
    }

    /// Runs database work, turning database errors into sentences for people.
    public func run<T>(_ body: () throws -> T) throws(TilskotError) -> T {
        do {
            return try body()
        } catch let error as TilskotError {
            throw error
        } catch let error as PGError {
            lastDatabaseError = error
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
            func work() throws -> T {
                if let reason {
                    try self.connection.execute("SELECT set_config('tilskot.reason', $1, true)", [reason])
                }
                return try body()
            }
            guard connection.isInTransaction else {
                // An outermost transaction is run again on a deadlock or serialization failure.
                return try connection.retryingTransaction(work)
            }
            if ownsRequestTransaction {
                // One step of a request (DatabasePool.request): no savepoint and no read of the reason
                // around it — four round trips a change saved. Its reason is set as a step's is; a
                // later step of the same request without one clears what an earlier step set (also a
                // reason a step set itself, as a decision does), so no audit row carries another
                // step's reason.
                if reason == nil, requestSteps > 0 {
                    try connection.execute("SELECT set_config('tilskot.reason', '', true)")
                }
                requestSteps += 1
                return try work()
            }
            let outer = try connection.queryValue("SELECT coalesce(current_setting('tilskot.reason', true), '')",
                                                  as: String.self) ?? ""
            let value = try connection.transaction(work)
            try connection.execute("SELECT set_config('tilskot.reason', $1, true)", [outer])
            return value
        }
    }
}
