import Foundation
import PGClient
import Synchronization
import Testing
import TilskotCore
import TilskotSample
import TilskotStore
import TilskotTestSupport

/// Issue 17, items 3 and 4: everyday corrections (an organisation's details, handing a case over, an
/// application for 0 kr, a sample load that fails) and finding one's work (`--mine`, `--assigned`,
/// `--search`, `followup due --mine`), at the service layer and as psql logins.
@Suite("everyday corrections and finding my work")
struct EverydayTests {
    static let kari = "ev_kari"   // caseworker
    static let ola = "ev_ola"     // caseworker
    static let mona = "ev_mona"   // manager
    static let per = "ev_per"     // manager

    static let round = try! RoundKey("JS/2021")
    static let oslo = try! OrganisationNumber("958935420")
    static let stavanger = try! OrganisationNumber("964965226")
    static let bergen = try! OrganisationNumber("964338531")

    /// Jobbsjansen 2021 (municipalities) with Oslo, Stavanger and Bergen registered.
    static func database() throws -> TestDatabase {
        let db = try TestDatabase.create()
        do {
            try db.addUsers([kari: .caseworker, ola: .caseworker, mona: .manager, per: .manager])
            let manager = try db.session(as: mona)
            _ = try Schemes.create(.init(code: try SchemeCode("JS"), name: "Jobbsjansen", applicantKinds: [.municipality]),
                                   session: manager)
            _ = try Rounds.open(round, frame: try Money.parse("135,3 mill"), opens: try CalendarDate("2021-01-04"),
                                closes: try CalendarDate("2021-03-01"), session: manager)
            let caseworker = try db.session(as: kari)
            for (number, name, code) in [(oslo, "Oslo kommune", "0301"), (stavanger, "Stavanger kommune", "1103"),
                                         (bergen, "Bergen kommune", "4601")] {
                _ = try Organisations.add(.init(number: number, name: name, kind: .municipality,
                                                municipality: try MunicipalityNumber(code)), session: caseworker)
            }
        } catch {
            db.drop()
            throw error
        }
        return db
    }

    static func register(_ db: TestDatabase, _ org: OrganisationNumber, title: String, amount: String = "500 000",
                         externalRef: String? = nil) throws -> ApplicationReference {
        let registration = try Applications.register(
            .init(round: round, organisation: org, title: title, amount: try Money.parse(amount),
                  received: try CalendarDate("2021-02-01"), externalRef: externalRef), session: try db.session(as: kari))
        return try ApplicationReference(registration.reference)
    }

    static func caseworkers(_ db: TestDatabase, _ reference: ApplicationReference) throws -> [String] {
        let text = try db.connect().queryValue("""
            SELECT array_to_string(tilskot.case_caseworkers(id), ',') FROM tilskot.application WHERE reference = $1
            """, [reference.description], as: String.self) ?? ""
        return text.split(separator: ",").map(String.init)
    }

    static func count(_ db: TestDatabase, _ table: String) throws -> Int {
        try db.connect().queryValue("SELECT count(*) FROM tilskot.\(table)", as: Int.self) ?? -1
    }

    // MARK: org update

    @Test("org update corrects name, address, municipality, language and contact; the audit log keeps the old row and who changed it")
    func organisationUpdate() throws {
        let db = try Self.database()
        defer { db.drop() }
        let (before, after) = try Organisations.update(
            Self.oslo, .init(name: "Oslo kommune, Velferdsetaten", address: "Postboks 30, 0051 Oslo", preferredLanguage: "nb",
                             contactName: "Åse Øvrebø", contactEmail: "ase@oslo.kommune.no", contactPhone: "+47 21 80 21 80"),
            reason: "Ny kontaktperson", session: try db.session(as: Self.ola))
        #expect(before.name == "Oslo kommune" && before.address == nil)
        #expect(after.name == "Oslo kommune, Velferdsetaten" && after.address == "Postboks 30, 0051 Oslo")
        #expect(after.preferredLanguage == "nb" && after.contactName == "Åse Øvrebø")
        #expect(after.contactEmail == "ase@oslo.kommune.no" && after.contactPhone == "+47 21 80 21 80")
        #expect(after.municipality == "0301" && after.kind == .municipality && after.createdBy == Self.kari)
        // An empty text clears a field; what is not given stays.
        let (_, cleared) = try Organisations.update(Self.oslo, .init(address: ""), session: try db.session(as: Self.mona))
        #expect(cleared.address == nil && cleared.contactName == "Åse Øvrebø")
        let audit = try db.connect().query("""
            SELECT actor, old ->> 'name' AS old_name, new ->> 'name' AS new_name, reason FROM tilskot.audit_log
             WHERE table_name = 'organisation' AND action = 'UPDATE' ORDER BY id
            """)
        #expect(audit.count == 2)
        #expect(audit.first?["actor"] == Self.ola && audit.first?["old_name"] == "Oslo kommune")
        #expect(audit.first?["new_name"] == "Oslo kommune, Velferdsetaten" && audit.first?["reason"] == "Ny kontaktperson")
        #expect(audit.last?["actor"] == Self.mona)

        // The database's sentences, for the service as for psql.
        let caseworker = try db.session(as: Self.kari)
        expectRefused("\"ase(at)oslo\" is not an e-mail address") {
            _ = try Organisations.update(Self.oslo, .init(contactEmail: "ase(at)oslo"), session: caseworker)
        }
        expectRefused("municipality number 0399 does not exist") {
            _ = try Organisations.update(Self.oslo, .init(municipality: "0399"), session: caseworker)
        }
        expectRefused("its name is missing") {
            _ = try Organisations.update(Self.oslo, .init(name: "  "), session: caseworker)
        }
        expectRefused("needs the contact's name") {
            _ = try Organisations.update(Self.stavanger, .init(contactPhone: "51 50 70 00"), session: caseworker)
        }
        expectRefused("letter language \"de\" is not one of nn, nb, en") {
            _ = try Organisations.update(Self.stavanger, .init(preferredLanguage: "de"), session: caseworker)
        }
        expectRefused("organisation 988077917 is not registered") {
            _ = try Organisations.update(try OrganisationNumber("988077917"), .init(name: "X"), session: caseworker)
        }
    }

    @Test("psql attack on an organisation: the number, kind and registration stay; bad values are refused with the rule's SQLSTATE; nothing written")
    func organisationUpdateAttack() throws {
        let db = try Self.database()
        defer { db.drop() }
        let psql = try db.connect(asLogin: Self.kari)
        let rows = try db.rowCounts()
        let original = try db.connect().queryValue("SELECT row_to_json(o)::text FROM tilskot.organisation o WHERE orgnr = '958935420'", as: String.self)
        // Column grants: only the correctable columns.
        for column in ["orgnr = '964338531'", "kind = 'voluntary'", "created_by = 'ev_ola'", "created_at = now()",
                       "member_based = true", "external_board = true"] {
            expectSQLError("42501") { _ = try psql.execute("UPDATE tilskot.organisation SET \(column) WHERE orgnr = '958935420'") }
        }
        expectSQLError("42501") { _ = try psql.execute("DELETE FROM tilskot.organisation WHERE orgnr = '958935420'") }
        expectSQLError("23T13", "is not an e-mail address") {
            _ = try psql.execute("UPDATE tilskot.organisation SET contact_name = 'A', contact_email = 'not-mail' WHERE orgnr = '958935420'")
        }
        expectSQLError("23T13", "is not a telephone number") {
            _ = try psql.execute("UPDATE tilskot.organisation SET contact_name = 'A', contact_phone = 'ring meg' WHERE orgnr = '958935420'")
        }
        expectSQLError("23T13", "the address contains a control character") {
            _ = try psql.execute("UPDATE tilskot.organisation SET address = E'Gate 1\\n0001 Oslo' WHERE orgnr = '958935420'")
        }
        expectSQLError("23T13", "the organisation name contains a control character") {
            _ = try psql.execute("UPDATE tilskot.organisation SET name = E'Oslo\\nkommune' WHERE orgnr = '958935420'")
        }
        expectSQLError("23T12", "does not exist in the 2020–2023 or 2024 division") {
            _ = try psql.execute("UPDATE tilskot.organisation SET municipality = '0399' WHERE orgnr = '958935420'")
        }
        expectSQLError("23T13", "its name is missing") {
            _ = try psql.execute("UPDATE tilskot.organisation SET name = '' WHERE orgnr = '958935420'")
        }
        #expect(try db.rowCounts() == rows)
        #expect(try db.connect().queryValue("SELECT row_to_json(o)::text FROM tilskot.organisation o WHERE orgnr = '958935420'", as: String.self) == original)
        // What the grant allows, psql too, is in the audit log with the login as actor.
        _ = try psql.execute("UPDATE tilskot.organisation SET contact_name = 'Kari', contact_phone = '22 00 00 00' WHERE orgnr = '958935420'")
        #expect(try db.connect().queryValue("""
            SELECT actor FROM tilskot.audit_log WHERE table_name = 'organisation' AND action = 'UPDATE' AND new ->> 'contact_phone' = '22 00 00 00'
            """, as: String.self) == Self.kari)
    }

    // MARK: assign

    @Test("assign --to hands over (the current caseworker is replaced; rows stay as history); --also adds; the output names from whom to whom")
    func handover() throws {
        let db = try Self.database()
        defer { db.drop() }
        let a = try Self.register(db, Self.oslo, title: "Jobbsjansen Oslo")
        let took = try Applications.assign(a, session: try db.session(as: Self.kari))
        #expect(took.before.isEmpty && took.after == [Self.kari] && took.application.status == .inReview)
        let manager = try db.session(as: Self.mona)
        let handed = try Applications.assign(a, to: Self.ola, session: manager)
        #expect(handed.kind == .handover && handed.before == [Self.kari] && handed.after == [Self.ola])
        let added = try Applications.assign(a, to: Self.kari, kind: .also, session: manager)
        #expect(added.before == [Self.ola] && added.after == [Self.kari, Self.ola])
        let again = try Applications.assign(a, to: Self.per, session: manager)
        #expect(again.before == [Self.kari, Self.ola] && again.after == [Self.per])
        #expect(try Self.caseworkers(db, a) == [Self.per])
        #expect(try Applications.show(a, session: manager).assignedTo == [Self.per])
        // Every assignment stays as the case's history, with who made it.
        let history = try db.connect().query("""
            SELECT caseworker, kind, assigned_by, array_to_string(handed_over_from, ',') AS from_
              FROM tilskot.assignment ORDER BY id
            """)
        #expect(history.map { $0["caseworker"] ?? "" } == [Self.kari, Self.ola, Self.kari, Self.per])
        #expect(history.map { $0["kind"] ?? "" } == ["handover", "handover", "also", "handover"])
        #expect(history.map { $0["from_"] } == [nil, Self.kari, nil, "\(Self.kari),\(Self.ola)"])
        #expect(history.map { $0["assigned_by"] ?? "" } == [Self.kari, Self.mona, Self.mona, Self.mona])

        // The refusals: already the caseworker, already among them, a colleague's case taken by a caseworker.
        expectRefused("\(Self.per) is already the caseworker of \(a)") { _ = try Applications.assign(a, to: Self.per, session: manager) }
        expectRefused("\(Self.per) is already a caseworker of \(a)") {
            _ = try Applications.assign(a, to: Self.per, kind: .also, session: manager)
        }
        expectRefused("\(a) is handled by \(Self.per); only a manager hands over a colleague's case") {
            _ = try Applications.assign(a, session: try db.session(as: Self.kari))
        }
        // Joining it is the caseworker's own step.
        let joined = try Applications.assign(a, to: Self.kari, kind: .also, session: try db.session(as: Self.kari))
        #expect(joined.after == [Self.kari, Self.per])
        expectRefused("only a manager can assign a case to someone else") {
            _ = try Applications.assign(a, to: Self.ola, kind: .also, session: try db.session(as: Self.kari))
        }
    }

    @Test("psql attack on assignments: handed_over_from is the trigger's; a caseworker cannot take a colleague's case, at every isolation level")
    func handoverAttack() throws {
        let db = try Self.database()
        defer { db.drop() }
        let a = try Self.register(db, Self.oslo, title: "Jobbsjansen Oslo")
        let id = try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = $1", [a.description], as: Int64.self))
        let ola = try db.connect(asLogin: Self.ola)
        expectSQLError("42501") {
            _ = try ola.execute("INSERT INTO tilskot.assignment (application_id, caseworker, handed_over_from) VALUES (\(id), 'ev_ola', '{nobody}')")
        }
        expectSQLError("23514") {
            _ = try ola.execute("INSERT INTO tilskot.assignment (application_id, caseworker, kind) VALUES (\(id), 'ev_ola', 'steal')")
        }
        // ola reads the case while nobody holds it; mona hands it to kari and commits; ola then takes
        // it. READ COMMITTED sees kari (42T01); the other levels' snapshot is stale (40001).
        for level in ["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"] {
            let b = try Self.register(db, Self.stavanger, title: "Jobbsjansen \(level)")
            let bID = try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = $1", [b.description], as: Int64.self))
            try ola.executeScript("BEGIN ISOLATION LEVEL \(level)")
            _ = try ola.query("SELECT tilskot.case_caseworkers(\(bID))")
            _ = try Applications.assign(b, to: Self.kari, session: try db.session(as: Self.mona))
            do {
                _ = try ola.execute("INSERT INTO tilskot.assignment (application_id) VALUES (\(bID))")
                Issue.record("\(level): ola took kari's case")
            } catch {
                let expected = level == "READ COMMITTED" ? "42T01" : "40001"
                #expect(error.sqlState == expected, "\(level): \(error.sqlState) \(error.message)")
            }
            try ola.executeScript("ROLLBACK")
            #expect(try Self.caseworkers(db, b) == [Self.kari], "\(level)")
        }
        // Two managers hand over at once: the second waits for the first and names its caseworker.
        let c = try Self.register(db, Self.bergen, title: "Jobbsjansen Bergen")
        let cID = try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = $1", [c.description], as: Int64.self))
        let mona = try db.connect(asLogin: Self.mona)
        try mona.executeScript("BEGIN")
        _ = try mona.execute("INSERT INTO tilskot.assignment (application_id, caseworker) VALUES (\(cID), 'ev_kari')")
        let finished = DispatchSemaphore(value: 0)
        let perError = Mutex<String?>(nil)
        let perURL = db.url(asLogin: Self.per)
        Thread {
            do {
                let per = try Connection(perURL)
                _ = try per.execute("INSERT INTO tilskot.assignment (application_id, caseworker) VALUES (\(cID), 'ev_ola')")
            } catch {
                perError.withLock { $0 = "\(error)" }
            }
            finished.signal()
        }.start()
        usleep(300_000)
        try mona.executeScript("COMMIT")
        finished.wait()
        #expect(perError.withLock { $0 } == nil)
        #expect(try db.connect().queryValue("""
            SELECT array_to_string(handed_over_from, ',') FROM tilskot.assignment WHERE application_id = \(cID) ORDER BY id DESC LIMIT 1
            """, as: String.self) == Self.kari)
        #expect(try Self.caseworkers(db, c) == [Self.ola])
    }

    // MARK: 0 kr

    @Test("an application for 0 kr is refused, by the service and by psql, with one sentence")
    func zeroKroner() throws {
        let db = try Self.database()
        defer { db.drop() }
        expectRefused("application refused: the amount applied for is 0 kr; an application asks for an amount above 0 kr") {
            _ = try Self.register(db, Self.oslo, title: "Ingenting", amount: "0")
        }
        let roundID = try #require(try db.connect().queryValue("SELECT id FROM tilskot.round", as: Int64.self))
        let orgID = try #require(try db.connect().queryValue("SELECT id FROM tilskot.organisation WHERE orgnr = '958935420'", as: Int64.self))
        expectSQLError("23T13", "application refused: the amount applied for is 0 kr") {
            _ = try db.connect(asLogin: Self.kari).execute("""
                INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received)
                VALUES (\(roundID), \(orgID), 'Ingenting', 0, '2021-02-01')
                """)
        }
        // 1 øre is an amount.
        _ = try Self.register(db, Self.oslo, title: "Lite", amount: "0,01")
        #expect(try Self.count(db, "application") == 1)
    }

    // MARK: sample load

    @Test("a sample load refused half-way writes nothing: no scheme, organisation, application or audit row, and no user it made")
    func sampleLoadAtomic() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        // Jobbsjansen exists and takes voluntary organisations only: the loader keeps the scheme, and
        // its first municipality application is refused, after the users, schemes and organisations.
        try db.addUsers([Self.mona: .manager])
        _ = try Schemes.create(.init(code: try SchemeCode("JS"), name: "Jobbsjansen", applicantKinds: [.voluntary]),
                               session: try db.session(as: Self.mona))
        let people = SampleLoader.caseworkers.map(\.user) + [SampleLoader.manager.user, SampleLoader.appealRegistrar.user]
        let roles = "SELECT rolname FROM pg_roles WHERE rolname = ANY ($1::text[]) ORDER BY 1"
        let existing = try db.connect().query(roles, ["{\(people.joined(separator: ","))}"]).map { $0["rolname"] ?? "" }
        let before = try db.rowCounts()
        expectRefused("accepts applications from voluntary only") { _ = try SampleLoader.load(session: try db.session()) }
        #expect(try db.rowCounts() == before)
        // Users are cluster-wide: those another test made stay; none is left by this load.
        let after = try db.connect().query(roles, ["{\(people.joined(separator: ","))}"]).map { $0["rolname"] ?? "" }
        #expect(Set(after).subtracting(existing).isEmpty, "left behind: \(Set(after).subtracting(existing))")
    }

    // MARK: finding my work

    @Test("list --mine and --assigned follow handovers; --search finds title, organisation name and number, external reference, case-insensitively")
    func findMyWork() throws {
        let db = try Self.database()
        defer { db.drop() }
        let a = try Self.register(db, Self.oslo, title: "Jobbsjansen for unge i Groruddalen", externalRef: "P-0301-A")
        let b = try Self.register(db, Self.stavanger, title: "Kvalifisering på Østlandet", externalRef: "P-1103")
        let c = try Self.register(db, Self.bergen, title: "Språkpraksis 50% stilling_a", externalRef: "P-4601")
        _ = try Applications.assign(a, session: try db.session(as: Self.kari))
        _ = try Applications.assign(b, session: try db.session(as: Self.kari))
        let manager = try db.session(as: Self.mona)
        _ = try Applications.assign(b, to: Self.ola, session: manager)
        _ = try Applications.assign(c, to: Self.ola, session: manager)
        _ = try Applications.assign(c, to: Self.kari, kind: .also, session: manager)

        func list(_ filter: Applications.Filter, as user: String = EverydayTests.kari) throws -> [String] {
            try Applications.list(filter, session: try db.session(as: user)).map(\.reference)
        }
        var mine = Applications.Filter()
        mine.mine = true
        #expect(try list(mine) == [a, c].map(\.description))
        #expect(try list(mine, as: Self.ola) == [b, c].map(\.description))
        #expect(try list(mine, as: Self.mona).isEmpty)
        var assigned = Applications.Filter()
        assigned.assigned = Self.ola
        #expect(try list(assigned, as: Self.mona) == [b, c].map(\.description))
        assigned.status = .received
        #expect(try list(assigned, as: Self.mona).isEmpty)

        func search(_ text: String) throws -> [String] {
            var filter = Applications.Filter()
            filter.search = text
            return try list(filter)
        }
        #expect(try search("groruddalen") == [a.description])
        #expect(try search("ØSTLANDET") == [b.description])            // Ø folds to ø
        #expect(try search("stavanger KOMMUNE") == [b.description])     // organisation name
        #expect(try search("964 965 226") == [b.description])           // organisation number with spaces
        #expect(try search("96496") == [b.description])
        #expect(try search("p-46") == [c.description])                  // external reference
        #expect(try search("kommune") == [a, b, c].map(\.description))
        #expect(try search("50%") == [c.description])                   // % is a character, not a wildcard
        #expect(try search("praksis%stilling").isEmpty)
        #expect(try search("ling_a") == [c.description])                // _ too
        #expect(try search("spr_kpraksis").isEmpty)
        #expect(try search("Trondheim").isEmpty)
        var both = Applications.Filter()
        both.search = "jobbsjansen"
        both.mine = true
        #expect(try list(both, as: Self.ola).isEmpty)
        #expect(try list(both) == [a.description])
    }

    @Test("followup due --mine: only the reports of cases the acting user is a current caseworker of")
    func followupDueMine() throws {
        let db = try Self.database()
        defer { db.drop() }
        let manager = try db.session(as: Self.mona)
        var references: [ApplicationReference] = []
        for (org, who) in [(Self.oslo, Self.kari), (Self.stavanger, Self.ola), (Self.bergen, Self.kari)] {
            let reference = try Self.register(db, org, title: "Jobbsjansen \(org)")
            _ = try Applications.assign(reference, to: who, session: manager)
            _ = try Assessments.assess(reference, score: 4, recommendation: .grant, session: try db.session(as: who))
            _ = try Decisions.decide(reference, .grant(try Money.parse("500 000")), date: try CalendarDate("2021-04-15"), session: manager)
            _ = try RecipientReports.setDuty(reference, projectEnd: try CalendarDate("2021-12-31"), session: try db.session(as: who))
            references.append(reference)
        }
        let day = try CalendarDate("2022-03-15")   // every report is due 2022-03-31
        func due(_ user: String, mine: Bool) throws -> [String] {
            try RecipientReports.due(withinDays: 30, asOf: day, mine: mine, session: try db.session(as: user)).map(\.reference)
        }
        #expect(try due(Self.kari, mine: false) == references.map(\.description))
        #expect(try due(Self.kari, mine: true) == [references[0], references[2]].map(\.description))
        #expect(try due(Self.ola, mine: true) == [references[1].description])
        #expect(try due(Self.mona, mine: true).isEmpty)
    }
}
