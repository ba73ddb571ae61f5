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
        switch error.kind {
        case .syntaxOrAccessRule(insufficientPrivilege: true):
            return .refused("not allowed: \(error.message); ask an administrator for a role that may do this")
        case .integrityConstraintViolation(let constraint):
            if error.sqlState == "23514" || error.sqlState == "23P01" || constraint == .other,
               error.message.first?.isUppercase == false, !error.message.hasPrefix("new row") {
                return .refused(error.message)   // raised by a trigger of ours with a full sentence
            }
            let name = error.constraint.map { " (rule \($0))" } ?? ""
            return .refused("refused by the database\(name): \(error.message)")
        case .raisedException:
            return .refused(error.message)
        default:
            return .refused("the database refused the change: \(error.message)")
        }
    }
}
