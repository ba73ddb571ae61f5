import Foundation
import PGClient

/// `tilskot db watchdog`: ends casework sessions that sit idle inside a transaction, or block other
/// sessions, for longer than allowed (issue 14, breach 9). The rules are in the database function
/// tilskot.watchdog_sweep (SQL/schema/15_sessions.sql), which also writes a
/// LOG line to the server log for every session it ends; this is the client that calls it and
/// reports what it did.
///
/// Casework sessions are those of login roles in a tilskot group role that are neither superusers
/// nor the deployer (a member of tilskot_owner); sessions of the local database's CLI (`--as`, a
/// superuser login acting through SET ROLE) are never ended.
public enum Watchdog {
    /// What the watchdog is told to allow. nil switches that test off.
    public struct Limits: Sendable, Equatable {
        public var idleSeconds: Double?
        public var blockingSeconds: Double?

        public init(idleSeconds: Double?, blockingSeconds: Double?) {
            self.idleSeconds = idleSeconds
            self.blockingSeconds = blockingSeconds
        }
    }

    /// One session the watchdog ended, or would end with `dryRun`.
    public struct Action: Sendable, Equatable {
        public var pid: Int
        public var login: String
        public var groups: [String]
        public var reason: String
        /// How long the session has been idle in its transaction (nil: it is not idle).
        public var idleSeconds: Int?
        /// How long its transaction has been open (a lock held outside a transaction: how long the
        /// first of those it blocks has waited); nil when not ended for blocking.
        public var blockingSeconds: Int?
        /// The sessions it blocked.
        public var blocked: [Int]
        public var transactionStarted: String?
        /// Ended (false with `dryRun`, or when the session finished its transaction first).
        public var ended: Bool
    }

    /// Parses a duration as people write it: `60s`, `90`, `1.5min`, `2m`, `500ms`, `1h`.
    public static func seconds(from text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("min", 60), ("sec", 1), ("s", 1), ("m", 60), ("h", 3600)]
        for (unit, factor) in units where trimmed.hasSuffix(unit) {
            let number = trimmed.dropLast(unit.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value >= 0, value.isFinite else { return nil }
            return value * factor
        }
        guard let value = Double(trimmed), value >= 0, value.isFinite else { return nil }
        return value
    }

    /// Makes `session` able to see and end other sessions: a superuser or a login with the rights of
    /// tilskot_watchdog already is; the deployer (whose sessions act as tilskot_owner) takes the
    /// role tilskot_watchdog with SET ROLE. Bounds the watchdog's own statements, so that it never
    /// becomes what it looks for.
    public static func prepare(_ session: Session) throws(TilskotError) {
        try session.run {
            let c = session.connection
            try c.executeScript("SET application_name = 'tilskot watchdog'; SET statement_timeout = '30s'; SET lock_timeout = '5s'")
            let row = try c.queryRow("""
                SELECT pg_has_role('pg_signal_backend', 'USAGE') AND pg_has_role('pg_read_all_stats', 'USAGE') AS able,
                       EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tilskot_watchdog')
                       AND pg_has_role(session_user, 'tilskot_watchdog', 'MEMBER') AS may_become
                """)
            if let row, try !row.bool("able"), try row.bool("may_become") {
                try c.executeScript("SET ROLE tilskot_watchdog")
            }
        }
    }

    /// One sweep: ends (or with `dryRun` only lists) the casework sessions over the limits.
    public static func sweep(_ limits: Limits, dryRun: Bool, session: Session) throws(TilskotError) -> [Action] {
        guard limits.idleSeconds != nil || limits.blockingSeconds != nil else {
            throw .usage("tell the watchdog what to end: --idle DURATION, --blocking DURATION or both")
        }
        return try session.run {
            try session.connection.query("""
                SELECT pid, login, groups, reason, idle_seconds, blocking_seconds, blocked::text AS blocked,
                       to_char(transaction_started AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS transaction_started, ended
                  FROM tilskot.watchdog_sweep(make_interval(secs => $1::double precision),
                                              make_interval(secs => $2::double precision), $3::boolean)
                """, [limits.idleSeconds, limits.blockingSeconds, dryRun]).map { row in
                Action(pid: try row.int("pid"), login: try row.string("login"),
                       groups: try row.string("groups").split(separator: ",").map { $0.replacingOccurrences(of: "tilskot_", with: "") },
                       reason: try row.string("reason"),
                       idleSeconds: try row.decodeIfPresent("idle_seconds", as: Int.self),
                       blockingSeconds: try row.decodeIfPresent("blocking_seconds", as: Int.self),
                       blocked: (try row.decodeIfPresent("blocked", as: String.self) ?? "")
                           .trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").compactMap { Int($0) },
                       transactionStarted: try row.decodeIfPresent("transaction_started", as: String.self),
                       ended: try row.bool("ended"))
            }
        }
    }

    /// The line for stderr (and the journal, under systemd) about one action.
    public static func line(_ action: Action, dryRun: Bool) -> String {
        let verb = dryRun ? "would end" : (action.ended ? "ended" : "left (its transaction had finished)")
        var details: [String] = []
        if let idle = action.idleSeconds { details.append("idle \(idle) s") }
        if let held = action.blockingSeconds {
            let blocked = action.blocked.map(String.init).joined(separator: ", ")
            details.append(action.transactionStarted == nil
                ? "blocking \(blocked), waiting \(held) s for a lock it holds outside a transaction"
                : "blocking \(blocked), its transaction open \(held) s")
        }
        return "tilskot watchdog: \(verb) session \(action.pid) of \(action.login) (\(action.groups.joined(separator: ", "))): \(action.reason)"
            + (details.isEmpty ? "" : " (\(details.joined(separator: "; ")))")
    }
}
