import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotLocalCluster
import TilskotStore
import TilskotTestSupport

@Suite("lifecycle services")
struct LifecycleServiceTests {
    @Test("a round's frame is the initial amount plus adjustments: 110,3 + 25 = 135,3 mill. kr")
    func frameWithAdjustment() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let round = try Rounds.show(Lifecycle.round, session: try db.session(as: Lifecycle.aud))
        #expect(round.initialFrame == Money(kroner: 110_300_000))
        #expect(round.frame == Money(kroner: 135_300_000))
        #expect(round.frame.formattedMillions == "135,3 mill. kr")
        #expect(round.adjustments.map(\.reason) == ["integreringspakke II"])
        #expect(round.adjustments.map(\.actor) == [Lifecycle.mona])
        #expect(round.granted == .zero)
        expectRefused("is already open") {
            _ = try Rounds.open(Lifecycle.round, frame: Money(kroner: 1), opens: try CalendarDate("2021-01-01"),
                                closes: try CalendarDate("2021-02-01"), session: try db.session(as: Lifecycle.mona))
        }
        expectRefused("is not a manager") {
            _ = try Rounds.adjust(Lifecycle.round, amount: Money(kroner: 1), reason: "x", session: try db.session(as: Lifecycle.kari))
        }
        expectRefused("round JS/2030 does not exist") {
            _ = try Rounds.show(try RoundKey("JS/2030"), session: try db.session(as: Lifecycle.kari))
        }
    }

    @Test("registration numbers references per scheme and year, and an external ref registers once")
    func registration() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let first = try Lifecycle.register(db, externalRef: "PORTAL-1")
        let second = try Lifecycle.register(db, org: Lifecycle.stavanger, externalRef: "PORTAL-2")
        #expect(first.description == "JS-2021-0001")
        #expect(second.description == "JS-2021-0002")
        let before = try Lifecycle.count(db, "application")
        let again = try Applications.register(
            .init(round: Lifecycle.round, organisation: Lifecycle.oslo, title: "again", amount: Money(kroner: 1),
                  received: try CalendarDate("2021-02-02"), externalRef: "PORTAL-1"), session: try db.session(as: Lifecycle.kari))
        #expect(again.alreadyRegistered)
        #expect(again.reference == "JS-2021-0001")
        #expect(try Lifecycle.count(db, "application") == before)
        expectRefused("external reference PORTAL-1 is already registered as JS-2021-0001") {
            _ = try Applications.register(
                .init(round: Lifecycle.round, organisation: Lifecycle.stavanger, title: "x", amount: Money(kroner: 1),
                      received: try CalendarDate("2021-02-02"), externalRef: "PORTAL-1"), session: try db.session(as: Lifecycle.kari))
        }
    }

    @Test("registration refuses the wrong applicant kind, dates outside the window, unknown keys")
    func registrationRefusals() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let kari = try db.session(as: Lifecycle.kari)
        func new(_ org: OrganisationNumber = Lifecycle.oslo, received: String = "2021-02-01", late: Bool = false,
                 reason: String? = nil, round: RoundKey = Lifecycle.round) throws -> Applications.NewApplication {
            .init(round: round, organisation: org, title: "t", amount: Money(kroner: 100), received: try CalendarDate(received),
                  late: late, lateReason: reason)
        }
        expectRefused("Jobbsjansen 2021 accepts applications from municipality only") {
            _ = try Applications.register(try new(Lifecycle.voluntary), session: kari)
        }
        expectRefused("2021-03-05 is outside that window") {
            _ = try Applications.register(try new(received: "2021-03-05"), session: kari)
        }
        expectRefused("needs a reason") {
            _ = try Applications.register(try new(received: "2021-03-05", late: true), session: kari)
        }
        expectRefused("lc_kari is not a manager") {
            _ = try Applications.register(try new(received: "2021-03-05", late: true, reason: "posten"), session: kari)
        }
        let late = try Applications.register(try new(received: "2021-03-05", late: true, reason: "posten kom seint"),
                                             session: try db.session(as: Lifecycle.mona))
        #expect(late.application.late)
        expectRefused("is in the future") {
            _ = try Applications.register(try new(received: db.today().adding(days: 2).description), session: kari)
        }
        expectRefused("organisation 123456785 is not registered") {
            _ = try Applications.register(try new(try OrganisationNumber("123456785")), session: kari)
        }
        expectRefused("round JS/2019 does not exist") {
            _ = try Applications.register(try new(round: try RoundKey("JS/2019")), session: kari)
        }
        #expect(try Lifecycle.count(db, "application") == 1)
    }

    @Test("assessment moves to assessed; a new one supersedes the old, which is kept")
    func assessment() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let reference = try Lifecycle.register(db)
        let kari = try db.session(as: Lifecycle.kari)
        _ = try Assessments.assess(reference, score: 4, recommendation: .grant, session: kari)
        _ = try Assessments.assess(reference, score: 3, recommendation: .partial, amount: Money(kroner: 4_000_000),
                                   notes: "mindre", session: try db.session(as: Lifecycle.ola))
        let detail = try Applications.show(reference, session: kari)
        #expect(detail.summary.status == .assessed)
        #expect(detail.assessments.count == 2)
        #expect(detail.assessments.filter(\.isCurrent).map(\.assessor) == [Lifecycle.ola])
        #expect(detail.currentAssessment?.recommendedAmount == Money(kroner: 4_000_000))
        expectRefused("score 7 is out of range") {
            _ = try Assessments.assess(reference, score: 7, recommendation: .grant, session: kari)
        }
        expectRefused("needs an amount") {
            _ = try Assessments.assess(reference, score: 3, recommendation: .partial, session: kari)
        }
    }

    @Test("decisions: full and partial grants count against the frame; reasons and amounts are checked")
    func decisions() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let mona = try db.session(as: Lifecycle.mona)
        let full = try Lifecycle.assessed(db)
        let partial = try Lifecycle.assessed(db, org: Lifecycle.stavanger, amount: "3 000 000")
        expectRefused("cannot exceed the amount applied for") {
            _ = try Decisions.decide(full, .grant(Money(kroner: 6_000_000)), session: mona)
        }
        expectRefused("must state its reasons") {
            _ = try Decisions.decide(partial, .grant(Money(kroner: 2_000_000)), session: mona)
        }
        expectRefused("a rejection of \(partial) must state its reasons") {
            _ = try Decisions.decide(partial, .reject, session: mona)
        }
        expectRefused("is a rejection") {
            _ = try Decisions.decide(partial, .grant(.zero), reasons: "x", session: mona)
        }
        let granted = try Decisions.decide(full, .grant(Money(kroner: 5_000_000)), conditions: "Rapport innan 1. mars 2022",
                                           date: try CalendarDate("2021-04-01"), session: mona)
        #expect(granted.outcome == .granted)
        #expect(granted.decidedBy == Lifecycle.mona)
        let part = try Decisions.decide(partial, .grant(Money(kroner: 2_000_000)), reasons: "Ramma er avgrensa", session: mona)
        #expect(part.outcome == .partiallyGranted)
        let round = try Rounds.show(Lifecycle.round, session: mona)
        #expect(round.granted == Money(kroner: 7_000_000))
        #expect(round.count(.granted) == 1 && round.count(.partiallyGranted) == 1)
        expectRefused("is already decided") {
            _ = try Decisions.decide(full, .grant(Money(kroner: 5_000_000)), session: try db.session(as: Lifecycle.per))
        }
    }

    @Test("who decides: a manager, not the assessor, not a disqualified person, never a caseworker")
    func fourEyesAndRoles() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let reference = try Lifecycle.register(db)
        _ = try Assessments.assess(reference, score: 5, recommendation: .grant, session: try db.session(as: Lifecycle.per))
        expectRefused("lc_per assessed \(reference) and cannot also decide it") {
            _ = try Decisions.decide(reference, .grant(Money(kroner: 5_000_000)), session: try db.session(as: Lifecycle.per))
        }
        expectRefused("lc_kari is not a manager") {
            _ = try Decisions.decide(reference, .grant(Money(kroner: 5_000_000)), session: try db.session(as: Lifecycle.kari))
        }
        expectRefused("lc_fia is not a manager") {
            _ = try Decisions.decide(reference, .grant(Money(kroner: 5_000_000)), session: try db.session(as: Lifecycle.fia))
        }
        expectRefused("only a manager can declare someone else disqualified") {
            _ = try Assessments.disqualify(reference, person: Lifecycle.mona, reason: "x", session: try db.session(as: Lifecycle.kari))
        }
        _ = try Assessments.disqualify(reference, reason: "Eg sit i styret for tiltaket", session: try db.session(as: Lifecycle.mona))
        expectRefused("lc_mona is disqualified on \(reference)") {
            _ = try Decisions.decide(reference, .grant(Money(kroner: 5_000_000)), session: try db.session(as: Lifecycle.mona))
        }
        expectRefused("lc_mona is disqualified on \(reference)") {
            _ = try Assessments.assess(reference, score: 3, recommendation: .grant, session: try db.session(as: Lifecycle.mona))
        }
        // An admin can do all a manager can.
        let decided = try Decisions.decide(reference, .grant(Money(kroner: 5_000_000)), session: try db.session(as: Lifecycle.adm))
        #expect(decided.decidedBy == Lifecycle.adm)
        // And the decider cannot then assess it (the other side of four-eyes).
        expectRefused("decided \(reference) and cannot also assess it") {
            _ = try Assessments.assess(reference, score: 3, recommendation: .grant, session: try db.session(as: Lifecycle.adm))
        }
    }

    @Test("the frame: a grant that would pass it is refused with the figures; so is lowering it below the grants")
    func frame() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let mona = try db.session(as: Lifecycle.mona)
        let big = try Lifecycle.assessed(db, amount: "135 000 000")
        _ = try Decisions.decide(big, .grant(Money(kroner: 135_000_000)), session: mona)
        let next = try Lifecycle.assessed(db, org: Lifecycle.stavanger, amount: "1 300 000")
        expectRefused("decision refused: \(next) would bring Jobbsjansen 2021 to 136 300 000 kr, 1 000 000 kr over its frame of 135 300 000 kr") {
            _ = try Decisions.decide(next, .grant(Money(kroner: 1_300_000)), session: mona)
        }
        expectRefused("cannot be lowered by 1 000 000 kr") {
            _ = try Rounds.adjust(Lifecycle.round, amount: Money(kroner: -1_000_000), reason: "kutt", session: mona)
        }
        _ = try Rounds.adjust(Lifecycle.round, amount: Money(kroner: 1_000_000), reason: "tilleggsløyving", session: mona)
        _ = try Decisions.decide(next, .grant(Money(kroner: 1_300_000)), session: mona)
        let round = try Rounds.show(Lifecycle.round, session: mona)
        #expect(round.granted == round.frame)
        #expect(round.remaining == .zero)
    }

    @Test("appeals: only on a decision, within 3 weeks of the notice or flagged late; the new decision supersedes the old")
    func appeals() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let mona = try db.session(as: Lifecycle.mona)
        let reference = try Lifecycle.assessed(db)
        expectRefused("has not been decided; only a decision can be appealed") {
            _ = try Appeals.register(reference, received: try CalendarDate("2021-04-10"), grounds: "x", session: mona)
        }
        _ = try Decisions.decide(reference, .grant(Money(kroner: 3_000_000)), reasons: "Ramma", date: try CalendarDate("2021-04-01"), session: mona)
        #expect(try Rounds.show(Lifecycle.round, session: mona).granted == Money(kroner: 3_000_000))
        // Notice by e-mail sent 2021-04-01, presumed received the next day: deadline 2021-04-23 (fvl. § 29).
        try db.connect(asLogin: Lifecycle.kari).execute("""
            INSERT INTO tilskot.notice (application_id, sent_on, channel)
            SELECT id, '2021-04-01', 'email' FROM tilskot.application WHERE reference = $1
            """, [reference.description])
        expectRefused("after the deadline of 2021-04-23") {
            _ = try Appeals.register(reference, received: try CalendarDate("2021-05-02"), grounds: "For lite", session: mona)
        }
        expectRefused("only members of tilskot_manager can register appeals") {
            _ = try Appeals.register(reference, received: try CalendarDate("2021-04-10"), grounds: "x", session: try db.session(as: Lifecycle.kari))
        }
        // per registers the appeal, so per may not decide it (four-eyes, SQL/schema/08_appeals_withdrawals_moves.sql); mona, who
        // made the appealed decision, may (fvl. § 33: the body that decided reviews it first).
        let per = try db.session(as: Lifecycle.per)
        let appeal = try Appeals.register(reference, received: try CalendarDate("2021-05-02"), grounds: "For lite",
                                          late: true, lateReason: "Brevet kom fram seint", session: per)
        #expect(appeal.late && appeal.isPending)
        #expect(try Applications.show(reference, session: mona).summary.status == .appealed)
        expectRefused("already has an appeal pending") {
            _ = try Appeals.register(reference, received: try CalendarDate("2021-05-03"), grounds: "igjen", session: mona)
        }
        expectRefused("\(Lifecycle.per) registered the appeal on \(reference) and cannot also decide it") {
            _ = try Decisions.decide(reference, .grant(Money(kroner: 5_000_000)), date: try CalendarDate("2021-05-10"), session: per)
        }
        _ = try Decisions.decide(reference, .grant(Money(kroner: 5_000_000)), date: try CalendarDate("2021-05-10"), session: mona)
        let detail = try Applications.show(reference, session: mona)
        #expect(detail.summary.status == .granted)
        #expect(detail.decisions.count == 2)
        #expect(detail.decisions.filter(\.isCurrent).map(\.amount) == [Money(kroner: 5_000_000)])
        #expect(detail.currentDecision?.supersedes == detail.decisions.first?.id)
        #expect(detail.appeals.first?.outcome == "changed")
        // The frame counts only the current decision.
        #expect(try Rounds.show(Lifecycle.round, session: mona).granted == Money(kroner: 5_000_000))
    }

    @Test("withdrawal before a decision; not after; a withdrawn application cannot be decided")
    func withdrawal() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let kari = try db.session(as: Lifecycle.kari)
        let reference = try Lifecycle.assessed(db)
        expectRefused("withdrawing \(reference) needs a reason") { _ = try Applications.withdraw(reference, reason: "  ", session: kari) }
        let item = try Applications.withdraw(reference, reason: "Søkjar trekte søknaden 2021-03-02", session: kari)
        #expect(item.status == .withdrawn)
        expectRefused("was withdrawn and cannot be decided") {
            _ = try Decisions.decide(reference, .grant(Money(kroner: 5_000_000)), session: try db.session(as: Lifecycle.mona))
        }
        let decided = try Lifecycle.assessed(db, org: Lifecycle.stavanger)
        _ = try Decisions.decide(decided, .reject, reasons: "Oppfyller ikkje krava", session: try db.session(as: Lifecycle.mona))
        expectRefused("only an application that has not been decided can be withdrawn") {
            _ = try Applications.withdraw(decided, reason: "x", session: kari)
        }
    }

    @Test("moving an undecided application to another round of its scheme keeps its reference")
    func move() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let kari = try db.session(as: Lifecycle.kari)
        let reference = try Lifecycle.register(db)
        let moved = try Applications.move(reference, to: Lifecycle.nextRound, reason: "Søkt til feil år", session: kari)
        #expect(moved.round == "JS/2022")
        #expect(moved.reference == reference.description)
        expectRefused("is already in Jobbsjansen 2022") {
            _ = try Applications.move(reference, to: Lifecycle.nextRound, reason: "x", session: kari)
        }
        expectRefused("it can only move to another round of that scheme") {
            _ = try Applications.move(reference, to: try RoundKey("FRIV/2021"), reason: "x", session: kari)
        }
    }

    @Test("every change writes audit events with the acting user, the login and the reason")
    func audit() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let reference = try Lifecycle.assessed(db)
        _ = try Decisions.decide(reference, .reject, reasons: "Manglar plan", session: try db.session(as: Lifecycle.mona))
        let detail = try Applications.show(reference, session: try db.session(as: Lifecycle.aud))
        let summaries = detail.history.map(\.summary)
        #expect(summaries.contains("status received → assessed"))
        #expect(summaries.contains("status assessed → rejected"))
        #expect(detail.history.contains { $0.table == "decision" && $0.actor == Lifecycle.mona && $0.reason == "Manglar plan" })
        #expect(detail.history.allSatisfy { $0.login == LocalCluster.superuser })
        let adjustments = try Audit.list(.init(actor: Lifecycle.mona, table: "frame_adjustment"), session: try db.session(as: Lifecycle.aud))
        #expect(adjustments.count == 1)
        #expect(adjustments.first?.reason == "integreringspakke II")
        let byApplication = try Audit.list(.init(application: reference), session: try db.session(as: Lifecycle.aud))
        #expect(byApplication.map(\.id) == detail.history.map(\.id))
    }
}
