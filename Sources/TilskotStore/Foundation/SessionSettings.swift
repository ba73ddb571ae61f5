import Foundation
import PGClient

/// How this process's sessions connect. The library's defaults are the CLI's, read from the
/// environment; the CLI (Entrypoint) adds the command's name, the lock-wait notice and whether the
/// command checks the schema level, once, before the command runs.
public struct SessionSettings: Sendable {
    /// `fallback_application_name`: "tilskot application decide". A user's own PGAPPNAME, or an
    /// application_name in the URL, wins (libpq).
    public var applicationName: String?
    /// Seconds to wait for a server to answer a connection (TILSKOT_CONNECT_TIMEOUT, default 10; 0 none).
    public var connectTimeout: Int
    /// The client's statement_timeout where the login has none (TILSKOT_STATEMENT_TIMEOUT, default
    /// 5min; "0" none). Seconds, or a value with a PostgreSQL unit (ms, s, min, h).
    public var statementTimeout: String
    /// The client's lock_timeout where the login has none (TILSKOT_LOCK_TIMEOUT, default 30s; "0" none).
    public var lockTimeout: String
    /// Seconds a statement may wait on a lock before one line on stderr says who holds it
    /// (TILSKOT_LOCK_NOTICE, default 3; 0 none); nil: no notice (the library's default).
    public var lockNoticeDelay: Double?
    /// Whether sessions compare the schema level (false for migrate, db *).
    public var checksSchemaLevel: Bool
    /// Where warnings go (the schema level's, the lock-wait notice): stderr.
    public var warn: @Sendable (String) -> Void
    /// What is wrong with a setting from the environment (Session.open refuses it as wrong usage).
    public var problem: String?
    /// Told the installation's time zone whenever a session opens (the CLI shows times in it,
    /// whichever way a command opened its session).
    public var timeZoneObserver: (@Sendable (String) -> Void)?
    /// Whether the schema level's warning waits for the command's end (the CLI: a refused change
    /// then shows one sentence, its refusal, and a read's warning stands after its output).
    public var defersWarnings = false

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        applicationName = nil
        connectTimeout = 10
        if let text = value("TILSKOT_CONNECT_TIMEOUT") {
            if let seconds = Int(text.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
                connectTimeout = seconds
            } else {
                problem = "TILSKOT_CONNECT_TIMEOUT \"\(text)\" is not a number of seconds: give whole seconds (10); 0 waits for ever"
            }
        }
        statementTimeout = value("TILSKOT_STATEMENT_TIMEOUT") ?? "5min"
        lockTimeout = value("TILSKOT_LOCK_TIMEOUT") ?? "30s"
        lockNoticeDelay = nil
        checksSchemaLevel = true
        warn = { text in FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

    /// The lock-wait notice's delay from TILSKOT_LOCK_NOTICE (default 3 s; 0 none).
    public static func lockNoticeDelay(environment: [String: String] = ProcessInfo.processInfo.environment) -> Double? {
        guard let text = environment["TILSKOT_LOCK_NOTICE"], !text.isEmpty else { return 3 }
        guard let seconds = Double(text), seconds > 0 else { return nil }
        return seconds
    }

    /// This process's settings.
    public static var current: SessionSettings {
        get { box.lock.withLock { box.value } }
        set { box.lock.withLock { box.value = newValue } }
    }

    /// Writes `text` once per process (the schema level's warning, however many sessions a
    /// command opens; the lock-wait notice, `now`), or keeps it for `flushWarnings`.
    static func warnOnce(_ text: String, now: Bool = false) {
        let settings = current
        let first = box.lock.withLock {
            guard box.warned.insert(String(text.prefix(40))).inserted else { return false }
            if settings.defersWarnings && !now { box.pending.append(text); return false }
            return true
        }
        if first { settings.warn(text) }
    }

    /// Writes the warnings kept back (the command ended), or drops them (`write` false: the
    /// command's own sentence says the same).
    public static func flushWarnings(write: Bool = true) {
        let pending = box.lock.withLock { () -> [String] in
            defer { box.pending = [] }
            return box.pending
        }
        if write { pending.forEach(current.warn) }
    }

    private final class Box: @unchecked Sendable {
        let lock = NSLock()
        var value = SessionSettings()
        var warned: Set<String> = []
        var pending: [String] = []
    }
    private static let box = Box()

    /// A time limit as PostgreSQL's set_config takes it: a bare number is seconds ("30" → "30s"),
    /// a number with a unit (ms, s, min, h, d) stays; "0" is none (returned as "", so nothing is set).
    static func interval(_ text: String, name: String) throws(TilskotError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.range(of: #"^[0-9]+(\.[0-9]+)?\s*(ms|s|min|h|d)?$"#, options: .regularExpression) != nil else {
            throw .usage("\(name) \"\(text)\" is not a time limit: give seconds (30) or a number with ms, s, min, h or d (500ms, 5min); 0 for none")
        }
        let number = Double(trimmed.prefix { $0.isNumber || $0 == "." }) ?? 0
        if number == 0 { return "" }
        return Double(trimmed) != nil ? "\(trimmed)s" : trimmed.replacingOccurrences(of: " ", with: "")
    }
}
