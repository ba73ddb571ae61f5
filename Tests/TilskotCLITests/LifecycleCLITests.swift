import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

/// The lifecycle commands through the built binary: the contract's names, flags and JSON keys, and
/// issue 4's bad input, each refused with exit 1, one sentence and nothing written.
@Suite("lifecycle commands")
struct LifecycleCLITests {
    static let manager = "lccli_mona"
    static let caseworker = "lccli_kari"

    /// A database with the 2021 Jobbsjansen round and two applications: one withdrawn, one decided.
    func scene() throws -> TestDatabase {
        try TestDatabase.scene(users: [Self.manager: .manager, Self.caseworker: .caseworker], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "110,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["round", "adjust", "JS/2021", "--amount", "+25 mill", "--reason", "integreringspakke II", "--as", Self.manager],
            ["org", "add", "958 935 420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
            ["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen Oslo",
             "--amount", "3 400 000", "--received", "2021-02-01", "--external-ref", "P-1", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "964965226", "--title", "Jobbsjansen Stavanger",
             "--amount", "2 000 000", "--received", "2021-02-02", "--as", Self.caseworker],
            ["application", "withdraw", "JS-2021-0002", "--reason", "Trekt av søkjar", "--as", Self.caseworker],
            ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", Self.caseworker],
            ["application", "decide", "JS-2021-0001", "--grant", "3 400 000", "--date", "2021-04-01", "--as", Self.manager],
        ])
    }

    func counts(_ db: TestDatabase) throws -> [String: Int] { try db.rowCounts() }

    @Test("round show prints the frame 135,3 mill. kr and the contract's JSON keys")
    func roundShow() throws {
        let db = try scene()
        defer { db.drop() }
        let text = try CLIRunner.run(["round", "show", "JS/2021"], database: db)
        #expect(text.exitCode == 0)
        #expect(text.stdout.contains("frame          135,3 mill. kr (135 300 000 kr)"))
        #expect(text.stdout.contains("1 granted"))
        let json = try CLIRunner.run(["round", "show", "JS/2021", "--format", "json"], database: db)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["scheme"] as? String == "JS")
        #expect(object["year"] as? Int == 2021)
        #expect(object["frame_ore"] as? Int64 == 13_530_000_000)
        #expect(object["granted_ore"] as? Int64 == 340_000_000)
        #expect(object["remaining_ore"] as? Int64 == 13_190_000_000)
        #expect(object["applications"] as? Int == 2)
    }

    @Test("register prints the new reference; again with the same external ref registers nothing and says so")
    func registerOnce() throws {
        let db = try scene()
        defer { db.drop() }
        let json = try CLIRunner.run(["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Ny",
                                      "--amount", "100", "--received", "2021-02-03", "--format", "json", "--as", Self.caseworker], database: db)
        #expect(json.exitCode == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["reference"] as? String == "JS-2021-0003")
        let before = try counts(db)
        let again = try CLIRunner.run(["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen Oslo",
                                       "--amount", "3 400 000", "--received", "2021-02-01", "--external-ref", "P-1", "--as", Self.caseworker], database: db)
        #expect(again.exitCode == 0)
        #expect(again.stdout == "JS-2021-0001\n")
        #expect(again.stderr.contains("already registered as JS-2021-0001"))
        #expect(try counts(db) == before)
    }

    @Test("bad input: exit 1, one sentence on stderr, nothing written", arguments: [
        (["application", "register", "--round", "JS/2030", "--org", "958935420", "--title", "x", "--amount", "1", "--received", "2021-02-01"], "round JS/2030 does not exist"),
        (["application", "register", "--round", "JS/2021", "--org", "123456785", "--title", "x", "--amount", "1", "--received", "2021-02-01"], "organisation 123456785 is not registered"),
        (["application", "show", "JS-2021-0099"], "there is no application JS-2021-0099"),
        (["org", "add", "988077918", "--name", "x", "--kind", "voluntary"], "check digit should be 7"),
        (["application", "register", "--round", "JS/2021", "--org", "95893542", "--title", "x", "--amount", "1", "--received", "2021-02-01"], "must have 9 digits"),
        (["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "x", "--amount", "12abc", "--received", "2021-02-01"], "12abc"),
        (["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "x", "--amount", "-5", "--received", "2021-02-01"], "negative"),
        (["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "x", "--amount", "5", "--received", "2021-03-05"], "outside that window"),
        (["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "x", "--amount", "5", "--received", "2021-02-30"], "does not exist"),
        (["application", "decide", "JS-2021-0002", "--grant", "2 000 000", "--as", manager], "was withdrawn and cannot be decided"),
        (["application", "decide", "JS-2021-0001", "--grant", "3 400 000", "--as", manager], "is already decided"),
        (["application", "appeal", "JS-2021-0002", "--received", "2021-04-10", "--grounds", "x", "--as", manager], "has not been decided"),
        (["application", "decide", "JS-2021-0001", "--reject", "--as", caseworker], "is not a manager"),
        (["round", "adjust", "JS/2021", "--amount", "-134 mill", "--reason", "kutt", "--as", manager], "cannot be lowered"),
        (["round", "open", "JS/2022", "--frame", "1 mill", "--opens", "2022-03-01", "--closes", "2022-01-01", "--as", manager], "before it opens"),
        (["application", "assess", "JS-2021-0001", "--score", "9", "--recommend", "grant", "--as", caseworker], "out of range"),
        (["application", "assess", "JS-2021-0001", "--score", "40000", "--recommend", "grant", "--as", caseworker], "is not a whole number a score can be"),
        (["application", "assess", "JS-2021-0001", "--score", "fire", "--recommend", "grant", "--as", caseworker], "is not a whole number a score can be"),
        (["application", "list", "--status", "approved"], "not one of the allowed values"),
    ] as [([String], String)])
    func badInput(arguments: [String], fragment: String) throws {
        let db = try scene()
        defer { db.drop() }
        let before = try counts(db)
        let asArgs = arguments.contains("--as") ? [] : ["--as", Self.caseworker]
        let result = try CLIRunner.run(arguments + asArgs, database: db)
        #expect(result.exitCode == 1, "stderr: \(result.stderr)")
        #expect(result.errorLines.count == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(fragment), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try counts(db) == before)
    }

    @Test("show, list, audit and the letter work through the binary")
    func readCommands() throws {
        let db = try scene()
        defer { db.drop() }
        let show = try CLIRunner.run(["application", "show", "JS-2021-0001"], database: db)
        #expect(show.exitCode == 0)
        #expect(show.stdout.contains("status assessed → granted"))
        let list = try CLIRunner.run(["application", "list", "--round", "JS/2021", "--status", "withdrawn", "--format", "csv"], database: db)
        #expect(list.stdout.split(separator: "\r\n").count == 2)
        #expect(list.stdout.contains("JS-2021-0002"))
        let audit = try CLIRunner.run(["audit", "list", "--actor", Self.manager, "--format", "json"], database: db)
        #expect(audit.exitCode == 0)
        #expect(audit.stdout.contains("integreringspakke II"))
        // Letters need the issuer, the signer's name and the scheme's rules (LetterCLITests).
        try db.configureLetters(staff: [Self.manager: "Mona Hansen"])
        let letter = try CLIRunner.run(["application", "letter", "JS-2021-0001", "--lang", "nb", "--format", "html"], database: db)
        #expect(letter.exitCode == 0)
        #expect(letter.stdout.contains("Klagefristen er tre uker"))
        let none = try CLIRunner.run(["application", "letter", "JS-2021-0002"], database: db)
        #expect(none.exitCode == 1)
        #expect(none.stderr.contains("has no decision yet"))
    }
}
