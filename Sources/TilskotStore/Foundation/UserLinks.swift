import PGClient

extension Users {
    /// Links an identity provider's (issuer, subject) to the tilskot user `login`, so that the
    /// provider's tokens act as that user in `tilskot serve` (tilskot.user_link,
    /// SQL/schema/20_server.sql: administrators only; the audit log records who linked it).
    public static func link(_ login: String, issuer: String, subject: String, session: Session) throws(TilskotError) {
        try session.transaction {
            do {
                _ = try session.connection.execute("SELECT tilskot.user_link($1, $2, $3)", [login, issuer, subject])
            } catch let error as PGError where error.isTilskotRule {
                session.lastDatabaseError = error  // its SQLSTATE, for `tilskot serve`'s status
                throw TilskotError.refused(error.message)
            }
        }
    }
}
