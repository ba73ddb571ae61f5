import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// The people and the 2021 Jobbsjansen round that the lifecycle tests work with.
///
/// Users are cluster-wide login roles, so they are created once per test process (under a lock:
/// parallel GRANTs on one role can collide) and shared by every test database.
enum Lifecycle {
    static let kari = "lc_kari"      // caseworker: registers and assesses
    static let ola = "lc_ola"        // caseworker
    static let mona = "lc_mona"      // manager: decides
    static let per = "lc_per"        // manager
    static let fia = "lc_fia"        // finance
    static let aud = "lc_aud"        // auditor
    static let adm = "lc_adm"        // admin

    static let round = try! RoundKey("JS/2021")
    static let nextRound = try! RoundKey("JS/2022")
    static let oslo = try! OrganisationNumber("958935420")
    static let stavanger = try! OrganisationNumber("964965226")
    static let voluntary = try! OrganisationNumber("988077917")

    static func users(_ db: TestDatabase) throws {
        try db.addUsers([kari: .caseworker, ola: .caseworker, mona: .manager, per: .manager,
                         fia: .finance, aud: .auditor, adm: .admin])
    }

    /// A database with the users, scheme JS, round JS/2021 (110,3 mill + 25 mill), round JS/2022,
    /// a second scheme, and three organisations.
    static func database() throws -> TestDatabase {
        let db = try TestDatabase.create()
        do {
            try users(db)
            let manager = try db.session(as: mona)
            _ = try Schemes.create(.init(code: try SchemeCode("JS"), name: "Jobbsjansen",
                                         goal: "Arbeid for heimeverande innvandrarkvinner",
                                         applicantKinds: [.municipality]), session: manager)
            _ = try Schemes.create(.init(code: try SchemeCode("FRIV"), name: "Integreringsarbeid i regi av frivillige organisasjonar",
                                         applicantKinds: [.voluntary]), session: manager)
            _ = try Rounds.open(round, frame: try Money.parse("110,3 mill"), opens: try CalendarDate("2021-01-04"),
                                closes: try CalendarDate("2021-03-01"), session: manager)
            _ = try Rounds.adjust(round, amount: try Money.parse("25 mill"), reason: "integreringspakke II", session: manager)
            _ = try Rounds.open(nextRound, frame: try Money.parse("100 mill"), opens: try CalendarDate("2022-01-03"),
                                closes: try CalendarDate("2022-03-01"), session: manager)
            _ = try Rounds.open(try RoundKey("FRIV/2021"), frame: try Money.parse("10 mill"), opens: try CalendarDate("2021-01-04"),
                                closes: try CalendarDate("2021-03-01"), session: manager)
            let caseworker = try db.session(as: kari)
            _ = try Organisations.add(.init(number: oslo, name: "Oslo kommune", kind: .municipality,
                                            municipality: try MunicipalityNumber("0301")), session: caseworker)
            _ = try Organisations.add(.init(number: stavanger, name: "Stavanger kommune", kind: .municipality,
                                            municipality: try MunicipalityNumber("1103")), session: caseworker)
            _ = try Organisations.add(.init(number: voluntary, name: "Frivillig lag", kind: .voluntary,
                                            memberBased: true), session: caseworker)
        } catch {
            db.drop()
            throw error
        }
        return db
    }

    /// Registers an application in JS/2021 as the caseworker.
    static func register(_ db: TestDatabase, org: OrganisationNumber = oslo, amount: String = "5 000 000",
                         received: String = "2021-02-01", externalRef: String? = nil) throws -> ApplicationReference {
        let registration = try Applications.register(
            .init(round: round, organisation: org, title: "Jobbsjansen \(org)", amount: try Money.parse(amount),
                  received: try CalendarDate(received), externalRef: externalRef), session: try db.session(as: kari))
        return try ApplicationReference(registration.reference)
    }

    /// Registers and assesses (by the caseworker, recommending a full grant).
    static func assessed(_ db: TestDatabase, org: OrganisationNumber = oslo, amount: String = "5 000 000") throws -> ApplicationReference {
        let reference = try register(db, org: org, amount: amount)
        _ = try Assessments.assess(reference, score: 4, recommendation: .grant, session: try db.session(as: kari))
        return reference
    }

    static func count(_ db: TestDatabase, _ table: String) throws -> Int {
        try db.connect().queryValue("SELECT count(*) FROM tilskot.\(table)", as: Int.self) ?? -1
    }
}

/// Asserts that `body` is refused with a sentence containing `fragment`.
func expectRefused(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
                   _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a refusal containing \"\(fragment)\", but it succeeded", sourceLocation: sourceLocation)
    } catch let error as TilskotError {
        guard case .refused(let message) = error else {
            Issue.record("expected a refusal, got \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(message.contains(fragment), "message: \(message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a TilskotError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Asserts that plain SQL fails with `sqlState` (and, when given, a message containing `fragment`).
func expectSQLError(_ sqlState: String, _ fragment: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                    _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected SQLSTATE \(sqlState), but the statement succeeded", sourceLocation: sourceLocation)
    } catch let error as PGError {
        #expect(error.sqlState == sqlState, "got \(error.sqlState): \(error.message)", sourceLocation: sourceLocation)
        if let fragment {
            #expect(error.message.contains(fragment), "message: \(error.message)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected a PGError, got \(error)", sourceLocation: sourceLocation)
    }
}
