import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

@Suite("claw-backs, their appeals and repayments; the money of grants and rounds")
struct FollowUpClawBackTests {
    @Test("a claw-back is a manager's, at most what was paid, with reasons and a due date")
    func demand() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        let planned = try FollowUp.plan(db, reference)
        // fia attests, finn pays (the payer is not the attester, SQL/schema/09_payments.sql).
        _ = try Payments.attest([planned[0].id], session: try db.session(as: FollowUp.fia))
        _ = try Payments.pay([planned[0].id], voucher: "B-1", date: try CalendarDate("2021-05-03"), session: try db.session(as: FollowUp.finn))
        let mona = try db.session(as: FollowUp.mona)
        let due = try CalendarDate("2022-06-01"), date = try CalendarDate("2022-04-20")
        expectRefused("is not a manager") {
            _ = try ClawBacks.demand(reference, amount: Money(kroner: 1), reasons: "x", due: due, withoutNotice: FollowUp.noNotice, session: try db.session(as: FollowUp.kari))
        }
        expectRefused("a demand for repayment from \(reference) must state its reasons") {
            _ = try ClawBacks.demand(reference, amount: Money(kroner: 1), reasons: " ", due: due, withoutNotice: FollowUp.noNotice, session: mona)
        }
        expectRefused("has been paid 500 000 kr") {
            _ = try ClawBacks.demand(reference, amount: Money(kroner: 500_001), reasons: "Ubrukt", due: due, date: date, withoutNotice: FollowUp.noNotice, session: mona)
        }
        expectRefused("due date on or after the decision date") {
            _ = try ClawBacks.demand(reference, amount: Money(kroner: 100), reasons: "Ubrukt", due: try CalendarDate("2022-04-01"), date: date, withoutNotice: FollowUp.noNotice, session: mona)
        }
        let first = try ClawBacks.demand(reference, amount: Money(kroner: 300_000), reasons: "Ubrukte midlar", due: due, date: date, withoutNotice: FollowUp.noNotice, session: mona)
        #expect(first.amount == Money(kroner: 300_000) && first.demandedBy == FollowUp.mona && first.outstanding == Money(kroner: 300_000))
        // While the first is open a second is another demand only when said so (--another); even then
        // the two cannot exceed what was paid.
        expectRefused("already has an open claw-back, claw-back \(first.id)") {
            _ = try ClawBacks.demand(reference, amount: Money(kroner: 100), reasons: "Meir", due: due, date: date, withoutNotice: FollowUp.noNotice, session: mona)
        }
        expectRefused("300 000 kr of it already demanded back") {
            _ = try ClawBacks.demand(reference, amount: Money(kroner: 200_001), reasons: "Meir", due: due, date: date, withoutNotice: FollowUp.noNotice,
                                     another: true, session: mona)
        }
        let rejected = try FollowUp.rejected(db)
        expectRefused("was rejected, so it has no grant") {
            _ = try ClawBacks.demand(rejected, amount: Money(kroner: 1), reasons: "x", due: due, date: date, withoutNotice: FollowUp.noNotice, session: mona)
        }
    }

    @Test("a claw-back follows an advance notice whose time to answer has passed, or names the exception (fvl. § 16)")
    func advanceNotice() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        _ = try FollowUp.paidInFull(db, reference)
        let other = try FollowUp.granted(db, org: FollowUp.stavanger, amount: "300 000")
        _ = try FollowUp.paidInFull(db, other)
        let mona = try db.session(as: FollowUp.mona)
        let due = try CalendarDate("2022-06-01"), date = try CalendarDate("2022-04-20")
        // Several demands on one grant: each a further one (--another), as this test is about the notice.
        func demand(_ amount: Int64, notice: Int64? = nil, without: String? = nil, on day: CalendarDate = date) throws -> ClawBackRecord {
            try ClawBacks.demand(reference, amount: Money(kroner: amount), reasons: "Ubrukte midlar", due: due, date: day,
                                 advanceNotice: notice, withoutNotice: without, another: true, session: mona)
        }
        expectRefused("must be told of a claw-back from \(reference) and given time to answer before it is decided (fvl. § 16)") {
            _ = try demand(100_000)
        }
        expectRefused("must be told of a claw-back") { _ = try demand(100_000, without: " ") }
        let otherNotice = try FollowUp.forewarn(db, other, amount: Money(kroner: 100_000))
        expectRefused("belongs to application \(other), not to \(reference)") { _ = try demand(100_000, notice: otherNotice) }
        let changeNotice = try FollowUp.forewarn(db, reference, amount: Money(kroner: 500_000), purpose: "change")
        expectRefused("warns of a change of the grant, not of a claw-back") { _ = try demand(100_000, notice: changeNotice) }
        // Sent 2022-04-10 with time to answer until 2022-04-25: a decision on 2022-04-20 comes too soon.
        let early = try FollowUp.forewarn(db, reference, amount: Money(kroner: 200_000), sent: "2022-04-10", answerBy: "2022-04-25")
        expectRefused("gives the party until 2022-04-25 to answer") { _ = try demand(100_000, notice: early) }
        let notice = try FollowUp.forewarn(db, reference, amount: Money(kroner: 200_000))
        expectRefused("names advance notice \(notice) and also an exception") {
            _ = try demand(100_000, notice: notice, without: FollowUp.noNotice)
        }
        expectRefused("the advance notice \(notice) warned of a claw-back of 200 000 kr, and 200 001 kr is more") {
            _ = try demand(200_001, notice: notice)
        }
        #expect(try FollowUp.count(db, "clawback") == 0)
        let warned = try demand(200_000, notice: notice)
        #expect(warned.advanceNoticeID == notice && warned.noticeException == nil)
        let excepted = try demand(50_000, without: "  " + FollowUp.noNotice + " ")
        #expect(excepted.advanceNoticeID == nil && excepted.noticeException == FollowUp.noNotice)
    }

    @Test("each claw-back gets a KID with a MOD10 check digit; a repayment is recorded by KID or by id")
    func kid() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        _ = try FollowUp.paidInFull(db, reference)
        let app = try FollowUp.id(db, reference)
        let mona = try db.session(as: FollowUp.mona)
        let fia = try db.session(as: FollowUp.fia)
        let c = try db.connect(asLogin: FollowUp.fia)
        // MOD10 (Luhn) check digits of known numbers: 7992739871 → 3, 1234567 → 4, 0 → 0.
        let digits = try #require(try c.queryRow(
            "SELECT tilskot.kid_mod10('7992739871') AS a, tilskot.kid_mod10('1234567') AS b, tilskot.kid_mod10('0') AS c, tilskot.kid_mod10('12a') AS d"))
        #expect(digits["a"] == "3" && digits["b"] == "4" && digits["c"] == "0" && digits["d"] == nil)
        let first = try ClawBacks.demand(reference, amount: Money(kroner: 100_000), reasons: "Ubrukt", due: try CalendarDate("2022-06-01"),
                                         date: try CalendarDate("2022-04-20"), withoutNotice: FollowUp.noNotice, session: mona)
        let second = try ClawBacks.demand(reference, amount: Money(kroner: 50_000), reasons: "Feil bruk", due: try CalendarDate("2022-06-01"),
                                          date: try CalendarDate("2022-04-20"), withoutNotice: FollowUp.noNotice, another: true, session: mona)
        let base = String(format: "%07lld%07lld", app, first.id)
        let kid = try #require(first.kid)
        #expect(kid.count == 15 && kid.hasPrefix(base))
        #expect(try c.queryValue("SELECT tilskot.kid_mod10($1)", [base], as: String.self) == String(kid.last!))
        #expect(second.kid != nil && second.kid != first.kid)
        // A mistyped digit fails the check digit; a well-formed KID of no claw-back is not found.
        var mistyped = Array(kid)
        mistyped[3] = mistyped[3] == "9" ? "8" : "9"
        expectRefused("is not a KID") { _ = try ClawBacks.repay(kid: String(mistyped), amount: Money(kroner: 1), session: fia) }
        let unknown = "1" + String(repeating: "0", count: 13)
        let unknownKID = unknown + (try #require(try c.queryValue("SELECT tilskot.kid_mod10($1)", [unknown], as: String.self)))
        expectRefused("no claw-back has the KID \(unknownKID)") { _ = try ClawBacks.repay(kid: unknownKID, amount: Money(kroner: 1), session: fia) }
        let byKID = try ClawBacks.repay(kid: kid, amount: Money(kroner: 60_000), date: try CalendarDate("2022-05-02"), voucher: "I-7", session: fia)
        #expect(byKID.id == first.id && byKID.outstanding == Money(kroner: 40_000))
        let byID = try ClawBacks.repay(first.id, amount: Money(kroner: 40_000), date: try CalendarDate("2022-05-03"), session: fia)
        #expect(byID.outstanding == .zero)
        #expect(try c.queryValue("SELECT kid FROM tilskot.repayment WHERE voucher = 'I-7'", as: String.self) == kid)
    }

    @Test("appeals: 3 weeks, late with a reason, one pending; resolved by upholding, reducing or cancelling")
    func appeals() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        _ = try FollowUp.paidInFull(db, reference)
        let mona = try db.session(as: FollowUp.mona)
        let kari = try db.session(as: FollowUp.kari)
        let fia = try db.session(as: FollowUp.fia)
        let claw = try ClawBacks.demand(reference, amount: Money(kroner: 400_000), reasons: "Ubrukt", due: try CalendarDate("2022-06-01"),
                                        date: try CalendarDate("2022-04-20"), withoutNotice: FollowUp.noNotice, session: mona)
        // Notified by e-mail, read the same day (Wednesday 2022-04-20): the deadline is Wednesday
        // 2022-05-11 (fvl. § 29).
        _ = try Notices.notifyClawback(claw.id, sent: try CalendarDate("2022-04-20"), channel: "email",
                                       received: try CalendarDate("2022-04-20"), session: mona)
        expectRefused("it was received 2022-05-12 and no sending date is given, after the deadline of 2022-05-11 (three weeks from 2022-04-20, when the notice of the claw-back") {
            _ = try ClawBacks.appeal(claw.id, received: try CalendarDate("2022-05-12"), grounds: "Brukt", session: kari)
        }
        expectRefused("it was sent 2022-05-12 and received 2022-05-13, after the deadline of 2022-05-11") {
            _ = try ClawBacks.appeal(claw.id, received: try CalendarDate("2022-05-13"), sent: try CalendarDate("2022-05-12"), grounds: "Brukt", session: kari)
        }
        expectRefused("dated as sent 2022-05-14, after it was received (2022-05-13)") {
            _ = try ClawBacks.appeal(claw.id, received: try CalendarDate("2022-05-13"), sent: try CalendarDate("2022-05-14"), grounds: "Brukt", session: kari)
        }
        _ = try ClawBacks.appeal(claw.id, received: try CalendarDate("2022-05-12"), grounds: "Brukt", lateReason: "Posten var sein", session: kari)
        expectRefused("already has an appeal pending") {
            _ = try ClawBacks.appeal(claw.id, received: try CalendarDate("2022-05-02"), grounds: "Igjen", session: kari)
        }
        _ = try ClawBacks.repay(claw.id, amount: Money(kroner: 150_000), date: try CalendarDate("2022-05-20"), voucher: "I-1", session: fia)
        expectRefused("cannot be cancelled") { _ = try ClawBacks.resolve(claw.id, .cancel, reasons: "Godteke", session: mona) }
        expectRefused("cannot be reduced to 100 000 kr") {
            _ = try ClawBacks.resolve(claw.id, .reduce(to: Money(kroner: 100_000)), reasons: "Delvis", session: mona)
        }
        expectRefused("is not a manager") {
            _ = try ClawBacks.resolve(claw.id, .reduce(to: Money(kroner: 200_000)), reasons: "Delvis", session: kari)
        }
        let reduced = try ClawBacks.resolve(claw.id, .reduce(to: Money(kroner: 200_000)), reasons: "Delvis dokumentert", session: mona)
        #expect(reduced.amount == Money(kroner: 200_000) && reduced.originalAmount == Money(kroner: 400_000))
        #expect(reduced.appeals.map(\.outcome) == ["reduced"] && !reduced.appealPending && reduced.outstanding == Money(kroner: 50_000))
        expectRefused("has no appeal pending") { _ = try ClawBacks.resolve(claw.id, .uphold, reasons: "x", session: mona) }
        // After the reduction 50 000 kr is owed: not a øre more can come in against it.
        expectRefused("50 000,01 kr is 0,01 kr more than is still owed") {
            _ = try ClawBacks.repay(claw.id, amount: Money(ore: 5_000_001), date: try CalendarDate("2022-05-25"), session: fia)
        }
    }

    @Test("repayments never exceed what is owed; a cancelled claw-back owes nothing")
    func repayments() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        _ = try FollowUp.paidInFull(db, reference)
        let mona = try db.session(as: FollowUp.mona)
        let fia = try db.session(as: FollowUp.fia)
        let claw = try ClawBacks.demand(reference, amount: Money(kroner: 100_000), reasons: "Ubrukt", due: try CalendarDate("2022-06-01"),
                                        date: try CalendarDate("2022-04-20"), withoutNotice: FollowUp.noNotice, session: mona)
        expectRefused("neither in finance nor a manager") {
            _ = try ClawBacks.repay(claw.id, amount: Money(kroner: 1), session: try db.session(as: FollowUp.kari))
        }
        _ = try ClawBacks.repay(claw.id, amount: Money(kroner: 60_000), date: try CalendarDate("2022-05-01"), session: fia)
        expectRefused("0,01 kr more than is still owed") {
            _ = try ClawBacks.repay(claw.id, amount: Money(ore: 4_000_001), date: try CalendarDate("2022-05-02"), session: fia)
        }
        let settled = try ClawBacks.repay(claw.id, amount: Money(kroner: 40_000), date: try CalendarDate("2022-05-02"), session: fia)
        #expect(settled.outstanding == .zero)
        // A second claw-back, appealed and cancelled: nothing to repay.
        let second = try ClawBacks.demand(reference, amount: Money(kroner: 50_000), reasons: "Feil bruk", due: try CalendarDate("2022-08-01"),
                                          date: try CalendarDate("2022-06-01"), withoutNotice: FollowUp.noNotice, session: mona)
        // No notice of this claw-back is recorded: the deadline is open, so a late-looking appeal
        // (received four months on) is in time; one sent before the deadline (fvl. § 30) is too.
        let appealed = try ClawBacks.appeal(second.id, received: try CalendarDate("2022-10-10"), sent: try CalendarDate("2022-10-07"),
                                            grounds: "Rett bruk", session: try db.session(as: FollowUp.kari))
        #expect(appealed.appeals.map(\.sentOn) == [try CalendarDate("2022-10-07")] && appealed.appeals.map(\.late) == [false])
        let cancelled = try ClawBacks.resolve(second.id, .cancel, reasons: "Dokumentert rett bruk", session: mona)
        #expect(cancelled.cancelled && cancelled.amount == .zero)
        expectRefused("was cancelled") { _ = try ClawBacks.repay(second.id, amount: Money(kroner: 1), session: fia) }
    }

    @Test("tilskot.grant_money and round_money: granted, planned, paid, clawed back, repaid, net = granted − clawed back")
    func grantMoney() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let a = try FollowUp.granted(db, amount: "1 000 000")
        let b = try FollowUp.granted(db, org: FollowUp.stavanger, amount: "300 000")
        _ = try FollowUp.rejected(db)
        _ = try FollowUp.paidInFull(db, a)
        let planned = try FollowUp.plan(db, b)
        _ = try Payments.withhold(planned[1].id, reason: "rapport manglar", session: try db.session(as: FollowUp.fia))
        let mona = try db.session(as: FollowUp.mona)
        let claw = try ClawBacks.demand(a, amount: Money(kroner: 250_000), reasons: "Ubrukt", due: try CalendarDate("2022-06-01"),
                                        date: try CalendarDate("2022-04-20"), withoutNotice: FollowUp.noNotice, session: mona)
        _ = try ClawBacks.repay(claw.id, amount: Money(kroner: 100_000), date: try CalendarDate("2022-05-01"), session: mona)
        // The view's contract, read as the reports engineer would: by name, as a grants role.
        let c = try db.connect(asLogin: FollowUp.aud)
        let rows = try c.query("""
            SELECT application_id, reference, round_id, granted_ore, planned_ore, paid_ore, clawed_back_ore, repaid_ore, net_ore
              FROM tilskot.grant_money ORDER BY reference
            """)
        #expect(rows.count == 2)  // the rejected application has no grant
        let first = rows[0]
        #expect(try first.string("reference") == a.description)
        #expect(try [first.int64("granted_ore"), first.int64("planned_ore"), first.int64("paid_ore"), first.int64("clawed_back_ore"),
                     first.int64("repaid_ore"), first.int64("net_ore")] == [100_000_000, 100_000_000, 100_000_000, 25_000_000, 10_000_000, 75_000_000])
        let second = rows[1]
        #expect(try [second.int64("granted_ore"), second.int64("planned_ore"), second.int64("paid_ore"), second.int64("net_ore")]
                == [30_000_000, 15_000_000, 0, 30_000_000])
        let round = try GrantMoney.rounds(FollowUp.round, session: mona)
        #expect(round.count == 1)
        #expect(try round[0].granted == Money(kroner: 1_300_000) && round[0].paid == Money(kroner: 1_000_000)
                && round[0].clawedBack == Money(kroner: 250_000) && round[0].repaid == Money(kroner: 100_000)
                && round[0].net == Money(kroner: 1_050_000) && round[0].grants == 2 && round[0].frame == (try Money.parse("135,3 mill")))
        #expect(try GrantMoney.grants(in: FollowUp.round, session: mona).map(\.key) == [a.description, b.description])
    }

    @Test("money in refusals is whole kroner and øre, not rounded (fix of format_kr in 0017)")
    func formatKroner() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let c = try db.connect(asLogin: FollowUp.kari)
        let values = try #require(try c.queryRow("""
            SELECT tilskot.format_kr(350000050) AS a, tilskot.format_kr(50) AS b, tilskot.format_kr(-199) AS c, tilskot.format_kr(13530000000) AS d
            """))
        #expect(try [values.string("a"), values.string("b"), values.string("c"), values.string("d")]
                == ["3 500 000,50 kr", "0,50 kr", "-1,99 kr", "135 300 000 kr"])
    }
}
