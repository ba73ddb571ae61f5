import Foundation
import PGClient
import Synchronization
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// A grant changed by a decision on appeal while it is being paid (fvl. §§ 33–35, § 42: an appeal
/// does not stop payment): what is planned follows the new grant (tilskot.payments_follow_grant,
/// SQL/schema/09_payments.sql), what was paid stays in the ledger, and an overpayment is a claw-back
/// case (tilskot.overpaid_grant, 11_clawbacks.sql) that keeps the case from being closed.
@Suite("a grant changed on appeal in follow-up: the payment plan follows, an overpayment is clawed back")
struct GrantChangeInFollowUpTests {
    /// Row of one instalment: (instalment, amount in øre, status).
    struct Instalment: Equatable, CustomStringConvertible {
        var number: Int
        var ore: Int64
        var status: String
        var description: String { "\(number): \(ore) \(status)" }
    }

    static func instalments(_ db: TestDatabase, _ app: Int64) throws -> [Instalment] {
        try db.connect().query("SELECT instalment, amount_ore, status FROM tilskot.payment WHERE application_id = $1 ORDER BY instalment",
                               [app]).map { Instalment(number: try $0.int("instalment"), ore: try $0.int64("amount_ore"), status: try $0.string("status")) }
    }

    /// An appeal on `reference` registered by the admin (so no manager who decides in these tests is
    /// its registrar; the owner does no casework, issue 17), received on `received`.
    static func appeal(_ db: TestDatabase, _ app: Int64, received: String = "2021-04-20") throws {
        try db.connect(asLogin: FollowUp.adm).execute("""
            INSERT INTO tilskot.appeal (application_id, received, grounds) VALUES ($1, $2::date, 'Prosjektet treng meir')
            """, [app, received])
    }

    /// An advance notice (fvl. § 16) of a change of the grant to `ore`, sent 2021-05-03 with time to
    /// answer until 2021-05-24, written by per with psql (the rows `application forewarn` writes).
    static func changeNotice(_ db: TestDatabase, _ app: Int64, ore: Int64) throws -> Int64 {
        try #require(try db.connect(asLogin: FollowUp.per).queryValue("""
            INSERT INTO tilskot.advance_notice (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by)
            VALUES ($1, 'change', 'Tilskotet blir sett ned', $2, '2021-05-03', 'post', '2021-05-24') RETURNING id
            """, [app, ore], as: Int64.self))
    }

    /// The decision on appeal, as `decider` with psql: a grant of `ore` dated `date`. A lower grant is
    /// a change to the appellant's disadvantage, so it names its basis (fvl. § 35) and an advance
    /// notice (§ 16) whose time to answer has passed.
    static func decide(_ db: TestDatabase, _ app: Int64, ore: Int64, lower: Bool, decider: String = FollowUp.per,
                       date: String = "2021-06-01") throws {
        try decide(on: try db.connect(asLogin: decider), app, ore: ore, date: date,
                   notice: lower ? try changeNotice(db, app, ore: ore) : nil)
    }

    /// The decision's INSERT on `c`; the disadvantage columns where the decider may write them.
    static func decide(on c: Connection, _ app: Int64, ore: Int64, date: String = "2021-06-01", notice: Int64?) throws {
        let outcome = ore == 100_000_000 ? "granted" : ore == 0 ? "rejected" : "partially_granted"
        let canMarkDisadvantage = try c.queryValue(
            "SELECT has_column_privilege('tilskot.decision', 'disadvantage_basis', 'INSERT')", as: Bool.self) ?? false
        if let notice, canMarkDisadvantage {
            try c.execute("""
                INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date, disadvantage_basis, advance_notice_id)
                VALUES ($1, $2, $3, 'Ny vurdering av budsjettet', $4::date, 'fvl. § 35 første ledd bokstav c: vedtaket er ugyldig', $5)
                """, [app, outcome, ore, date, notice])
        } else {
            try c.execute("""
                INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date)
                VALUES ($1, $2, $3, 'Ny vurdering av budsjettet', $4::date)
                """, [app, outcome, ore, date])
        }
    }

    /// A grant of 1 000 000 kr (decided by mona) in three instalments of 400 000, 300 000 and
    /// 300 000 kr planned by kari; the first `paid` of them attested by fia and paid by finn, the
    /// next `attested` attested by fia.
    static func inFollowUp(_ db: TestDatabase, paid: Int, attested: Int = 0) throws -> (ApplicationReference, Int64, [PaymentRecord]) {
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        let planned = try FollowUp.plan(db, reference, "40%:2021-05-01,30%:2021-09-01,30%:2022-01-10")
        if paid + attested > 0 {
            _ = try Payments.attest(planned.prefix(paid + attested).map(\.id), session: try db.session(as: FollowUp.fia))
        }
        if paid > 0 {
            _ = try Payments.pay(planned.prefix(paid).map(\.id), voucher: "B-1", date: try CalendarDate("2021-05-03"),
                                 session: try db.session(as: FollowUp.finn))
        }
        return (reference, try FollowUp.id(db, reference), planned)
    }

    @Test("a grant raised on appeal plans nothing by itself; the difference can then be planned, and not a øre more")
    func raised() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        let app = try FollowUp.id(db, reference)
        // A partial grant of 800 000 kr to begin with: the first decision is replaced by hand here.
        try Self.appeal(db, app)
        try Self.decide(db, app, ore: 80_000_000, lower: true)
        let planned = try FollowUp.plan(db, reference, "100%:2021-07-01")
        #expect(planned.map(\.amount) == [Money(kroner: 800_000)])
        try Self.appeal(db, app, received: "2021-06-10")
        try Self.decide(db, app, ore: 100_000_000, lower: false, decider: FollowUp.mona, date: "2021-07-15")
        #expect(try Self.instalments(db, app) == [Instalment(number: 1, ore: 80_000_000, status: "planned")])
        expectRefused("would be 0,01 kr over its grant of 1 000 000 kr") {
            _ = try Payments.plan(reference, instalments: [InstalmentSpec(share: .amount(Money(ore: 20_000_001)), due: try CalendarDate("2021-10-01"))],
                                  account: FollowUp.account, session: try db.session(as: FollowUp.kari))
        }
        _ = try Payments.plan(reference, instalments: [InstalmentSpec(share: .amount(Money(kroner: 200_000)), due: try CalendarDate("2021-10-01"))],
                              account: FollowUp.account, session: try db.session(as: FollowUp.kari))
        #expect(try Self.instalments(db, app).map(\.ore) == [80_000_000, 20_000_000])
        #expect(try FollowUp.status(db, reference) == "in_follow_up")
    }

    @Test("a grant lowered below what is planned: instalments withheld from the last backwards, the part that fits planned anew")
    func loweredBelowPlanned() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        // 400 000 paid, 300 000 attested, 300 000 planned; lowered to 550 000: instalment 3 is
        // withheld whole, instalment 2 too, and 150 000 kr of it is planned again as instalment 4.
        let (reference, app, planned) = try Self.inFollowUp(db, paid: 1, attested: 1)
        try Self.appeal(db, app)
        try Self.decide(db, app, ore: 55_000_000, lower: true)
        #expect(try Self.instalments(db, app) == [
            Instalment(number: 1, ore: 40_000_000, status: "paid"), Instalment(number: 2, ore: 30_000_000, status: "withheld"),
            Instalment(number: 3, ore: 30_000_000, status: "withheld"), Instalment(number: 4, ore: 15_000_000, status: "planned"),
        ])
        let owner = try db.connect()
        let reasons = try owner.query("SELECT payment_id, actor, reason FROM tilskot.payment_event WHERE kind = 'withhold' ORDER BY id")
        #expect(try reasons.map { try $0.int64("payment_id") } == [planned[2].id, planned[1].id])
        #expect(try reasons.allSatisfy { try $0.string("actor") == FollowUp.per })
        #expect(reasons.first?["reason"] == "grant lowered to 550 000 kr by the decision of 2021-06-01")
        #expect(reasons.last?["reason"] == "grant lowered to 550 000 kr by the decision of 2021-06-01; 150 000 kr of it still fits and is planned again as a new instalment")
        let fourth = try #require(try owner.queryRow(
            "SELECT id, due_date::text AS due, account_number, planned_by, attested_by FROM tilskot.payment WHERE application_id = $1 AND instalment = 4", [app]))
        #expect(fourth["due"] == "2021-09-01" && fourth["account_number"] == FollowUp.account.digits && fourth["attested_by"] == nil)
        #expect(fourth["planned_by"] == FollowUp.per)
        // The withholding and the new instalment are in the audit log, filed under the application.
        #expect(try owner.queryValue("""
            SELECT count(*) FROM tilskot.audit_log WHERE table_name IN ('payment', 'payment_event') AND actor = $1 AND application_id = $2
            """, [FollowUp.per, app], as: Int.self) == 5)  // two withhold events, two instalments withheld, one planned
        // Nothing is paid at an amount nobody attested: the withheld instalment that fia attested at
        // 300 000 kr cannot be paid or released; the new one is attested anew, not by its planner
        // and decider, and paid by another.
        let finn = try db.connect(asLogin: FollowUp.finn)
        expectSQLError("23T23", "is withheld; an instalment is paid only after it is attested") {
            try finn.execute("INSERT INTO tilskot.payment_event (payment_id, kind, voucher, paid_on) VALUES ($1, 'pay', 'B-2', '2021-09-02')", [planned[1].id])
        }
        expectSQLError("23T20", "over its grant of 550 000 kr") {
            try finn.execute("INSERT INTO tilskot.payment_event (payment_id, kind, reason) VALUES ($1, 'release', 'ved ein feil')", [planned[1].id])
        }
        let fourthID = try fourth.int64("id")
        expectSQLError("23T21") {
            try db.connect(asLogin: FollowUp.per).execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [fourthID])
        }
        try db.connect(asLogin: FollowUp.fia).execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [fourthID])
        try finn.execute("INSERT INTO tilskot.payment_event (payment_id, kind, voucher, paid_on) VALUES ($1, 'pay', 'B-2', '2021-09-02')", [fourthID])
        #expect(try GrantMoney.grant(reference, session: try db.session(as: FollowUp.aud))?.paid == Money(kroner: 550_000))
        #expect(try ClawBacks.overpaid(session: try db.session(as: FollowUp.aud)).isEmpty)
    }

    @Test("a grant lowered below what was paid: every unpaid instalment withheld, the overpayment listed, closing refused until clawed back")
    func loweredBelowPaid() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let (reference, app, _) = try Self.inFollowUp(db, paid: 2)
        // 700 000 kr paid; lowered to 500 000 kr.
        try Self.appeal(db, app)
        try Self.decide(db, app, ore: 50_000_000, lower: true)
        #expect(try Self.instalments(db, app).map(\.status) == ["paid", "paid", "withheld"])
        #expect(try Self.instalments(db, app).map(\.ore) == [40_000_000, 30_000_000, 30_000_000])
        let aud = try db.session(as: FollowUp.aud)
        #expect(try ClawBacks.overpaid(session: aud) == [OverpaidGrantRecord(
            reference: reference.description, paid: Money(kroner: 700_000), grant: Money(kroner: 500_000),
            clawedBack: .zero, toClawBack: Money(kroner: 200_000))])
        // The round's money kept with every change (the follow-up tally) is what the plain aggregate gives.
        let kept = try #require(try GrantMoney.rounds(FollowUp.round, session: aud).first)
        let plain = try #require(try db.connect().queryRow(
            "SELECT granted_ore, planned_ore, paid_ore, clawed_back_ore, net_ore FROM tilskot.round_money WHERE scheme = 'JS' AND year = 2021"))
        #expect(try [kept.granted.ore, kept.planned.ore, kept.paid.ore, kept.clawedBack.ore, kept.net.ore]
                == [plain.int64("granted_ore"), plain.int64("planned_ore"), plain.int64("paid_ore"), plain.int64("clawed_back_ore"), plain.int64("net_ore")])
        #expect(kept.granted == Money(kroner: 500_000) && kept.paid == Money(kroner: 700_000) && kept.planned == Money(kroner: 700_000))
        let kari = try db.session(as: FollowUp.kari)
        _ = try RecipientReports.receive(reference, date: try CalendarDate("2022-02-01"), accountApproved: true, session: kari)
        _ = try RecipientReports.approve(reference, session: kari)
        let mona = try db.connect(asLogin: FollowUp.mona)
        expectSQLError("23T26", "has been paid 700 000 kr against its grant of 500 000 kr, and claw-backs in force cover 0 kr of that; demand the other 200 000 kr back") {
            try mona.execute("INSERT INTO tilskot.closing (application_id) VALUES ($1)", [app])
        }
        // A claw-back of part of it still leaves the rest to demand.
        let notice = try FollowUp.forewarn(db, reference, amount: Money(kroner: 200_000))
        let first = try ClawBacks.demand(reference, amount: Money(kroner: 150_000), reasons: "Tilskotet er sett ned etter klage",
                                         due: try CalendarDate("2022-06-01"), date: try CalendarDate("2022-04-20"), advanceNotice: notice,
                                         session: try db.session(as: FollowUp.mona))
        #expect(try ClawBacks.overpaid(session: aud).map(\.toClawBack) == [Money(kroner: 50_000)])
        expectSQLError("23T26", "demand the other 50 000 kr back") {
            try mona.execute("INSERT INTO tilskot.closing (application_id) VALUES ($1)", [app])
        }
        _ = try ClawBacks.demand(reference, amount: Money(kroner: 50_000), reasons: "Resten av det som er betalt for mykje",
                                 due: try CalendarDate("2022-06-01"), date: try CalendarDate("2022-04-20"), advanceNotice: notice,
                                 another: true, session: try db.session(as: FollowUp.mona))
        #expect(try ClawBacks.overpaid(session: aud).isEmpty)
        // Covered, but not yet repaid: closing waits for the money, then closes.
        expectSQLError("23T26", "still to be repaid") { try mona.execute("INSERT INTO tilskot.closing (application_id) VALUES ($1)", [app]) }
        let fia = try db.session(as: FollowUp.fia)
        for c in try ClawBacks.list(reference, session: fia) {
            _ = try ClawBacks.repay(kid: try #require(c.kid), amount: c.amount, date: try CalendarDate("2022-05-20"), session: fia)
        }
        #expect(first.kid != nil)
        try mona.execute("INSERT INTO tilskot.closing (application_id) VALUES ($1)", [app])
        // The ledger was never rewritten: both payments stand as paid.
        #expect(try db.connect().queryValue("SELECT sum(amount_ore) FROM tilskot.payment WHERE application_id = $1 AND status = 'paid'",
                                            [app], as: Int64.self) == 70_000_000)
    }

    @Test("a grant taken away on appeal after payment: everything unpaid withheld, all that was paid to claw back, without a grant")
    func rejectedAfterPayment() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let (reference, app, _) = try Self.inFollowUp(db, paid: 1, attested: 1)
        try Self.appeal(db, app)
        try Self.decide(db, app, ore: 0, lower: true)
        #expect(try Self.instalments(db, app).map(\.status) == ["paid", "withheld", "withheld"])
        let aud = try db.session(as: FollowUp.aud)
        #expect(try ClawBacks.overpaid(session: aud).map(\.toClawBack) == [Money(kroner: 400_000)])
        // No grant is left, but what was paid is still clawed back (after advance notice).
        let notice = try FollowUp.forewarn(db, reference, amount: Money(kroner: 400_000))
        let claw = try ClawBacks.demand(reference, amount: Money(kroner: 400_000), reasons: "Vedtaket om tilskot er oppheva etter klage",
                                        due: try CalendarDate("2022-06-01"), date: try CalendarDate("2022-04-20"), advanceNotice: notice,
                                        session: try db.session(as: FollowUp.mona))
        #expect(claw.amount == Money(kroner: 400_000))
        #expect(try ClawBacks.overpaid(session: aud).isEmpty)
    }

    /// One session pays instalment 2 while another lowers the grant to 500 000 kr, at `level`, in
    /// both orders: whichever commits first, instalment 2 is either in the ledger before the
    /// lowering reads it (then listed as overpaid) or withheld before the payment reads it (then
    /// refused) — never paid after it was withheld, and never anything unpaid left planned over the
    /// new grant.
    @Test("a payment being paid while the grant is lowered: one after the other, at every isolation level",
          arguments: ["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"])
    func payWhileLowering(level: String) throws {
        for payFirst in [true, false] {
            let db = try FollowUp.database()
            defer { db.drop() }
            let (_, app, planned) = try Self.inFollowUp(db, paid: 1, attested: 1)
            try Self.appeal(db, app)
            let notice = try Self.changeNotice(db, app, ore: 50_000_000)
            let pay = "INSERT INTO tilskot.payment_event (payment_id, kind, voucher, paid_on) VALUES (\(planned[1].id), 'pay', 'B-2', '2021-06-02')"
            // The first session acts and holds its transaction open; the second, begun before the
            // first acted, then tries its step on its own thread.
            let first = try db.connect(asLogin: payFirst ? FollowUp.finn : FollowUp.per)
            let secondURL = db.url(asLogin: payFirst ? FollowUp.per : FollowUp.finn)
            try first.executeScript("BEGIN ISOLATION LEVEL \(level)")
            _ = try first.queryValue("SELECT count(*) FROM tilskot.payment", as: Int.self)
            let secondOutcome = Mutex<String?>(nil)
            let secondReady = Mutex(false)
            let go = Mutex(false)
            Thread {
                var outcome = "committed"
                do {
                    let second = try Connection(secondURL)
                    try second.executeScript("SET search_path = tilskot, public")
                    try second.executeScript("BEGIN ISOLATION LEVEL \(level)")
                    _ = try second.queryValue("SELECT count(*) FROM tilskot.payment", as: Int.self)
                    secondReady.withLock { $0 = true }
                    while !go.withLock({ $0 }) { usleep(500) }
                    do {
                        if payFirst { try Self.decide(on: second, app, ore: 50_000_000, notice: notice) } else { try second.execute(pay) }
                        try second.executeScript("COMMIT")
                    } catch let error as PGError {
                        outcome = error.sqlState
                        try? second.executeScript("ROLLBACK")
                    }
                } catch {
                    outcome = "\(error)"
                }
                secondOutcome.withLock { $0 = outcome }
            }.start()
            while !secondReady.withLock({ $0 }) { usleep(500) }
            if payFirst { try first.execute(pay) } else { try Self.decide(on: first, app, ore: 50_000_000, notice: notice) }
            go.withLock { $0 = true }
            usleep(300_000)
            // The second waits on the application's row lock the first holds.
            #expect(secondOutcome.withLock { $0 } == nil, "\(level), pay first: \(payFirst): the second did not wait")
            try first.executeScript("COMMIT")
            while secondOutcome.withLock({ $0 }) == nil { usleep(2_000) }
            let outcome = secondOutcome.withLock { $0 } ?? ""
            let statuses = try Self.instalments(db, app).map(\.status)
            let overpaid = try ClawBacks.overpaid(session: try db.session(as: FollowUp.aud))
            if payFirst {
                // Paid first: the lowering sees 700 000 kr paid (or, at REPEATABLE READ and above,
                // meets a row changed since its snapshot and is refused to be retried).
                if outcome == "committed" {
                    #expect(statuses == ["paid", "paid", "withheld"], "\(level)")
                    #expect(overpaid.map(\.toClawBack) == [Money(kroner: 200_000)], "\(level)")
                } else {
                    #expect(level != "READ COMMITTED" && outcome == "40001", "\(level): \(outcome)")
                    #expect(statuses == ["paid", "paid", "planned"], "\(level)")
                }
            } else {
                // Lowered first: the payment meets a withheld instalment (or a serialization failure).
                #expect(outcome == "23T23" || (level != "READ COMMITTED" && outcome == "40001"), "\(level): \(outcome)")
                #expect(statuses == ["paid", "withheld", "withheld", "planned"], "\(level)")
                #expect(overpaid.isEmpty, "\(level)")
            }
        }
    }
}
