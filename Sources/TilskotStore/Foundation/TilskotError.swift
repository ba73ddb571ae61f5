import PGClient

/// What a command reports to a person. Each case maps to one exit status of the CLI contract.
public enum TilskotError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Bad input, a broken rule or a conflict: exit 1, nothing written.
    case refused(String)
    /// Wrong usage of the command line: exit 2.
    case usage(String)
    /// PostgreSQL could not be reached: exit 3.
    case unreachable(String)

    public var description: String {
        switch self {
        case .refused(let text), .usage(let text), .unreachable(let text): return text
        }
    }

    /// Turns a database error into a sentence for a person. Rules raised by our own triggers
    /// already speak the user's language; constraint and permission errors get a plain framing.
    public static func from(_ error: PGError) -> TilskotError {
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
            return .refused("another session has held what this change needs for too long (lock_timeout); nothing was written — try again in a moment, and if it keeps happening ask the DBA to run `tilskot db watchdog`")
        case "57014":
            return .refused("the database stopped the statement because it ran too long (statement_timeout) or was cancelled; nothing was written — narrow the request (e.g. --round, --year) or ask the DBA")
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
