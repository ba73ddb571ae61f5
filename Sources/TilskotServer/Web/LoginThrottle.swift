import Foundation
import Synchronization

/// Guesses at passwords through /web/login. PostgreSQL checks each password but keeps no count of
/// failures, so the server does: after `maxFailures` wrong passwords for one user name within
/// `window`, that name is refused without trying the password until the oldest of those failures
/// is older than `window` (each name separately, so one person cannot lock out everyone). And at
/// most `maxChecks` password checks run at once — each is a new PostgreSQL connection, and a flood
/// of them must not use up the server's connection slots. Kept in memory: a restart forgets it,
/// which costs an attacker a restart per five guesses.
public final class LoginThrottle: Sendable {
    public static let maxFailures = 5
    public static let window: TimeInterval = 15 * 60
    public static let maxChecks = 4

    public enum Admission: Equatable, Sendable { case admitted, locked(until: Date), busy }

    public init() {}

    private struct State {
        var failures: [String: [Date]] = [:]
        var running = 0
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
            // Forget names whose failures have all aged out, so the table cannot grow without bound.
            if state.failures.count > 10_000 {
                state.failures = state.failures.filter { _, dates in dates.contains { now.timeIntervalSince($0) < Self.window } }
            }
        }
    }
}
