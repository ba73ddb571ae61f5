import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// `application import` in the service layer: the same rules as one registration, all or nothing,
/// idempotent by external reference, gap-free references, audit events, and the bulk path's
/// trigger bypass closed to everyone but the import function itself.
@Suite("application import")
struct ImportTests {
    static let caseworker = "imp_kari"
    static let manager = "imp_mona"
    static let auditor = "imp_aud"

    /// JS (municipalities) with round JS/2021 (window 2021-01-04 to 2021-03-01), FRIV (voluntary)
    /// with FRIV/2021, and Oslo kommune registered.
    func database() throws -> TestDatabase {
        let db = try TestDatabase.create()
        try db.addUsers([Self.caseworker: .caseworker, Self.manager: .manager, Self.auditor: .auditor])
        let manager = try db.session(as: Self.manager)
        _ = try Schemes.create(.init(code: try SchemeCode("JS"), name: "Jobbsjansen", applicantKinds: [.municipality]), session: manager)
        _ = try Schemes.create(.init(code: try SchemeCode("FRIV"), name: "Frivillige", applicantKinds: [.voluntary]), session: manager)
        _ = try Rounds.open(try RoundKey("JS/2021"), frame: try Money.parse("135,3 mill"), opens: try CalendarDate("2021-01-04"),
                            closes: try CalendarDate("2021-03-01"), session: manager)
        _ = try Rounds.open(try RoundKey("FRIV/2021"), frame: try Money.parse("10 mill"), opens: try CalendarDate("2021-01-04"),
                            closes: try CalendarDate("2021-03-01"), session: manager)
        _ = try Organisations.add(.init(number: try OrganisationNumber("958935420"), name: "Oslo kommune", kind: .municipality,
                                        municipality: try MunicipalityNumber("0301")), session: try db.session(as: Self.caseworker))
        return db
    }

    func file(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "import-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func run(_ db: TestDatabase, _ text: String, round: String? = "JS/2021", dryRun: Bool = false,
             as user: String = ImportTests.caseworker) throws -> ApplicationImport.Outcome {
        let url = try file(text)
        defer { try? FileManager.default.removeItem(at: url) }
        return try ApplicationImport.run(file: url, options: .init(round: try round.map { try RoundKey($0) }, dryRun: dryRun),
                                         session: try db.session(as: user))
    }

    func count(_ db: TestDatabase, _ table: String) throws -> Int {
        try db.connect().queryValue("SELECT count(*) FROM tilskot.\(table)", as: Int.self) ?? -1
    }

    static let good = """
        orgnr,title,amount,received,external_ref,org_name,org_kind,org_municipality
        958935420,Jobbsjansen Oslo,3400000,2021-02-01,P-1,,,
        964 965 226,Jobbsjansen Stavanger,"1 200 000,50",15.02.2021,P-2,Stavanger kommune,municipality,1103
        964965226,Jobbsjansen Stavanger 2,500000,2021-02-16,P-3,Stavanger kommune,municipality,1103
        """

    @Test("a good file registers every row with gap-free references, new organisations and one audit event each")
    func importsEverything() throws {
        let db = try database()
        defer { db.drop() }
        let outcome = try run(db, Self.good)
        #expect(outcome.rowsRead == 3 && outcome.imported == 3 && outcome.alreadyRegistered == 0)
        #expect(outcome.organisationsCreated == 1)
        let c = try db.connect()
        let rows = try c.query("""
            SELECT a.reference, o.orgnr, a.amount_applied_ore, a.received::text AS received, a.registered_by, a.status
            FROM tilskot.application a JOIN tilskot.organisation o ON o.id = a.organisation_id ORDER BY a.id
            """)
        #expect(try rows.map { try $0.string("reference") } == ["JS-2021-0001", "JS-2021-0002", "JS-2021-0003"])
        #expect(try rows.map { try $0.int64("amount_applied_ore") } == [340_000_000, 120_000_050, 50_000_000])
        #expect(try rows[1].string("received") == "2021-02-15")
        #expect(try rows.allSatisfy { try $0.string("registered_by") == Self.caseworker && $0.string("status") == "received" })
        let audited = try c.queryValue("""
            SELECT count(*) FROM tilskot.audit_log WHERE table_name = 'application' AND action = 'INSERT'
               AND actor = $1 AND reason LIKE 'imported from %' AND new ->> 'reference' LIKE 'JS-2021-%'
            """, [Self.caseworker], as: Int.self)
        #expect(audited == 3)
        // The new organisation: registered by the importer, with its audit event.
        #expect(try c.queryValue("""
            SELECT count(*) FROM tilskot.organisation o JOIN tilskot.audit_log l
              ON l.table_name = 'organisation' AND l.row_id = o.id AND l.action = 'INSERT' AND l.actor = $1
            WHERE o.orgnr = '964965226' AND o.created_by = $1 AND o.name = 'Stavanger kommune'
            """, [Self.caseworker], as: Int.self) == 1)
        // The next one-by-one registration continues the numbering.
        let next = try Applications.register(.init(round: try RoundKey("JS/2021"), organisation: try OrganisationNumber("958935420"),
                                                   title: "Etter importen", amount: Money(kroner: 1), received: try CalendarDate("2021-02-20")),
                                             session: try db.session(as: Self.caseworker))
        #expect(next.reference == "JS-2021-0004")
    }

    @Test("importing the same file again registers nothing and counts the rows as already registered")
    func idempotent() throws {
        let db = try database()
        defer { db.drop() }
        _ = try run(db, Self.good)
        let again = try run(db, Self.good + "\n958935420,Ny søknad,100000,2021-02-20,P-4,,,\n")
        #expect(again.rowsRead == 4 && again.imported == 1 && again.alreadyRegistered == 3)
        #expect(try count(db, "application") == 4)
        #expect(try db.connect().queryValue("SELECT max(reference) FROM tilskot.application", as: String.self) == "JS-2021-0004")
    }

    @Test("one bad row and nothing is imported; every problem is named by line and column")
    func allOrNothing() throws {
        let db = try database()
        defer { db.drop() }
        let before = try ["application", "organisation", "audit_log"].map { try count(db, $0) }
        let numbersBefore = try referenceNumbersDrawn(db)
        let bad = """
            orgnr,title,amount,received,external_ref,org_name,org_kind,org_municipality
            958935420,God rad,100000,2021-02-01,Q-1,,,
            958935421,,abc,2021-02-30,Q-1,,,
            988077917,Frivillig lag,-5,2022-02-01,Q-3,Laget,voluntary,0301
            123456785,Ukjend,100,2021-02-01,Q-4,,,
            """
        #expect {
            _ = try run(db, bad)
        } throws: { error in
            let text = "\(error)"
            return text.contains("nothing imported")
                && text.contains("line 3: orgnr: organisation number 958935421 is not valid: its check digit should be 0")
                && text.contains("line 3: title: the title is missing")
                // The one parser's sentences (TilskotCore), as `application register` says them.
                && text.contains("line 3: amount: amount applied for \"abc\" is not a number of kroner")
                && text.contains("line 3: received: received date 2021-02-30 does not exist: February 2021 has 28 days")
                && text.contains("line 3: external_ref: Q-1 is also on line 2")
                && text.contains("line 4: orgnr: Jobbsjansen 2021 accepts applications from municipality only, and Laget (988077917) is given as voluntary")
                && text.contains("line 4: amount: amount applied for -5 is negative; expected an amount of 0 kr or more")
                && text.contains("line 4: received: Jobbsjansen 2021 takes applications from 2021-01-04 to 2021-03-01, and 2022-02-01 is outside that window")
                && text.contains("line 5: org_name: organisation 123456785 is not registered")
                && !text.contains("line 2:")
        }
        #expect(try ["application", "organisation", "audit_log"].map { try count(db, $0) } == before)
        #expect(try referenceNumbersDrawn(db) == numbersBefore)
    }

    /// How far each round's reference sequence has gone (03_schemes_and_rounds.sql): a refused or dry import draws none.
    func referenceNumbersDrawn(_ db: TestDatabase) throws -> [String] {
        let c = try db.connect()
        let sequences = try c.query("SELECT relname FROM pg_class WHERE relnamespace = 'tilskot'::regnamespace AND relname ~ '^round_[0-9]+_reference$' ORDER BY 1")
            .map { try $0.string("relname") }
        #expect(!sequences.isEmpty)
        return try sequences.map { name in
            let row = try #require(try c.query("SELECT last_value, is_called FROM tilskot.\(name)").first)
            return "\(name) \(try row.int("last_value")) \(try row.bool("is_called"))"
        }
    }

    @Test("the refusal lists the first 50 problems and counts the rest")
    func firstFifty() throws {
        let db = try database()
        defer { db.drop() }
        var text = "orgnr,title,amount,received\n"
        for n in 1...120 { text += "958935420,Søknad \(n),not-money,2021-02-01\n" }
        #expect {
            _ = try run(db, text)
        } throws: { error in
            let lines = "\(error)".split(separator: "\n")
            return lines.count == 52 && lines[1].hasPrefix("line 2: amount:") && lines[50].hasPrefix("line 51: amount:")
                && lines[51] == "… and 70 more"
        }
        #expect(try count(db, "application") == 0)
    }

    @Test("a dry run checks everything and writes nothing, not even a reference number")
    func dryRun() throws {
        let db = try database()
        defer { db.drop() }
        let before = try ["application", "organisation", "audit_log"].map { try count(db, $0) }
        let numbersBefore = try referenceNumbersDrawn(db)
        let outcome = try run(db, Self.good, dryRun: true)
        #expect(outcome.dryRun && outcome.rowsRead == 3 && outcome.imported == 3 && outcome.organisationsCreated == 1)
        #expect(try ["application", "organisation", "audit_log"].map { try count(db, $0) } == before)
        #expect(try referenceNumbersDrawn(db) == numbersBefore)
        #expect(throws: TilskotError.self) { _ = try run(db, "orgnr,title,amount\n958935420,,1\n", dryRun: true) }
    }

    @Test("semicolons and decimal commas, as Norwegian spreadsheets write them")
    func semicolons() throws {
        let db = try database()
        defer { db.drop() }
        let outcome = try run(db, """
            orgnr;title;amount;received;external_ref
            958935420;Tiltak, med komma i tittelen;3 400 000,50;01.02.2021;S-1
            958935420;"Sitat ""i"" tittel";12,5;2021-02-02;S-2
            """)
        #expect(outcome.imported == 2)
        let c = try db.connect()
        #expect(try c.query("SELECT amount_applied_ore FROM tilskot.application ORDER BY id").map { try $0.int64("amount_applied_ore") }
                == [340_000_050, 1_250])
        #expect(try c.queryValue("SELECT title FROM tilskot.application WHERE external_ref = 'S-2'", as: String.self) == "Sitat \"i\" tittel")
    }

    @Test("a round column imports into several rounds, each numbered on its own")
    func roundColumn() throws {
        let db = try database()
        defer { db.drop() }
        let outcome = try run(db, """
            round,orgnr,title,amount,received,external_ref,org_name,org_kind
            JS/2021,958935420,Kommunal,100000,2021-02-01,R-1,,
            FRIV/2021,988077917,Frivillig,50000,2021-02-01,R-2,Laget,voluntary
            JS/2021,958935420,Kommunal 2,100000,2021-02-02,R-3,,
            """, round: nil)
        #expect(outcome.imported == 3 && outcome.rounds == 2)
        #expect(try db.connect().query("SELECT reference FROM tilskot.application ORDER BY id").map { try $0.string("reference") }
                == ["JS-2021-0001", "FRIV-2021-0001", "JS-2021-0002"])
    }

    @Test("who may import: caseworkers and managers, not auditors; the actor is recorded")
    func whoMayImport() throws {
        let db = try database()
        defer { db.drop() }
        #expect {
            _ = try run(db, Self.good, as: Self.auditor)
        } throws: { "\($0)".contains("may not register applications") }
        #expect(try count(db, "application") == 0)
        _ = try run(db, Self.good, as: Self.manager)
        #expect(try db.connect().queryValue("SELECT min(registered_by) FROM tilskot.application", as: String.self) == Self.manager)
    }

    @Test("a login acting through SET ROLE to its group role imports with psql's steps, recorded as itself")
    func setRoleToGroup() throws {
        let db = try database()
        defer { db.drop() }
        let c = try db.connect(asLogin: Self.caseworker)
        try c.executeScript("SET ROLE tilskot_caseworker")
        let imported = try c.transaction { () throws -> Int in
            try c.execute("SELECT tilskot.import_begin()")
            try c.copy("COPY pg_temp.application_import (line, orgnr, title, amount, received, external_ref) FROM STDIN") { writer in
                // The staging form (SQL/schema/04_applications.sql): kroner with a full stop, YYYY-MM-DD.
                try writer.write(row: ["2", "958935420", "Via gruppa", "100000", "2021-02-01", "SR-1"])
            }
            let row = try #require(try c.queryRow("SELECT * FROM tilskot.import_applications('JS/2021', NULL, false)"))
            #expect(try c.query("SELECT * FROM pg_temp.application_import_error").isEmpty)
            return try row.int("imported")
        }
        #expect(imported == 1)
        #expect(try db.connect().queryValue("SELECT registered_by FROM tilskot.application WHERE external_ref = 'SR-1'",
                                            as: String.self) == Self.caseworker)
    }

    @Test("the bulk path's trigger bypass is closed to psql users who set the flag themselves")
    func bypassClosed() throws {
        let db = try database()
        defer { db.drop() }
        let c = try db.connect(asLogin: Self.caseworker)
        try c.executeScript("SET tilskot.bulk_import = on")
        // Registered through the ordinary trigger: it gets a reference, an actor and an audit event.
        let reference = try c.queryValue("""
            INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received)
            SELECT r.id, o.id, 'Direkte', 100, '2021-02-01' FROM tilskot.round r, tilskot.organisation o
            WHERE r.year = 2021 AND r.scheme_id = (SELECT id FROM tilskot.scheme WHERE code = 'JS') AND o.orgnr = '958935420'
            RETURNING reference
            """, as: String.self)
        #expect(reference == "JS-2021-0001")
        #expect(try count(db, "audit_log WHERE table_name = 'application'") == 1)
        // And the window still holds for such an insert.
        #expect(throws: PGError.self) {
            try c.execute("""
                INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received)
                SELECT r.id, o.id, 'Utanfor vindauget', 100, '2021-06-01' FROM tilskot.round r, tilskot.organisation o
                WHERE r.year = 2021 AND r.scheme_id = (SELECT id FROM tilskot.scheme WHERE code = 'JS') AND o.orgnr = '958935420'
                """)
        }
        // The staging tables belong to the import: a caseworker may fill them, not read them back.
        try c.execute("BEGIN")
        try c.execute("SELECT tilskot.import_begin()")
        #expect(throws: PGError.self) { _ = try c.query("SELECT * FROM pg_temp.application_import") }
        try c.execute("ROLLBACK")
    }
}
