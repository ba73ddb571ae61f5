import Foundation
import PGClient
import TilskotCore
import TilskotStore

/// What a report is based on, stated at its foot: when the data was read, the last change recorded
/// in the audit log, which rounds it covers and which county division it uses.
public struct ReportBasis: Sendable, Equatable {
    public var readAt: Date
    /// The newest audit-log entry: nothing in the report can be newer than this.
    public var lastChange: Date?
    /// "JS/2021", in scheme order.
    public var rounds: [String]
    /// Set for reports that place applications in counties or municipalities.
    public var division: CountyDivision?
    /// Anything else the reader must know ("appealed applications count under their decision in force").
    public var notes: [String] = []
    /// Set when the report was read on a standby (`--replica-url`): true, with the time of the last
    /// transaction it had replayed (nil before it has replayed any). A replica may lag the primary.
    public var fromStandby = false
    public var standbyReplayedTo: Date?

    /// "Basis: data as of 2026-11-25 16:05 UTC (last change 2026-11-25 16:04 UTC); rounds JS/2021,
    /// MANGFALD/2021; county division 2020–2023."
    public var footnote: String {
        var parts = ["Basis: data as of \(Self.minute(readAt))"
                     + (lastChange.map { " (last change \(Self.minute($0)))" } ?? " (no changes recorded)")]
        parts.append(rounds.isEmpty ? "no rounds" : "rounds " + rounds.joined(separator: ", "))
        if let division { parts.append("county division \(division.label)") }
        var notes = notes
        if fromStandby {
            notes.insert("Read on a replica (standby server)"
                         + (standbyReplayedTo.map { " that had replayed the primary's changes up to \(Self.minute($0))" } ?? "")
                         + ": changes made on the primary since then are not in it.", at: 0)
        }
        return parts.joined(separator: "; ") + "." + notes.map { " " + $0 }.joined()
    }

    /// "2021-03-01 13:00 +01:00": the minute in Europe/Oslo with its offset, as people read times.
    static func minute(_ date: Date) -> String {
        let full = Presentation(timeZone: Presentation.oslo).time(date)   // "2021-03-01 13:00:05 +01:00"
        return String(full.prefix(16)) + String(full.suffix(7))
    }
}

/// Which rounds a report covers, for its basis.
public enum RoundSelection: Sendable, Equatable {
    case year(Int)
    case scheme(String, from: Int, to: Int)
    /// Every round (`report caseload` without --year).
    case all
}

enum BasisQuery {
    /// One query: the clock, the newest audit entry (an index scan on audit_log_at_idx), the rounds,
    /// and whether this server is a standby and how far it has replayed.
    static let sql = """
        SELECT now() AS read_at, pg_is_in_recovery() AS standby, pg_last_xact_replay_timestamp() AS replayed_to,
               (SELECT max(at) FROM tilskot.audit_log) AS last_change,
               coalesce((SELECT string_agg(s.code || '/' || r.year, ', ' ORDER BY r.year, s.code)
                         FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
                         WHERE ($1::int IS NULL OR r.year = $1)
                           AND ($2::text IS NULL OR (s.code = $2 AND r.year BETWEEN $3 AND $4))), '') AS rounds
        """

    static func fetch(_ selection: RoundSelection, division: CountyDivision?, _ c: Connection) throws -> ReportBasis {
        let parameters: [any SQLParameter]
        switch selection {
        case .year(let year): parameters = [year, String?.none, Int?.none, Int?.none]
        case .scheme(let code, let from, let to): parameters = [Int?.none, code, from, to]
        case .all: parameters = [Int?.none, String?.none, Int?.none, Int?.none]
        }
        guard let row = try c.queryRow(sql, parameters) else {
            throw TilskotError.refused("the report's basis could not be read")
        }
        let rounds = try row.string("rounds")
        return ReportBasis(readAt: try row.decode("read_at", as: Date.self),
                           lastChange: try row.decodeIfPresent("last_change", as: Date.self),
                           rounds: rounds.isEmpty ? [] : rounds.components(separatedBy: ", "),
                           division: division, fromStandby: try row.bool("standby"),
                           standbyReplayedTo: try row.decodeIfPresent("replayed_to", as: Date.self))
    }
}

/// Runs a report's queries in one read-only snapshot, so its rows and its basis agree even while
/// caseworkers keep working: the row query (one, never one per row) and the basis query.
enum ReportReader {
    static func read<T>(_ session: Session, _ body: (Connection) throws -> T) throws(TilskotError) -> T {
        try session.run {
            let c = session.connection
            func work() throws -> T {
                do {
                    return try body(c)
                } catch let error as PGError where error.isTilskotRule {
                    throw TilskotError.refused(error.message)
                }
            }
            // Inside a caller's transaction the caller's snapshot already holds the rows and basis together.
            guard !c.isInTransaction else { return try work() }
            return try c.transaction(isolation: .repeatableRead) {
                try c.executeScript("SET TRANSACTION READ ONLY")
                return try work()
            }
        }
    }
}
