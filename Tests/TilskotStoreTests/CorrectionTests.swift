import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Issue 17 item 3, first two bullets: corrections that leave an honest record.
///   - A frame adjustment is a budget change (dated by its budget decision) or a correction naming
///     the budget change it corrects, in the same round, never past 0 kr
///     (SQL/schema/03_schemes_and_rounds.sql, frame_adjustment_before_insert).
///   - A claw-back registered in error is cancelled by a manager with a reason, refused once anything
///     was repaid or an appeal was registered; a second open claw-back on one grant needs `another`
///     (SQL/schema/11_clawbacks.sql).
/// Each rule is met through the service and as a psql login (the role that would break it), and
/// the rules that read other rows in two sessions at every isolation level.
@Suite("corrections: frame adjustment kinds and dates, claw-back cancellation, a second open claw-back")
struct CorrectionTests {
    static let date = try! CalendarDate("2022-04-20")
    static let due = try! CalendarDate("2022-06-01")

    /// A cut or a correction downwards: `Money.parse` reads amounts of 0 kr or more.
    func minus(_ text: String) throws -> Money { Money(ore: -(try Money.parse(text)).ore) }

    // MARK: frame adjustments

    @Test("a budget change carries its budget decision's date; a correction names the budget change it corrects and takes its date")
    func kindsAndDates() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let mona = try db.session(as: FollowUp.mona)
        let round = FollowUp.round
        let before = try Rounds.show(round, session: mona)
        let raised = try Rounds.adjust(round, amount: try Money.parse("25 mill"), reason: "integreringspakke II",
                                       decided: try CalendarDate("2021-06-18"), session: mona)
        let pakke = try #require(raised.adjustments.last)
        let june18 = try CalendarDate("2021-06-18"), mill25 = try Money.parse("25 mill"), mill3 = try Money.parse("3 mill")
        #expect(pakke.kind == .budget && pakke.decided == june18 && pakke.corrects == nil)
        #expect(pakke.net == mill25)
        // Without a date, the budget decision is taken to be today's (the server's clock).
        let typo = try #require(try Rounds.adjust(round, amount: try Money.parse("10 000 mill"), reason: "test av beløpsformat",
                                                  session: mona).adjustments.last)
        let today = try #require(try db.connect().queryValue("SELECT tilskot.today()::text", as: String.self))
        #expect(typo.decided?.description == today)
        expectRefused("is dated 2099-01-01, in the future") {
            _ = try Rounds.adjust(round, amount: Money(kroner: 1), reason: "x", decided: try CalendarDate("2099-01-01"), session: mona)
        }
        // The typo corrected to 0 kr: the frame is back, and the correction takes the typo's date.
        let corrected = try Rounds.adjust(round, amount: try minus("10 000 mill"), reason: "Retta feilregistrert justering",
                                          kind: .correction, corrects: typo.id, session: mona)
        let correction = try #require(corrected.adjustments.last)
        #expect(correction.kind == .correction && correction.corrects == typo.id && correction.decided == typo.decided)
        #expect(correction.net == nil)
        #expect(corrected.adjustments.first(where: { $0.id == typo.id })?.net == .zero)
        #expect(corrected.frame == before.frame + mill25)
        // A correction to the right amount (typed 2 mill, decided 3 mill) may go away from 0 too.
        let low = try #require(try Rounds.adjust(round, amount: try Money.parse("2 mill"), reason: "tilleggsløyving",
                                                 decided: try CalendarDate("2021-09-01"), session: mona).adjustments.last)
        let fixed = try Rounds.adjust(round, amount: try Money.parse("1 mill"), reason: "Retta beløp: vedteke 3 mill.",
                                      kind: .correction, corrects: low.id, session: mona)
        #expect(fixed.adjustments.first(where: { $0.id == low.id })?.net == mill3)
    }

    @Test("a correction is refused past 0 kr, of a correction, across rounds, with another date, and without naming what it corrects")
    func correctionRules() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let mona = try db.session(as: FollowUp.mona)
        let round = FollowUp.round
        _ = try Rounds.open(try RoundKey("JS/2022"), frame: try Money.parse("10 mill"), opens: try CalendarDate("2022-01-03"),
                            closes: try CalendarDate("2022-03-01"), session: mona)
        let typo = try #require(try Rounds.adjust(round, amount: try Money.parse("10 000 mill"), reason: "test av beløpsformat",
                                                  decided: try CalendarDate("2021-06-18"), session: mona).adjustments.last)
        let frame = try Rounds.show(round, session: mona).frame
        // The issue's counter-adjustment: 10 057 mill. kr against a typo of 10 000 mill. kr.
        expectRefused("would turn it into -57 000 000 kr — a cut of the frame it never was; correct it at most to 0 kr") {
            _ = try Rounds.adjust(round, amount: try minus("10 057 mill"), reason: "Retta feilregistrerte justeringar",
                                  kind: .correction, corrects: typo.id, session: mona)
        }
        expectRefused("belongs to Jobbsjansen 2021, not to Jobbsjansen 2022; correct it in its own round") {
            _ = try Rounds.adjust(try RoundKey("JS/2022"), amount: try minus("1 mill"), reason: "feil", kind: .correction,
                                  corrects: typo.id, session: mona)
        }
        expectRefused("a correction takes the date of the budget decision it corrects (adjustment \(typo.id), 2021-06-18)") {
            _ = try Rounds.adjust(round, amount: try minus("1 mill"), reason: "feil", kind: .correction,
                                  decided: try CalendarDate("2021-07-01"), corrects: typo.id, session: mona)
        }
        expectRefused("must name the adjustment it corrects") {
            _ = try Rounds.adjust(round, amount: try minus("1 mill"), reason: "feil", kind: .correction, session: mona)
        }
        expectRefused("a budget change of Jobbsjansen 2021 corrects no other adjustment") {
            _ = try Rounds.adjust(round, amount: try minus("1 mill"), reason: "feil", corrects: typo.id, session: mona)
        }
        expectRefused("there is no frame adjustment with id 999999 to correct") {
            _ = try Rounds.adjust(round, amount: try minus("1 mill"), reason: "feil", kind: .correction, corrects: 999_999, session: mona)
        }
        // In two steps, the second may not pass 0 kr either.
        let half = try #require(try Rounds.adjust(round, amount: try minus("6 000 mill"), reason: "Retta del 1", kind: .correction,
                                                  corrects: typo.id, session: mona).adjustments.last)
        expectRefused("stands at 4 000 000 000 kr after its corrections") {
            _ = try Rounds.adjust(round, amount: try minus("4 001 mill"), reason: "Retta del 2", kind: .correction,
                                  corrects: typo.id, session: mona)
        }
        expectRefused("adjustment \(half.id) is itself a correction (of adjustment \(typo.id)); correct budget change \(typo.id) instead") {
            _ = try Rounds.adjust(round, amount: try Money.parse("1 mill"), reason: "Retta rettinga", kind: .correction,
                                  corrects: half.id, session: mona)
        }
        let cut = try Money.parse("6 000 mill")
        #expect(try Rounds.show(round, session: mona).frame == frame - cut)
    }

    @Test("psql as a manager: the rules hold for a plain INSERT; the actor and time are the database's; a caseworker may not")
    func frameAttacks() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let mona = try db.connect(asLogin: FollowUp.mona)
        let roundID = try #require(try mona.queryValue("SELECT id FROM tilskot.round LIMIT 1", as: Int64.self))
        let typo = try #require(try mona.queryValue("""
            INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, decided)
            VALUES ($1, 1000000000000, 'test av beløpsformat', '2021-06-18') RETURNING id
            """, [roundID], as: Int64.self))
        func refused(_ sql: String, _ state: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try mona.execute(sql, [roundID, typo])
                Issue.record("succeeded: \(sql)", sourceLocation: sourceLocation)
            } catch {
                #expect(error.sqlState == state && error.message.contains(fragment), "\(error.sqlState): \(error.message)",
                        sourceLocation: sourceLocation)
            }
        }
        refused("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, kind) VALUES ($1, -100, 'x', 'correction') RETURNING $2::bigint",
                "23T13", "must name the adjustment it corrects")
        refused("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, kind, corrects_id) VALUES ($1, -1000000000100, 'x', 'correction', $2)",
                "23T13", "correct it at most to 0 kr")
        refused("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, kind, corrects_id) VALUES ($1, -100, 'x', 'typo', $2)",
                "23T13", "\"typo\" is not a kind of adjustment")
        refused("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, corrects_id) VALUES ($1, -100, 'x', $2)",
                "23T13", "corrects no other adjustment")
        // Who and when are the database's: the columns are not granted.
        refused("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, actor) VALUES ($1, 100, 'x', 'fu_kari') RETURNING $2::bigint",
                "42501", "permission denied")
        refused("UPDATE tilskot.frame_adjustment SET kind = 'correction', corrects_id = $2 WHERE round_id = $1",
                "42501", "permission denied")
        let kari = try db.connect(asLogin: FollowUp.kari)
        do {
            _ = try kari.execute("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, kind, corrects_id) VALUES ($1, -100, 'x', 'correction', $2)",
                                 [roundID, typo])
            Issue.record("a caseworker corrected a frame adjustment")
        } catch {
            #expect(error.sqlState == "42501" || error.sqlState == "42T01", "\(error.sqlState): \(error.message)")
        }
        _ = try mona.execute("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, kind, corrects_id) VALUES ($1, -1000000000000, 'Retta', 'correction', $2)",
                             [roundID, typo])
        let row = try #require(try mona.queryRow("SELECT actor, decided::text AS decided FROM tilskot.frame_adjustment WHERE corrects_id = $1", [typo]))
        #expect(row["actor"] == FollowUp.mona && row["decided"] == "2021-06-18")
    }

    @Test("two corrections of one budget change at once: the second reads the first, at every isolation level")
    func correctionRace() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let setup = try db.connect(asLogin: FollowUp.mona)
        let roundID = try #require(try setup.queryValue("SELECT id FROM tilskot.round LIMIT 1", as: Int64.self))
        for level in ["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"] {
            let typo = try #require(try setup.queryValue("""
                INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason) VALUES ($1, 100000000, 'typo') RETURNING id
                """, [roundID], as: Int64.self))
            let a = try db.connect(asLogin: FollowUp.mona), b = try db.connect(asLogin: FollowUp.adm)
            try a.executeScript("BEGIN ISOLATION LEVEL \(level)")
            _ = try a.query("SELECT id FROM tilskot.frame_adjustment WHERE corrects_id = $1", [typo])  // A's snapshot
            // B corrects the typo to 0 kr and commits; A then corrects it by 60 % on its old snapshot.
            _ = try b.execute("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, kind, corrects_id) VALUES ($1, -100000000, 'Retta', 'correction', $2)",
                              [roundID, typo])
            do {
                _ = try a.execute("INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, kind, corrects_id) VALUES ($1, -60000000, 'Retta', 'correction', $2)",
                                  [roundID, typo])
                try a.executeScript("COMMIT")
                Issue.record("\(level): a second correction passed 0 kr")
            } catch {
                #expect(error.sqlState == "23T13" || error.sqlState == "40001", "\(level): \(error.sqlState): \(error.message)")
                try? a.executeScript("ROLLBACK")
            }
            let net = try setup.queryValue("SELECT sum(amount_ore)::bigint FROM tilskot.frame_adjustment WHERE id = $1 OR corrects_id = $1",
                                           [typo], as: Int64.self)
            #expect(net == 0, "\(level)")
        }
    }

    // MARK: claw-backs

    @Test("a claw-back registered in error is cancelled by a manager with a reason, audited; the money adds up")
    func cancel() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        _ = try FollowUp.paidInFull(db, reference)
        let mona = try db.session(as: FollowUp.mona)
        let first = try ClawBacks.demand(reference, amount: Money(kroner: 300_000), reasons: "Ubrukte midlar", due: Self.due,
                                         date: Self.date, withoutNotice: FollowUp.noNotice, session: mona)
        // Typed twice: refused with a sentence naming the open one.
        expectRefused("\(reference) already has an open claw-back, claw-back \(first.id) (the claw-back of 300 000 kr from \(reference) decided 2022-04-20); if this is a further demand, register it as another (--another)") {
            _ = try ClawBacks.demand(reference, amount: Money(kroner: 300_000), reasons: "Ubrukte midlar", due: Self.due,
                                     date: Self.date, withoutNotice: FollowUp.noNotice, session: mona)
        }
        let second = try ClawBacks.demand(reference, amount: Money(kroner: 300_000), reasons: "Ubrukte midlar", due: Self.due,
                                          date: Self.date, withoutNotice: FollowUp.noNotice, another: true, session: mona)
        #expect(second.another && !first.another)
        expectRefused("is not a manager; only members of tilskot_manager can cancel a claw-back") {
            _ = try ClawBacks.cancel(second.id, reason: "Registrert to gonger", session: try db.session(as: FollowUp.kari))
        }
        expectRefused("needs the reason in words") { _ = try ClawBacks.cancel(second.id, reason: "  ", session: mona) }
        let before = try #require(try GrantMoney.rounds(FollowUp.round, session: mona).first)
        let cancelled = try ClawBacks.cancel(second.id, reason: "Registrert to gonger ved ein feil", session: mona)
        #expect(cancelled.cancelled && cancelled.amount == .zero && cancelled.originalAmount == Money(kroner: 300_000))
        #expect(cancelled.cancellation?.reason == "Registrert to gonger ved ein feil" && cancelled.cancellation?.cancelledBy == FollowUp.mona)
        #expect(cancelled.appeals.isEmpty)
        expectRefused("is already cancelled") { _ = try ClawBacks.cancel(second.id, reason: "Igjen", session: mona) }
        expectRefused("was cancelled; nothing is owed") {
            _ = try ClawBacks.repay(second.id, amount: Money(kroner: 1), session: try db.session(as: FollowUp.fia))
        }
        // The follow-up money: the cancelled one demands nothing.
        let after = try #require(try GrantMoney.rounds(FollowUp.round, session: mona).first)
        #expect(before.clawedBack == Money(kroner: 600_000) && after.clawedBack == Money(kroner: 300_000))
        #expect(after.net == before.net + Money(kroner: 300_000))
        // Audited with who and why.
        let audit = try #require(try db.connect().queryRow("""
            SELECT actor, reason FROM tilskot.audit_log WHERE table_name = 'clawback_cancellation' AND action = 'INSERT'
            """))
        #expect(audit["actor"] == FollowUp.mona && audit["reason"] == "Registrert to gonger ved ein feil")
        // The first is still open, so a third needs the flag too; after the first is repaid in full it does not.
        _ = try ClawBacks.repay(first.id, amount: Money(kroner: 300_000), date: try CalendarDate("2022-05-02"), session: try db.session(as: FollowUp.fia))
        let third = try ClawBacks.demand(reference, amount: Money(kroner: 100_000), reasons: "Meir ubrukt", due: Self.due,
                                         date: Self.date, withoutNotice: FollowUp.noNotice, session: mona)
        #expect(!third.another)
    }

    @Test("cancellation is refused once anything was repaid, and while or after an appeal answers for the claw-back")
    func cancelRefused() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        _ = try FollowUp.paidInFull(db, reference)
        let mona = try db.session(as: FollowUp.mona)
        let repaid = try ClawBacks.demand(reference, amount: Money(kroner: 300_000), reasons: "Ubrukte midlar", due: Self.due,
                                          date: Self.date, withoutNotice: FollowUp.noNotice, session: mona)
        _ = try ClawBacks.repay(repaid.id, amount: Money(kroner: 1_000), date: try CalendarDate("2022-05-02"), session: try db.session(as: FollowUp.fia))
        expectRefused("1 000 kr has already been repaid against the claw-back of 300 000 kr from \(reference) decided 2022-04-20, so it cannot be cancelled as registered in error; resolve it by appeal") {
            _ = try ClawBacks.cancel(repaid.id, reason: "Feil", session: mona)
        }
        let appealed = try ClawBacks.demand(reference, amount: Money(kroner: 100_000), reasons: "Feil bruk", due: Self.due,
                                            date: Self.date, withoutNotice: FollowUp.noNotice, another: true, session: mona)
        _ = try ClawBacks.appeal(appealed.id, received: try CalendarDate("2022-05-01"), grounds: "Midlane er brukte",
                                 session: try db.session(as: FollowUp.kari))
        expectRefused("has an appeal, received 2022-05-01 (pending); the appeal's decision answers for it: resolve the appeal") {
            _ = try ClawBacks.cancel(appealed.id, reason: "Feil", session: mona)
        }
        _ = try ClawBacks.resolve(appealed.id, .uphold, reasons: "Kravet står", session: mona)
        expectRefused("(upheld); the appeal's decision answers for it: it was decided on appeal and stands") {
            _ = try ClawBacks.cancel(appealed.id, reason: "Feil", session: mona)
        }
        #expect(try FollowUp.count(db, "clawback_cancellation") == 0)
    }

    @Test("psql: a caseworker cannot cancel, a manager cannot name who cancelled or flip the claw-back's columns")
    func cancelAttacks() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db, amount: "1 000 000")
        _ = try FollowUp.paidInFull(db, reference)
        let c = try ClawBacks.demand(reference, amount: Money(kroner: 300_000), reasons: "Ubrukte midlar", due: Self.due,
                                     date: Self.date, withoutNotice: FollowUp.noNotice, session: try db.session(as: FollowUp.mona))
        let app = try FollowUp.id(db, reference)
        let mona = try db.connect(asLogin: FollowUp.mona), kari = try db.connect(asLogin: FollowUp.kari)
        func refused(_ login: Connection, _ sql: String, _ states: Set<String>, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try login.execute(sql, [c.id, app])
                Issue.record("succeeded: \(sql)", sourceLocation: sourceLocation)
            } catch {
                #expect(states.contains(error.sqlState) && error.message.contains(fragment), "\(error.sqlState): \(error.message)",
                        sourceLocation: sourceLocation)
            }
        }
        refused(kari, "INSERT INTO tilskot.clawback_cancellation (clawback_id, reason) SELECT $1, 'x' WHERE $2::bigint > 0",
                ["42T01"], "fu_kari is not a manager; only members of tilskot_manager can cancel a claw-back")
        refused(mona, "INSERT INTO tilskot.clawback_cancellation (clawback_id, reason, cancelled_by) SELECT $1, 'x', 'fu_per' WHERE $2::bigint > 0",
                ["42501"], "permission denied")
        refused(mona, "UPDATE tilskot.clawback SET cancelled = true, amount_ore = 0 WHERE id = $1 AND application_id = $2",
                ["42501"], "permission denied")
        // A second demand typed twice, in plain SQL.
        refused(mona, """
            INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, decision_date, due_date, notice_exception)
            SELECT $2, 30000000, 'Ubrukte midlar', '2022-04-20', '2022-06-01', '\(FollowUp.noNotice)' WHERE $1::bigint > 0
            """, ["23T27"], "already has an open claw-back, claw-back \(c.id)")
        // The manager's own cancellation: the database says who and when.
        _ = try mona.execute("INSERT INTO tilskot.clawback_cancellation (clawback_id, reason) VALUES ($1, 'Feil sak')", [c.id])
        let row = try #require(try mona.queryRow("""
            SELECT x.cancelled_by, x.application_id, cb.cancelled, cb.amount_ore FROM tilskot.clawback_cancellation x
              JOIN tilskot.clawback cb ON cb.id = x.clawback_id WHERE x.clawback_id = $1
            """, [c.id]))
        #expect(row["cancelled_by"] == FollowUp.mona && row["application_id"] == String(app) && row["cancelled"] == "t" && row["amount_ore"] == "0")
        refused(mona, "DELETE FROM tilskot.clawback_cancellation WHERE clawback_id = $1 AND $2::bigint > 0", ["42501"], "permission denied")
    }

    @Test("cancellation against a repayment, and a second demand against the first, in two sessions at every isolation level")
    func races() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let orgs = [FollowUp.oslo, FollowUp.stavanger, FollowUp.bergen]
        for (i, level) in ["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"].enumerated() {
            let reference = try FollowUp.granted(db, org: orgs[i], amount: "1 000 000")
            _ = try FollowUp.paidInFull(db, reference)
            let first = try ClawBacks.demand(reference, amount: Money(kroner: 300_000), reasons: "Ubrukte midlar", due: Self.due,
                                             date: Self.date, withoutNotice: FollowUp.noNotice, session: try db.session(as: FollowUp.mona))
            // A (manager) cancels on a snapshot taken before B (finance) records a repayment.
            let a = try db.connect(asLogin: FollowUp.mona), b = try db.connect(asLogin: FollowUp.fia)
            try a.executeScript("BEGIN ISOLATION LEVEL \(level)")
            _ = try a.query("SELECT sum(amount_ore) FROM tilskot.repayment WHERE clawback_id = $1", [first.id])
            _ = try b.execute("INSERT INTO tilskot.repayment (clawback_id, amount_ore, received_on) VALUES ($1, 100000, '2022-05-02')", [first.id])
            do {
                _ = try a.execute("INSERT INTO tilskot.clawback_cancellation (clawback_id, reason) VALUES ($1, 'Feil')", [first.id])
                try a.executeScript("COMMIT")
                Issue.record("\(level): a claw-back with a repayment was cancelled")
            } catch {
                #expect(error.sqlState == "23T27" || error.sqlState == "40001", "\(level): \(error.sqlState): \(error.message)")
                try? a.executeScript("ROLLBACK")
            }
            // A (manager) demands on a snapshot taken before B (another manager) demanded the same, on a
            // grant with no claw-back yet.
            let fresh = try FollowUp.granted(db, org: orgs[i], amount: "500 000")
            _ = try FollowUp.paidInFull(db, fresh)
            let app = try FollowUp.id(db, fresh)
            let a2 = try db.connect(asLogin: FollowUp.mona), b2 = try db.connect(asLogin: FollowUp.per)
            try a2.executeScript("BEGIN ISOLATION LEVEL \(level)")
            _ = try a2.query("SELECT id FROM tilskot.clawback WHERE application_id = $1", [app])
            let insert = """
                INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, decision_date, due_date, notice_exception, another)
                VALUES ($1, 10000000, 'Meir ubrukt', '2022-04-20', '2022-06-01', $2, $3)
                """
            _ = try b2.execute(insert, [app, FollowUp.noNotice, false])
            do {
                _ = try a2.execute(insert, [app, FollowUp.noNotice, false])
                try a2.executeScript("COMMIT")
                Issue.record("\(level): a claw-back typed twice was accepted")
            } catch {
                #expect(error.sqlState == "23T27" || error.sqlState == "40001", "\(level): \(error.sqlState): \(error.message)")
                try? a2.executeScript("ROLLBACK")
            }
            #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.clawback_cancellation WHERE clawback_id = $1", [first.id], as: Int.self) == 0)
            #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.clawback WHERE application_id = $1", [app], as: Int.self) == 1)
        }
    }
}
