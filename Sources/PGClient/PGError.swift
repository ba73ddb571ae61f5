import CLibPQ
import Foundation

/// An error reported by PostgreSQL or by libpq, carrying what a caller needs to turn a broken rule
/// into a clear sentence: the SQLSTATE, the server's message, its detail and the constraint name.
public struct PGError: Error, CustomStringConvertible, Sendable {
    /// Five-character SQLSTATE code (e.g. `23505`); empty when libpq failed before the server answered.
    public var sqlState: String
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    /// True when a connection failed because the server asked for a password that was not given
    /// (libpq's PQconnectionNeedsPassword): no password in the string, PGPASSWORD or a password file.
    public var needsPassword = false

    public init(sqlState: String, message: String, detail: String? = nil, hint: String? = nil,
                constraint: String? = nil, table: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
    }

    /// The SQLSTATE class, like psycopg's error classes: callers match the case they mean.
    public var kind: Kind { Kind(sqlState: sqlState) }

    public enum Kind: Equatable, Sendable {
        case connectionFailure          // 08
        case dataException              // 22
        case integrityConstraintViolation(Constraint) // 23
        case invalidTransactionState    // 25
        case invalidAuthorization       // 28
        case transactionRollback(retryable: Bool) // 40 (40001 and 40P01 are retryable)
        case syntaxOrAccessRule(insufficientPrivilege: Bool) // 42
        case insufficientResources      // 53
        case operatorIntervention       // 57 (e.g. the server is shutting down)
        case raisedException            // P0 (RAISE in PL/pgSQL)
        case client                     // libpq itself, no SQLSTATE
        case other

        public enum Constraint: Equatable, Sendable {
            case notNull, foreignKey, unique, check, exclusion, other
        }

        init(sqlState: String) {
            switch sqlState {
            case "": self = .client
            case "23502": self = .integrityConstraintViolation(.notNull)
            case "23503": self = .integrityConstraintViolation(.foreignKey)
            case "23505": self = .integrityConstraintViolation(.unique)
            case "23514": self = .integrityConstraintViolation(.check)
            case "23P01": self = .integrityConstraintViolation(.exclusion)
            case "40001", "40P01": self = .transactionRollback(retryable: true)
            case "42501": self = .syntaxOrAccessRule(insufficientPrivilege: true)
            default:
                switch sqlState.prefix(2) {
                case "08": self = .connectionFailure
                case "22": self = .dataException
                case "23": self = .integrityConstraintViolation(.other)
                case "25": self = .invalidTransactionState
                case "28": self = .invalidAuthorization
                case "40": self = .transactionRollback(retryable: false)
                case "42": self = .syntaxOrAccessRule(insufficientPrivilege: false)
                case "53": self = .insufficientResources
                case "57": self = .operatorIntervention
                case "P0": self = .raisedException
                default: self = .other
                }
            }
        }
    }

    /// True for serialization failures and deadlocks: running the transaction again may succeed.
    public var isRetryable: Bool { kind == .transactionRollback(retryable: true) }

    /// True when the connection to the server is gone or was never made.
    public var isConnectionLoss: Bool {
        switch kind {
        // 57014 (query_canceled: a statement_timeout or a cancel) is in class 57 but the
        // connection stays; the rest of the class (57P01 admin shutdown, 57P02 crash shutdown,
        // 57P03 cannot connect now) ends or refuses it.
        case .operatorIntervention: return sqlState != "57014"
        case .connectionFailure: return true
        case .client: return true
        default: return false
        }
    }

    public var description: String {
        var text = message
        if let detail, !detail.isEmpty { text += " (\(detail))" }
        return sqlState.isEmpty ? text : "\(text) [\(sqlState)]"
    }

    /// The error of a failed connection, from libpq's message in the verbose form
    /// ("connection to server at … failed: FATAL:  28P01: password authentication failed for user
    /// …"): the SQLSTATE of the last server error in it, and the message without the codes and
    /// LOCATION lines. libpq keeps a failed connection's error fields to itself, so the message is
    /// all there is; the code is read from it because the text is in the server's language.
    /// No server error in it (no server, refused, a bad string): no SQLSTATE.
    public static func fromConnectFailure(_ message: String) -> PGError {
        var sqlState = ""
        var lines: [String] = []
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            var text = String(line)
            if text.hasPrefix("LOCATION:  ") { continue }
            // "<severity>:  XXXXX: message" — severity is translated, the five-character code is not.
            if let range = text.range(of: #":  [0-9A-Z]{5}: "#, options: .regularExpression) {
                sqlState = String(text[text.index(range.lowerBound, offsetBy: 3)..<text.index(range.lowerBound, offsetBy: 8)])
                text.replaceSubrange(range, with: ":  ")
            }
            lines.append(text)
        }
        return PGError(sqlState: sqlState, message: lines.joined(separator: "\n").trimmingTrailingNewlines())
    }

    /// Reads the error fields of a failed result.
    static func from(result: OpaquePointer?, connection: OpaquePointer?) -> PGError {
        func field(_ code: Int32) -> String? {
            guard let result, let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        // PG_DIAG_* are macros over character codes that Swift does not import.
        let sqlState = field(Int32(UInt8(ascii: "C"))) ?? ""
        let primary = field(Int32(UInt8(ascii: "M")))
        let fallback = connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? "unknown error"
        return PGError(
            sqlState: sqlState,
            message: (primary ?? fallback).trimmingTrailingNewlines(),
            detail: field(Int32(UInt8(ascii: "D"))),
            hint: field(Int32(UInt8(ascii: "H"))),
            constraint: field(Int32(UInt8(ascii: "n"))),
            table: field(Int32(UInt8(ascii: "t")))
        )
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" || last == " " { s = s.dropLast() }
        return String(s)
    }
}
