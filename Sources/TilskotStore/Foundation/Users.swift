import PGClient

/// tilskot users are PostgreSQL login roles that belong to one of the group roles.
public enum UserRole: String, CaseIterable, Sendable {
    case caseworker, manager, finance, auditor, admin, participantReader = "participant_reader"
    /// A machine client (a grant portal): registers applications and reads their status (SQL/schema/21_portal.sql).
    case portal

    /// The group role of design.md.
    public var groupRole: String { "tilskot_\(rawValue)" }
}

public enum Users {
    /// Creates login role `name` in the group of `role` (idempotent: an existing user is only added
    /// to the group), through tilskot.user_add (SQL/schema/18_users.sql): the database checks that
    /// the acting user is an administrator (or the deployer, for the first administrator), makes
    /// the role with the casework session limits and records the change in the audit log.
    /// Returns the database's warning when the new role conflicts with one the user holds.
    /// `fullName` is for the caller's staff details (`setDetails`); the role itself carries none.
    @discardableResult
    public static func add(_ name: String, role: UserRole, fullName: String? = nil, reason: String? = nil,
                           session: Session) throws(TilskotError) -> String? {
        try change("SELECT tilskot.user_add($1, $2, $3)", [name, role.groupRole, reason], session: session)
    }

    /// Gives `name` another role; returns the conflict warning, if any.
    @discardableResult
    public static func addRole(_ name: String, role: UserRole, reason: String? = nil,
                               session: Session) throws(TilskotError) -> String? {
        try change("SELECT tilskot.role_add($1, $2, $3)", [name, role.groupRole, reason], session: session)
    }

    /// Takes a role away from `name`.
    public static func removeRole(_ name: String, role: UserRole, reason: String? = nil,
                                  session: Session) throws(TilskotError) {
        _ = try change("SELECT tilskot.role_remove($1, $2, $3)::text", [name, role.groupRole, reason], session: session)
    }

    /// Disables `name`: they can no longer log in or act; their roles and history stay.
    public static func disable(_ name: String, reason: String? = nil, session: Session) throws(TilskotError) {
        _ = try change("SELECT tilskot.user_disable($1, $2)::text", [name, reason], session: session)
    }

    /// One admin function call in its own transaction (or as a step of the caller's), with the
    /// database's sentence for a refusal.
    static func change(_ sql: String, _ parameters: [String?], session: Session) throws(TilskotError) -> String? {
        try session.transaction(reason: parameters.last ?? nil) {
            do {
                return try session.connection.queryValue(sql, parameters, as: String.self)
            } catch let error as PGError where error.isTilskotRule {
                session.lastDatabaseError = error  // its SQLSTATE, for `tilskot serve`'s status
                throw TilskotError.refused(error.message)
            }
        }
    }

    /// The six groups a tilskot user may be in (UserRole's group roles).
    static let groupRoles = UserRole.allCases.map(\.groupRole)

    /// People in a tilskot group, with their groups (held directly) and whether they are disabled
    /// (`user disable`: they can no longer log in; roles and history stay). Staff only.
    public static func list(session: Session) throws(TilskotError) -> [(name: String, roles: [String], disabled: Bool)] {
        try session.run {
            // tilskot.user_list (SQL/schema/18_users.sql): staff only; a portal is refused (42501).
            try session.connection.query("""
                SELECT name, roles, disabled FROM tilskot.user_list($1::text[])
                """, ["{" + groupRoles.joined(separator: ",") + "}"]).map {
                (try $0.string("name"), try $0.string("roles").split(separator: ",").map(String.init), try $0.bool("disabled"))
            }
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
