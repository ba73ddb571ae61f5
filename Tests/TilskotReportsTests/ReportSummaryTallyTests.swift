import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotDevData
import TilskotReports
import TilskotStore
import TilskotTestSupport

/// The summaries `report applicants`, `report caseload` and `report followup` read (SQL/schema/
/// 14_report_summaries.sql) give exactly what the reports gave when they aggregated the rows themselves: after a long
/// random mix of lifecycle and follow-up steps through the service layer, after plain SQL from
/// logins with psql, after the bulk import and after the synthetic data set's set-based statements,
/// each report's query returns the same columns and the same text in every cell as the plain query
/// it replaced (kept below), and each summary table equals its plain aggregate.
@Suite("report summaries equal the plain aggregates")
struct ReportSummaryTallyTests {
    static let caseworker = "rst_kari"
    static let otherCaseworker = "rst_ola"
    static let manager = "rst_mona"
    static let appealManager = "rst_per"
    static let finance = "rst_fia"
    static let auditor = "rst_aud"
    /// Pays what `finance` attested: the payer is not the attester (SQL/schema/09_payments.sql).
    static let payer = "rst_finn"
    /// Registers the appeals: the manager who registered an appeal does not decide it (08_appeals_withdrawals_moves.sql), so the
    /// deciders are others.
    static let appealRegistrar = "rst_ida"
    static func users(_ db: TestDatabase) throws {
        try db.addUsers([caseworker: .caseworker, otherCaseworker: .caseworker, manager: .manager,
                         appealManager: .manager, finance: .finance, auditor: .auditor, payer: .finance,
                         appealRegistrar: .manager])
    }

    // MARK: the plain queries the reports ran before the summaries (as of commit e29ae38)

    static let plainApplicants = """
        SELECT s.code AS scheme, o.kind,
               CASE WHEN o.kind NOT IN ('voluntary', 'other') THEN ''
                    WHEN o.member_based AND o.external_board THEN 'member_based_and_external_board'
                    WHEN o.member_based THEN 'member_based'
                    WHEN o.external_board THEN 'external_board'
                    ELSE 'neither' END AS governance,
               count(DISTINCT o.id) AS organisations,
               count(*) AS applications,
               count(*) FILTER (WHERE d.outcome IN ('granted', 'partially_granted')) AS grants,
               sum(a.amount_applied_ore) AS requested_ore,
               coalesce(sum(d.amount_ore) FILTER (WHERE d.outcome IN ('granted', 'partially_granted')), 0) AS granted_ore
        FROM tilskot.round r
        JOIN tilskot.scheme s ON s.id = r.scheme_id
        JOIN tilskot.application a ON a.round_id = r.id
        JOIN tilskot.organisation o ON o.id = a.organisation_id
        LEFT JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
        WHERE r.year = $1
        GROUP BY s.code, o.kind, 3
        ORDER BY s.code, o.kind, 3
        """

    static let plainCaseload = """
        WITH cases AS (
            SELECT a.status, a.received,
                   coalesce(g.caseworker, asm.assessor, '(unassigned)') AS caseworker,
                   fd.decision_date - a.received AS days_to_decision,
                   coalesce(ap.appeals, 0) AS appeals, coalesce(ap.upheld, 0) AS upheld,
                   coalesce(ap.changed, 0) AS changed, coalesce(ap.pending, 0) AS pending_appeals
            FROM tilskot.application a
            JOIN tilskot.round r ON r.id = a.round_id
            LEFT JOIN LATERAL (SELECT caseworker FROM tilskot.assignment g
                               WHERE g.application_id = a.id ORDER BY g.id DESC LIMIT 1) g ON true
            LEFT JOIN tilskot.assessment asm ON asm.application_id = a.id AND asm.is_current
            LEFT JOIN LATERAL (SELECT decision_date FROM tilskot.decision d
                               WHERE d.application_id = a.id ORDER BY d.id LIMIT 1) fd ON true
            LEFT JOIN LATERAL (SELECT count(*) AS appeals,
                                      count(*) FILTER (WHERE p.outcome = 'upheld') AS upheld,
                                      count(*) FILTER (WHERE p.outcome = 'changed') AS changed,
                                      count(*) FILTER (WHERE p.outcome IS NULL) AS pending
                               FROM tilskot.appeal p WHERE p.application_id = a.id) ap ON true
            WHERE ($1::int IS NULL OR r.year = $1)
        )
        SELECT caseworker, CASE WHEN GROUPING(status) = 1 THEN 'all' ELSE status END AS status,
               count(*) AS applications,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_decision) AS median_days_to_decision,
               count(days_to_decision) AS decided,
               sum(appeals) AS appeals, sum(upheld) AS appeals_upheld, sum(changed) AS appeals_changed,
               sum(pending_appeals) AS appeals_pending
        FROM cases
        GROUP BY GROUPING SETS ((caseworker, status), (caseworker))
        ORDER BY caseworker, GROUPING(status), status
        """

    static let plainFollowup = """
        SELECT s.code AS scheme, r.year, r.frame_ore,
               count(g.application_id) AS grants,
               coalesce(sum(g.granted_ore), 0) AS granted_ore,
               coalesce(sum(g.planned_ore), 0) AS planned_ore,
               coalesce(sum(g.paid_ore), 0) AS paid_ore,
               coalesce(sum(g.clawed_back_ore), 0) AS clawed_back_ore,
               coalesce(sum(g.repaid_ore), 0) AS repaid_ore,
               coalesce(sum(g.net_ore), 0) AS net_ore,
               coalesce(sum(g.unused_ore), 0) AS unused_ore,
               count(*) FILTER (WHERE g.clawed_back_ore > 0) AS clawbacks,
               count(rd.id) AS reports_required,
               count(rd.id) FILTER (WHERE rep.status = 'approved') AS reports_approved,
               count(rd.id) FILTER (WHERE rep.status = 'received') AS reports_awaiting_review,
               count(rd.id) FILTER (WHERE rep.status IS NULL AND rd.due_date >= tilskot.today()) AS reports_due,
               count(rd.id) FILTER (WHERE rep.status IS NULL AND rd.due_date < tilskot.today()) AS reports_overdue
        FROM tilskot.round r
        JOIN tilskot.scheme s ON s.id = r.scheme_id
        LEFT JOIN tilskot.grant_money g ON g.round_id = r.id
        LEFT JOIN tilskot.report_duty rd ON rd.application_id = g.application_id AND rd.is_current
        LEFT JOIN LATERAL (SELECT rr.status FROM tilskot.recipient_report rr
                           WHERE rr.application_id = g.application_id AND rr.status IN ('received', 'approved')
                           ORDER BY rr.status = 'approved' DESC LIMIT 1) rep ON true
        WHERE r.year = $1
        GROUP BY r.id, s.code
        ORDER BY s.code
        """

    // MARK: comparisons

    static let plainEquality = """
        SELECT now() AS read_at,
               (SELECT max(at) FROM tilskot.audit_log) AS last_change,
               coalesce((SELECT json_agg(x ORDER BY x.frame_ore DESC, x.scheme) FROM (
                   SELECT s.code AS scheme, s.name, s.goal, s.target_group, r.year,
                          r.initial_frame_ore, r.frame_ore,
                          (SELECT coalesce(json_agg(json_build_object('amount_ore', f.amount_ore, 'reason', f.reason)
                                                    ORDER BY f.id), '[]'::json)
                             FROM tilskot.frame_adjustment f WHERE f.round_id = r.id) AS adjustments,
                          count(a.id) AS applications,
                          count(*) FILTER (WHERE d.outcome = 'granted') AS granted,
                          count(*) FILTER (WHERE d.outcome = 'partially_granted') AS partially_granted,
                          count(*) FILTER (WHERE d.outcome = 'rejected') AS rejected,
                          count(*) FILTER (WHERE d.outcome = 'dismissed') AS dismissed,
                          count(*) FILTER (WHERE a.status = 'withdrawn') AS withdrawn,
                          count(*) FILTER (WHERE a.status IN ('received', 'in_review', 'assessed')) AS pending,
                          coalesce(sum(a.amount_applied_ore), 0) AS requested_ore,
                          coalesce(sum(d.amount_ore) FILTER (WHERE d.outcome IN ('granted', 'partially_granted')), 0) AS granted_ore
                   FROM tilskot.round r
                   JOIN tilskot.scheme s ON s.id = r.scheme_id
                   LEFT JOIN tilskot.application a ON a.round_id = r.id
                   LEFT JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
                   WHERE r.year = $1
                   GROUP BY r.id, s.id) x), '[]'::json) AS rounds,
               coalesce((SELECT json_agg(c ORDER BY c.code IS NULL, c.code) FROM (
                   SELECT CASE WHEN $2 = '2024' THEN m.county_code_2024 ELSE m.county_code_2020 END AS code,
                          CASE WHEN $2 = '2024' THEN m.county_name_2024 ELSE m.county_name_2020 END AS name,
                          count(*) AS applications,
                          count(*) FILTER (WHERE d.outcome IN ('granted', 'partially_granted')) AS grants,
                          coalesce(sum(d.amount_ore) FILTER (WHERE d.outcome IN ('granted', 'partially_granted')), 0) AS granted_ore
                   FROM tilskot.round r
                   JOIN tilskot.application a ON a.round_id = r.id
                   JOIN tilskot.organisation o ON o.id = a.organisation_id
                   LEFT JOIN tilskot.municipality_ref m ON m.code = o.municipality
                   LEFT JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
                   WHERE r.year = $1
                   GROUP BY 1, 2) c), '[]'::json) AS counties
        """

    /// Each report's query against its plain query, cell by cell as text, for every year with rounds
    /// (and the caseload over all years); the differences as sentences.
    static func reportMismatches(_ c: Connection) throws -> [String] {
        let years = try c.query("SELECT DISTINCT year FROM tilskot.round ORDER BY year").map { try $0.int("year") }
        var problems: [String] = []
        func compare(_ name: String, _ summarised: String, _ plain: String, _ parameter: Int?,
                     _ more: [any SQLParameter] = []) throws {
            let parameters: [any SQLParameter] = [parameter] + more
            let kept = try c.query(summarised, parameters)
            let direct = try c.query(plain, parameters)
            let keptCells = kept.map { $0.values }, directCells = direct.map { $0.values }
            if kept.first?.columns != direct.first?.columns && !(kept.isEmpty && direct.isEmpty) {
                problems.append("\(name) \(parameter.map(String.init) ?? "all years"): columns \(kept.first?.columns ?? []) but plain \(direct.first?.columns ?? [])")
            }
            if keptCells != directCells {
                problems.append("\(name) \(parameter.map(String.init) ?? "all years"): \(keptCells) but plain \(directCells)")
            }
        }
        for year in years {
            try compare("applicants", ApplicantsQuery.sql, plainApplicants, year)
            try compare("caseload", CaseloadQuery.sql, plainCaseload, year)
            try compare("followup", FollowupQuery.sql, plainFollowup, year)
            // The equality section without its clock (now() differs between the two statements).
            for division in ["2020", "2024"] {
                try compare("equality (\(division) division)", "SELECT last_change, rounds, counties FROM (\(EqualityQuery.sql)) q",
                            "SELECT last_change, rounds, counties FROM (\(plainEquality)) q", year, [division])
            }
        }
        try compare("caseload", CaseloadQuery.sql, plainCaseload, nil)
        // `followup summary`: every round's money from the summaries, against the view that adds up
        // every grant (what the command read before).
        try compare("followup summary", GrantMoney.roundsSQL, """
            SELECT scheme || '/' || year AS key, frame_ore, grants, granted_ore, planned_ore, paid_ore,
                   clawed_back_ore, repaid_ore, net_ore, unused_ore
              FROM tilskot.round_money WHERE ($1::bigint IS NULL OR round_id = $1)
             ORDER BY scheme, year
            """, nil)
        // `round show` and the round page: each round's amount applied for and counts by status from
        // the summaries (tilskot.round_figures), against the round's application rows.
        try compare("round figures", """
            SELECT r.id, f.requested_ore, f.counts FROM tilskot.round r, tilskot.round_figures(r.id) f
             WHERE $1::bigint IS NULL ORDER BY r.id
            """, """
            SELECT r.id, coalesce((SELECT sum(a.amount_applied_ore) FROM tilskot.application a WHERE a.round_id = r.id), 0)::bigint AS requested_ore,
                   coalesce((SELECT string_agg(c.status || '=' || c.n, ',' ORDER BY c.status)
                               FROM (SELECT a.status, count(*) AS n FROM tilskot.application a
                                      WHERE a.round_id = r.id GROUP BY a.status) c), '') AS counts
              FROM tilskot.round r WHERE $1::bigint IS NULL ORDER BY r.id
            """, nil)
        return problems
    }

    /// Each summary table against the plain aggregate over the rows it summarises (zero rows aside).
    static func tableMismatches(_ c: Connection) throws -> [String] {
        try c.query("""
            WITH plain_applicants AS (
                SELECT a.round_id, o.kind, o.member_based, o.external_board, count(DISTINCT o.id) AS organisations
                FROM tilskot.application a JOIN tilskot.organisation o ON o.id = a.organisation_id
                GROUP BY 1, 2, 3, 4),
            kept_applicants AS (
                SELECT round_id, kind, member_based, external_board, organisations
                FROM tilskot.applicant_tally WHERE organisations <> 0),
            plain_cases AS (
                SELECT a.round_id, coalesce(g.caseworker, asm.assessor, '(unassigned)') AS caseworker, a.status,
                       fd.decision_date IS NOT NULL AS decided, coalesce(fd.decision_date - a.received, 0) AS days_to_decision,
                       coalesce(ap.appeals, 0) AS appeals, coalesce(ap.upheld, 0) AS upheld,
                       coalesce(ap.changed, 0) AS changed, coalesce(ap.pending, 0) AS pending
                FROM tilskot.application a
                LEFT JOIN LATERAL (SELECT caseworker FROM tilskot.assignment g
                                   WHERE g.application_id = a.id ORDER BY g.id DESC LIMIT 1) g ON true
                LEFT JOIN tilskot.assessment asm ON asm.application_id = a.id AND asm.is_current
                LEFT JOIN LATERAL (SELECT decision_date FROM tilskot.decision d
                                   WHERE d.application_id = a.id ORDER BY d.id LIMIT 1) fd ON true
                LEFT JOIN LATERAL (SELECT count(*) AS appeals, count(*) FILTER (WHERE p.outcome = 'upheld') AS upheld,
                                          count(*) FILTER (WHERE p.outcome = 'changed') AS changed,
                                          count(*) FILTER (WHERE p.outcome IS NULL) AS pending
                                   FROM tilskot.appeal p WHERE p.application_id = a.id) ap ON true),
            plain_caseload AS (
                SELECT round_id, caseworker, status, decided, days_to_decision, count(*) AS applications,
                       sum(appeals) AS appeals, sum(upheld) AS appeals_upheld, sum(changed) AS appeals_changed,
                       sum(pending) AS appeals_pending
                FROM plain_cases GROUP BY 1, 2, 3, 4, 5),
            kept_caseload AS (
                SELECT round_id, caseworker, status, decided, days_to_decision, applications, appeals, appeals_upheld,
                       appeals_changed, appeals_pending
                FROM tilskot.caseload_tally
                WHERE (applications, appeals, appeals_upheld, appeals_changed, appeals_pending) <> (0, 0, 0, 0, 0)),
            plain_followup AS (
                SELECT g.round_id, coalesce(rd.due_date, 'infinity'::date) AS due_date,
                       sum(g.planned_ore) AS planned_ore, sum(g.paid_ore) AS paid_ore,
                       sum(g.clawed_back_ore) AS clawed_back_ore, sum(g.repaid_ore) AS repaid_ore,
                       count(*) FILTER (WHERE g.clawed_back_ore > 0) AS clawbacks,
                       count(rd.id) AS reports_required,
                       count(rd.id) FILTER (WHERE rep.status = 'approved') AS reports_approved,
                       count(rd.id) FILTER (WHERE rep.status = 'received') AS reports_awaiting_review,
                       count(rd.id) FILTER (WHERE rep.status IS NULL) AS reports_open
                FROM tilskot.grant_money g
                LEFT JOIN tilskot.report_duty rd ON rd.application_id = g.application_id AND rd.is_current
                LEFT JOIN LATERAL (SELECT rr.status FROM tilskot.recipient_report rr
                                   WHERE rr.application_id = g.application_id AND rr.status IN ('received', 'approved')
                                   ORDER BY rr.status = 'approved' DESC LIMIT 1) rep ON true
                GROUP BY 1, 2
                HAVING (sum(g.planned_ore), sum(g.paid_ore), sum(g.clawed_back_ore), sum(g.repaid_ore), count(rd.id))
                       <> (0, 0, 0, 0, 0)),
            kept_followup AS (
                SELECT round_id, due_date, planned_ore, paid_ore, clawed_back_ore, repaid_ore, clawbacks, reports_required,
                       reports_approved, reports_awaiting_review, reports_open
                FROM tilskot.followup_tally
                WHERE (planned_ore, paid_ore, clawed_back_ore, repaid_ore, clawbacks, reports_required, reports_approved,
                       reports_awaiting_review, reports_open) <> (0, 0, 0, 0, 0, 0, 0, 0, 0))
            SELECT 'applicant_tally ' || coalesce(to_jsonb(k)::text, 'missing') || ' plain ' || coalesce(to_jsonb(p)::text, 'missing') AS problem
            FROM kept_applicants k FULL JOIN plain_applicants p USING (round_id, kind, member_based, external_board)
            WHERE to_jsonb(k) IS DISTINCT FROM to_jsonb(p)
            UNION ALL
            SELECT 'caseload_tally ' || coalesce(to_jsonb(k)::text, 'missing') || ' plain ' || coalesce(to_jsonb(p)::text, 'missing')
            FROM kept_caseload k FULL JOIN plain_caseload p USING (round_id, caseworker, status, decided, days_to_decision)
            WHERE to_jsonb(k) IS DISTINCT FROM to_jsonb(p)
            UNION ALL
            SELECT 'followup_tally ' || coalesce(to_jsonb(k)::text, 'missing') || ' plain ' || coalesce(to_jsonb(p)::text, 'missing')
            FROM kept_followup k FULL JOIN plain_followup p USING (round_id, due_date)
            WHERE to_jsonb(k) IS DISTINCT FROM to_jsonb(p)
            """).map { try $0.string("problem") }
    }

    static func mismatches(_ db: TestDatabase) throws -> [String] {
        let c = try db.connect()
        return try reportMismatches(c) + tableMismatches(c)
    }

    /// Runs one step; false when a rule said no (refusals are part of the mix), rethrows anything else.
    static func attempt(_ body: () throws -> Void) throws -> Bool {
        do {
            try body()
            return true
        } catch let error as TilskotError {
            if case .refused = error { return false }
            throw error
        } catch let error as PGError {
            // Plain SQL refused by a trigger's rule (SQLSTATE class 23, 42T…) is a refusal too.
            if error.sqlState.hasPrefix("23") || error.sqlState.hasPrefix("42T") { return false }
            throw error
        }
    }

    /// A valid organisation number from eight digits (the ninth is the MOD11 check digit), or nil.
    static func orgnr(_ firstEight: Int) -> OrganisationNumber? {
        let digits = String(firstEight)
        guard let check = OrganisationNumber.checkDigit(forFirstEight: digits) else { return nil }
        return try? OrganisationNumber(digits + String(check))
    }

    // MARK: tests

    @Test("after an import and 800 random lifecycle and follow-up steps, service layer and plain SQL, the reports read from summaries (applicants, caseload, followup, equality) give what the plain aggregates give")
    func randomOperations() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        try Self.users(db)
        let manager = try db.session(as: Self.manager)
        let appealManager = try db.session(as: Self.appealManager)
        let caseworkers = [try db.session(as: Self.caseworker), try db.session(as: Self.otherCaseworker)]
        let finance = try db.session(as: Self.finance)
        let payer = try db.session(as: Self.payer)
        let appealRegistrar = try db.session(as: Self.appealRegistrar)
        _ = try Schemes.create(.init(code: try SchemeCode("JS"), name: "Jobbsjansen", applicantKinds: [.municipality, .voluntary]),
                               session: manager)
        _ = try Schemes.create(.init(code: try SchemeCode("FR"), name: "Frivillig", applicantKinds: [.voluntary, .other]),
                               session: manager)
        let rounds = [try RoundKey("JS/2021"), try RoundKey("JS/2022"), try RoundKey("FR/2021")]
        for round in rounds {
            _ = try Rounds.open(round, frame: Money(kroner: 40_000_000), opens: try CalendarDate("\(round.year)-01-04"),
                                closes: try CalendarDate("\(round.year)-03-01"), session: manager)
        }
        // Voluntary and other organisations of every governance, registered by the caseworker.
        var volunteers: [OrganisationNumber] = []
        var others: [OrganisationNumber] = []
        var candidate = 91_000_000
        while volunteers.count + others.count < 10 {
            candidate += 7
            guard let number = Self.orgnr(candidate) else { continue }
            let n = volunteers.count + others.count
            let kind: ApplicantKind = n < 7 ? .voluntary : .other
            _ = try Organisations.add(.init(number: number, name: "Lag \(n)", kind: kind, municipality: try MunicipalityNumber("0301"),
                                            memberBased: n % 2 == 0, externalBoard: n % 3 == 0), session: caseworkers[0])
            if kind == .voluntary { volunteers.append(number) } else { others.append(number) }
        }
        var random = TestRandom(seed: 20_261_125)
        // 45 applications through the bulk import (one INSERT … SELECT), from municipalities it creates.
        let municipalities = [("958935420", "Oslo kommune", "0301"), ("964965226", "Stavanger kommune", "1103"),
                              ("964338531", "Kristiansand kommune", "4204")]
        for (index, round) in rounds.prefix(2).enumerated() {
            var csv = "orgnr,title,amount,received,external_ref,org_name,org_kind,org_municipality\n"
            for n in 1...(index == 0 ? 25 : 20) {
                let org = municipalities[n % municipalities.count]
                csv += "\(org.0),Søknad \(n),\(50_000 + random.below(20) * 25_000),\(round.year)-02-\(10 + n % 15),I\(index)-\(n),\(org.1),municipality,\(org.2)\n"
            }
            let file = FileManager.default.temporaryDirectory.appending(path: "rst-\(UUID().uuidString).csv")
            try csv.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            _ = try ApplicationImport.run(file: file, options: .init(round: round), session: caseworkers[0])
        }
        let afterImport = try Self.mismatches(db)
        #expect(afterImport.isEmpty, "after the import: \(afterImport.joined(separator: "; "))")

        var registered = 0
        func register() throws {
            let round = rounds[random.below(rounds.count)]
            let org = round.scheme.description == "FR"
                ? (random.below(3) == 0 ? others[random.below(others.count)] : volunteers[random.below(volunteers.count)])
                : (random.below(2) == 0 ? volunteers[random.below(volunteers.count)] : try OrganisationNumber(municipalities[random.below(3)].0))
            registered += 1
            _ = try Applications.register(.init(round: round, organisation: org, title: "Søknad R\(registered)",
                                                amount: Money(kroner: Int64(100_000 + 50_000 * random.below(10))),
                                                received: try CalendarDate("\(round.year)-02-\(10 + random.below(15))")),
                                          session: caseworkers[random.below(2)])
        }
        for _ in 1...25 { try register() }

        let caseworkerLogin = try db.connect(asLogin: Self.caseworker)
        let managerLogin = try db.connect(asLogin: Self.manager)
        func references() throws -> [ApplicationReference] {
            try db.connect().query("SELECT reference FROM tilskot.application ORDER BY id").map { try ApplicationReference(try $0.string("reference")) }
        }
        func ids(_ sql: String, _ reference: ApplicationReference) throws -> [Int64] {
            try db.connect().query(sql, [reference.description]).map { try $0.int64("id") }
        }
        var all = try references()
        /// A random application in one of the statuses a step applies to (most of the time), so that
        /// the mix reaches follow-up; now and then any application, so that refusals are in it too.
        func pick(_ statuses: [String]) throws -> ApplicationReference {
            let fitting = try db.connect().query("SELECT reference FROM tilskot.application WHERE status = ANY ($1::text[]) ORDER BY id",
                                                 ["{" + statuses.joined(separator: ",") + "}"])
            if fitting.isEmpty || random.below(10) == 0 { return all[random.below(all.count)] }
            return try ApplicationReference(try fitting[random.below(fitting.count)].string("reference"))
        }
        let handled = ["received", "in_review", "assessed"]
        let decided = ["granted", "partially_granted", "rejected", "dismissed"]
        let grantedOrFollowed = ["granted", "partially_granted", "in_follow_up"]
        var done = [Int: Int]()
        let today = try db.today()   // the installation's day, as the database judges dates
        for step in 1...800 {
            let action = random.below(22)
            let reference: ApplicationReference
            switch action {
            case 0: reference = try pick(handled + ["appealed"])
            case 1, 2, 8, 9: reference = try pick(handled)
            case 3, 4, 5: reference = try pick(["assessed"])
            case 6: reference = try pick(decided)
            case 7: reference = try pick(["appealed"])
            case 10, 11: reference = try pick(grantedOrFollowed)
            case 12...19: reference = try pick(["in_follow_up"])
            default: reference = all[random.below(all.count)]
            }
            let worked = try Self.attempt {
                switch action {
                case 0:
                    _ = try Applications.assign(reference, to: [Self.caseworker, Self.otherCaseworker][random.below(2)], session: manager)
                case 1, 2:
                    let recommendation: Recommendation = [.grant, .partial, .reject][random.below(3)]
                    _ = try Assessments.assess(reference, score: 1 + random.below(5), recommendation: recommendation,
                                               amount: recommendation == .partial ? Money(kroner: 20_000) : nil,
                                               session: caseworkers[random.below(2)])
                case 3, 4, 5:
                    let applied = try db.connect().queryValue("SELECT amount_applied_ore FROM tilskot.application WHERE reference = $1",
                                                              [reference.description], as: Int64.self) ?? 0
                    let request: DecisionRequest = [.grant(Money(ore: applied)), .grant(Money(kroner: 30_000)), .reject, .dismiss][random.below(4)]
                    let year = reference.year
                    _ = try Decisions.decide(reference, request, reasons: "Grunngiving.",
                                             date: try CalendarDate("\(year)-04-01").adding(days: random.below(60)), session: manager)
                case 6:
                    // No notice is recorded in the mix, so the deadline has not started: every appeal is in time.
                    _ = try Appeals.register(reference, received: today, grounds: "Klage.", session: appealRegistrar)
                case 7:
                    // A change (omgjering), or the appeal dismissed with the decision left in force.
                    switch random.below(3) {
                    case 0: _ = try Decisions.decide(reference, .grant(Money(kroner: 40_000)), reasons: "Klagevedtak.", session: appealManager)
                    case 1: _ = try Decisions.decide(reference, .reject, reasons: "Klagevedtak.", session: appealManager)
                    default: _ = try Appeals.dismiss(reference, ground: .withdrawn, reasons: "Klaga er trekt.", session: appealManager)
                    }
                case 8:
                    _ = try Applications.withdraw(reference, reason: "Trekt.", session: caseworkers[0])
                case 9:
                    let target = reference.prefix == "FR" ? rounds[2] : rounds[random.below(2)]
                    _ = try Applications.move(reference, to: target, reason: "Flytt.", session: caseworkers[0])
                case 10, 11:
                    _ = try Payments.plan(reference, instalments: try InstalmentSpec.parseList("50%:\(reference.year)-06-01,50%:\(reference.year)-09-01"),
                                          account: try BankAccountNumber("8601 11 17947"), session: caseworkers[0])
                case 12:
                    let planned = try ids("""
                        SELECT p.id FROM tilskot.payment p JOIN tilskot.application a ON a.id = p.application_id
                        WHERE a.reference = $1 AND p.status IN ('planned', 'attested') ORDER BY p.id
                        """, reference)
                    guard let first = planned.first else { throw TilskotError.refused("no payment") }
                    _ = try Payments.attest([first], session: finance)
                    _ = try Payments.pay([first], voucher: "B-\(step)", date: today, session: payer)
                case 13:
                    let open = try ids("""
                        SELECT p.id FROM tilskot.payment p JOIN tilskot.application a ON a.id = p.application_id
                        WHERE a.reference = $1 AND p.status IN ('planned', 'attested', 'withheld') ORDER BY p.id
                        """, reference)
                    guard let id = open.first else { throw TilskotError.refused("no payment") }
                    if random.below(2) == 0 {
                        _ = try Payments.withhold(id, reason: "Rapport manglar.", session: manager)
                    } else {
                        _ = try Payments.release(id, reason: "Rapport kom.", session: manager)
                    }
                case 14:
                    let due = random.below(2) == 0 ? "2022-03-31" : "2099-03-31"
                    _ = try RecipientReports.setDuty(reference, projectEnd: try CalendarDate("2021-12-31"), due: try CalendarDate(due),
                                                     session: caseworkers[0])
                case 15:
                    _ = try RecipientReports.receive(reference, date: today, accountApproved: random.below(3) > 0,
                                                     session: caseworkers[0])
                case 16:
                    if random.below(3) == 0 {
                        _ = try RecipientReports.reject(reference, reasons: "Manglar rekneskap.", session: caseworkers[1])
                    } else {
                        _ = try RecipientReports.approve(reference, session: caseworkers[1])
                    }
                case 17:
                    _ = try ClawBacks.demand(reference, amount: Money(kroner: Int64(5_000 * (1 + random.below(4)))), reasons: "Ubrukte midlar.",
                                             due: today.adding(days: 30),
                                             withoutNotice: "fvl. § 16 tredje ledd bokstav c: mottakaren har sjølv rapportert dei ubrukte midlane",
                                             session: manager)
                case 18:
                    let claws = try ids("""
                        SELECT c.id FROM tilskot.clawback c JOIN tilskot.application a ON a.id = c.application_id
                        WHERE a.reference = $1 ORDER BY c.id
                        """, reference)
                    guard let id = claws.last else { throw TilskotError.refused("no claw-back") }
                    switch random.below(4) {
                    case 0: _ = try ClawBacks.appeal(id, received: today, grounds: "Klage på krav.",
                                                     lateReason: "Sein.", session: manager)
                    case 1: _ = try ClawBacks.resolve(id, .cancel, reasons: "Kravet fell bort.", session: manager)
                    case 2: _ = try ClawBacks.resolve(id, .reduce(to: Money(kroner: 1_000)), reasons: "Redusert.", session: manager)
                    default: _ = try ClawBacks.repay(id, amount: Money(kroner: 1_000), date: today, session: finance)
                    }
                case 19:
                    _ = try Closing.close(reference, session: manager)
                case 20:
                    try register()
                    all = try references()
                default:
                    // Plain SQL from logins with psql: the summaries are kept by the tables' own triggers.
                    let id = try ids("SELECT id FROM tilskot.application WHERE reference = $1", reference)[0]
                    if random.below(2) == 0 {
                        try caseworkerLogin.execute("INSERT INTO tilskot.assignment (application_id, caseworker) VALUES ($1, $2)",
                                                    [id, Self.caseworker])
                    } else {
                        try managerLogin.execute("""
                            INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date)
                            VALUES ($1, 'rejected', 0, 'Avslag i psql.', '\(reference.year)-05-02')
                            """, [id])
                    }
                }
            }
            if worked { done[action, default: 0] += 1 }
            if step % 100 == 0 {
                let problems = try Self.mismatches(db)
                #expect(problems.isEmpty, "after step \(step): \(problems.joined(separator: "; "))")
            }
        }
        // The mix reached what the reports are about.
        let c = try db.connect()
        let reached = try c.query("""
            SELECT (SELECT count(*) FROM tilskot.payment WHERE status = 'paid') AS paid,
                   (SELECT count(*) FROM tilskot.payment WHERE status = 'withheld') AS withheld,
                   (SELECT count(*) FROM tilskot.recipient_report WHERE status = 'approved') AS approved,
                   (SELECT count(*) FROM tilskot.clawback) AS clawbacks,
                   (SELECT count(*) FROM tilskot.repayment) AS repayments,
                   (SELECT count(*) FROM tilskot.appeal WHERE outcome IS NOT NULL) AS appeals_resolved,
                   (SELECT count(*) FROM tilskot.round_move) AS moves,
                   (SELECT count(*) FROM tilskot.report_duty WHERE due_date < tilskot.today() AND is_current) AS overdue_duties
            """)[0]
        for column in reached.columns {
            #expect(try reached.int(column) > 0, "no \(column) in the mix: \(done)")
        }
        #expect(done.count >= 18, "\(done)")
    }

    @Test("the synthetic data set (import, then statuses and follow-up in set-based chunks) keeps the summaries equal to the plain aggregates")
    func syntheticDataSet() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        let target = DatabaseTarget(conninfo: db.url, source: .explicit)
        let file = FileManager.default.temporaryDirectory.appending(path: "rst-dev-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try DevDataLoader.setUp(DevDataPlan(applications: 600, seed: 5), target: target, file: file)
        _ = try DevDataLoader.importApplications(file: file, target: target)
        let afterImport = try Self.mismatches(db)
        #expect(afterImport.isEmpty, "after the import: \(afterImport.joined(separator: "; "))")
        _ = try DevDataLoader.applyStatuses(target: target)
        let afterStatuses = try Self.mismatches(db)
        #expect(afterStatuses.isEmpty, "after the statuses: \(afterStatuses.joined(separator: "; "))")
        let grants = try db.connect().queryValue("SELECT count(*) FROM tilskot.grant_followup", as: Int.self) ?? 0
        #expect(grants > 0)
    }

    @Test("nobody writes the summaries or runs their recounts by hand; every reader of the lifecycle reads them")
    func nobodyWritesTheSummaries() throws {
        let db = try TestDatabase.create()
        defer { db.drop() }
        try Self.users(db)
        for login in [Self.caseworker, Self.manager, Self.finance] {
            let c = try db.connect(asLogin: login)
            for statement in [
                "INSERT INTO tilskot.applicant_tally (round_id, kind, member_based, external_board, organisations) VALUES (1, 'voluntary', false, false, 1)",
                "UPDATE tilskot.caseload_tally SET applications = applications + 1",
                "DELETE FROM tilskot.followup_tally",
                "UPDATE tilskot.grant_followup SET paid_ore = 0",
                "DELETE FROM tilskot.application_caseload",
                "DELETE FROM tilskot.round_applicant",
                "SELECT tilskot.caseload_recount(ARRAY[1]::bigint[])",
                "SELECT tilskot.followup_recount(ARRAY[1]::bigint[])",
            ] {
                #expect(throws: PGError.self, "\(login): \(statement)") { try c.execute(statement) }
            }
        }
        let auditor = try db.connect(asLogin: Self.auditor)
        for table in ["applicant_tally", "round_applicant", "caseload_tally", "application_caseload", "followup_tally", "grant_followup"] {
            #expect(try auditor.queryValue("SELECT count(*) FROM tilskot.\(table)", as: Int.self) == 0)
        }
    }
}
