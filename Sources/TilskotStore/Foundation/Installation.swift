import PGClient

/// Settings of the whole installation (tilskot.installation, SQL/schema/19_operations.sql): the time
/// zone whose calendar dates decisions, notices and deadlines. The database states who may change it
/// and what a valid zone is.
public enum Installation {
    public struct Settings: Sendable, Equatable {
        public var timeZone: String
        public var changedBy: String
        public var changedAt: String
    }

    public static func show(session: Session) throws(TilskotError) -> Settings {
        try session.lifecycleRead {
            let c = session.connection
            guard let row = try c.queryRow("""
                SELECT time_zone, changed_by, to_char(changed_at AT TIME ZONE time_zone, 'YYYY-MM-DD HH24:MI:SS') AS changed_at
                  FROM tilskot.installation
                """) else {
                throw TilskotError.refused("this database has no installation settings; run `tilskot migrate`")
            }
            return Settings(timeZone: try row.string("time_zone"), changedBy: try row.string("changed_by"),
                            changedAt: try row.string("changed_at"))
        }
    }

    /// Sets the time zone (administrators; the database refuses anyone else and any name it does not know).
    public static func setTimeZone(_ zone: String, session: Session) throws(TilskotError) -> Settings {
        try session.lifecycleChange(reason: "installation time zone") {
            _ = try session.connection.execute("UPDATE tilskot.installation SET time_zone = $1", [zone])
        }
        return try show(session: session)
    }
}

/// Reference numbers after a restore (SQL/schema/19_operations.sql, tilskot.numbering_resume).
public enum Numbering {
    /// Moves every round's numbers on by `skip` and makes this database the one that issues them;
    /// returns the number of rounds moved on.
    public static func resume(skip: Int64, reason: String, session: Session) throws(TilskotError) -> Int {
        try session.lifecycleChange(reason: reason) {
            try session.connection.queryValue("SELECT tilskot.numbering_resume($1, $2)", [skip, reason], as: Int.self) ?? 0
        }
    }
}
