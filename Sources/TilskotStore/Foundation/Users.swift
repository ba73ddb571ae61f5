import PGClient

/// tilskot users are PostgreSQL login roles that belong to one of the group roles.
public enum UserRole: String, CaseIterable, Sendable {
    case caseworker, manager, finance, auditor, admin, participantReader = "participant_reader"

    /// The group role of design.md.
    public var groupRole: String { "tilskot_\(rawValue)" }
}

public enum Users {
    /// Creates login role `name` in the group of `role` (idempotent: an existing user is only added
    /// to the group). Role names cannot be bound parameters, so the name is checked first and then
    /// quoted as an identifier.
    public static func add(_ name: String, role: UserRole, fullName: String?, session: Session) throws(TilskotError) {
        guard name.range(of: "^[a-z_][a-z0-9_.-]{0,62}$", options: .regularExpression) != nil else {
            throw .refused("user name \"\(name)\" is not allowed; use lower-case letters, digits, '_', '.' or '-', starting with a letter")
        }
        guard !name.hasPrefix("tilskot_") && !name.hasPrefix("pg_") else {
            throw .refused("user name \"\(name)\" is reserved; tilskot_ and pg_ names belong to the system")
        }
        let quoted = "\"\(name)\""
        try session.run {
            let exists = try session.connection.queryValue("SELECT 1 FROM pg_roles WHERE rolname = $1", [name], as: Int.self) != nil
            if !exists {
                do {
                    try session.connection.executeScript("CREATE ROLE \(quoted) LOGIN")
                } catch let error as PGError where error.sqlState == "42710" || error.sqlState == "23505" {
                    // Created by a concurrent `user add`: that is what we wanted.
                }
            }
            try session.connection.executeScript("GRANT \(role.groupRole) TO \(quoted)")
            try limit(name, quoted: quoted, session: session)
            if let fullName {
                try session.connection.execute("SELECT set_config('tilskot.comment', $1, true)", [fullName])
                try session.connection.executeScript(
                    "DO $$ BEGIN EXECUTE format('COMMENT ON ROLE %I IS %L', '\(name)', current_setting('tilskot.comment')); END $$")
            }
        }
    }

    /// What every casework login may hold (issue 14, breach 9: one caseworker's open transaction
    /// held the tally row every decision of an applicant group in the round must update).
    ///
    /// Set on the login itself (`ALTER ROLE <login> SET …`), because settings of a group role are not
    /// inherited by its members, and `SET ROLE` (the CLI's `--as` on the local database) applies
    /// none of either: they take effect when that person logs in with their own credentials. A
    /// user may still `SET` them back to 0 in their own session (PostgreSQL 15 has no way to
    /// forbid it for these three), which is what `tilskot db watchdog` is for.
    ///
    /// The values, against docs/performance.md's measurements at a million applications: nothing a
    /// caseworker does waits for a person inside a transaction, so 60 s idle is generous; a decision
    /// waits for another decider of its round for milliseconds, so 10 s of lock wait is a stuck
    /// holder, not a queue; the longest casework statements — the import's insert (the whole
    /// million-row import takes 55–80 s), the auditor's integrity check (11 s at 200 000
    /// applications), the year reports (under 0.1 s), `export 360giving` (4 s) — stay well inside
    /// 5 minutes.
    public static let sessionLimits: [(setting: String, value: String)] = [
        ("idle_in_transaction_session_timeout", "60s"),
        ("lock_timeout", "10s"),
        ("statement_timeout", "5min"),
    ]

    /// Gives login `name` the casework session limits, unless it is a superuser or acts as the owner
    /// (the deployer): those are not casework, and a migration at scale must not meet a statement
    /// timeout. Idempotent.
    static func limit(_ name: String, quoted: String, session: Session) throws {
        let exempt = try session.connection.queryValue("""
            SELECT u.rolsuper OR coalesce(pg_has_role(u.oid, o.oid, 'MEMBER'), false)
              FROM pg_roles u LEFT JOIN pg_roles o ON o.rolname = 'tilskot_owner'
             WHERE u.rolname = $1
            """, [name], as: Bool.self) ?? true
        guard !exempt else { return }
        for (setting, value) in sessionLimits {
            try session.connection.executeScript("ALTER ROLE \(quoted) SET \(setting) = '\(value)'")
        }
    }

    /// Login roles that belong to a tilskot group, with their groups.
    public static func list(session: Session) throws(TilskotError) -> [(name: String, roles: [String])] {
        try session.run {
            try session.connection.query("""
                SELECT u.rolname AS name, string_agg(replace(g.rolname, 'tilskot_', ''), ',' ORDER BY g.rolname) AS roles
                FROM pg_roles u
                JOIN pg_auth_members m ON m.member = u.oid
                JOIN pg_roles g ON g.oid = m.roleid AND g.rolname LIKE 'tilskot\\_%'
                WHERE u.rolcanlogin
                GROUP BY u.rolname ORDER BY u.rolname
                """).map { (try $0.string("name"), try $0.string("roles").split(separator: ",").map(String.init)) }
        }
    }
}
