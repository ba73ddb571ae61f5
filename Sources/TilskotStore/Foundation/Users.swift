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
            if let fullName {
                try session.connection.execute("SELECT set_config('tilskot.comment', $1, true)", [fullName])
                try session.connection.executeScript(
                    "DO $$ BEGIN EXECUTE format('COMMENT ON ROLE %I IS %L', '\(name)', current_setting('tilskot.comment')); END $$")
            }
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
