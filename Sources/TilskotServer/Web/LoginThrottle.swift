import Foundation
import Synchronization

/// Guesses at passwords through /web/login. PostgreSQL checks each password but keeps no count of
/// failures, so the server does: after `maxFailures` wrong passwords for one user name within
/// `window`, that name is refused without trying the password until the oldest of those failures
/// is older than `window` (each name separately, so one person cannot lock out everyone). And at
/// most `maxChecks` password checks run at once — each is a new PostgreSQL connection, and a flood
/// of them must not use up the server's connection slots. Kept in memory: a restart forgets it,
/// which costs an attacker a restart per five guesses.
///
/// The table of names is bounded: only a name PostgreSQL could have as a role is checked or kept
/// (`isCandidate`), and at `maxNames` names with recent failures a name not among them is answered
/// `busy` — never by forgetting a name, which would lift its lock for whoever filled the table.
public final class LoginThrottle: Sendable {
    public static let maxFailures = 5
    public static let window: TimeInterval = 15 * 60
    public static let maxChecks = 4
    public static let maxNames = 50_000

    /// Whether a log-in is worth a password check at all: a user name PostgreSQL could have (one to
    /// 63 bytes — it keeps no more of a role's name and would cut a longer one to its first 63) and
    /// a password. Anything else is refused with the same sentence, unchecked and uncounted.
    public static func isCandidate(user: String, password: String) -> Bool {
        (1...63).contains(user.utf8.count) && !password.isEmpty && !user.contains("\0") && !password.contains("\0")
    }

    let capacity: Int
    public init(capacity: Int = LoginThrottle.maxNames) { self.capacity = capacity }

    public enum Admission: Equatable, Sendable { case admitted, locked(until: Date), busy }

    private struct State {
        var failures: [String: [Date]] = [:]
        var running = 0
        /// The table's size at which aged-out names are next swept (doubling, so a sweep is paid
        /// for by the insertions before it).
        var sweepAt = 1_000
        var swept = Date.distantPast
    }
    private let state = Mutex(State())

    /// Whether a password check for `user` may run now; `admitted` holds one of the check slots
    /// until `finish` is called.
    public func admit(_ user: String, now: Date = Date()) -> Admission {
        let key = user.lowercased()
        return state.withLock { state in
            let recent = (state.failures[key] ?? []).filter { now.timeIntervalSince($0) < Self.window }
            state.failures[key] = recent.isEmpty ? nil : recent
            if recent.count >= Self.maxFailures, let oldest = recent.first {
                return .locked(until: oldest.addingTimeInterval(Self.window))
            }
            if recent.isEmpty, state.failures.count >= capacity {
                // A full table is swept at most every ten seconds, not on every new name.
                if now.timeIntervalSince(state.swept) > 10 { Self.sweep(&state, now: now) }
                if state.failures.count >= capacity { return .busy }
            }
            guard state.running < Self.maxChecks else { return .busy }
            state.running += 1
            return .admitted
        }
    }

    /// Ends an admitted check: a refusal counts against the name, an acceptance clears it, and a
    /// check that could not be made (the database did not answer) does neither.
    public func finish(_ user: String, refused: Bool, accepted: Bool, now: Date = Date()) {
        let key = user.lowercased()
        state.withLock { state in
            state.running -= 1
            if accepted {
                state.failures[key] = nil
            } else if refused {
                state.failures[key, default: []].append(now)
            }
            if state.failures.count >= state.sweepAt { Self.sweep(&state, now: now) }
        }
    }

    /// Forgets the names whose failures have all aged out.
    private static func sweep(_ state: inout State, now: Date) {
        state.failures = state.failures.filter { _, dates in dates.contains { now.timeIntervalSince($0) < window } }
        state.sweepAt = max(1_000, state.failures.count * 2)
        state.swept = now
    }

    /// How many names the table holds (tests).
    public var names: Int { state.withLock { $0.failures.count } }
}
