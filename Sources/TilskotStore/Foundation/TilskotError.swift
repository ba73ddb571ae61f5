import PGClient

/// What a command reports to a person. Each case maps to one exit status of the CLI contract.
public enum TilskotError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Bad input, a broken rule or a conflict: exit 1, nothing written.
    case refused(String)
    /// Wrong usage of the command line: exit 2.
    case usage(String)
    /// PostgreSQL could not be reached (no server, connection refused, timeout, connection lost,
    /// the database named does not exist): exit 3.
    case unreachable(String)
    /// The server turned the login away (wrong or expired password, no pg_hba.conf entry, a role
    /// that may not log in): exit 4.
    case authentication(String)
    /// The server ran out of something (connections 53300, disk 53100, memory 53200, other 53xxx
    /// and 58xxx): exit 5. Nothing was written.
    case serverResources(String)
    /// The database's schema is not the one this binary was built for, and a change was asked
    /// for: exit 6 (SchemaLevel; reads go on with a warning).
    case schemaMismatch(String)

    public var description: String {
        switch self {
        case .refused(let text), .usage(let text), .unreachable(let text), .authentication(let text),
             .serverResources(let text), .schemaMismatch(let text):
            return text
        }
    }

    /// The exit status of the CLI contract (docs/exit-status.md).
    public var exitStatus: Int32 {
        switch self {
        case .refused: return 1
        case .usage: return 2
        case .unreachable: return 3
        case .authentication: return 4
        case .serverResources: return 5
        case .schemaMismatch: return 6
        }
    }

    /// The server is out of a resource (SQLSTATE class 53, insufficient resources, or 58, system
    /// error such as an I/O error): the sentence says what ran out and that nothing was written.
    public static func serverResources(_ error: PGError) -> TilskotError? {
        let what: String
        switch error.sqlState {
        case "53300": what = "too many connections (the server's or the login's connection limit)"
        case "53100": what = "disk full"
        case "53200": what = "out of memory"
        case "53400": what = "a configured limit (e.g. max_locks_per_transaction)"
        default:
            guard error.sqlState.hasPrefix("53") || error.sqlState.hasPrefix("58") else { return nil }
            what = error.sqlState.hasPrefix("53") ? "a server resource" : "a system error on the server (e.g. an I/O error)"
        }
        return .serverResources("the database server ran out of resources: \(what): \(oneLine(error.message)) [\(error.sqlState)]; nothing was written — tell the DBA, and run the command again once they have made room")
    }

    /// libpq's messages span lines and indent with tabs; a refusal is one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Turns a database error into a sentence for a person. Rules raised by our own triggers
    /// already speak the user's language; constraint and permission errors get a plain framing.
    public static func from(_ error: PGError) -> TilskotError {
        if let resources = serverResources(error) { return resources }
        if error.isConnectionLoss {
            return .unreachable("lost the connection to PostgreSQL: \(error.message)")
        }
        // Our own triggers raise SQLSTATEs with 'T' as the third character (23Txx, 42T01) and a
        // full sentence for a person: show those as they are.
        if error.sqlState.count == 5, error.sqlState.dropFirst(2).first == "T" {
            return .refused(error.message)
        }
        // The session limits every casework login has (SQL/schema/18_users.sql, issue 14): say what
        // happened and what to do, not PostgreSQL's "canceling statement".
        switch error.sqlState {
        case "55P03":
            return .refused("another session has held what this command needs for too long (lock_timeout); nothing was written — try again in a moment, and if it keeps happening ask the DBA to run `tilskot db watchdog` (TILSKOT_LOCK_TIMEOUT sets how long to wait where the login has no limit of its own)")
        case "57014":
            return .refused("the database stopped the statement because it ran too long (statement_timeout) or was cancelled; nothing was written — narrow the request (e.g. --round, --year) or ask the DBA (TILSKOT_STATEMENT_TIMEOUT sets the limit where the login has none of its own)")
        case "25P03":
            return .unreachable("the database ended this session because it sat idle inside a transaction (idle_in_transaction_session_timeout); nothing of it was written — run the command again")
        default:
            break
        }
        switch error.kind {
        case .syntaxOrAccessRule(insufficientPrivilege: true):
            return .refused("not allowed: \(error.message); ask an administrator for a role that may do this")
        case .integrityConstraintViolation:
            let name = error.constraint.map { " (rule \($0))" } ?? ""
            return .refused("refused by the database\(name): \(error.message)")
        case .raisedException:
            return .refused(error.message)
        default:
            return .refused("the database refused the change: \(error.message)")
        }
    }
}
