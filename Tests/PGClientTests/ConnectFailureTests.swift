import Foundation
import PGClient
import Testing
import TilskotTestSupport

/// A failed connection says why in a way a program can act on: the server's SQLSTATE (read from
/// libpq's verbose message, the same in every server language), `needsPassword`; and a connection
/// names its program (fallback_application_name) unless the user named one.
@Suite("libpq layer: why a connection failed, and what it calls itself")
struct ConnectFailureTests {
    @Test("the SQLSTATE of the last server error is read from libpq's verbose message; the codes and LOCATION lines are not shown")
    func parsesVerboseMessage() {
        let error = PGError.fromConnectFailure("""
            connection to server at "10.0.0.1", port 5432 failed: FATAL:  53300: sorry, too many clients already
            LOCATION:  InitProcess, proc.c:362
            connection to server at "127.0.0.1", port 5432 failed: FATAL:  28P01: passordautentisering feilet for bruker "kari"
            LOCATION:  auth_failed, auth.c:323
            """)
        #expect(error.sqlState == "28P01")
        #expect(error.kind == .invalidAuthorization)
        #expect(!error.message.contains("LOCATION"))
        #expect(!error.message.contains("28P01"))
        #expect(error.message.contains("FATAL:  passordautentisering feilet for bruker \"kari\""))
    }

    @Test("no server error in the message (no server, refused): no SQLSTATE, a client error")
    func clientFailure() {
        let error = PGError.fromConnectFailure("connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?")
        #expect(error.sqlState == "")
        #expect(error.isConnectionLoss)
    }

    @Test("a real server's refusal carries its code: an unknown database is 3D000")
    func realServerCode() throws {
        try TestDatabase.with { db in
            let url = db.url.replacingOccurrences(of: "/\(db.name)", with: "/no_such_database_here")
            let error = try #require(throws: PGError.self) { _ = try Connection(url) }
            #expect(error.sqlState == "3D000")
            #expect(error.message.contains("no_such_database_here"))
        }
    }

    @Test("fallback_application_name names the session; the URL's own application_name wins")
    func applicationName() throws {
        try TestDatabase.with { db in
            let named = try Connection(db.url, fallbackApplicationName: "tilskot scheme list", connectTimeout: 10)
            #expect(try named.queryValue("SELECT current_setting('application_name')", as: String.self) == "tilskot scheme list")
            let own = try Connection(db.url + "?application_name=mine", fallbackApplicationName: "tilskot scheme list")
            #expect(try own.queryValue("SELECT current_setting('application_name')", as: String.self) == "mine")
        }
    }

    @Test("a server that never answers is given up after the connect timeout, with libpq's words")
    func connectTimeout() throws {
        // A listening socket that is never accepted: the TCP handshake completes (the backlog),
        // the PostgreSQL one never starts.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        #expect(listen(fd, 8) == 0)
        let port = UInt16(bigEndian: address.sin_port)
        let started = Date()
        let error = try #require(throws: PGError.self) {
            _ = try Connection("postgresql://x@127.0.0.1:\(port)/none?sslmode=disable", connectTimeout: 2)
        }
        let waited = Date().timeIntervalSince(started)
        #expect(error.message.contains("timeout expired"))
        #expect(error.sqlState == "")
        #expect(waited >= 1.9 && waited < 10, "waited \(waited) s")
    }
}
