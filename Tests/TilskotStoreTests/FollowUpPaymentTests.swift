import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

@Suite("payments: plans, attestation, payment, withholding, the payment run")
struct FollowUpPaymentTests {
    @Test("instalment lists: shares and amounts, decimal commas inside amounts, bad input in one sentence")
    func instalmentParsing() throws {
        let specs = try InstalmentSpec.parseList("50%:2021-03-01,50%:2021-09-01")
        #expect(specs == [.init(share: .percent(basisPoints: 5000), due: try CalendarDate("2021-03-01")),
                          .init(share: .percent(basisPoints: 5000), due: try CalendarDate("2021-09-01"))])
        let amounts = try InstalmentSpec.parseList("1 700 000,50:2021-03-01, 33,33%:2021-09-01;12.5%:2021-12-01")
        #expect(amounts.map(\.share) == [.amount(Money(ore: 170_000_050)), .percent(basisPoints: 3333), .percent(basisPoints: 1250)])
        for (bad, fragment) in [("50%", "has no due date"), ("60%:2021-03-01,50%:2021-09-01", "110%"),
                                ("abc:2021-03-01", "abc"), ("50%:2021-02-30", "does not exist"),
                                ("0%:2021-03-01", "more than 0%"), ("0:2021-03-01", "0 kr pays nothing")] {
            expectRefused(fragment) { _ = try InstalmentSpec.parseList(bad) }
        }
    }

    @Test("shares of a grant pay it to the øre: 3 × 33,33 % + the rest on the last")
    func sharesToTheOre() throws {
        let specs = try InstalmentSpec.parseList("33,33%:2021-03-01,33,33%:2021-06-01,33,34%:2021-09-01")
        let amounts = InstalmentSpec.amounts(specs, grant: Money(ore: 100_000_001))
        #expect(amounts.map(\.ore).reduce(0, +) == 100_000_001)
        #expect(amounts[0].ore == 33_330_000)
        // Less than 100 %: each share rounded down, nothing added.
        let half = InstalmentSpec.amounts(try InstalmentSpec.parseList("50%:2021-03-01"), grant: Money(ore: 101))
        #expect(half == [Money(ore: 50)])
    }

    @Test("bank account numbers: MOD11 with weights 5,4,3,2,7,6,5,4,3,2")
    func bankAccounts() throws {
        #expect(try BankAccountNumber("8601 11 17947").digits == "86011117947")
        #expect(try BankAccountNumber("8601.11.17947").description == "8601 11 17947")
        expectRefused("check digit should be 7") { _ = try BankAccountNumber("86011117948") }
        expectRefused("11 digits") { _ = try BankAccountNumber("8601 11 1794") }
    }

    @Test("a plan starts follow-up: granted → in_follow_up, with the default reporting duty, audited")
    func planStartsFollowUp() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        #expect(try FollowUp.status(db, reference) == "granted")
        // MUT
        let planned = try FollowUp.plan(db, reference)
        // validate
        #expect(planned.map(\.instalment) == [1, 2])
        #expect(planned.map(\.amount) == [Money(kroner: 500_000), Money(kroner: 500_000)])
        #expect(planned.allSatisfy { $0.status == .planned && $0.plannedBy == FollowUp.kari && $0.account == "86011117947" })
        #expect(try FollowUp.status(db, reference) == "in_follow_up")
        let duty = try #require(try RecipientReports.duty(reference, session: try db.session(as: FollowUp.kari)))
        #expect(duty.projectEnd == (try CalendarDate("2021-12-31")))
        #expect(duty.dueDate == (try CalendarDate("2022-03-31")))
        #expect(duty.accountRequired)  // 1 000 000 kr ≥ 400 000 kr
        let history = try Applications.show(reference, session: try db.session(as: FollowUp.kari)).history
        #expect(history.contains { $0.table == "application" && $0.summary.contains("in_follow_up") })
        #expect(history.contains { $0.table == "payment" })
    }

    @Test("a plan over the grant is refused and nothing is written; rejected and withdrawn are never paid")
    func planLimits() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        let rejected = try FollowUp.rejected(db)
        let withdrawn = try FollowUp.withdrawn(db)
        _ = try FollowUp.plan(db, reference, "60%:2021-05-01")
        let before = try FollowUp.count(db, "payment")
        expectRefused("would be 100 000 kr over its grant of 1 000 000 kr") {
            _ = try FollowUp.plan(db, reference, "500 000:2021-09-01")
        }
        expectRefused("was rejected, so it has no grant") { _ = try FollowUp.plan(db, rejected) }
        expectRefused("was withdrawn, so it has no grant") { _ = try FollowUp.plan(db, withdrawn) }
        #expect(try FollowUp.count(db, "payment") == before)
        #expect(try FollowUp.status(db, rejected) == "rejected")
    }

    @Test("attestation by finance only, never by the decider; then paid with a voucher; the run lists attested ones")
    func attestAndPay() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let byPer = try FollowUp.granted(db, org: FollowUp.stavanger, amount: "300 000", decider: FollowUp.per)
        let planned = try FollowUp.plan(db, byPer)
        expectRefused("is not in finance") { _ = try Payments.attest([planned[0].id], session: try db.session(as: FollowUp.kari)) }
        expectRefused("cannot also attest its payments (to-personskontroll)") {
            _ = try Payments.attest([planned[0].id], session: try db.session(as: FollowUp.per))
        }
        expectRefused("only after it is attested") {
            _ = try Payments.pay([planned[0].id], voucher: "B-1", session: try db.session(as: FollowUp.fia))
        }
        let attested = try Payments.attest([planned[0].id], session: try db.session(as: FollowUp.fia))
        #expect(attested[0].status == .attested && attested[0].attestedBy == FollowUp.fia)
        expectRefused("is attested; only a planned instalment") {
            _ = try Payments.attest([planned[0].id], session: try db.session(as: FollowUp.finn))
        }
        let run = try Payments.run(date: try CalendarDate("2021-05-01"), session: try db.session(as: FollowUp.fia))
        #expect(run.map(\.paymentReference) == ["\(byPer)/1"])
        #expect(try Payments.run(date: try CalendarDate("2021-04-30"), session: try db.session(as: FollowUp.fia)).isEmpty)
        // The attester does not approve the payment of what she attested (SQL/schema/09_payments.sql); finn pays.
        expectRefused("fu_fia attested instalment 1 of \(byPer) (150 000 kr, due 2021-05-01) and cannot also approve its payment") {
            _ = try Payments.pay([planned[0].id], voucher: "B-1", date: try CalendarDate("2021-05-03"), session: try db.session(as: FollowUp.fia))
        }
        expectRefused("voucher number") {
            _ = try Payments.pay([planned[0].id], voucher: "  ", session: try db.session(as: FollowUp.finn))
        }
        expectRefused("before \(byPer) was decided") {
            _ = try Payments.pay([planned[0].id], voucher: "B-1", date: try CalendarDate("2021-04-01"), session: try db.session(as: FollowUp.finn))
        }
        let paid = try Payments.pay([planned[0].id], voucher: "B-2021-05", date: try CalendarDate("2021-05-03"),
                                    session: try db.session(as: FollowUp.finn))
        #expect(try paid[0].status == .paid && paid[0].voucher == "B-2021-05" && paid[0].paidOn == (try CalendarDate("2021-05-03")))
        let list = try Payments.list(.init(status: .paid), session: try db.session(as: FollowUp.aud))
        #expect(list.map(\.id) == [planned[0].id])
        let due = try Payments.list(.init(dueBefore: try CalendarDate("2021-09-02"), status: .planned), session: try db.session(as: FollowUp.aud))
        #expect(due.map(\.id) == [planned[1].id])
    }

    @Test("attesting several is all or none")
    func attestAllOrNone() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let a = try FollowUp.granted(db, amount: "1 000 000")
        let b = try FollowUp.granted(db, org: FollowUp.stavanger, amount: "300 000", decider: FollowUp.per)
        let pa = try FollowUp.plan(db, a, "100%:2021-05-01")
        let pb = try FollowUp.plan(db, b, "100%:2021-05-01")
        expectRefused("cannot also attest") {
            _ = try Payments.attest([pa[0].id, pb[0].id], session: try db.session(as: FollowUp.per))
        }
        #expect(try Payments.list(.init(status: .attested), session: try db.session(as: FollowUp.aud)).isEmpty)
        expectRefused("there is no payment with id 999999") {
            _ = try Payments.attest([pa[0].id, 999_999], session: try db.session(as: FollowUp.fia))
        }
        #expect(try Payments.list(.init(status: .attested), session: try db.session(as: FollowUp.aud)).isEmpty)
    }

    @Test("withholding needs a reason; a released instalment is attested again and still bounded by the grant")
    func withholdAndRelease() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        let planned = try FollowUp.plan(db, reference)
        let fia = try db.session(as: FollowUp.fia)
        _ = try Payments.attest([planned[1].id], session: fia)
        expectRefused("withholding instalment 2 of \(reference) (500 000 kr, due 2021-09-01) needs a reason") { _ = try Payments.withhold(planned[1].id, reason: " ", session: fia) }
        expectRefused("neither in finance nor a manager") {
            _ = try Payments.withhold(planned[1].id, reason: "rapport manglar", session: try db.session(as: FollowUp.kari))
        }
        let withheld = try Payments.withhold(planned[1].id, reason: "rapport manglar", session: try db.session(as: FollowUp.mona))
        #expect(withheld.status == .withheld && withheld.withheldReason == "rapport manglar")
        // While withheld it does not count: another 500 000 kr can be planned.
        let replacement = try FollowUp.plan(db, reference, "500 000:2021-10-01")
        #expect(replacement[0].instalment == 3)
        expectRefused("would bring what is planned on \(reference) to 1 500 000 kr") {
            _ = try Payments.release(planned[1].id, reason: "rapport motteken", session: fia)
        }
        _ = try Payments.withhold(replacement[0].id, reason: "erstatta", session: fia)
        let released = try Payments.release(planned[1].id, reason: "rapport motteken", session: fia)
        #expect(released.status == .planned && released.attestedBy == nil)
        expectRefused("only a withheld instalment") { _ = try Payments.release(planned[1].id, reason: "x", session: fia) }
    }
}
