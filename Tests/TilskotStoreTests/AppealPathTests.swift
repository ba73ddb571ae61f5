import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Issue 16 item 2: an appeal as its own case (fvl. §§ 28–35). Each rule is attacked in plain SQL as
/// the role that would break it (psql), and each step is checked for what it leaves in the record:
/// the decision in force, the frame, the application's status, the appeal's own columns.
///
/// People (LifecycleFixture): lc_per registers the appeals, lc_mona decides them (four-eyes), lc_kari is
/// a caseworker. Decisions are of 2021-04-01 on an application of 5 000 000 kr in JS/2021.
@Suite("appeal paths: deadline, dismissal, omgjering, forwarding, the appeal body")
struct AppealPathTests {
    static let insertAppeal = """
        INSERT INTO tilskot.appeal (application_id, received, sent_on, late, late_reason, grounds)
        VALUES ($1, $2::date, $3::date, $4, $5, 'Kommunen treng heile beløpet')
        """
    static let insertStep = """
        INSERT INTO tilskot.appeal_step (application_id, kind, ground, step_date, reasons)
        VALUES ($1, $2, $3, $4::date, $5)
        """
    static let insertDecision = """
        INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, conditions, decision_date)
        VALUES ($1, $2, $3, $4, $5, $6::date)
        """

    /// An application of 5 000 000 kr granted 4 000 000 kr on 2021-04-01 with conditions; its id.
    static func partialGrant(_ db: TestDatabase, org: OrganisationNumber = Lifecycle.oslo) throws -> (ApplicationReference, Int64) {
        let reference = try Lifecycle.assessed(db, org: org)
        let mona = try db.connect(asLogin: Lifecycle.mona)
        let app = try #require(try mona.queryValue("SELECT id FROM tilskot.application WHERE reference = $1", [reference.description], as: Int64.self))
        try mona.execute(insertDecision, [app, "granted", 400_000_000, "Ramma rekk ikkje til heile beløpet",
                                          "Rapport innan 1. mars 2022", "2021-04-01"])
        return (reference, app)
    }

    static func appeal(_ c: Connection, _ app: Int64, received: String = "2021-04-15", sent: String? = nil,
                       late: Bool = false, reason: String? = nil) throws {
        try c.execute(insertAppeal, [app, received, sent, late, reason])
    }

    static func value<T: SQLDecodable>(_ db: TestDatabase, _ sql: String, _ app: Int64, as: T.Type) throws -> T? {
        try db.connect().queryValue(sql, [app], as: T.self)
    }

    static func status(_ db: TestDatabase, _ app: Int64) throws -> String? {
        try value(db, "SELECT status FROM tilskot.application WHERE id = $1", app, as: String.self)
    }

    static func granted(_ db: TestDatabase) throws -> Int64? {
        try db.connect().queryValue("SELECT granted_ore FROM tilskot.round WHERE year = 2021 AND scheme_id = (SELECT id FROM tilskot.scheme WHERE code = 'JS')", as: Int64.self)
    }

    static func addAppealBodies(_ db: TestDatabase) throws {
        let mona = try db.session(as: Lifecycle.mona)
        _ = try Schemes.addAppealBody(try SchemeCode("JS"), from: try CalendarDate("2018-01-01"), nn: "Kunnskapsdepartementet",
                                      nb: "Kunnskapsdepartementet", en: "Ministry of Education and Research", session: mona)
        _ = try Schemes.addAppealBody(try SchemeCode("JS"), from: try CalendarDate("2022-01-01"), nn: "Arbeids- og inkluderingsdepartementet",
                                      nb: "Arbeids- og inkluderingsdepartementet", en: "Ministry of Labour and Social Inclusion", session: mona)
    }

    @Test("the deadline runs from the notice (fvl. § 29), an appeal sent in time is in time (§ 30), a late one is registered as late")
    func deadline() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let per = try db.connect(asLogin: Lifecycle.per)
        let mona = try db.connect(asLogin: Lifecycle.mona)

        // No notice recorded: the deadline has not started, so even months later the appeal is in time.
        let (_, open) = try Self.partialGrant(db)
        expectSQLError("23T07", "is in time (no notice of the decision is recorded") {
            try Self.appeal(per, open, received: "2021-09-01", late: true, reason: "Brevet kom bort")
        }
        try Self.appeal(per, open, received: "2021-09-01")
        #expect(try Self.status(db, open) == "appealed")
        #expect(try Self.value(db, "SELECT status_before FROM tilskot.appeal WHERE application_id = $1", open, as: String.self) == "partially_granted")

        // Notice by post sent Tuesday 2021-04-06: presumed received 2021-04-13 (7 days), deadline 2021-05-04.
        let (reference, app) = try Self.partialGrant(db, org: Lifecycle.stavanger)
        _ = reference
        try db.connect(asLogin: Lifecycle.kari).execute("INSERT INTO tilskot.notice (application_id, sent_on, channel) VALUES ($1, '2021-04-06', 'post')", [app])
        #expect(try Self.value(db, "SELECT tilskot.decision_appeal_deadline(id)::text FROM tilskot.decision WHERE application_id = $1 AND is_current",
                               app, as: String.self) == "2021-05-04")
        expectSQLError("23T07", "after the deadline of 2021-05-04 (three weeks from 2021-04-13") {
            try Self.appeal(per, app, received: "2021-05-06")
        }
        expectSQLError("23T07", "register it as late with `--late --reason …`") {
            try Self.appeal(per, app, received: "2021-05-10", sent: "2021-05-05")
        }
        expectSQLError("23T07", "before the decision it appeals") { try Self.appeal(per, app, received: "2021-05-06", sent: "2021-03-30") }
        expectSQLError("23T07", "after it was received") { try Self.appeal(per, app, received: "2021-05-06", sent: "2021-05-07") }

        // Late, with no reason to consider it: on record, to be dismissed — and only dismissed.
        try Self.appeal(per, app, received: "2021-05-10", sent: "2021-05-05", late: true)
        let late = try #require(try db.connect().queryRow("SELECT late, late_reason FROM tilskot.appeal WHERE application_id = $1", [app]))
        #expect(try late.bool("late") && late["late_reason"] == nil)
        expectSQLError("23T35", "can only be dismissed") {
            try mona.execute(Self.insertDecision, [app, "granted", 500_000_000, nil as String?, nil as String?, "2021-05-20"])
        }
        expectSQLError("23T35", "can only be dismissed") {
            try mona.execute(Self.insertStep, [app, "forward", nil as String?, "2021-05-20", nil as String?])
        }
        try mona.execute(Self.insertStep, [app, "dismiss", "late", "2021-05-20", "Klaga kom etter fristen, og det er ikkje grunn til å sjå bort frå det (fvl. § 31)"])
        #expect(try Self.status(db, app) == "partially_granted")

        // Sent on the last day, received two days later: in time (§ 30).
        try Self.appeal(per, app, received: "2021-05-06", sent: "2021-05-04")
        #expect(try Self.status(db, app) == "appealed")
    }

    @Test("dismissing an appeal leaves the decision in force, the frame and the amount; once, by another manager")
    func dismissal() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let (_, app) = try Self.partialGrant(db)
        let per = try db.connect(asLogin: Lifecycle.per)
        let mona = try db.connect(asLogin: Lifecycle.mona)
        let kari = try db.connect(asLogin: Lifecycle.kari)
        let before = try Self.granted(db)
        let decision = try Self.value(db, "SELECT id FROM tilskot.decision WHERE application_id = $1 AND is_current", app, as: Int64.self)

        // The client does not set what the trigger decides.
        expectSQLError("42501") {
            try per.execute("INSERT INTO tilskot.appeal (application_id, received, grounds, status_before) VALUES ($1, '2021-04-15', 'x y', 'granted')", [app])
        }
        expectSQLError("42501") {
            try per.execute("INSERT INTO tilskot.appeal (application_id, received, grounds, forwarded_on, forwarded_by, appeal_body) VALUES ($1, '2021-04-15', 'x y', '2021-04-16', 'lc_per', 'KD')", [app])
        }
        try Self.appeal(per, app)

        // --dismiss would dismiss the application: refused, with the way to dismiss the appeal.
        expectSQLError("23T35", "to dismiss the appeal on") {
            try mona.execute(Self.insertDecision, [app, "dismissed", 0, "Klaga er for sein", nil as String?, "2021-04-20"])
        }
        expectSQLError("42501") { try kari.execute(Self.insertStep, [app, "dismiss", "other", "2021-04-20", "ikkje klagerett"]) }
        expectSQLError("42501") {
            try mona.execute("INSERT INTO tilskot.appeal_step (application_id, kind, ground, reasons, recorded_by) VALUES ($1, 'dismiss', 'other', 'x y', 'lc_adm')", [app])
        }
        expectSQLError("23T03", "registered the appeal") {
            try per.execute(Self.insertStep, [app, "dismiss", "no_standing", "2021-04-20", "Klagaren er ikkje part"])
        }
        expectSQLError("23T35", "registered as in time") {
            try mona.execute(Self.insertStep, [app, "dismiss", "late", "2021-04-20", "For sein"])
        }
        expectSQLError("23T05", "must state its reasons") {
            try mona.execute(Self.insertStep, [app, "dismiss", "withdrawn", "2021-04-20", nil as String?])
        }
        try mona.execute(Self.insertStep, [app, "dismiss", "withdrawn", "2021-04-20", "Kommunen trekte klaga i e-post 2021-04-19"])

        let row = try #require(try db.connect().queryRow("SELECT outcome, resolved_at IS NOT NULL AS resolved, resolved_by_decision_id FROM tilskot.appeal WHERE application_id = $1", [app]))
        #expect(row["outcome"] == "dismissed")
        #expect(try row.bool("resolved"))
        #expect(row["resolved_by_decision_id"] == nil)
        #expect(try Self.status(db, app) == "partially_granted")
        #expect(try Self.value(db, "SELECT id FROM tilskot.decision WHERE application_id = $1 AND is_current", app, as: Int64.self) == decision)
        #expect(try Self.value(db, "SELECT amount_ore FROM tilskot.decision WHERE application_id = $1 AND is_current", app, as: Int64.self) == 400_000_000)
        #expect(try Self.granted(db) == before)
        #expect(try Self.value(db, "SELECT count(*) FROM tilskot.audit_log WHERE table_name = 'appeal_step' AND application_id = $1",
                               app, as: Int.self) == 1)

        // Twice: nothing pending any more.
        expectSQLError("23T35", "has no appeal pending") {
            try mona.execute(Self.insertStep, [app, "dismiss", "other", "2021-04-21", "Igjen"])
        }
        expectSQLError("42501") { try mona.execute("UPDATE tilskot.appeal SET outcome = NULL WHERE application_id = $1", [app]) }
    }

    @Test("omgjering: a changed decision supersedes the one appealed, keeps its conditions; the same one again is refused")
    func change() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let (_, app) = try Self.partialGrant(db)
        let per = try db.connect(asLogin: Lifecycle.per)
        let mona = try db.connect(asLogin: Lifecycle.mona)
        let before = try #require(try Self.granted(db))
        try Self.appeal(per, app)

        expectSQLError("23T35", "send the appeal to the appeal body with `tilskot appeal forward") {
            try mona.execute(Self.insertDecision, [app, "granted", 400_000_000, "Same", nil as String?, "2021-04-20"])
        }
        expectSQLError("23T03", "cannot also decide it") {
            try per.execute(Self.insertDecision, [app, "granted", 450_000_000, "Delvis medhald", nil as String?, "2021-04-20"])
        }
        try mona.execute(Self.insertDecision, [app, "granted", 450_000_000, "Klaga er teken delvis til følgje", nil as String?, "2021-04-20"])
        let current = try #require(try db.connect().queryRow("""
            SELECT id, outcome, amount_ore, conditions, instance, appeal_id, supersedes FROM tilskot.decision WHERE application_id = $1 AND is_current
            """, [app]))
        #expect(current["outcome"] == "partially_granted")
        #expect(current["conditions"] == "Rapport innan 1. mars 2022")
        #expect(current["instance"] == "directorate")
        #expect(try Self.value(db, "SELECT count(*) FROM tilskot.decision WHERE application_id = $1", app, as: Int.self) == 2)
        let appeal = try #require(try db.connect().queryRow("SELECT id, outcome, resolved_by_decision_id FROM tilskot.appeal WHERE application_id = $1", [app]))
        #expect(appeal["outcome"] == "changed")
        #expect(appeal["resolved_by_decision_id"] == current["id"])
        #expect(current["appeal_id"] == appeal["id"])
        #expect(try Self.status(db, app) == "partially_granted")
        #expect(try Self.granted(db) == before + 50_000_000)

        // A second appeal, on the changed decision: new conditions replace the old, an empty text removes them.
        try Self.appeal(per, app, received: "2021-04-25")
        try mona.execute(Self.insertDecision, [app, "granted", 500_000_000, nil as String?, "", "2021-04-28"])
        #expect(try Self.value(db, "SELECT conditions FROM tilskot.decision WHERE application_id = $1 AND is_current", app, as: String.self) == nil)
        #expect(try Self.status(db, app) == "granted")
    }

    @Test("a change to the appellant's disadvantage needs its basis and an advance notice whose time to answer has run (fvl. §§ 16, 35)")
    func disadvantage() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let (reference, app) = try Self.partialGrant(db)
        let per = try db.connect(asLogin: Lifecycle.per)
        let mona = try db.connect(asLogin: Lifecycle.mona)
        let before = try #require(try Self.granted(db))
        try Self.appeal(per, app)
        let lower = """
            INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date, disadvantage_basis, advance_notice_id)
            VALUES ($1, 'granted', 300000000, 'Prosjektet er mindre enn søkt om', $2::date, $3, $4)
            """
        expectSQLError("23T36", "to the appellant's disadvantage (4 000 000 kr → 3 000 000 kr)") {
            try mona.execute(lower, [app, "2021-05-20", nil as String?, nil as Int64?])
        }
        expectSQLError("23T36", "advance notice given first") {
            try mona.execute(Self.insertDecision, [app, "rejected", 0, "Fyller ikkje krava", nil as String?, "2021-05-20"])
        }
        let notice = try AdvanceNotices.forewarn(reference, purpose: "change", proposal: "Tilskotet vert sett ned til 3 000 000 kr",
                                                 amount: Money(kroner: 3_000_000), sent: try CalendarDate("2021-04-20"), channel: "email",
                                                 answerBy: try CalendarDate("2021-05-10"), session: try db.session(as: Lifecycle.mona))
        expectSQLError("23T36", "basis") { try mona.execute(lower, [app, "2021-05-20", nil as String?, notice.id]) }
        // Before the time to answer has run: refused in the advance notice's words.
        expectSQLError("23T36", "until 2021-05-10 to answer") {
            try mona.execute(lower, [app, "2021-05-05", "fvl. § 35 første ledd bokstav c", notice.id])
        }
        // A basis on a change in the appellant's favour says something false: refused.
        expectSQLError("23T36", "does not change") {
            try mona.execute("""
                INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date, disadvantage_basis, advance_notice_id)
                VALUES ($1, 'granted', 450000000, 'Meir', '2021-05-20', 'fvl. § 35', $2)
                """, [app, notice.id])
        }
        try mona.execute(lower, [app, "2021-05-20", "fvl. § 35 første ledd bokstav c", notice.id])
        let current = try #require(try db.connect().queryRow(
            "SELECT amount_ore, disadvantage_basis, advance_notice_id FROM tilskot.decision WHERE application_id = $1 AND is_current", [app]))
        #expect(current["amount_ore"] == "300000000")
        #expect(current["disadvantage_basis"] == "fvl. § 35 første ledd bokstav c")
        #expect(try Self.granted(db) == before - 100_000_000)
        // A first decision has nothing to change to anyone's disadvantage.
        let other = try Lifecycle.assessed(db, org: Lifecycle.stavanger)
        let otherID = try #require(try db.connect().queryValue(
            "SELECT id FROM tilskot.application WHERE reference = $1", [other.description], as: Int64.self))
        expectSQLError("23T36", "not a decision on appeal") {
            try mona.execute(lower, [otherID, "2021-05-20", "fvl. § 35", notice.id])
        }
    }

    @Test("forwarding names the appeal body of the decision date; then only the appeal body decides, and its decision is final")
    func forwardAndUphold() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let (_, app) = try Self.partialGrant(db)
        let per = try db.connect(asLogin: Lifecycle.per)
        let mona = try db.connect(asLogin: Lifecycle.mona)
        let kari = try db.connect(asLogin: Lifecycle.kari)
        try Self.appeal(per, app)
        expectSQLError("23T35", "has not been sent to the appeal body") { try mona.execute(Self.insertStep, [app, "body_upheld", nil as String?, "2021-04-20", "Stadfesta"]) }
        expectSQLError("23T35", "`tilskot scheme appeal-body JS") {
            try mona.execute(Self.insertStep, [app, "forward", nil as String?, "2021-04-20", nil as String?])
        }
        try Self.addAppealBodies(db)
        expectSQLError("42501") { try kari.execute(Self.insertStep, [app, "forward", nil as String?, "2021-04-20", nil as String?]) }
        expectSQLError("23T03") { try per.execute(Self.insertStep, [app, "forward", nil as String?, "2021-04-20", nil as String?]) }
        try mona.execute(Self.insertStep, [app, "forward", nil as String?, "2021-04-20", "Direktoratet held fast på vedtaket"])
        let forwarded = try #require(try db.connect().queryRow(
            "SELECT forwarded_on::text AS f, forwarded_by, appeal_body, outcome FROM tilskot.appeal WHERE application_id = $1", [app]))
        #expect(forwarded["f"] == "2021-04-20")
        #expect(forwarded["forwarded_by"] == Lifecycle.mona)
        #expect(forwarded["appeal_body"] == "Kunnskapsdepartementet")  // the body of 2021, not of today
        #expect(forwarded["outcome"] == nil)
        #expect(try Self.status(db, app) == "appealed")

        expectSQLError("23T35", "was sent to Kunnskapsdepartementet") {
            try mona.execute(Self.insertStep, [app, "forward", nil as String?, "2021-04-21", nil as String?])
        }
        expectSQLError("23T35", "was sent to Kunnskapsdepartementet") {
            try mona.execute(Self.insertStep, [app, "dismiss", "other", "2021-04-21", "Ikkje klagerett"])
        }
        expectSQLError("23T35", "the first instance can no longer decide it") {
            try mona.execute(Self.insertDecision, [app, "granted", 500_000_000, nil as String?, nil as String?, "2021-04-21"])
        }
        expectSQLError("23T05", "before the appeal on") {
            try mona.execute(Self.insertStep, [app, "body_upheld", nil as String?, "2021-04-19", "Stadfesta"])
        }
        // Recording the appeal body's decision is not deciding: the registrar may.
        try per.execute("""
            INSERT INTO tilskot.appeal_step (application_id, kind, step_date, reasons, body_reference)
            VALUES ($1, 'body_upheld', '2021-06-01', 'Departementet stadfestar vedtaket', '21/1234')
            """, [app])
        #expect(try Self.value(db, "SELECT outcome FROM tilskot.appeal WHERE application_id = $1", app, as: String.self) == "upheld")
        #expect(try Self.status(db, app) == "partially_granted")
        expectSQLError("23T07", "cannot be appealed (fvl. § 28 third paragraph)") { try Self.appeal(per, app, received: "2021-06-10") }
    }

    @Test("a change by the appeal body becomes the decision in force and the frame counts it")
    func appealBodyChange() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let (_, app) = try Self.partialGrant(db)
        let per = try db.connect(asLogin: Lifecycle.per)
        let mona = try db.connect(asLogin: Lifecycle.mona)
        let before = try #require(try Self.granted(db))
        try Self.addAppealBodies(db)
        try Self.appeal(per, app)
        let byBody = """
            INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date, instance, body_reference)
            VALUES ($1, 'granted', 500000000, 'Departementet gir klagaren medhald', $2::date, 'appeal_body', '21/77')
            """
        expectSQLError("23T35", "recorded only on an appeal forwarded") { try mona.execute(byBody, [app, "2021-05-01"]) }
        expectSQLError("23T05", "body reference belongs only") {
            try mona.execute("INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date, body_reference) VALUES ($1, 'granted', 500000000, 'x y', '2021-05-01', '21/77')", [app])
        }
        try mona.execute(Self.insertStep, [app, "forward", nil as String?, "2021-04-20", nil as String?])
        try per.execute(byBody, [app, "2021-05-01"])
        let current = try #require(try db.connect().queryRow(
            "SELECT outcome, instance, body_reference, decided_by FROM tilskot.decision WHERE application_id = $1 AND is_current", [app]))
        #expect(current["outcome"] == "granted")
        #expect(current["instance"] == "appeal_body")
        #expect(current["body_reference"] == "21/77")
        #expect(current["decided_by"] == Lifecycle.per)
        #expect(try Self.value(db, "SELECT outcome FROM tilskot.appeal WHERE application_id = $1", app, as: String.self) == "changed")
        #expect(try Self.status(db, app) == "granted")
        #expect(try Self.granted(db) == before + 100_000_000)
        expectSQLError("23T07", "cannot be appealed") { try Self.appeal(per, app, received: "2021-05-10") }
    }

    @Test("a quashed decision stays on record until the directorate decides anew; no new appeal meanwhile")
    func quash() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let (_, app) = try Self.partialGrant(db)
        let per = try db.connect(asLogin: Lifecycle.per)
        let mona = try db.connect(asLogin: Lifecycle.mona)
        let before = try #require(try Self.granted(db))
        try Self.addAppealBodies(db)
        try Self.appeal(per, app)
        try mona.execute(Self.insertStep, [app, "forward", nil as String?, "2021-04-20", nil as String?])
        try per.execute(Self.insertStep, [app, "body_quashed", nil as String?, "2021-06-01", "Saka er ikkje godt nok opplyst (fvl. § 17)"])
        #expect(try Self.value(db, "SELECT outcome FROM tilskot.appeal WHERE application_id = $1", app, as: String.self) == "quashed")
        #expect(try Self.status(db, app) == "appealed")
        #expect(try Self.granted(db) == before)  // the quashed grant keeps its place in the frame until the new decision
        expectSQLError("23T02", "quashed the decision") { try Self.appeal(per, app, received: "2021-06-05") }
        // The case sent back may be decided the same again.
        try mona.execute(Self.insertDecision, [app, "granted", 400_000_000, "Saka er no opplyst; same vurdering", nil as String?, "2021-06-15"])
        let row = try #require(try db.connect().queryRow("""
            SELECT p.outcome, p.resolved_by_decision_id = d.id AS points, d.appeal_id = p.id AS back, d.conditions
              FROM tilskot.appeal p JOIN tilskot.decision d ON d.application_id = p.application_id AND d.is_current
             WHERE p.application_id = $1
            """, [app]))
        #expect(row["outcome"] == "quashed")
        #expect(try row.bool("points") && row.bool("back"))
        #expect(row["conditions"] == "Rapport innan 1. mars 2022")
        #expect(try Self.status(db, app) == "partially_granted")
        expectSQLError("23T06", "already decided") {
            try mona.execute(Self.insertDecision, [app, "granted", 450_000_000, "Igjen", nil as String?, "2021-06-16"])
        }
    }

    @Test("an appeal in follow-up leaves the grant in follow-up (fvl. § 42); a change keeps it there")
    func followUp() throws {
        let db = try Lifecycle.database()
        defer { db.drop() }
        let (_, app) = try Self.partialGrant(db)
        let per = try db.connect(asLogin: Lifecycle.per)
        let mona = try db.connect(asLogin: Lifecycle.mona)
        try db.connect(asLogin: Lifecycle.kari).execute("""
            INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number) VALUES ($1, 200000000, '2021-09-01', '86011117947')
            """, [app])
        #expect(try Self.status(db, app) == "in_follow_up")
        try Self.appeal(per, app)
        #expect(try Self.status(db, app) == "in_follow_up")
        #expect(try Self.value(db, "SELECT status_before FROM tilskot.appeal WHERE application_id = $1", app, as: String.self) == "in_follow_up")
        try mona.execute(Self.insertDecision, [app, "granted", 450_000_000, "Klaga er teken delvis til følgje", nil as String?, "2021-04-20"])
        #expect(try Self.status(db, app) == "in_follow_up")
        #expect(try Self.value(db, "SELECT tilskot.current_grant_ore($1)", app, as: Int64.self) == 450_000_000)
        try Self.appeal(per, app, received: "2021-04-25")
        try mona.execute(Self.insertStep, [app, "dismiss", "withdrawn", "2021-04-26", "Trekt"])
        #expect(try Self.status(db, app) == "in_follow_up")
    }
    @Test("a grant in follow-up is not closed while an appeal on it is pending")
    func noClosingWhileAppealed() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let reference = try FollowUp.granted(db)
        _ = try FollowUp.paidInFull(db, reference)
        let app = try FollowUp.id(db, reference)
        let kari = try db.connect(asLogin: FollowUp.kari)
        let report = try #require(try kari.queryValue(
            "INSERT INTO tilskot.recipient_report (application_id, account_approved) VALUES ($1, true) RETURNING id", [app], as: Int64.self))
        try kari.execute("INSERT INTO tilskot.report_review (report_id, outcome) VALUES ($1, 'approved')", [report])
        try db.connect(asLogin: FollowUp.per).execute(
            "INSERT INTO tilskot.appeal (application_id, received, grounds) VALUES ($1, '2021-06-01', 'Vilkåra er for strenge')", [app])
        let mona = try db.connect(asLogin: FollowUp.mona)
        expectSQLError("23T26", "has an appeal pending, received 2021-06-01; decide it first") {
            try mona.execute("INSERT INTO tilskot.closing (application_id) VALUES ($1)", [app])
        }
        try mona.execute(Self.insertStep, [app, "dismiss", "withdrawn", "2021-06-05", "Kommunen trekte klaga"])
        try mona.execute("INSERT INTO tilskot.closing (application_id) VALUES ($1)", [app])
        #expect(try Self.status(db, app) == "closed")
    }
}
