import Foundation
import PGClient

/// One finding of `tilskot db check` (issue 18, item 6): what was checked, whether it is healthy,
/// the value a monitor graphs, and one sentence for the person who reads the alert.
public struct HealthCheck: Sendable, Equatable {
    /// snake_case, stable: a monitor keys its alerts on it ("schema", "replication_lag", "backup").
    public var name: String
    public var ok: Bool
    /// The measured value as text ("primary", "3.2", "2026-12-05T03:00:12Z", "unknown"), or nil.
    public var value: String?
    public var detail: String

    public init(name: String, ok: Bool, value: String?, detail: String) {
        self.name = name
        self.ok = ok
        self.value = value
        self.detail = detail
    }
}

/// How fresh a standby's data is, as the standby itself sees it (issue 18, item 7). Used by the
/// report basis (to the second), by `--max-lag` on report reads and by `db check`.
///
/// The lag is `now() - pg_last_xact_replay_timestamp()` unless the standby has replayed everything
/// it received while its WAL receiver streams from the primary: then it is current, however old
/// its last replayed transaction is — on a primary where nobody writes, that timestamp ages
/// without any lag. When WAL was received and not yet replayed (replay paused, or replay slower
/// than the primary), the age of the last replayed transaction is an upper bound of the lag.
public struct ReplicaFreshness: Sendable, Equatable {
    /// False: the server is a primary (not in recovery) and everything is fresh.
    public var inRecovery: Bool
    /// The commit time of the last transaction replayed (nil before any was replayed).
    public var replayedTo: Date?
    /// Seconds since `replayedTo` by the server's clock.
    public var replayAgeSeconds: Double?
    /// pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(): nothing received waits for replay.
    public var replayedAllReceived: Bool
    /// A WAL receiver runs (pg_stat_wal_receiver has a row; its status, when the login may see it,
    /// is 'streaming').
    public var streaming: Bool
    /// pg_get_wal_replay_pause_state() is not 'not paused'.
    public var replayPaused: Bool
    public var receiveLSN: String?
    public var replayLSN: String?

    public init(inRecovery: Bool, replayedTo: Date?, replayAgeSeconds: Double?, replayedAllReceived: Bool,
                streaming: Bool, replayPaused: Bool, receiveLSN: String? = nil, replayLSN: String? = nil) {
        self.inRecovery = inRecovery
        self.replayedTo = replayedTo
        self.replayAgeSeconds = replayAgeSeconds
        self.replayedAllReceived = replayedAllReceived
        self.streaming = streaming
        self.replayPaused = replayPaused
        self.receiveLSN = receiveLSN
        self.replayLSN = replayLSN
    }

    /// One query, readable by any login (pg_stat_wal_receiver hides its status from logins without
    /// pg_read_all_stats, but not its row).
    public static let sql = """
        SELECT pg_is_in_recovery() AS in_recovery,
               pg_last_xact_replay_timestamp() AS replayed_to,
               extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS replay_age_s,
               pg_last_wal_receive_lsn()::text AS receive_lsn,
               pg_last_wal_replay_lsn()::text AS replay_lsn,
               coalesce(pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn(), false) AS replayed_all_received,
               EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE pid IS NOT NULL
                                                            AND coalesce(status, 'streaming') = 'streaming') AS streaming,
               CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() <> 'not paused' ELSE false END AS replay_paused
        """

    /// Reads the standby's state. WAL the primary writes on its own (a checkpoint, autovacuum) arrives
    /// now and then and is replayed within milliseconds: a standby caught in that moment, streaming
    /// and not paused, is asked again for up to `settle` seconds before it counts as behind by the
    /// age of its last transaction.
    public static func read(_ connection: Connection, settle: Double = 1) throws -> ReplicaFreshness {
        let deadline = Date().addingTimeInterval(settle)
        while true {
            guard let row = try connection.queryRow(sql) else {
                throw TilskotError.refused("the replica's replay position could not be read")
            }
            let freshness = try ReplicaFreshness(row)
            if freshness.isCurrent || !freshness.streaming || freshness.replayPaused || Date() >= deadline {
                return freshness
            }
            usleep(100_000)
        }
    }

    public init(_ row: Row) throws {
        self.init(inRecovery: try row.bool("in_recovery"),
                  replayedTo: try row.decodeIfPresent("replayed_to", as: Date.self),
                  replayAgeSeconds: try row.decodeIfPresent("replay_age_s", as: Double.self),
                  replayedAllReceived: try row.bool("replayed_all_received"),
                  streaming: try row.bool("streaming"),
                  replayPaused: try row.bool("replay_paused"),
                  receiveLSN: try row.decodeIfPresent("receive_lsn", as: String.self),
                  replayLSN: try row.decodeIfPresent("replay_lsn", as: String.self))
    }

    /// The standby has replayed all it received and still streams: current.
    public var isCurrent: Bool { !inRecovery || (replayedAllReceived && streaming) }

    /// Seconds behind the primary: 0 when current, the age of the last replayed transaction
    /// otherwise (nil: it has replayed none, so how far behind is unknown).
    public var lagSeconds: Double? {
        if isCurrent { return 0 }
        return replayAgeSeconds.map { max(0, $0) }
    }

    /// Whether the standby is within `maxLag` seconds (an unknown lag is not).
    public func isWithin(_ maxLag: Double) -> Bool {
        guard let lag = lagSeconds else { return false }
        return lag <= maxLag
    }

    /// "replayed everything it received (streaming)", "14 s behind (replay is paused)", …, in whole seconds.
    public var stateSentence: String {
        guard inRecovery else { return "is a primary (not in recovery)" }
        if isCurrent { return "had replayed everything it received from the primary (streaming)" }
        var reasons: [String] = []
        if replayPaused { reasons.append("replay is paused") }
        if !streaming { reasons.append("it does not stream from the primary now") }
        if !replayedAllReceived && !replayPaused && streaming { reasons.append("received WAL waits for replay") }
        let why = reasons.isEmpty ? "" : " (" + reasons.joined(separator: "; ") + ")"
        guard let lag = lagSeconds else { return "has replayed no transaction yet\(why)" }
        return "was behind the primary by up to \(Int(lag.rounded())) s, the age of its last replayed transaction\(why)"
    }
}

/// `tilskot db check`: the health of a database (a primary) and of a replica, read in a read-only
/// session by any login that may connect. Each check is one query; a check whose object the login
/// may not read says so and is not healthy, instead of failing the whole run.
public enum Health {
    public struct Limits: Sendable, Equatable {
        /// nil: the check is reported and never fails.
        public var maxBackupAgeSeconds: Double?
        public var maxArchiveAgeSeconds: Double?
        public var maxLagSeconds: Double?
        /// archive_mode off is healthy (`--no-archive`: a server without point-in-time recovery).
        public var archiveOptional: Bool

        public init(maxBackupAgeSeconds: Double? = 26 * 3600, maxArchiveAgeSeconds: Double? = 15 * 60,
                    maxLagSeconds: Double? = 60, archiveOptional: Bool = false) {
            self.maxBackupAgeSeconds = maxBackupAgeSeconds
            self.maxArchiveAgeSeconds = maxArchiveAgeSeconds
            self.maxLagSeconds = maxLagSeconds
            self.archiveOptional = archiveOptional
        }
    }

    /// What the server is expected to be: the database casework writes to, a replica given as such,
    /// or (without a replica URL) whatever it is.
    public enum Role: Sendable, Equatable {
        case primary, replica, any
        var prefix: String { self == .replica ? "replica_" : "" }
    }

    /// "2026-12-05T03:00:12Z".
    public static func moment(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// "3 h 12 min", "45 s": an age for people.
    public static func age(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 120 { return "\(s) s" }
        if s < 7200 { return "\(s / 60) min" }
        if s < 172_800 { return "\(s / 3600) h \((s % 3600) / 60) min" }
        return "\(s / 86400) days"
    }

    static func seconds(_ value: Double) -> String { String(format: "%.1f", value) }

    /// The checks that need a session. Reachability and authentication are proven by having one.
    public static func checks(_ connection: Connection, where place: String, role: Role,
                              limits: Limits) throws -> [HealthCheck] {
        let p = role.prefix
        var result: [HealthCheck] = []
        let basics = try connection.queryRow("""
            SELECT current_setting('server_version') AS version, session_user::text AS login,
                   current_database()::text AS database, pg_is_in_recovery() AS in_recovery
            """)
        let version = try basics?.string("version") ?? "?"
        let login = try basics?.string("login") ?? "?"
        let inRecovery = try basics?.bool("in_recovery") ?? false
        result.append(HealthCheck(name: p + "reachable", ok: true, value: version,
                                  detail: "PostgreSQL \(version) answers at \(place)."))
        result.append(HealthCheck(name: p + "authenticated", ok: true, value: login,
                                  detail: "Logged in as \(login) to database \(try basics?.string("database") ?? "?")."))
        result.append(schema(connection, prefix: p))
        result.append(recovery(inRecovery, role: role, prefix: p))
        if inRecovery {
            result.append(try replicaLag(connection, prefix: p, maxLag: limits.maxLagSeconds))
        } else {
            result.append(try standbys(connection, prefix: p, maxLag: limits.maxLagSeconds))
        }
        if role != .replica && !inRecovery {
            result.append(backup(connection, maxAge: limits.maxBackupAgeSeconds))
            result.append(try archive(connection, maxAge: limits.maxArchiveAgeSeconds, optional: limits.archiveOptional))
        }
        return result
    }

    static func schema(_ connection: Connection, prefix: String) -> HealthCheck {
        do {
            let comparison = try SchemaLevel.compare(connection)
            let level = SchemaLevel.bundled
            if let sentence = comparison.sentence {
                let value: String
                switch comparison {
                case .current: value = "current"
                case .older: value = "older"
                case .newer: value = "newer"
                case .different: value = "different"
                case .unmigrated: value = "unmigrated"
                }
                return HealthCheck(name: prefix + "schema", ok: false, value: value, detail: sentence)
            }
            return HealthCheck(name: prefix + "schema", ok: true, value: "current",
                               detail: "The schema is at this tilskot's level (\(level)).")
        } catch {
            return HealthCheck(name: prefix + "schema", ok: false, value: "unknown",
                               detail: "The schema level could not be read: \(message(error)).")
        }
    }

    static func recovery(_ inRecovery: Bool, role: Role, prefix: String) -> HealthCheck {
        let value = inRecovery ? "standby" : "primary"
        switch role {
        case .primary where inRecovery:
            return HealthCheck(name: prefix + "recovery", ok: false, value: value,
                               detail: "The database is in recovery (a standby, or a restore under way): it takes no writes; casework needs the primary.")
        case .replica where !inRecovery:
            return HealthCheck(name: prefix + "recovery", ok: false, value: value,
                               detail: "The replica is not in recovery: it is a primary (promoted, or the URL names the primary), so it no longer follows the primary.")
        default:
            return HealthCheck(name: prefix + "recovery", ok: true, value: value,
                               detail: inRecovery ? "In recovery: a standby that replays the primary's WAL; it takes no writes."
                                                  : "Not in recovery: the primary, taking writes.")
        }
    }

    static func replicaLag(_ connection: Connection, prefix: String, maxLag: Double?) throws -> HealthCheck {
        let f = try ReplicaFreshness.read(connection)
        let ok = maxLag.map { f.isWithin($0) } ?? true
        let limit = maxLag.map { " (limit \(Int($0)) s)" } ?? ""
        var detail = "The standby \(f.stateSentence)\(limit)"
        if let replayedTo = f.replayedTo { detail += "; last transaction replayed was committed at \(moment(replayedTo))" }
        detail += "; received up to \(f.receiveLSN ?? "nothing"), replayed up to \(f.replayLSN ?? "nothing")."
        return HealthCheck(name: prefix + "replication_lag", ok: ok, value: f.lagSeconds.map(seconds) ?? "unknown",
                           detail: detail)
    }

    /// On a primary: the standbys streaming from it (pg_stat_replication; the lag columns need
    /// pg_read_all_stats, e.g. through pg_monitor).
    static func standbys(_ connection: Connection, prefix: String, maxLag: Double?) throws -> HealthCheck {
        let rows = try connection.query("""
            SELECT coalesce(application_name, '') AS name, coalesce(client_addr::text, 'local') AS client,
                   coalesce(state, 'unknown') AS state,
                   extract(epoch FROM write_lag)::float8 AS write_s, extract(epoch FROM flush_lag)::float8 AS flush_s,
                   extract(epoch FROM replay_lag)::float8 AS replay_s
              FROM pg_stat_replication ORDER BY application_name, client_addr
            """)
        guard !rows.isEmpty else {
            return HealthCheck(name: prefix + "replication_lag", ok: true, value: nil,
                               detail: "No standby streams from this server (pg_stat_replication is empty).")
        }
        var worst = 0.0
        var parts: [String] = []
        for row in rows {
            let replay = try row.decodeIfPresent("replay_s", as: Double.self)
            worst = max(worst, replay ?? 0)
            func s(_ v: Double?) -> String { v.map { seconds($0) + " s" } ?? "–" }
            let name = try row.string("name")
            let client = try row.string("client")
            let state = try row.string("state")
            let write = try row.decodeIfPresent("write_s", as: Double.self)
            let flush = try row.decodeIfPresent("flush_s", as: Double.self)
            parts.append("\(name.isEmpty ? "standby" : name) from \(client) \(state): write \(s(write)), flush \(s(flush)), replay \(s(replay))")
        }
        let ok = maxLag.map { worst <= $0 } ?? true
        return HealthCheck(name: prefix + "replication_lag", ok: ok, value: seconds(worst),
                           detail: "\(rows.count) standby(s) stream from this server: " + parts.joined(separator: "; ")
                               + (maxLag.map { " (limit \(Int($0)) s)." } ?? "."))
    }

    /// The newest verified backup recorded in tilskot.backup_run (migration 0045).
    static func backup(_ connection: Connection, maxAge: Double?) -> HealthCheck {
        do {
            let exists = try connection.queryValue("SELECT to_regclass('tilskot.backup_run') IS NOT NULL", as: Bool.self) ?? false
            guard exists else {
                return HealthCheck(name: "backup", ok: maxAge == nil, value: "unknown",
                                   detail: "No backups are recorded here: the database has no tilskot.backup_run (migrate it with this tilskot).")
            }
            let row = try connection.queryRow("""
                SELECT kind::text AS kind, file::text AS file, finished_at,
                       extract(epoch FROM now() - finished_at)::float8 AS age_s
                  FROM tilskot.backup_run
                 WHERE verified AND finished_at IS NOT NULL AND kind::text IN ('dump', 'base')
                 ORDER BY finished_at DESC LIMIT 1
                """)
            guard let row, let finished = try row.decodeIfPresent("finished_at", as: Date.self),
                  let age = try row.decodeIfPresent("age_s", as: Double.self) else {
                return HealthCheck(name: "backup", ok: maxAge == nil, value: "none",
                                   detail: "No successful (verified) backup is recorded in tilskot.backup_run: run deploy/backup-restore.")
            }
            let ok = maxAge.map { age <= $0 } ?? true
            let limit = maxAge.map { ok ? " (limit \(Health.age($0)))" : ", older than the limit of \(Health.age($0))" } ?? ""
            return HealthCheck(name: "backup", ok: ok, value: moment(finished),
                               detail: "The last verified backup (\(try row.string("kind")), \(try row.string("file"))) finished at \(moment(finished)), \(Health.age(age)) ago\(limit).")
        } catch {
            return HealthCheck(name: "backup", ok: maxAge == nil, value: "unknown",
                               detail: "The backups recorded could not be read: \(message(error)); give the monitoring login tilskot_monitor.")
        }
    }

    /// WAL archiving (pg_stat_archiver): how long ago a segment was archived, and whether the
    /// archiver fails now.
    static func archive(_ connection: Connection, maxAge: Double?, optional: Bool) throws -> HealthCheck {
        guard let row = try connection.queryRow("""
            SELECT current_setting('archive_mode') AS mode, archived_count, failed_count, last_archived_wal,
                   last_archived_time, last_failed_time, last_failed_wal,
                   extract(epoch FROM now() - last_archived_time)::float8 AS age_s,
                   coalesce(last_failed_time > coalesce(last_archived_time, '-infinity'), false) AS failing
              FROM pg_stat_archiver
            """) else {
            return HealthCheck(name: "wal_archive", ok: false, value: "unknown", detail: "pg_stat_archiver could not be read.")
        }
        let mode = try row.string("mode")
        if mode == "off" {
            return HealthCheck(name: "wal_archive", ok: optional, value: "not archiving",
                               detail: "archive_mode is off: no WAL is archived, so there is no point-in-time recovery"
                                   + (optional ? " (accepted: --no-archive)." : "; set it up (docs/backup-and-recovery.md) or pass --no-archive."))
        }
        let failures = try row.int64("failed_count")
        if try row.bool("failing") {
            let when = try row.decodeIfPresent("last_failed_time", as: Date.self).map(moment) ?? "?"
            return HealthCheck(name: "wal_archive", ok: false, value: "failing",
                               detail: "The WAL archiver fails: the last attempt (\(try row.decodeIfPresent("last_failed_wal", as: String.self) ?? "?") at \(when)) failed, \(failures) failure(s) since the statistics were reset; WAL piles up in pg_wal until archive_command succeeds — read the server log.")
        }
        let archived = try row.decodeIfPresent("last_archived_time", as: Date.self)
        let lastWAL = try row.decodeIfPresent("last_archived_wal", as: String.self) ?? "?"
        let last = archived.map { "the last segment (\(lastWAL)) was archived at \(moment($0))" } ?? "no segment has been archived yet"
        let limitText = maxAge.map { " (limit \(self.age($0)))" } ?? ""
        // What waits: finished segments not yet archived (pg_wal/archive_status/*.ready; pg_monitor
        // may list them). When none waits the archive is current, however old its last segment: a
        // server nobody writes to fills no segment, and archive_timeout switches only after activity.
        if let waiting = try? connection.queryRow("""
            SELECT count(*) AS ready, extract(epoch FROM now() - min(modification))::float8 AS oldest_s
              FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'
            """) {
            let ready = try waiting.int64("ready")
            if ready == 0 {
                return HealthCheck(name: "wal_archive", ok: true, value: archived.map(moment) ?? "none",
                                   detail: "Nothing waits to be archived: \(last); \(failures) failure(s) since the statistics were reset.")
            }
            let oldest = try waiting.decodeIfPresent("oldest_s", as: Double.self) ?? 0
            let ok = maxAge.map { oldest <= $0 } ?? true
            return HealthCheck(name: "wal_archive", ok: ok, value: archived.map(moment) ?? "none",
                               detail: "\(ready) finished WAL segment(s) wait to be archived, the oldest for \(self.age(oldest))\(limitText); \(last).")
        }
        // Without pg_monitor: judged by the age of the last archived segment alone.
        guard let archived, let age = try row.decodeIfPresent("age_s", as: Double.self) else {
            return HealthCheck(name: "wal_archive", ok: maxAge == nil, value: "none",
                               detail: "archive_mode is \(mode) but no WAL segment has been archived yet, and this login may not see what waits (pg_monitor; tilskot_monitor has it).")
        }
        let ok = maxAge.map { age <= $0 } ?? true
        let limit = maxAge.map { ok ? " (limit \(self.age($0)))" : ", older than the limit of \(self.age($0)); this login may not see whether anything waits to be archived (pg_monitor; tilskot_monitor has it)" } ?? ""
        return HealthCheck(name: "wal_archive", ok: ok, value: moment(archived),
                           detail: "The last WAL segment (\(lastWAL)) was archived at \(moment(archived)), \(self.age(age)) ago\(limit); \(failures) failure(s) since the statistics were reset.")
    }

    static func message(_ error: any Error) -> String {
        if let error = error as? PGError { return error.message }
        return "\(error)"
    }
}
