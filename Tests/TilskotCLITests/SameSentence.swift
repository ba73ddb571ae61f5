import Foundation
import PGClient
import Testing
import TilskotTestSupport

/// Issue 15 item 5: the database is the only judge of each rule. The same person meets a rule twice
/// — `cli` through the built binary as `user` (`--as user` is appended), and `sql` (with `parameters`)
/// as `user`'s own psql login — and must read the same sentence. Asserts that:
/// - the command is refused (exit 1) with exactly one line on stderr;
/// - the statement fails with a tilskot SQLSTATE (five characters, the third `T`: class 23T/42T…);
/// - the CLI's line is the statement's error message, word for word, and contains `fragment`;
/// - neither wrote anything (every table's row count is unchanged).
func expectSameSentence(_ db: TestDatabase, _ user: String, cli arguments: [String], sql: String,
                        parameters: [any SQLParameter] = [], containing fragment: String,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
    let before = try db.rowCounts()
    let result = try CLIRunner.run(arguments + ["--as", user], database: db)
    #expect(result.exitCode == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.errorLines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    let cliSentence = result.stderr.trimmingCharacters(in: .newlines)

    let psql = try db.connect(asLogin: user)
    var sqlSentence = ""
    do {
        _ = try psql.execute(sql, parameters)
        Issue.record("the statement succeeded as \(user): \(sql)", sourceLocation: sourceLocation)
    } catch {
        // execute throws PGError only (typed throws).
        let scalars = Array(error.sqlState.unicodeScalars)
        #expect(scalars.count == 5 && scalars[2] == "T", "SQLSTATE \(error.sqlState): \(error.message)",
                sourceLocation: sourceLocation)
        sqlSentence = error.message
    }
    #expect(cliSentence == sqlSentence, sourceLocation: sourceLocation)
    #expect(sqlSentence.contains(fragment), "message: \(sqlSentence)", sourceLocation: sourceLocation)
    #expect(try db.rowCounts() == before, sourceLocation: sourceLocation)
}
