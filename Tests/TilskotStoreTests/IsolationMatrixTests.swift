import Foundation
import PGClient
import Synchronization
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Issue 14: every rule that reads other rows holds at READ COMMITTED, REPEATABLE READ and
/// SERIALIZABLE (breaches 2, 3 and 4, and the same pattern on every other such rule).
///
/// Each race is two logins with psql-like connections (`db.connect(asLogin:)`): A, the attacker,
/// at the isolation level under test, and B, whose committed write makes A's write break the rule.
/// Three orders:
///   - `afterSnapshot`: A begins and reads (its snapshot is taken), B writes and commits in
///     autocommit (READ COMMITTED), A writes and commits — breaches 2–4 exactly;
///   - `before`: B commits before A begins;
///   - `bothOpen`: A and B both begin at the level and read, B writes, A writes (on another thread:
///     it may wait for B), B commits (on another thread: a frame check at COMMIT may wait for A),
///     A commits.
/// Asserted every time: whoever was refused (A; in `bothOpen` also B) got the rule's SQLSTATE or
/// 40001 (a serialization failure the service runs again), and the rule, checked on the race's case
/// (or rounds) afterwards, holds. All 14 races run at once on one database, each on its own thread
/// with its own scheme, rounds and cases, so the 126 runs take a few seconds.
///
/// The case guard (SQL/schema/05_case_guard.sql) is what makes the stale-snapshot orders fail. To see the attacks succeed
/// without it, run the suite with TILSKOT_ISOLATION_WITHOUT_GUARD=1: the test database then has the
/// a0_case_guard triggers disabled, and the breach rows fail (that is the "seen to fail" proof; the
/// frame, appeal and move rows pass either way, because their writers already change a shared row).
@Suite("every rule that reads other rows, at every isolation level")
struct IsolationMatrixTests {
    @Test("two sessions, three isolation levels, every order that matters, for every rule")
    func matrix() throws {
        // One database; each race on its own thread with its own scheme, rounds and cases, so the
        // 14 × 9 runs take a few seconds and no race's rows meet another's.
        let db = try FollowUp.database()
        defer { db.drop() }
        if ProcessInfo.processInfo.environment["TILSKOT_ISOLATION_WITHOUT_GUARD"] == "1" {
            // The control run: the same races without the case guard (see the suite's comment).
            try db.connect().executeScript("""
                DO $$ DECLARE t regclass; BEGIN
                  FOR t IN SELECT tgrelid::regclass FROM pg_trigger WHERE tgname = 'a0_case_guard' LOOP
                    EXECUTE format('ALTER TABLE %s DISABLE TRIGGER a0_case_guard', t);
                  END LOOP; END $$
                """)
        }
        let problems = Mutex<[String]>([]), done = Mutex(0), runs = Mutex(0)
        let started = Date()
        for (index, race) in MatrixRace.all.enumerated() {
            Thread {
                defer { done.withLock { $0 += 1 } }
                do {
                    let stage = try MatrixStage(db: db, index: index)
                    for level in MatrixLevel.allCases {
                        for order in MatrixOrder.allCases {
                            let found = try stage.run(race, level: level, order: order)
                            problems.withLock { $0 += found }
                            runs.withLock { $0 += 1 }
                        }
                    }
                } catch {
                    problems.withLock { $0.append("\(race.name): \(error)") }
                }
            }.start()
        }
        while done.withLock({ $0 }) < MatrixRace.all.count { usleep(5_000) }
        let found = problems.withLock { $0 }
        #expect(runs.withLock { $0 } == MatrixRace.all.count * 9)
        #expect(found.isEmpty, "\(found.count) problems:\n\(found.joined(separator: "\n"))")
        print(String(format: "isolation matrix: %d rules × 3 levels × 3 orders in %.1f s, %d problems",
                     MatrixRace.all.count, Date().timeIntervalSince(started), found.count))
    }

    @Test("every table whose rows a case rule reads touches the case's guard first")
    func everyGuardedTableHasTheGuard() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        // Each table a group role may INSERT into and whose rows belong to a case (it has an
        // application_id column): the events the case rules check and read.
        let rows = try db.connect().query("""
            SELECT c.relname::text AS tbl,
                   EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'a0_case_guard'
                             AND t.tgenabled = 'O' AND (t.tgtype & 2) = 2 AND (t.tgtype & 4) = 4) AS guarded,
                   (SELECT min(t.tgname::text) FROM pg_trigger t
                     WHERE t.tgrelid = c.oid AND NOT t.tgisinternal AND (t.tgtype & 2) = 2 AND (t.tgtype & 4) = 4) AS first_before_insert
              FROM pg_class c
             WHERE c.relnamespace = 'tilskot'::regnamespace AND c.relkind = 'r'
               AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'application_id' AND NOT a.attisdropped)
               AND EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname IN ('tilskot_caseworker', 'tilskot_manager', 'tilskot_finance', 'tilskot_admin')
                             AND has_any_column_privilege(r.oid, c.oid, 'INSERT'))
             ORDER BY 1
            """)
        let tables = try rows.map { try $0.string("tbl") }
        // Participants (13_participants.sql) are written only by their own functions, and no case rule reads them.
        let exempt: Set<String> = ["participant"]
        #expect(tables.count >= 12, "\(tables)")
        for row in rows where !exempt.contains(try row.string("tbl")) {
            let table = try row.string("tbl")
            let first = try row.string("first_before_insert")
            #expect(try row.bool("guarded"), "tilskot.\(table) takes case events but has no a0_case_guard trigger")
            #expect(first == "a0_case_guard", "tilskot.\(table): \(first) fires before the guard")
        }
        // The events that name their case through another row are guarded too.
        for table in ["payment_event", "report_review", "clawback_appeal", "clawback_resolution", "repayment"] {
            #expect(try db.connect().queryValue("""
                SELECT count(*) FROM pg_trigger WHERE tgrelid = ('tilskot.' || $1)::regclass AND tgname = 'a0_case_guard'
                """, [table], as: Int.self) == 1, "\(table)")
        }
        // Nobody but the owner reads or writes the guard.
        for role in ["tilskot_caseworker", "tilskot_manager", "tilskot_finance", "tilskot_auditor", "tilskot_admin"] {
            #expect(try db.connect().queryValue("""
                SELECT has_table_privilege($1, 'tilskot.case_guard', 'SELECT, INSERT, UPDATE, DELETE')
                """, [role], as: Bool.self) == false, "\(role)")
        }
    }

    @Test("a user cannot touch the guard or call its function")
    func guardIsNotForUsers() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let mona = try db.connect(asLogin: FollowUp.mona)
        expectSQLError("42501") { try mona.execute("UPDATE tilskot.case_guard SET touched = 0") }
        expectSQLError("42501") { try mona.execute("INSERT INTO tilskot.case_guard VALUES (1, 1)") }
        expectSQLError("42501") { try mona.execute("DELETE FROM tilskot.case_guard") }
        expectSQLError("42501") { try mona.execute("SELECT tilskot.case_guard_touch()") }
    }
}

// MARK: - The races

enum MatrixLevel: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
    var testDescription: String { rawValue }
}

enum MatrixOrder: CaseIterable, Sendable {
    case afterSnapshot, before, bothOpen
}

/// The parameters of one race's two writes, made fresh for each run.
struct MatrixScene {
    var attack: [Int64]
    var other: [Int64]
    /// What the rule is checked on afterwards: the case (application ids) or the rounds.
    var subjects: [Int64]
}

/// One rule attacked by two sessions.
struct MatrixRace: Sendable, CustomTestStringConvertible {
    let name: String
    /// The rule's own SQLSTATEs for A's refusal (40001 is always accepted besides).
    let states: Set<String>
    let attacker: String
    let attackSQL: String
    let other: String
    let otherSQL: String
    /// True when the rule holds for the scene's subjects ($1, a bigint[]).
    let holds: String
    let scene: @Sendable (MatrixStage) throws -> MatrixScene
    var testDescription: String { name }

    static let decide = "INSERT INTO tilskot.decision (application_id, outcome, decision_date) VALUES ($1, 'granted', '2021-04-15')"
    static let plan = "INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number) VALUES ($1, 50000000, '2021-09-01', '86011117947')"

    static let all: [MatrixRace] = [
        MatrixRace(name: "four-eyes: a manager decides a case she assessed (breach 2)", states: ["23T03"],
             attacker: FollowUp.mona, attackSQL: decide,
             other: FollowUp.mona, otherSQL: "INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES ($1, 3, 'grant')",
             holds: """
                NOT EXISTS (SELECT 1 FROM tilskot.decision d JOIN tilskot.assessment s
                              ON s.application_id = d.application_id AND s.assessor = d.decided_by
                             WHERE d.application_id = ANY ($1::bigint[]))
                """,
             scene: { stage in let id = try stage.assessedCase(); return MatrixScene(attack: [id], other: [id], subjects: [id]) }),
        MatrixRace(name: "conflict of interest: a disqualified manager decides (breach 3)", states: ["23T04"],
             attacker: FollowUp.per, attackSQL: decide,
             other: FollowUp.mona, otherSQL: "INSERT INTO tilskot.disqualification (application_id, person, reason) VALUES ($1, 'fu_per', 'related to the project leader')",
             holds: """
                NOT EXISTS (SELECT 1 FROM tilskot.decision d JOIN tilskot.disqualification q
                              ON q.application_id = d.application_id AND q.person = d.decided_by
                             WHERE d.application_id = ANY ($1::bigint[]))
                """,
             scene: { stage in let id = try stage.assessedCase(); return MatrixScene(attack: [id], other: [id], subjects: [id]) }),
        MatrixRace(name: "conflict of interest: a disqualified caseworker assesses (breach 3)", states: ["23T04"],
             attacker: FollowUp.kari, attackSQL: "INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES ($1, 5, 'grant')",
             other: FollowUp.mona, otherSQL: "INSERT INTO tilskot.disqualification (application_id, person, reason) VALUES ($1, 'fu_kari', 'on the applicant''s board')",
             holds: """
                NOT EXISTS (SELECT 1 FROM tilskot.assessment s JOIN tilskot.disqualification q
                              ON q.application_id = s.application_id AND q.person = s.assessor
                             WHERE s.application_id = ANY ($1::bigint[]))
                """,
             scene: { stage in let id = try stage.assignedCase(); return MatrixScene(attack: [id], other: [id], subjects: [id]) }),
        MatrixRace(name: "settled closing: a grant is closed while an instalment is planned (breach 4)", states: ["23T26"],
             attacker: FollowUp.mona, attackSQL: "INSERT INTO tilskot.closing (application_id) VALUES ($1)",
             other: FollowUp.kari, otherSQL: plan,
             holds: """
                NOT EXISTS (SELECT 1 FROM tilskot.application a JOIN tilskot.payment p ON p.application_id = a.id
                             WHERE a.id = ANY ($1::bigint[]) AND a.status = 'closed' AND p.status IN ('planned', 'attested'))
                """,
             scene: { stage in let id = try stage.settledCase(); return MatrixScene(attack: [id], other: [id], subjects: [id]) }),
        MatrixRace(name: "payments: two finance users plan over the grant", states: ["23T20"],
             attacker: FollowUp.fia, attackSQL: plan,
             other: FollowUp.finn, otherSQL: plan,
             holds: "NOT EXISTS (SELECT 1 FROM tilskot.grant_money WHERE application_id = ANY ($1::bigint[]) AND planned_ore > granted_ore)",
             scene: { stage in
                 let id = try stage.grantedCase()
                 try stage.plan(id, ore: 10_000_000)   // in follow-up: later plans leave the application row alone
                 return MatrixScene(attack: [id], other: [id], subjects: [id])
             }),
        MatrixRace(name: "claw-backs: two managers demand back more than was paid", states: ["23T20"],
             attacker: FollowUp.mona, attackSQL: Self.clawBack,
             other: FollowUp.per, otherSQL: Self.clawBack,
             holds: "NOT EXISTS (SELECT 1 FROM tilskot.grant_money WHERE application_id = ANY ($1::bigint[]) AND clawed_back_ore > paid_ore)",
             scene: { stage in let id = try stage.paidCase(); return MatrixScene(attack: [id], other: [id], subjects: [id]) }),
        MatrixRace(name: "repayments: two finance users record more than is owed", states: ["23T20"],
             attacker: FollowUp.fia, attackSQL: Self.repay,
             other: FollowUp.finn, otherSQL: Self.repay,
             holds: """
                NOT EXISTS (SELECT 1 FROM tilskot.clawback c
                             WHERE c.application_id = ANY ($1::bigint[])
                               AND c.amount_ore < (SELECT coalesce(sum(r.amount_ore), 0) FROM tilskot.repayment r WHERE r.clawback_id = c.id))
                """,
             scene: { stage in
                 let id = try stage.paidCase()
                 let clawBack = try stage.clawBack(id)
                 return MatrixScene(attack: [clawBack], other: [clawBack], subjects: [id])
             }),
        MatrixRace(name: "claw-back appeals: one pending at a time", states: ["23T27"],
             attacker: FollowUp.kari, attackSQL: Self.clawBackAppeal,
             other: FollowUp.mona, otherSQL: Self.clawBackAppeal,
             holds: """
                NOT EXISTS (SELECT clawback_id FROM tilskot.clawback_appeal
                             WHERE application_id = ANY ($1::bigint[]) AND outcome IS NULL GROUP BY 1 HAVING count(*) > 1)
                """,
             scene: { stage in
                 let id = try stage.paidCase()
                 let clawBack = try stage.clawBack(id)
                 return MatrixScene(attack: [clawBack], other: [clawBack], subjects: [id])
             }),
        MatrixRace(name: "appeals: one pending at a time, only against the current decision", states: ["23T07", "23T02"],
             attacker: FollowUp.per, attackSQL: Self.appeal,
             other: FollowUp.mona, otherSQL: Self.appeal,
             holds: """
                NOT EXISTS (SELECT application_id FROM tilskot.appeal
                             WHERE application_id = ANY ($1::bigint[]) AND outcome IS NULL GROUP BY 1 HAVING count(*) > 1)
                """,
             scene: { stage in let id = try stage.grantedCase(); return MatrixScene(attack: [id], other: [id], subjects: [id]) }),
        MatrixRace(name: "appeals: resolved once — a dismissal of the appeal against a change of the decision", states: ["23T35"],
             attacker: FollowUp.per, attackSQL: Self.dismissAppeal,
             other: FollowUp.mona, otherSQL: Self.changeOnAppeal,
             holds: Self.appealResolvedOnce,
             scene: { stage in let id = try stage.appealedCase(); return MatrixScene(attack: [id], other: [id], subjects: [id]) }),
        MatrixRace(name: "appeals: resolved once — a change of the decision against a dismissal of the appeal", states: ["23T06"],
             attacker: FollowUp.mona, attackSQL: Self.changeOnAppeal,
             other: FollowUp.per, otherSQL: Self.dismissAppeal,
             holds: Self.appealResolvedOnce + " AND " + Self.frameOfCases,
             scene: { stage in let id = try stage.appealedCase(); return MatrixScene(attack: [id], other: [id], subjects: [id]) }),
        MatrixRace(name: "appeals: once forwarded, the first instance no longer decides", states: ["23T35"],
             attacker: FollowUp.mona, attackSQL: Self.changeOnAppeal,
             other: FollowUp.per, otherSQL: "INSERT INTO tilskot.appeal_step (application_id, kind, step_date) VALUES ($1, 'forward', '2021-04-22')",
             holds: """
                NOT EXISTS (SELECT 1 FROM tilskot.appeal p JOIN tilskot.decision d ON d.appeal_id = p.id
                             WHERE p.application_id = ANY ($1::bigint[]) AND p.forwarded_on IS NOT NULL AND d.instance = 'directorate')
                """,
             scene: { stage in let id = try stage.appealedCase(); return MatrixScene(attack: [id], other: [id], subjects: [id]) }),
        MatrixRace(name: "the frame: two managers grant the last million of one round", states: ["23T01"],
             attacker: FollowUp.mona, attackSQL: decide,
             other: FollowUp.per, otherSQL: decide,
             holds: Self.frameHolds,
             scene: { stage in
                 let round = try stage.round(frameOre: 150_000_000)
                 let x = try stage.assessedCase(round: round), y = try stage.assessedCase(round: round)
                 return MatrixScene(attack: [x], other: [y], subjects: [round])
             }),
        MatrixRace(name: "the frame: a manager grants while another lowers the frame", states: ["23T01"],
             attacker: FollowUp.per, attackSQL: decide,
             other: FollowUp.mona, otherSQL: Self.lowerFrame,
             holds: Self.frameHolds,
             scene: { stage in
                 let round = try stage.round(frameOre: 150_000_000)
                 return MatrixScene(attack: [try stage.assessedCase(round: round)], other: [round], subjects: [round])
             }),
        MatrixRace(name: "the frame: a manager lowers the frame while another grants", states: ["23T01"],
             attacker: FollowUp.mona, attackSQL: Self.lowerFrame,
             other: FollowUp.per, otherSQL: decide,
             holds: Self.frameHolds,
             scene: { stage in
                 let round = try stage.round(frameOre: 150_000_000)
                 return MatrixScene(attack: [round], other: [try stage.assessedCase(round: round)], subjects: [round])
             }),
        MatrixRace(name: "moves: a decided application never changes round", states: ["23T02"],
             attacker: FollowUp.kari, attackSQL: Self.move,
             other: FollowUp.mona, otherSQL: decide,
             holds: Self.frameHolds,
             scene: { stage in
                 let from = try stage.round(frameOre: 150_000_000), to = try stage.round(frameOre: 150_000_000)
                 let id = try stage.assessedCase(round: from)
                 return MatrixScene(attack: [id, to], other: [id], subjects: [from, to])
             }),
        MatrixRace(name: "moves: a grant is counted in the round its application ends up in", states: ["23T01", "23T02"],
             attacker: FollowUp.mona, attackSQL: decide,
             other: FollowUp.kari, otherSQL: Self.move,
             holds: Self.frameHolds,
             scene: { stage in
                 let from = try stage.round(frameOre: 150_000_000), to = try stage.round(frameOre: 50_000_000)
                 let id = try stage.assessedCase(round: from)
                 return MatrixScene(attack: [id], other: [id, to], subjects: [from, to])
             }),
    ]

    static let lowerFrame = "INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason) VALUES ($1, -100000000, 'budget cut')"
    static let move = "INSERT INTO tilskot.round_move (application_id, to_round_id, reason) VALUES ($1, $2, 'belongs to the other round')"
    // Declared a further demand (`another`, issue 17): the race is about the sum of two demands
    // against what was paid; a claw-back typed twice is CorrectionTests' race.
    static let clawBack = """
        INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, decision_date, due_date, notice_exception, another)
        VALUES ($1, 60000000, 'unspent funds', '2021-12-01', '2022-01-31',
                'fvl. § 16 third paragraph letter c: the recipient reported the unspent funds and has been heard', true)
        """
    static let repay = "INSERT INTO tilskot.repayment (clawback_id, amount_ore, received_on) VALUES ($1, 40000000, '2021-12-15')"
    static let clawBackAppeal = "INSERT INTO tilskot.clawback_appeal (clawback_id, received, grounds) VALUES ($1, '2021-12-10', 'the money was spent as agreed')"
    static let appeal = "INSERT INTO tilskot.appeal (application_id, received, grounds) VALUES ($1, '2021-04-20', 'the project needs the whole amount')"
    static let dismissAppeal = "INSERT INTO tilskot.appeal_step (application_id, kind, ground, step_date, reasons) VALUES ($1, 'dismiss', 'withdrawn', '2021-04-22', 'withdrawn by e-mail')"
    static let changeOnAppeal = "INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date) VALUES ($1, 'granted', 80000000, 'partly upheld', '2021-04-22')"
    /// An appeal is either dismissed or changed, never both, and its outcome says which.
    static let appealResolvedOnce = """
        NOT EXISTS (SELECT 1 FROM tilskot.appeal p
                     WHERE p.application_id = ANY ($1::bigint[])
                       AND (EXISTS (SELECT 1 FROM tilskot.appeal_step s WHERE s.appeal_id = p.id AND s.kind = 'dismiss')
                            AND EXISTS (SELECT 1 FROM tilskot.decision d WHERE d.appeal_id = p.id)
                            OR p.outcome = 'dismissed' AND EXISTS (SELECT 1 FROM tilskot.decision d WHERE d.appeal_id = p.id)
                            OR p.outcome = 'changed' AND EXISTS (SELECT 1 FROM tilskot.appeal_step s WHERE s.appeal_id = p.id AND s.kind = 'dismiss')))
        """
    /// Each case's round counts exactly its current grant.
    static let frameOfCases = """
        NOT EXISTS (SELECT 1 FROM tilskot.application a JOIN tilskot.round r ON r.id = a.round_id
                     WHERE a.id = ANY ($1::bigint[])
                       AND r.granted_ore <> (SELECT coalesce(sum(d.amount_ore), 0) FROM tilskot.decision d
                                              JOIN tilskot.application x ON x.id = d.application_id
                                             WHERE x.round_id = r.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted')))
        """
    /// No round over its frame, and each round's granted sum is exactly its applications' current grants.
    static let frameHolds = """
        NOT EXISTS (SELECT 1 FROM tilskot.round r
                     WHERE r.id = ANY ($1::bigint[])
                       AND (r.granted_ore > r.frame_ore
                            OR r.granted_ore <> (SELECT coalesce(sum(d.amount_ore), 0) FROM tilskot.decision d
                                               JOIN tilskot.application a ON a.id = d.application_id
                                              WHERE a.round_id = r.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted'))))
        """
}

// MARK: - Running a race

/// One race's corner of the test database: a scheme of its own with a 2021 round for its cases,
/// and rounds of earlier years for the frame; fresh cases made for each run.
final class MatrixStage {
    let db: TestDatabase
    let owner: Connection
    private var scheme: Int64 = 0
    private var caseRound: Int64 = 0
    private var year = 1990

    init(db: TestDatabase, index: Int) throws {
        self.db = db
        owner = try db.connect()
        let code = String(format: "M%02d", index)
        scheme = try must(try act(FollowUp.mona, """
            INSERT INTO tilskot.scheme (code, name, applicant_kinds, reference_prefix)
            VALUES ($1, 'Matrise ' || $1, '{municipality}', $1) RETURNING id
            """, [code]))
        caseRound = try round(frameOre: 13_530_000_000, year: 2021)
        // Who hears the scheme's appeals, so that an appeal can be sent on (fvl. § 33 fourth paragraph).
        try act(FollowUp.mona, """
            INSERT INTO tilskot.scheme_appeal_body (scheme_id, from_date, name_nn, name_nb, name_en)
            VALUES ($1, '2000-01-01', 'Departementet', 'Departementet', 'the Ministry') RETURNING id
            """, [scheme])
    }

    /// Runs SQL as `user` (SET ROLE on the superuser connection), returning the first column.
    @discardableResult
    func act(_ user: String, _ sql: String, _ parameters: [any SQLParameter] = []) throws -> Int64? {
        try owner.execute("SELECT set_config('role', $1, false)", [user])
        defer { _ = try? owner.executeScript("RESET ROLE") }
        return try owner.queryValue(sql, parameters, as: Int64.self)
    }

    /// A round of the stage's scheme (opens 1 January, closes 1 March), of the next free year
    /// from 1991 unless given.
    func round(frameOre: Int64, year given: Int? = nil) throws -> Int64 {
        let roundYear: Int
        if let given { roundYear = given } else { year += 1; roundYear = year }
        return try must(try act(FollowUp.mona, """
            INSERT INTO tilskot.round (scheme_id, year, opens, closes, initial_frame_ore)
            VALUES ($1, $2, make_date($2, 1, 1), make_date($2, 3, 1), $3) RETURNING id
            """, [scheme, roundYear, frameOre]))
    }

    /// A case of 1 000 000 kr assigned to and assessed by the caseworker (in the 2021 round unless given).
    func assessedCase(round: Int64? = nil) throws -> Int64 {
        let id = try assignedCase(round: round)
        try act(FollowUp.kari, "INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES ($1, 4, 'grant')", [id])
        return id
    }

    /// A case of 1 000 000 kr registered by and assigned to the caseworker: in review.
    func assignedCase(round: Int64? = nil) throws -> Int64 {
        let id = try must(try act(FollowUp.kari, """
            INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received)
            SELECT r.id, o.id, 'Jobbsjansen', 100000000, make_date(r.year, 2, 1)
              FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id, tilskot.organisation o
             WHERE r.id = $1 AND o.orgnr = '958935420'
            RETURNING id
            """, [round ?? caseRound]))
        // Assigned first, so the later assessments by others change nothing but the case's own rows.
        try act(FollowUp.kari, "INSERT INTO tilskot.assignment (application_id) VALUES ($1)", [id])
        return id
    }

    /// Granted in full by fu_mona, decided 2021-04-15.
    /// A case granted 500 000 kr of 1 000 000 kr on 2021-04-15 by fu_mona and appealed on 2021-04-20 by
    /// fu_adm, so that fu_mona and fu_per may each decide the appeal.
    func appealedCase() throws -> Int64 {
        let id = try assessedCase()
        try act(FollowUp.mona, "INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date) VALUES ($1, 'granted', 50000000, 'the frame is short', '2021-04-15')", [id])
        try act(FollowUp.adm, MatrixRace.appeal, [id])
        return id
    }

    func grantedCase() throws -> Int64 {
        let id = try assessedCase()
        try act(FollowUp.mona, MatrixRace.decide, [id])
        return id
    }

    @discardableResult
    func plan(_ id: Int64, ore: Int64) throws -> Int64 {
        try must(try act(FollowUp.kari, """
            INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number)
            VALUES ($1, $2, '2021-05-01', '86011117947') RETURNING id
            """, [id, ore]))
    }

    func attestAndPay(_ payment: Int64) throws {
        try act(FollowUp.fia, "INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [payment])
        // Another finance user pays: the payer is not the attester (issue 14).
        try act(FollowUp.finn, "INSERT INTO tilskot.payment_event (payment_id, kind, voucher, paid_on) VALUES ($1, 'pay', 'B-1', '2021-05-03')", [payment])
    }

    /// Granted, and the whole grant paid.
    func paidCase() throws -> Int64 {
        let id = try grantedCase()
        try attestAndPay(try plan(id, ore: 100_000_000))
        return id
    }

    /// Granted, half paid, the report (with its auditor-checked account) approved: closable.
    func settledCase() throws -> Int64 {
        let id = try grantedCase()
        try attestAndPay(try plan(id, ore: 50_000_000))
        let report = try must(try act(FollowUp.kari, """
            INSERT INTO tilskot.recipient_report (application_id, account_approved) VALUES ($1, true) RETURNING id
            """, [id]))
        try act(FollowUp.kari, "INSERT INTO tilskot.report_review (report_id, outcome) VALUES ($1, 'approved')", [report])
        return id
    }

    /// A claw-back of 600 000 kr on a paid case, by fu_mona.
    func clawBack(_ id: Int64) throws -> Int64 {
        try must(try act(FollowUp.mona, MatrixRace.clawBack + " RETURNING id", [id]))
    }

    /// One race in one order with A at `level`: what went wrong, in sentences (none when the rule held).
    func run(_ race: MatrixRace, level: MatrixLevel, order: MatrixOrder) throws -> [String] {
        var problems: [String] = []
        let scene = try race.scene(self)
        let a = try db.connect(asLogin: race.attacker)
        let b = try db.connect(asLogin: race.other)
        defer { a.close(); b.close() }
        let context = "\(race.name), A at \(level.rawValue), \(order)"
        let begin = "BEGIN ISOLATION LEVEL \(level.rawValue)"
        // A's first read takes its snapshot (a BEGIN alone does not).
        let read = "SELECT count(*) FROM tilskot.application"

        var attackError: PGError?
        switch order {
        case .before:
            try b.execute(race.otherSQL, scene.other)
            try a.executeScript(begin)
            attackError = Self.attempt { try a.execute(race.attackSQL, scene.attack); try a.executeScript("COMMIT") }
        case .afterSnapshot:
            try a.executeScript(begin)
            _ = try a.query(read)
            try b.execute(race.otherSQL, scene.other)
            attackError = Self.attempt { try a.execute(race.attackSQL, scene.attack); try a.executeScript("COMMIT") }
        case .bothOpen:
            try a.executeScript(begin)
            _ = try a.query(read)
            try b.executeScript(begin)
            _ = try b.query(read)
            if let otherError = Self.attempt({ try b.execute(race.otherSQL, scene.other) }) {
                // SERIALIZABLE may end B first (40001: other races run in the same database); then
                // A simply goes on alone.
                if otherError.sqlState != "40001" {
                    problems.append("\(context): B's write failed with \(otherError.sqlState): \(otherError.message)")
                }
                _ = try? b.executeScript("ROLLBACK")
                attackError = Self.attempt { try a.execute(race.attackSQL, scene.attack); try a.executeScript("COMMIT") }
                break
            }
            // A writes on its own thread: it may wait for B. Then B commits, on its own thread too:
            // its COMMIT may wait for A (a frame check at commit waits for A's lock on the round).
            let attackSQL = race.attackSQL, parameters = scene.attack
            let write = Background(a) { try $0.execute(attackSQL, parameters) }
            waitUntilDoneOrBlocked(write, pid: a.backendPID)
            let commit = Background(b) { try $0.executeScript("COMMIT") }
            waitUntilDoneOrBlocked(commit, pid: b.backendPID)
            attackError = write.result()
            if attackError == nil {
                attackError = Self.attempt { try a.executeScript("COMMIT") }
            } else {
                _ = try? a.executeScript("ROLLBACK")
            }
            if let otherError = commit.result() {
                // B lost instead of A: the same rules, the other way round.
                if !(race.states.contains(otherError.sqlState) || otherError.sqlState == "40001") {
                    problems.append("\(context): B was refused with \(otherError.sqlState): \(otherError.message)")
                }
            }
        }
        if attackError != nil { _ = try? a.executeScript("ROLLBACK") }

        if let error = attackError {
            if !(race.states.contains(error.sqlState) || error.sqlState == "40001") {
                problems.append("\(context): A was refused with \(error.sqlState): \(error.message)")
            }
        }
        let subjects = "{" + scene.subjects.map(String.init).joined(separator: ",") + "}"
        let holds = try owner.queryValue("SELECT \(race.holds)", [subjects], as: Bool.self)
        if holds != true { problems.append("\(context): both committed and the rule is broken") }
        return problems
    }

    /// Waits until `work` is done or its connection waits for a lock (at most 10 s).
    func waitUntilDoneOrBlocked(_ work: Background, pid: Int32) {
        let deadline = Date().addingTimeInterval(10)
        while !work.isDone, Date() < deadline {
            let waiting = (try? owner.queryValue(
                "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", [pid], as: Bool.self)) ?? nil
            if waiting == true { return }
            usleep(2_000)
        }
    }

    /// The PostgreSQL error `body` throws, or nil when it succeeds.
    static func attempt(_ body: () throws -> Void) -> PGError? {
        do {
            try body()
            return nil
        } catch let error as PGError {
            return error
        } catch {
            return PGError(sqlState: "?????", message: "\(error)")
        }
    }
}

/// The value, or an error saying it is missing (for the stage's threads, where #require cannot record).
func must<T>(_ value: T?, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    guard let value else { throw PGError(sqlState: "?????", message: "no value at \(sourceLocation)") }
    return value
}

/// A statement on its own thread, so that the test thread can go on while it waits for a lock.
/// The connection is used by one thread at a time: the test thread touches it again only after
/// `result()` has returned.
final class Background: @unchecked Sendable {
    private let outcome = Mutex<PGError??>(nil)

    init(_ connection: Connection, _ body: @escaping @Sendable (Connection) throws -> Void) {
        let box = MatrixConnectionBox(connection)
        Thread {
            let error = MatrixStage.attempt { try body(box.connection) }
            self.outcome.withLock { $0 = .some(error) }
        }.start()
    }

    var isDone: Bool { outcome.withLock { $0 != nil } }

    /// Waits for the statement and returns its error, or nil when it succeeded.
    func result() -> PGError? {
        while !isDone { usleep(1_000) }
        return outcome.withLock { $0 ?? nil }
    }
}

/// Hands a connection to the thread that writes A's statement while this one waits (the connection
/// is used by one thread at a time: the test thread touches it again only after that one is done).
final class MatrixConnectionBox: @unchecked Sendable {
    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }
}
