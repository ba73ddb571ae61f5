import CLibPQ

extension Connection {
    /// The SCRAM-SHA-256 verifier of `password` for `user` ("SCRAM-SHA-256$4096:…"), computed here by
    /// libpq (PQencryptPasswordConn), so a password change sends the server only the verifier: the
    /// plain password reaches neither the server nor its log (`tilskot user password`).
    public func scramVerifier(password: String, user: String) throws(PGError) -> String {
        let handle = try liveHandle()
        guard let encrypted = PQencryptPasswordConn(handle, password, user, "scram-sha-256") else {
            throw PGError(sqlState: "", message: String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines())
        }
        defer { PQfreemem(encrypted) }
        return String(cString: encrypted)
    }
}
