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
    /// How fresh the standby was (ReplicaFreshness): current, or how many seconds behind and why.
    public var standbyFreshness: ReplicaFreshness?

    /// "Basis: data as of 2026-11-25 16:05:12 +01:00 (last change 2026-11-25 16:04:58 +01:00);
    /// rounds JS/2021, MANGFALD/2021; county division 2020–2023."
    public var footnote: String {
        var parts = ["Basis: data as of \(Self.second(readAt))"
                     + (lastChange.map { " (last change \(Self.second($0)))" } ?? " (no changes recorded)")]
        parts.append(rounds.isEmpty ? "no rounds" : "rounds " + rounds.joined(separator: ", "))
        if let division { parts.append("county division \(division.label)") }
        var notes = notes
        if fromStandby { notes.insert(standbyNote, at: 0) }
        return parts.joined(separator: "; ") + "." + notes.map { " " + $0 }.joined()
    }

    /// The freshness note of a report read on a standby, to the second: "Read on a replica (standby
    /// server) that had replayed everything it received from the primary (streaming; last
    /// transaction replayed 2026-12-05 10:01:02 +01:00): …" or "… that was 14 s behind the primary
    /// (replay is paused; …)". A standby that replayed all it received while streaming is current
    /// however old its last transaction is: the primary may simply have had nothing to write.
    public var standbyNote: String {
        let last = standbyReplayedTo.map { "last transaction replayed \(Self.second($0))" } ?? "no transaction replayed yet"
        guard let f = standbyFreshness else {
            return "Read on a replica (standby server) (\(last)): changes made on the primary since then are not in it."
        }
        if f.isCurrent {
            return "Read on a replica (standby server) that had replayed everything it received from the primary (streaming; \(last)): a change the primary committed a moment before the read may not have reached it."
        }
        var why: [String] = []
        if f.replayPaused { why.append("replay is paused") }
        if !f.streaming { why.append("not streaming from the primary") }
        why.append(last)
        let behind = f.lagSeconds.map { "was behind the primary by up to \(Int($0.rounded())) s" } ?? "had not replayed the primary's changes"
        return "Read on a replica (standby server) that \(behind) (\(why.joined(separator: "; "))): changes made on the primary since then are not in it."
    }

    /// "2021-03-01 13:00:05 +01:00": the second in Europe/Oslo with its offset, as people read times.
    static func second(_ date: Date) -> String {
        Presentation(timeZone: Presentation.oslo).time(date)
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
    /// and whether this server is a standby and how fresh it is (ReplicaFreshness).
    static let sql = """
        SELECT now() AS read_at, f.*,
               (SELECT max(at) FROM tilskot.audit_log) AS last_change,
               coalesce((SELECT string_agg(s.code || '/' || r.year, ', ' ORDER BY r.year, s.code)
                         FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
                         WHERE ($1::int IS NULL OR r.year = $1)
                           AND ($2::text IS NULL OR (s.code = $2 AND r.year BETWEEN $3 AND $4))), '') AS rounds
          FROM (\(ReplicaFreshness.sql)) f
        """

    static func fetch(_ selection: RoundSelection, division: CountyDivision?, _ c: any ReportRows) throws -> ReportBasis {
        let parameters: [any SQLParameter]
        switch selection {
        case .year(let year): parameters = [year, String?.none, Int?.none, Int?.none]
        case .scheme(let code, let from, let to): parameters = [Int?.none, code, from, to]
        case .all: parameters = [Int?.none, String?.none, Int?.none, Int?.none]
        }
        guard let row = try c.query(sql, parameters).first else {
            throw TilskotError.refused("the report's basis could not be read")
        }
        let rounds = try row.string("rounds")
        let freshness = try ReplicaFreshness(row)
        return ReportBasis(readAt: try row.decode("read_at", as: Date.self),
                           lastChange: try row.decodeIfPresent("last_change", as: Date.self),
                           rounds: rounds.isEmpty ? [] : rounds.components(separatedBy: ", "),
                           division: division, fromStandby: freshness.inRecovery,
                           standbyReplayedTo: freshness.replayedTo,
                           standbyFreshness: freshness.inRecovery ? freshness : nil)
    }
}

/// Where a report's row and basis queries are answered: the connection (a statement each), or
/// ReportBatch's rows, read for several reports in one statement.
public protocol ReportRows {
    func query(_ sql: String, _ parameters: [any SQLParameter]) throws -> [PGClient.Row]
}

extension Connection: ReportRows {}

/// Several reports' queries in one statement (the web reports page, issue 20): `run` calls `body`
/// (the reports' fetches, e.g. SummaryQuery.fetch) first to learn their queries — answered with
/// no rows, their refusals ignored —, sends every distinct query as one statement (each query's
/// rows as JSON, back in the server's text form: PGClient.Row), then calls `body` again with
/// those rows. The same SQL and the same decoding as each fetch alone; a query the first pass did
/// not see goes to the connection. Inside the caller's transaction (one snapshot).
public enum ReportBatch {
    final class Source: ReportRows, @unchecked Sendable {
        var asked: [(sql: String, parameters: [String?])] = []
        var answers: [String: [PGClient.Row]]?
        let connection: Connection

        init(connection: Connection) { self.connection = connection }

        static func key(_ sql: String, _ parameters: [String?]) -> String {
            sql + "\u{0}" + parameters.map { $0 ?? "\u{1}" }.joined(separator: "\u{0}")
        }

        func query(_ sql: String, _ parameters: [any SQLParameter]) throws -> [PGClient.Row] {
            let texts = parameters.map(\.sqlText)
            guard let answers else {
                if !asked.contains(where: { $0.sql == sql && $0.parameters == texts }) { asked.append((sql, texts)) }
                return []
            }
            if let rows = answers[Self.key(sql, texts)] { return rows }
            return try connection.query(sql, parameters)
        }
    }

    @TaskLocal static var current: Source?

    public static func run<T>(_ session: Session, _ body: () throws -> T) throws(TilskotError) -> T {
        let source = Source(connection: session.connection)
        // First pass: the queries the reports ask.
        _ = try? $current.withValue(source) { try body() }
        guard !source.asked.isEmpty else { return try session.run { try body() } }
        // One statement: per query its rows as JSON objects, each value as text.
        var parts: [String] = []
        var parameters: [String?] = []
        for (index, query) in source.asked.enumerated() {
            let offset = parameters.count
            let sql = renumbered(query.sql, by: offset)
            parameters += query.parameters
            parts.append("""
                SELECT \(index) AS query, x.n, e.k, e.key, e.value
                  FROM json_array_elements(coalesce((SELECT json_agg(q) FROM (\(sql)) q), '[]'::json)) WITH ORDINALITY AS x(j, n)
                  CROSS JOIN LATERAL json_each_text(x.j) WITH ORDINALITY AS e(key, value, k)
                """)
        }
        let statement = parts.joined(separator: "\nUNION ALL\n") + "\nORDER BY 1, 2, 3"
        return try session.run {
            let lines = try session.connection.query(statement, parameters)
            var rows: [[PGClient.Row]] = Array(repeating: [], count: source.asked.count)
            var columns: [String] = [], values: [String?] = []
            var at: (Int, String)?
            func flush() {
                if let (index, _) = at { rows[index].append(PGClient.Row(columns: columns, values: values)) }
                columns = []; values = []
            }
            for line in lines {
                let index = try line.int("query"), n = try line.string("n")
                if at == nil || at! != (index, n) { flush(); at = (index, n) }
                columns.append(try line.string("key"))
                values.append(line["value"])
            }
            flush()
            var answers: [String: [PGClient.Row]] = [:]
            for (index, query) in source.asked.enumerated() { answers[Source.key(query.sql, query.parameters)] = rows[index] }
            source.answers = answers
            return try $current.withValue(source) { try body() }
        }
    }

    /// The SQL with its parameters $1, $2, … numbered from offset + 1.
    static func renumbered(_ sql: String, by offset: Int) -> String {
        guard offset > 0 else { return sql }
        var out = ""
        var rest = Substring(sql)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let digits = rest[rest.index(after: dollar)...].prefix { $0.isASCII && $0.isNumber }
            if let n = Int(digits) {
                out += "$\(n + offset)"
                rest = rest[digits.endIndex...]
            } else {
                out += "$"
                rest = rest[rest.index(after: dollar)...]
            }
        }
        return out + rest
    }
}

/// Runs a report's queries in one read-only snapshot, so its rows and its basis agree even while
/// caseworkers keep working: the row query (one, never one per row) and the basis query.
enum ReportReader {
    /// A report's fetch: its queries go to ReportBatch when one runs, else to the connection (read).
    static func readRows<T>(_ session: Session, _ body: (any ReportRows) throws -> T) throws(TilskotError) -> T {
        if let batch = ReportBatch.current {
            return try session.run {
                do {
                    return try body(batch)
                } catch let error as PGError where error.isTilskotRule {
                    throw TilskotError.refused(error.message)
                }
            }
        }
        return try read(session) { c in try body(c) }
    }

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
