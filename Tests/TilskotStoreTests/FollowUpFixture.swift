import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// The people and grants the follow-up tests work with: a 2021 Jobbsjansen round and granted,
/// rejected and withdrawn applications. Users are cluster-wide, so they are made once per process.
enum FollowUp {
    static let kari = "fu_kari"      // caseworker: registers and assesses
    static let ola = "fu_ola"        // caseworker on no case
    static let mona = "fu_mona"      // manager: decides
    static let per = "fu_per"        // manager and finance: decides some grants, so may not attest them
    static let fia = "fu_fia"        // finance
    static let finn = "fu_finn"      // finance: pays what fia attested (the payer is not the attester)
    static let frid = "fu_frid"      // finance: attests what fia and finn plan or pay (races of two payers)
    static let aud = "fu_aud"        // auditor
    static let adm = "fu_adm"        // admin
    static let reader = "fu_reader"  // participant reader

    static let round = try! RoundKey("JS/2021")
    static let oslo = try! OrganisationNumber("958935420")
    static let stavanger = try! OrganisationNumber("964965226")
    static let bergen = try! OrganisationNumber("964338531")
    static let trondheim = try! OrganisationNumber("942110464")
    static let account = try! BankAccountNumber("8601 11 17947")

    /// Every login role of the fixture, for attacks that try each of them (frid, a third finance user
    /// who only attests for the payment races, has the same rights as fia and finn and is left out).
    static let everyone = [kari, ola, mona, per, fia, finn, aud, adm, reader]

    static func users(_ db: TestDatabase) throws {
        try db.addUsers([kari: .caseworker, ola: .caseworker, mona: .manager, per: .manager, fia: .finance,
                         finn: .finance, frid: .finance, aud: .auditor, adm: .admin, reader: .participantReader])
        try db.addUsers([per: .finance])
    }

    /// A database with the users, scheme JS (threshold 400 000 kr), round JS/2021 and four municipalities.
    static func database() throws -> TestDatabase {
        let db = try TestDatabase.create()
        do {
            try users(db)
            let manager = try db.session(as: mona)
            _ = try Schemes.create(.init(code: try SchemeCode("JS"), name: "Jobbsjansen", applicantKinds: [.municipality]),
                                   session: manager)
            _ = try Rounds.open(round, frame: try Money.parse("135,3 mill"), opens: try CalendarDate("2021-01-04"),
                                closes: try CalendarDate("2021-03-01"), session: manager)
            let caseworker = try db.session(as: kari)
            for (number, name, code) in [(oslo, "Oslo kommune", "0301"), (stavanger, "Stavanger kommune", "1103"),
                                         (bergen, "Bergen kommune", "4601"), (trondheim, "Trondheim kommune", "5001")] {
                _ = try Organisations.add(.init(number: number, name: name, kind: .municipality,
                                                municipality: try MunicipalityNumber(code)), session: caseworker)
            }
        } catch {
            db.drop()
            throw error
        }
        return db
    }

    /// Registers and assesses an application as the caseworker.
    static func assessed(_ db: TestDatabase, org: OrganisationNumber, amount: String) throws -> ApplicationReference {
        let caseworker = try db.session(as: kari)
        let registration = try Applications.register(
            .init(round: round, organisation: org, title: "Jobbsjansen \(org)", amount: try Money.parse(amount),
                  received: try CalendarDate("2021-02-01")), session: caseworker)
        let reference = try ApplicationReference(registration.reference)
        _ = try Assessments.assess(reference, score: 4, recommendation: .grant, session: caseworker)
        return reference
    }

    /// A granted application (in full, decided 2021-04-15 by `decider`).
    static func granted(_ db: TestDatabase, org: OrganisationNumber = oslo, amount: String = "1 000 000",
                        decider: String = mona) throws -> ApplicationReference {
        let reference = try assessed(db, org: org, amount: amount)
        _ = try Decisions.decide(reference, .grant(try Money.parse(amount)), date: try CalendarDate("2021-04-15"),
                                 session: try db.session(as: decider))
        return reference
    }

    static func rejected(_ db: TestDatabase, org: OrganisationNumber = bergen) throws -> ApplicationReference {
        let reference = try assessed(db, org: org, amount: "500 000")
        _ = try Decisions.decide(reference, .reject, reasons: "Ramma er brukt opp", date: try CalendarDate("2021-04-15"),
                                 session: try db.session(as: mona))
        return reference
    }

    static func withdrawn(_ db: TestDatabase, org: OrganisationNumber = trondheim) throws -> ApplicationReference {
        let reference = try assessed(db, org: org, amount: "500 000")
        _ = try Applications.withdraw(reference, reason: "Trekt av kommunen", session: try db.session(as: kari))
        return reference
    }

    /// Plans instalments as the caseworker.
    static func plan(_ db: TestDatabase, _ reference: ApplicationReference,
                     _ instalments: String = "50%:2021-05-01,50%:2021-09-01") throws -> [PaymentRecord] {
        try Payments.plan(reference, instalments: try InstalmentSpec.parseList(instalments), account: account,
                          session: try db.session(as: kari))
    }

    /// Plans the whole grant in one instalment (kari), attests it (fia) and pays it (finn: the payer
    /// is not the attester, SQL/schema/09_payments.sql).
    static func paidInFull(_ db: TestDatabase, _ reference: ApplicationReference) throws -> PaymentRecord {
        let planned = try plan(db, reference, "100%:2021-05-01")
        _ = try Payments.attest(planned.map(\.id), session: try db.session(as: fia))
        return try Payments.pay(planned.map(\.id), voucher: "B-1", date: try CalendarDate("2021-05-03"),
                                session: try db.session(as: finn))[0]
    }

    /// The exception from advance notice (fvl. § 16 third paragraph letter c) the claw-backs of tests
    /// about other rules name: the recipient reported the unspent money itself.
    static let noNotice = "fvl. § 16 tredje ledd bokstav c: mottakaren har sjølv rapportert dei ubrukte midlane og har hatt høve til å uttale seg"

    /// An advance notice (førehandsvarsel, fvl. § 16) of `purpose` on `reference`, written by mona
    /// with psql (the rows the advance-notice commands write), sent on `sent` with time to answer
    /// until `answerBy`.
    static func forewarn(_ db: TestDatabase, _ reference: ApplicationReference, amount: Money?, purpose: String = "clawback",
                         sent: String = "2022-03-01", answerBy: String = "2022-03-22") throws -> Int64 {
        try #require(try db.connect(asLogin: mona).queryValue("""
            INSERT INTO tilskot.advance_notice (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by)
            SELECT id, $2, 'Krav om tilbakebetaling av ubrukte midlar', $3, $4::date, 'post', $5::date
              FROM tilskot.application WHERE reference = $1
            RETURNING id
            """, [reference.description, purpose, amount?.ore, sent, answerBy], as: Int64.self))
    }

    static func id(_ db: TestDatabase, _ reference: ApplicationReference) throws -> Int64 {
        try #require(try db.connect().queryValue("SELECT id FROM tilskot.application WHERE reference = $1",
                                                 [reference.description], as: Int64.self))
    }

    static func status(_ db: TestDatabase, _ reference: ApplicationReference) throws -> String {
        try db.connect().queryValue("SELECT status FROM tilskot.application WHERE reference = $1",
                                    [reference.description], as: String.self) ?? ""
    }

    static func count(_ db: TestDatabase, _ table: String) throws -> Int {
        try db.connect().queryValue("SELECT count(*) FROM tilskot.\(table)", as: Int.self) ?? -1
    }
}
