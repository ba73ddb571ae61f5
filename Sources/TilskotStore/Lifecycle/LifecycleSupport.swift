import Foundation
import PGClient
import TilskotCore

// What every lifecycle service shares: running work so that the database's own sentences reach the
// user unchanged, decoding money and dates, and checks of free text.

extension PGError {
    /// True for a refusal raised by one of tilskot's own triggers (SQLSTATE 23Txx or 42T01, listed in
    /// SQL/schema/README.md): its message is already a sentence for a caseworker.
    public var isTilskotRule: Bool {
        let scalars = Array(sqlState.unicodeScalars)
        return scalars.count == 5 && scalars[2] == "T"
    }
}

extension Session {
    /// Runs lifecycle changes in one transaction, with `reason` on every audit event it writes.
    /// A rule the database refuses comes back as its own sentence; a deadlock or serialization
    /// failure runs the transaction again (Session.transaction does that).
    func lifecycleChange<T>(reason: String? = nil, _ body: () throws -> T) throws(TilskotError) -> T {
        try requireNamedActor()  // nobody acts nameless (Session.requireNamedActor)
        return try transaction(reason: reason) {
            do {
                return try body()
            } catch let error as PGError where error.isTilskotRule {
                lastDatabaseError = error  // its SQLSTATE, for `tilskot serve` (Session.lastDatabaseError)
                throw TilskotError.refused(error.message)
            } catch let error as ValidationError {
                throw TilskotError.refused(error.message)
            }
        }
    }

    /// Runs reads, with the same error handling.
    func lifecycleRead<T>(_ body: () throws -> T) throws(TilskotError) -> T {
        try run {
            do {
                return try body()
            } catch let error as PGError where error.isTilskotRule {
                lastDatabaseError = error  // its SQLSTATE, for `tilskot serve` (Session.lastDatabaseError)
                throw TilskotError.refused(error.message)
            } catch let error as ValidationError {
                throw TilskotError.refused(error.message)
            }
        }
    }
}

extension Row {
    func money(_ name: String) throws(PGError) -> Money { Money(ore: try int64(name)) }

    func moneyIfPresent(_ name: String) throws(PGError) -> Money? {
        try decodeIfPresent(name, as: Int64.self).map { Money(ore: $0) }
    }

    /// A `date` column (YYYY-MM-DD).
    func date(_ name: String) throws(PGError) -> CalendarDate {
        let text = try string(name)
        guard let date = CalendarDate(sqlText: text) else {
            throw PGError(sqlState: "", message: "column \(name) holds \"\(text)\", which is not a date")
        }
        return date
    }

    func dateIfPresent(_ name: String) throws(PGError) -> CalendarDate? {
        guard self[name] != nil else { return nil }
        return try date(name)
    }

    func timestamp(_ name: String) throws(PGError) -> Date { try decode(name, as: Date.self) }

    func optionalString(_ name: String) -> String? { self[name] }
}

extension CalendarDate {
    /// Reads PostgreSQL's ISO date text without the input range check (stored dates are trusted).
    init?(sqlText: String) {
        let parts = sqlText.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }
}

/// Asks the database whether the acting user may take `step` ("decision", "round", "attestation",
/// "repayment", …: tilskot.require_role in SQL/schema/00_foundation.sql, the same function the
/// step's trigger calls), before any work is done: a user without the role meets the table's
/// privileges first, whose "permission denied" says less. The sentence is the database's.
func requireRole(_ step: String, _ connection: Connection) throws {
    try connection.execute("SELECT tilskot.require_role($1)", [step])
}

/// Optional free text: nil when blank.
func optionalText(_ text: String?) -> String? {
    let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    return trimmed.isEmpty ? nil : trimmed
}
