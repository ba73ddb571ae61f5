import Foundation
import PGClient

/// The one line that says a command waits on a lock (issue 18): a timer that, when a statement
/// has run `delay` seconds, asks over a second short connection whether this session's backend
/// waits on a lock and whose, and writes it on stderr. The main statement is never blocked; a
/// statement that returns within the delay is never asked about, and a connection has at most one
/// timer pending however many statements it runs (a sample load runs thousands).
final class LockNotice: @unchecked Sendable {
    let conninfo: String
    let backendPID: Int32
    let delay: Double
    let timeZone: String
    let lockTimeout: String

    init(conninfo: String, backendPID: Int32, delay: Double, timeZone: String, lockTimeout: String) {
        self.conninfo = conninfo
        self.backendPID = backendPID
        self.delay = delay
        self.timeZone = timeZone
        self.lockTimeout = lockTimeout
    }

    private let lock = NSLock()
    /// The statement now running: its number and when it was sent; nil between statements.
    private var running: (number: Int, since: UInt64)?
    private var statements = 0
    /// The last statement asked about (each is asked about at most once).
    private var asked = 0
    /// Whether a timer is pending: at most one per connection, however many statements it runs.
    private var armed = false

    /// Notes that a statement was sent; the closure returned notes that it returned.
    func watch() -> () -> Void {
        let now = DispatchTime.now().uptimeNanoseconds
        let (number, arm) = lock.withLock { () -> (Int, Bool) in
            statements += 1
            running = (statements, now)
            let arm = !armed
            armed = true
            return (statements, arm)
        }
        if arm { schedule(after: delay) }
        return { [self] in
            lock.withLock { if running?.number == number { running = nil } }
        }
    }

    private func schedule(after seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in fire() }
    }

    /// The timer: asks about the statement running when it has run `delay` seconds, else waits
    /// for the rest of its delay; stops when no statement runs (the next one starts it again).
    private func fire() {
        let now = DispatchTime.now().uptimeNanoseconds
        enum Next { case stop, ask, wait(Double) }
        let next = lock.withLock { () -> Next in
            guard let current = running, current.number != asked else { armed = false; return .stop }
            let waited = Double(now - current.since) / 1e9
            if waited >= delay {
                asked = current.number
                armed = false
                return .ask
            }
            return .wait(delay - waited)
        }
        switch next {
        case .stop: return
        case .ask: check()
        case .wait(let seconds): schedule(after: seconds)
        }
    }

    func check() {
        guard let line = try? describeWait() else { return }
        SessionSettings.warnOnce(line, now: true)
    }

    /// The sentence when this session's backend waits on a lock now, else nil.
    func describeWait() throws -> String? {
        let watcher = try Connection(conninfo, fallbackApplicationName: "tilskot lock notice", connectTimeout: 5)
        defer { watcher.close() }
        // Another login's session shows its pid, user and application to anyone; when it began
        // (xact_start) only to those who may see its activity.
        guard let row = try watcher.queryRow("""
            SELECT b.pid, coalesce(b.usename::text, '?') AS usename, coalesce(nullif(b.application_name, ''), 'none named') AS application,
                   to_char(b.xact_start AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI:SS') AS since
            FROM pg_stat_activity w
            CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocker(pid)
            JOIN pg_stat_activity b ON b.pid = blocker.pid
            WHERE w.pid = $1 AND w.wait_event_type = 'Lock'
            ORDER BY b.xact_start NULLS LAST
            LIMIT 1
            """, [Int(backendPID), timeZone]) else { return nil }
        let since = row["since"].map { ", since \($0) \(timeZone)" } ?? ""
        let limit = lockTimeout == "0" ? "it waits until the other session ends (no lock timeout)"
            : "it gives up after the lock timeout (\(lockTimeout))"
        return "waiting for a lock held by another session (pid \(row["pid"] ?? "?"), user \(row["usename"] ?? "?"), application \(row["application"] ?? "?")\(since)); \(limit)"
    }
}
