import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

/// Issue 17, items 3 and 4 through the built binary: `org update`, `application assign --to/--also`,
/// the 0 kr rule (the CLI, psql and the import read the same sentence), `application list --mine /
/// --assigned / --search` and `followup due --mine`.
@Suite("finding my work and everyday corrections (CLI)")
struct FindWorkCLITests {
    static let manager = "fw_mona"
    static let caseworker = "fw_kari"
    static let other = "fw_ola"

    /// Jobbsjansen 2021 (municipalities) with
    ///   JS-2021-0001 Oslo, "Jobbsjansen for unge i Groruddalen", P-0301, taken by kari;
    ///   JS-2021-0002 Stavanger, "Kvalifisering på Østlandet", P-1103, handed by mona to ola;
    ///   JS-2021-0003 Bergen, "Språkpraksis", received, nobody's.
    func scene() throws -> TestDatabase {
        try TestDatabase.scene(users: [Self.manager: .manager, Self.caseworker: .caseworker, Self.other: .caseworker], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
            ["round", "open", "JS/2021", "--frame", "110,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
            ["org", "add", "964965226", "--name", "Stavanger kommune", "--kind", "municipality", "--municipality", "1103", "--as", Self.caseworker],
            ["org", "add", "964338531", "--name", "Bergen kommune", "--kind", "municipality", "--municipality", "4601", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen for unge i Groruddalen",
             "--amount", "3 400 000", "--received", "2021-02-01", "--external-ref", "P-0301", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "964965226", "--title", "Kvalifisering på Østlandet",
             "--amount", "2 000 000", "--received", "2021-02-02", "--external-ref", "P-1103", "--as", Self.caseworker],
            ["application", "register", "--round", "JS/2021", "--org", "964338531", "--title", "Språkpraksis",
             "--amount", "1 000 000", "--received", "2021-02-03", "--as", Self.caseworker],
            ["application", "assign", "JS-2021-0001", "--as", Self.caseworker],
            ["application", "assign", "JS-2021-0002", "--as", Self.caseworker],
            ["application", "assign", "JS-2021-0002", "--to", Self.other, "--as", Self.manager],
        ])
    }

    func ok(_ db: TestDatabase, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try CLIRunner.run(arguments, database: db)
        #expect(result.exitCode == 0, "\(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// The references in a CSV list (the first column after the header).
    func references(_ csv: String) -> [String] {
        csv.split(whereSeparator: \.isNewline).dropFirst().map { String($0.split(separator: ",").first ?? "") }
    }

    func id(_ db: TestDatabase, _ sql: String, _ key: String) throws -> Int64 {
        try #require(try db.connect().queryValue(sql, [key], as: Int64.self))
    }

    @Test("org update prints what changed from what to what; org show has it; the same sentences as psql for a bad value")
    func orgUpdate() throws {
        let db = try scene()
        defer { db.drop() }
        let out = try ok(db, ["org", "update", "958 935 420", "--name", "Oslo kommune, Velferdsetaten", "--address", "Postboks 30, 0051 Oslo",
                              "--contact-name", "Åse Øvrebø", "--contact-email", "ase@oslo.kommune.no", "--language", "nb",
                              "--as", Self.caseworker])
        #expect(out.contains("organisation 958935420 updated:"))
        #expect(out.contains("name              Oslo kommune → Oslo kommune, Velferdsetaten"))
        #expect(out.contains("contact e-mail    - → ase@oslo.kommune.no"))
        #expect(!out.contains("municipality"))   // unchanged lines are not shown
        let json = try ok(db, ["org", "show", "958935420", "--format", "json"])
        #expect(json.contains("\"address\" : \"Postboks 30, 0051 Oslo\"") && json.contains("\"contact_name\" : \"Åse Øvrebø\""))
        #expect(json.contains("\"name\" : \"Oslo kommune, Velferdsetaten\"") && json.contains("\"preferred_language\" : \"nb\""))
        let audit = try ok(db, ["audit", "list", "--actor", Self.caseworker, "--format", "csv"])
        #expect(audit.contains("organisation"))
        // Nothing to change is wrong usage.
        #expect(try CLIRunner.run(["org", "update", "958935420", "--as", Self.caseworker], database: db).exitCode == 2)

        let oslo = try id(db, "SELECT id FROM tilskot.organisation WHERE orgnr = $1", "958935420")
        try expectSameSentence(db, Self.caseworker, cli: ["org", "update", "958935420", "--contact-email", "ase(at)oslo"],
                               sql: "UPDATE tilskot.organisation SET contact_email = 'ase(at)oslo' WHERE id = \(oslo)",
                               containing: "\"ase(at)oslo\" is not an e-mail address")
        try expectSameSentence(db, Self.caseworker, cli: ["org", "update", "964965226", "--contact-phone", "51 50 70 00"],
                               sql: "UPDATE tilskot.organisation SET contact_phone = '51 50 70 00' WHERE orgnr = '964965226'",
                               containing: "a contact e-mail or telephone needs the contact's name")
        try expectSameSentence(db, Self.caseworker, cli: ["org", "update", "958935420", "--municipality", "0399"],
                               sql: "UPDATE tilskot.organisation SET municipality = '0399' WHERE id = \(oslo)",
                               containing: "municipality number 0399 does not exist")
        try expectSameSentence(db, Self.caseworker, cli: ["org", "update", "958935420", "--name", " "],
                               sql: "UPDATE tilskot.organisation SET name = ' ' WHERE id = \(oslo)",
                               containing: "its name is missing")
    }

    @Test("application assign: --to hands over and says from whom to whom; --also adds; a caseworker cannot take a colleague's case (same sentence as psql)")
    func assign() throws {
        let db = try scene()
        defer { db.drop() }
        #expect(try ok(db, ["application", "assign", "JS-2021-0003", "--as", Self.caseworker])
                == "JS-2021-0003 assigned to \(Self.caseworker); it is in_review\n")
        #expect(try ok(db, ["application", "assign", "JS-2021-0003", "--to", Self.other, "--as", Self.manager])
                == "JS-2021-0003 handed over from \(Self.caseworker) to \(Self.other); it is in_review\n")
        #expect(try ok(db, ["application", "assign", "JS-2021-0003", "--also", Self.caseworker, "--as", Self.manager])
                == "JS-2021-0003: \(Self.caseworker) added; its caseworkers are \(Self.caseworker), \(Self.other); it is in_review\n")
        #expect(try ok(db, ["application", "assign", "JS-2021-0003", "--to", Self.manager, "--as", Self.manager])
                == "JS-2021-0003 handed over from \(Self.caseworker), \(Self.other) to \(Self.manager); it is in_review\n")
        #expect(try CLIRunner.run(["application", "assign", "JS-2021-0003", "--to", Self.other, "--also", Self.caseworker,
                                   "--as", Self.manager], database: db).exitCode == 2)
        let a2 = try id(db, "SELECT id FROM tilskot.application WHERE reference = $1", "JS-2021-0002")
        try expectSameSentence(db, Self.caseworker, cli: ["application", "assign", "JS-2021-0002"],
                               sql: "INSERT INTO tilskot.assignment (application_id) VALUES (\(a2))",
                               containing: "JS-2021-0002 is handled by \(Self.other); only a manager hands over a colleague's case")
        try expectSameSentence(db, Self.manager, cli: ["application", "assign", "JS-2021-0002", "--also", Self.other],
                               sql: "INSERT INTO tilskot.assignment (application_id, caseworker, kind) VALUES (\(a2), '\(Self.other)', 'also')",
                               containing: "\(Self.other) is already a caseworker of JS-2021-0002")
        // The history keeps every step.
        let show = try ok(db, ["audit", "list", "--application", "JS-2021-0003", "--format", "csv"])
        #expect(show.split(whereSeparator: \.isNewline).filter { $0.contains("assigned to") }.count == 4)
    }

    @Test("0 kr: register, psql and the import refuse it with the same sentence")
    func zeroKroner() throws {
        let db = try scene()
        defer { db.drop() }
        let round = try id(db, "SELECT r.id FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id WHERE s.code || '/' || r.year = $1", "JS/2021")
        let oslo = try id(db, "SELECT id FROM tilskot.organisation WHERE orgnr = $1", "958935420")
        let sentence = "the amount applied for is 0 kr; an application asks for an amount above 0 kr"
        try expectSameSentence(db, Self.caseworker,
                               cli: ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Ingenting",
                                     "--amount", "0", "--received", "2021-02-01"],
                               sql: "INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received) VALUES (\(round), \(oslo), 'Ingenting', 0, '2021-02-01')",
                               containing: "application refused: " + sentence)
        let url = FileManager.default.temporaryDirectory.appending(path: "zero-kr-\(UUID().uuidString).csv")
        try "orgnr,title,amount,received\n958935420,Ingenting,\"0,00\",2021-02-01\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let before = try db.rowCounts()
        let imported = try CLIRunner.run(["application", "import", url.path, "--round", "JS/2021", "--as", Self.caseworker], database: db)
        #expect(imported.exitCode == 1)
        #expect(imported.stderr.contains(sentence), "\(imported.stderr)")
        #expect(try db.rowCounts() == before)
    }

    @Test("application list --mine, --assigned USER, --search TEXT; followup due --mine")
    func findMyWork() throws {
        let db = try scene()
        defer { db.drop() }
        func list(_ extra: [String]) throws -> [String] {
            references(try ok(db, ["application", "list", "--format", "csv"] + extra))
        }
        #expect(try list(["--mine", "--as", Self.caseworker]) == ["JS-2021-0001"])
        #expect(try list(["--mine", "--as", Self.other]) == ["JS-2021-0002"])
        let viaEnvironment = try CLIRunner.run(["application", "list", "--mine", "--format", "csv"], database: db,
                                               environment: ["TILSKOT_USER": Self.other])
        #expect(references(viaEnvironment.stdout) == ["JS-2021-0002"], "\(viaEnvironment.stderr)")
        #expect(try list(["--assigned", Self.other]) == ["JS-2021-0002"])
        #expect(try list(["--assigned", Self.manager]).isEmpty)
        #expect(try list(["--search", "GRORUD"]) == ["JS-2021-0001"])
        #expect(try list(["--search", "østlandet"]) == ["JS-2021-0002"])
        #expect(try list(["--search", "bergen kom"]) == ["JS-2021-0003"])
        #expect(try list(["--search", "964 338 531"]) == ["JS-2021-0003"])
        #expect(try list(["--search", "p-03"]) == ["JS-2021-0001"])
        #expect(try list(["--search", "kommune", "--status", "received"]) == ["JS-2021-0003"])
        let short = try CLIRunner.run(["application", "list", "--search", "ab"], database: db)
        #expect(short.exitCode == 2 && short.stderr.contains("--search needs at least 3 characters"))
        let both = try CLIRunner.run(["application", "list", "--mine", "--assigned", Self.other], database: db)
        #expect(both.exitCode == 2)

        // followup due --mine: grant JS-2021-0001 (kari's) and JS-2021-0002 (ola's), both due 2022-03-31.
        for (reference, who) in [("JS-2021-0001", Self.caseworker), ("JS-2021-0002", Self.other)] {
            _ = try ok(db, ["application", "assess", reference, "--score", "4", "--recommend", "grant", "--as", who])
            _ = try ok(db, ["application", "decide", reference, "--grant", reference == "JS-2021-0001" ? "3 400 000" : "2 000 000",
                            "--date", "2021-04-01", "--as", Self.manager])
            _ = try ok(db, ["followup", "duty", reference, "--project-end", "2021-12-31", "--as", who])
        }
        func due(_ user: String, mine: Bool) throws -> [String] {
            references(try ok(db, ["followup", "due", "--as-of", "2022-03-15", "--format", "csv", "--as", user] + (mine ? ["--mine"] : [])))
        }
        #expect(try due(Self.caseworker, mine: false) == ["JS-2021-0001", "JS-2021-0002"])
        #expect(try due(Self.caseworker, mine: true) == ["JS-2021-0001"])
        #expect(try due(Self.other, mine: true) == ["JS-2021-0002"])
    }
}
