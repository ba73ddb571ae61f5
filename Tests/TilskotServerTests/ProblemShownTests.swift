import Foundation
import Hummingbird
import PGClient
import Testing
import TilskotStore
@testable import TilskotServer

/// What a client is shown of a server-side failure (RequestMiddleware.problem(for:)): a rule's
/// sentence as it is, but nothing of the server's insides in a 500 or a database-side 503.
@Suite("problem documents: a 5xx shows no internals")
struct ProblemShownTests {
    typealias Middleware = RequestMiddleware<BasicRequestContext>

    @Test("a service error wrapping a database message it did not expect is a 500 with the generic sentence, whichever path it took")
    func internalErrors() {
        let raw = PGError(sqlState: "42P01", message: "relation \"tilskot.secret_table\" does not exist")
        for error: any Error in [raw, DatabasePool.RequestFailure(error: TilskotError.from(raw), database: raw)] {
            let problem = Middleware.problem(for: error)
            #expect(problem.status == .internalServerError)
            #expect(problem == Middleware.internalProblem())
            #expect(!problem.detail.contains("secret_table"))
        }
    }

    @Test("a lost connection or the database's resources: 503 with Retry-After and one generic sentence; a rule, a lock or statement timeout keep theirs", arguments: [
        ("08006", "server closed the connection unexpectedly on host db-internal-7"),
        ("53100", "could not extend file \"base/16384/2619\": No space left on device"),
        ("57P01", "terminating connection due to administrator command"),
        ("58030", "could not open file \"/var/lib/postgresql/15/main/x\": Permission denied"),
    ])
    func unavailable(sqlState: String, message: String) {
        let raw = PGError(sqlState: sqlState, message: message)
        for error: any Error in [raw, DatabasePool.RequestFailure(error: TilskotError.from(raw), database: raw)] {
            let problem = Middleware.problem(for: error)
            #expect(problem.status == .serviceUnavailable)
            #expect(!problem.detail.contains(message) && !problem.detail.contains("/"), "\(problem.detail)")
            #expect(problem.headers.contains { $0 == ("Retry-After", "1") })
        }
        let timeout = Middleware.problem(for: PGError(sqlState: "57014", message: "canceling statement due to statement timeout"))
        #expect(timeout.status == .serviceUnavailable && timeout.detail.contains("statement_timeout"))
        let rule = Middleware.problem(for: PGError(sqlState: "23T01", message: "decision refused: the frame would be exceeded"))
        #expect(rule.status == .conflict && rule.detail == "decision refused: the frame would be exceeded")
    }
}
