import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

/// Issue 17: closing a grant records its final settlement, and what people read counts a closed
/// grant at what was actually used — `followup show`, `followup summary`, `round show`, `report
/// summary` and `report followup` show decided (granted) and net (used) side by side.
@Suite("settlement commands: decided and used side by side")
struct SettlementCLITests {
    static let caseworker = "stcli_kari"
    static let manager = "stcli_mona"
    static let finance = "stcli_fia"
    static let payer = "stcli_finn"

    /// JS/2021 with Oslo granted 1 000 000 kr in two halves (the first paid, the second withheld,
    /// the report approved) and Stavanger granted 300 000 kr (no plan).
    func scene() throws -> TestDatabase {
        let (k, m, f) = (Self.caseworker, Self.manager, Self.finance)
        var steps: [[String]] = [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
            ["round", "open", "JS/2021", "--frame", "135,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
        ]
        for (orgnr, name, code, amount) in [("958935420", "Oslo", "0301", "1 000 000"), ("964965226", "Stavanger", "1103", "300 000")] {
            steps.append(["org", "add", orgnr, "--name", "\(name) kommune", "--kind", "municipality", "--municipality", code, "--as", k])
            steps.append(["application", "register", "--round", "JS/2021", "--org", orgnr, "--title", "Jobbsjansen i \(name)",
                          "--amount", amount, "--received", "2021-02-01", "--as", k])
        }
        steps += [
            ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", k],
            ["application", "assess", "JS-2021-0002", "--score", "4", "--recommend", "grant", "--as", k],
            ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--date", "2021-04-15", "--as", m],
            ["application", "decide", "JS-2021-0002", "--grant", "300 000", "--date", "2021-04-15", "--as", m],
            ["payment", "plan", "JS-2021-0001", "--instalments", "50%:2021-05-01,50%:2021-09-01", "--account", "8601 11 17947", "--as", k],
            ["payment", "attest", "1", "--as", f],
            ["payment", "pay", "1", "--voucher", "UTB-2021-05", "--date", "2021-05-03", "--as", Self.payer],
            ["payment", "withhold", "2", "--reason", "Prosjektet brukte mindre", "--as", f],
            ["followup", "receive", "JS-2021-0001", "--report-date", "2022-03-20", "--account-approved", "--as", k],
            ["followup", "approve", "JS-2021-0001", "--as", k],
        ]
        return try TestDatabase.scene(users: [Self.caseworker: .caseworker, Self.manager: .manager, Self.finance: .finance,
                                              Self.payer: .finance],
                                      steps: steps)
    }

    func ok(_ arguments: [String], _ db: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation) throws -> CLIResult {
        let result = try CLIRunner.run(arguments, database: db)
        #expect(result.exitCode == 0, "\(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        return result
    }

    func object(_ text: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        if let array = value as? [[String: Any]], let first = array.first { return first }
        return try #require(value as? [String: Any])
    }

    @Test("closing with the last instalment withheld: the settlement in `followup show`, net beside granted in the summaries, used in `round show`")
    func decidedAndUsed() throws {
        let db = try scene()
        defer { db.drop() }
        // Before closing, the withheld half still counts as committed.
        let before = try object(try ok(["round", "show", "JS/2021", "--format", "json"], db).stdout)
        #expect(before["granted_ore"] as? Int64 == 130_000_000)
        #expect(before["used_ore"] as? Int64 == 130_000_000)

        let closed = try ok(["followup", "close", "JS-2021-0001", "--as", Self.manager], db)
        #expect(closed.stdout == "JS-2021-0001 is closed\n")

        let show = try ok(["followup", "show", "JS-2021-0001"], db)
        #expect(show.stdout.contains("settled on closing by \(Self.manager): granted 1 000 000 kr, paid 500 000 kr, withheld 500 000 kr, released 0 kr, clawed back 0 kr, repaid 0 kr, net used 500 000 kr, unused 500 000 kr"),
                "\(show.stdout)")
        #expect(show.stdout.contains("net 500 000 kr"))

        let round = try object(try ok(["round", "show", "JS/2021", "--format", "json"], db).stdout)
        #expect(round["granted_ore"] as? Int64 == 130_000_000)
        #expect(round["used_ore"] as? Int64 == 80_000_000)
        #expect(round["unused_ore"] as? Int64 == 50_000_000)
        let text = try ok(["round", "show", "JS/2021"], db).stdout
        #expect(text.contains("used           0,8 mill. kr (800 000 kr)\nunused         0,5 mill. kr (500 000 kr), left by closed grants\n"), "\(text)")

        let summary = try object(try ok(["followup", "summary", "--round", "JS/2021", "--format", "json"], db).stdout)
        #expect(summary["granted_ore"] as? Int64 == 130_000_000)
        #expect(summary["net_ore"] as? Int64 == 80_000_000)
        #expect(summary["unused_ore"] as? Int64 == 50_000_000)

        let report = try object(try ok(["report", "summary", "--year", "2021", "--format", "json"], db).stdout)
        #expect(report["granted_ore"] as? Int64 == 130_000_000)
        #expect(report["net_ore"] as? Int64 == 80_000_000)
        let followup = try object(try ok(["report", "followup", "--year", "2021", "--format", "json"], db).stdout)
        #expect(followup["granted_ore"] as? Int64 == 130_000_000)
        #expect(followup["net_ore"] as? Int64 == 80_000_000)
        #expect(followup["unused_ore"] as? Int64 == 50_000_000)
    }

    @Test("closing twice: the CLI and psql read the same sentence, and one settlement stays")
    func closingTwice() throws {
        let db = try scene()
        defer { db.drop() }
        _ = try ok(["followup", "close", "JS-2021-0001", "--as", Self.manager], db)
        let result = try CLIRunner.run(["application", "close", "JS-2021-0001", "--as", Self.manager], database: db)
        #expect(result.exitCode == 1)
        let id = try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = 'JS-2021-0001'", as: Int64.self))
        var sentence = ""
        let psql = try db.connect(asLogin: Self.manager)
        do {
            // execute throws PGError only (typed throws).
            try psql.execute("INSERT INTO tilskot.closing (application_id) VALUES (\(id))")
            Issue.record("closing twice succeeded through psql")
        } catch {
            #expect(error.sqlState == "23T02")
            sentence = error.message
        }
        #expect(result.stderr.trimmingCharacters(in: .newlines) == sentence)
        #expect(sentence.contains("only an application in follow-up can be closed"))
        #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.grant_settlement", as: Int.self) == 1)
    }
}
