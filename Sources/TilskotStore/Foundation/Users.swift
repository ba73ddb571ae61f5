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

    /// Records or changes the details letters give of a person (tilskot.staff): the full name and
    /// title a decision is signed with, and the e-mail and telephone a party contacts. nil leaves a
    /// value as it is; a person without a row needs a name first. Administrators write every row;
    /// a person may change their own e-mail and telephone (the database's rule, 17_letters.sql).
    @discardableResult
    public static func setDetails(_ login: String, fullName: String?, title: String?, email: String?, phone: String?,
                                  session: Session) throws(TilskotError) -> StaffDetails {
        let values: [String?] = [login, fullName, title, email, phone].map { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }
        return try session.lifecycleChange {
            let c = session.connection
            if fullName != nil || title != nil {
                // The name and title are an administrator's to set (the column grants say so too,
                // with "permission denied"); ask first for the sentence.
                try c.execute("SELECT tilskot.require_letter_role('staff details')")
            }
            if try c.queryValue("SELECT 1 FROM tilskot.staff WHERE login = $1 FOR UPDATE", [login], as: Int.self) != nil {
                // Only the columns given are named, so a person changing their own telephone
                // needs no right to the name.
                let columns = [("full_name", values[1]), ("job_title", values[2]), ("email", values[3]), ("phone", values[4])]
                    .filter { $0.1 != nil }
                if !columns.isEmpty {
                    let sets = columns.enumerated().map { "\($1.0) = $\($0 + 2)" }.joined(separator: ", ")
                    try c.execute("UPDATE tilskot.staff SET \(sets) WHERE login = $1", [login] + columns.map(\.1))
                }
            } else {
                try c.execute("SELECT tilskot.require_letter_role('staff details')")
                try c.execute("""
                    INSERT INTO tilskot.staff (login, full_name, job_title, email, phone) VALUES ($1, $2, $3, $4, $5)
                    """, values)
            }
            guard let details = try staff(login, c) else {
                throw TilskotError.refused("staff details of \(login) were not recorded")
            }
            return details
        }
    }

    /// The details letters give of `login`, or nil when none are recorded.
    public static func details(_ login: String, session: Session) throws(TilskotError) -> StaffDetails? {
        try session.lifecycleRead { try staff(login, session.connection) }
    }

    static func staff(_ login: String, _ c: Connection) throws -> StaffDetails? {
        try c.queryRow("SELECT login, full_name, job_title, email, phone FROM tilskot.staff WHERE login = $1", [login]).map {
            StaffDetails(login: try $0.string("login"), fullName: try $0.string("full_name"), title: $0["job_title"],
                         email: $0["email"], phone: $0["phone"])
        }
    }
}

/// A person as letters name them: a decision is signed with the full name and title, and gives a
/// caseworker to contact by e-mail and telephone.
public struct StaffDetails: Sendable, Equatable {
    public var login: String
    public var fullName: String
    public var title: String?
    public var email: String?
    public var phone: String?

    public init(login: String, fullName: String, title: String?, email: String?, phone: String?) {
        self.login = login
        self.fullName = fullName
        self.title = title
        self.email = email
        self.phone = phone
    }
}
