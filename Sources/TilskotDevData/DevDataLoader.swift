import Foundation
import PGClient
import TilskotCore
import TilskotStore

/// Loads a DevDataPlan into a database: schemes and rounds through the service layer, the
/// applications through the import path (`application import`), then a realistic mix of statuses
/// through the ordinary lifecycle rows — withdrawals, assignments, assessments, decisions, appeals
/// and their decisions — inserted set-based in chunks, so that every trigger (state machine,
/// four-eyes, the frame under its lock, the audit log) checks every step as it would for a person.
///
/// The mix follows from each application's external reference (a hash), so it is deterministic:
/// past years are decided (about 2 % withdrawn, 1 % dismissed, the rest assessed and decided:
/// 62 % full grants, 16 % partial, 22 % rejections; 6 % appealed, half of those resolved); the
/// current year is still in progress (received, in review, assessed, partly decided).
public enum DevDataLoader {
    /// The people the data set is made by (created when missing).
    public static let caseworker = "dev_caseworker"
    public static let assessor = "dev_assessor"
    public static let manager = "dev_manager"
    public static let appealManager = "dev_manager2"
    public static let finance = "dev_finance"
    /// Pays what dev_finance attested: the payer is not the attester (to-personskontroll,
    /// SQL/schema/09_payments.sql), so a paid instalment takes two finance users.
    public static let payer = "dev_payer"

    /// Applications per chunk of lifecycle work: one transaction each.
    static let chunk = 5_000

    /// Step 1: the users, schemes and rounds, and the import file at `file`.
    public static func setUp(_ plan: DevDataPlan, target: DatabaseTarget, file: URL,
                             log: (String) -> Void = { _ in }) throws(TilskotError) {
        let admin = try Session.open(target)
        try Users.add(caseworker, role: .caseworker, fullName: "Synthetic caseworker", session: admin)
        try Users.add(assessor, role: .caseworker, fullName: "Synthetic assessor", session: admin)
        try Users.add(manager, role: .manager, fullName: "Synthetic manager", session: admin)
        try Users.add(appealManager, role: .manager, fullName: "Synthetic appeals manager", session: admin)
        try Users.add(finance, role: .finance, fullName: "Synthetic finance officer", session: admin)
        try Users.add(payer, role: .finance, fullName: "Synthetic payment approver", session: admin)
        try createSchemesAndRounds(plan, try Session.open(target, actAs: manager))
        log("\(DevDataPlan.schemes.count) schemes, \(plan.rounds.count) rounds (\(DevDataPlan.years.lowerBound)–\(DevDataPlan.years.upperBound))")
        try plan.writeCSV(to: file)
        log("wrote \(plan.applications) applications to \(file.path)")
    }

    /// Step 2: the applications, through `application import` as the synthetic caseworker.
    public static func importApplications(file: URL, target: DatabaseTarget,
                                          progress: ((ApplicationImport.Progress) -> Void)? = nil) throws(TilskotError) -> ApplicationImport.Outcome {
        try ApplicationImport.run(file: file, options: .init(), session: try Session.open(target, actAs: caseworker),
                                  progress: progress)
    }

    /// Step 3: the mix of statuses, then the count per status.
    public static func applyStatuses(target: DatabaseTarget, log: (String) -> Void = { _ in }) throws(TilskotError) -> [(String, Int)] {
        let roles = Roles(caseworker: try Session.open(target, actAs: caseworker),
                          assessor: try Session.open(target, actAs: assessor),
                          manager: try Session.open(target, actAs: manager),
                          appealManager: try Session.open(target, actAs: appealManager),
                          finance: try Session.open(target, actAs: finance),
                          payer: try Session.open(target, actAs: payer))
        try applyStatusMix(roles, log: log)
        let session = roles.manager
        return try session.run {
            try session.connection.query("""
                SELECT status, count(*) AS n FROM tilskot.application a JOIN tilskot.scheme s ON s.id = a.scheme_id
                WHERE s.code = ANY ($1::text[]) GROUP BY status ORDER BY status
                """, [DevDataPlan.schemes.map(\.code)]).map { (try $0.string("status"), try $0.int("n")) }
        }
    }

    struct Roles {
        let caseworker: Session
        let assessor: Session
        let manager: Session
        let appealManager: Session
        let finance: Session
        let payer: Session
    }

    static func createSchemesAndRounds(_ plan: DevDataPlan, _ session: Session) throws(TilskotError) {
        for spec in DevDataPlan.schemes {
            let code = try read { () throws(ValidationError) in try SchemeCode(spec.code) }
            if try Schemes.find(code, session: session) == nil {
                _ = try Schemes.create(.init(code: code, name: spec.name, applicantKinds: spec.kinds,
                                             referencePrefix: spec.code), session: session)
            }
        }
        try session.transaction(reason: "synthetic data set (tilskot dev generate)") {
            let c = session.connection
            for round in plan.rounds {
                // The frame is set once the applications are known (frame adjustment below).
                try c.execute("""
                    INSERT INTO tilskot.round (scheme_id, year, opens, closes, initial_frame_ore)
                    SELECT s.id, $2, $3::date, $4::date, 0 FROM tilskot.scheme s
                    WHERE s.code = $1 AND NOT EXISTS (SELECT 1 FROM tilskot.round r WHERE r.scheme_id = s.id AND r.year = $2)
                    """, [round.scheme.code, round.year, round.opens.description, round.closes.description])
            }
        }
    }

    static func read<T>(_ body: () throws(ValidationError) -> T) throws(TilskotError) -> T {
        do { return try body() } catch { throw .refused(error.message) }
    }

    /// Each application's fate, from a hash of its external reference: `b` (0–999) picks the path,
    /// `r` (0–99) the recommendation. SQL so that every step can select its rows set-based.
    static let fate = """
        FROM tilskot.application a
        JOIN tilskot.scheme s ON s.id = a.scheme_id
        JOIN tilskot.round ro ON ro.id = a.round_id
        CROSS JOIN LATERAL (SELECT abs(hashtext(a.external_ref)) AS h) x
        CROSS JOIN LATERAL (SELECT x.h % 1000 AS b, (x.h / 1000) % 100 AS r,
                                   ro.year >= extract(year FROM tilskot.today())::int AS current_year) f
        """
    static let ours = "s.code = ANY ($3::text[]) AND a.id BETWEEN $1 AND $2"
    /// The outcome a decided application gets from its recommendation.
    static let plannedOutcome = "CASE WHEN f.r < 62 THEN 'granted' WHEN f.r < 78 THEN 'partially_granted' ELSE 'rejected' END"
    static let partialAmount = "greatest(100000, a.amount_applied_ore * 6 / 10 / 100000 * 100000)"
    static let reasons = "'Søknaden er vurdert etter kriteria i regelverket for ordninga; sjå vedlagd grunngiving.'"
    /// Which applications get assessed and decided.
    static let assessed = "((NOT f.current_year AND f.b >= 30) OR (f.current_year AND f.b >= 500))"
    static let decided = "((NOT f.current_year AND f.b >= 30) OR (f.current_year AND f.b >= 700))"
    static let appealed = "(NOT f.current_year AND f.b BETWEEN 30 AND 89 AND \(plannedOutcome) = 'rejected')"
    static func decisionDate(_ base: String) -> String { "least(\(base) + 30 + x.h % 60, tilskot.today())" }

    static func applyStatusMix(_ roles: Roles, log: (String) -> Void) throws(TilskotError) {
        let codes = DevDataPlan.schemes.map(\.code)
        let bounds = try roles.manager.run {
            try roles.manager.connection.queryRow("""
                SELECT coalesce(min(a.id), 0) AS lo, coalesce(max(a.id), -1) AS hi
                FROM tilskot.application a JOIN tilskot.scheme s ON s.id = a.scheme_id
                WHERE s.code = ANY ($1::text[]) AND a.status = 'received'
                """, [codes])
        }
        guard let bounds else { return }
        let lo = try roles.manager.run { try bounds.int64("lo") }
        let hi = try roles.manager.run { try bounds.int64("hi") }
        guard hi >= lo else { return }

        // Frames: what the decisions below will grant, plus 5 %, as a frame adjustment per round.
        try roles.manager.transaction(reason: "frame for the synthetic data set") {
            try roles.manager.connection.execute("""
                INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason)
                SELECT round_id, planned - frame_ore, 'frame for the synthetic data set' FROM (
                    SELECT ro.id AS round_id, ro.frame_ore,
                           (sum(CASE WHEN \(decided) THEN CASE \(plannedOutcome)
                                     WHEN 'granted' THEN a.amount_applied_ore
                                     WHEN 'partially_granted' THEN \(partialAmount) ELSE 0 END ELSE 0 END)
                                + sum(CASE WHEN \(appealed) AND f.b < 60 AND f.b % 2 = 0 THEN \(partialAmount) ELSE 0 END))
                               * 105 / 100 / 100000 * 100000 + 100000 AS planned
                    \(fate)
                    WHERE \(ours)
                    GROUP BY ro.id, ro.frame_ore) p
                WHERE planned > frame_ore
                """, [lo, hi, codes])
        }

        // Payments and recipients' reports exist once issue 5's tables are there.
        let followUp = try roles.manager.run {
            try roles.manager.connection.queryValue(
                "SELECT to_regclass('tilskot.payment') IS NOT NULL AND to_regclass('tilskot.recipient_report') IS NOT NULL",
                as: Bool.self) ?? false
        }
        var done: Int64 = 0
        let total = hi - lo + 1
        var next = lo
        var lastLog = Date()
        while next <= hi {
            let upper = min(hi, next + Int64(chunk) - 1)
            try step(roles.caseworker, "withdrawn by the applicant (synthetic)", """
                INSERT INTO tilskot.withdrawal (application_id, reason)
                SELECT a.id, 'Søkjaren trekte søknaden.' \(fate)
                WHERE \(ours) AND a.status = 'received'
                  AND ((NOT f.current_year AND f.b < 20) OR (f.current_year AND f.b < 10))
                ORDER BY a.id
                """, next, upper, codes)
            try step(roles.caseworker, "case taken (synthetic)", """
                INSERT INTO tilskot.assignment (application_id, caseworker)
                SELECT a.id, NULL \(fate)
                WHERE \(ours) AND a.status = 'received' AND f.current_year AND f.b BETWEEN 400 AND 499
                ORDER BY a.id
                """, next, upper, codes)
            try step(roles.assessor, "assessed (synthetic)", """
                INSERT INTO tilskot.assessment (application_id, score, recommendation, recommended_amount_ore)
                SELECT a.id, 1 + x.h % 5,
                       CASE \(plannedOutcome) WHEN 'granted' THEN 'grant' WHEN 'partially_granted' THEN 'partial' ELSE 'reject' END,
                       CASE \(plannedOutcome) WHEN 'partially_granted' THEN \(partialAmount) END
                \(fate)
                WHERE \(ours) AND a.status = 'received' AND \(assessed)
                  AND (\(plannedOutcome) <> 'partially_granted' OR \(partialAmount) < a.amount_applied_ore)
                ORDER BY a.id
                """, next, upper, codes)
            try step(roles.manager, "dismissed (synthetic)", """
                INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date)
                SELECT a.id, 'dismissed', 0, 'Søknaden kom inn utan dei vedlegga regelverket krev.', \(decisionDate("a.received"))
                \(fate)
                WHERE \(ours) AND a.status = 'received' AND NOT f.current_year AND f.b BETWEEN 20 AND 29
                ORDER BY a.id
                """, next, upper, codes)
            try step(roles.manager, "decided (synthetic)", """
                INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date)
                SELECT a.id, CASE sa.recommendation WHEN 'grant' THEN 'granted' WHEN 'partial' THEN 'partially_granted' ELSE 'rejected' END,
                       CASE sa.recommendation WHEN 'grant' THEN a.amount_applied_ore WHEN 'partial' THEN sa.recommended_amount_ore ELSE 0 END,
                       CASE WHEN sa.recommendation <> 'grant' THEN \(reasons) END,
                       \(decisionDate("a.received"))
                \(fate)
                JOIN tilskot.assessment sa ON sa.application_id = a.id AND sa.is_current
                WHERE \(ours) AND a.status = 'assessed' AND \(decided)
                ORDER BY a.id
                """, next, upper, codes)
            try step(roles.manager, "appeal received (synthetic)", """
                INSERT INTO tilskot.appeal (application_id, received, grounds)
                SELECT a.id, least(d.decision_date + 5 + x.h % 10, tilskot.today()), 'Søkjaren meiner vilkåra er oppfylte.'
                \(fate)
                JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
                WHERE \(ours) AND a.status = 'rejected' AND \(appealed)
                ORDER BY a.id
                """, next, upper, codes)
            // Half the resolved appeals change the rejection to a partial grant (omgjering); the other
            // half are withdrawn and dismissed, the rejection staying in force (fvl. § 33).
            try step(roles.appealManager, "appeal decided (synthetic)", """
                INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decision_date)
                SELECT a.id, 'partially_granted', \(partialAmount),
                       'Klagen er vurdert; sjå grunngivinga i vedtaket.', least(p.received + 20, tilskot.today())
                \(fate)
                JOIN tilskot.appeal p ON p.application_id = a.id AND p.outcome IS NULL
                WHERE \(ours) AND a.status = 'appealed' AND f.b < 60
                  AND f.b % 2 = 0 AND \(partialAmount) < a.amount_applied_ore
                ORDER BY a.id
                """, next, upper, codes)
            try step(roles.appealManager, "appeal dismissed (synthetic)", """
                INSERT INTO tilskot.appeal_step (application_id, kind, ground, step_date, reasons)
                SELECT a.id, 'dismiss', 'withdrawn', least(p.received + 20, tilskot.today()), 'Søkjaren trekte klagen.'
                \(fate)
                JOIN tilskot.appeal p ON p.application_id = a.id AND p.outcome IS NULL
                WHERE \(ours) AND a.status = 'appealed' AND f.b < 60 AND f.b % 2 = 1
                ORDER BY a.id
                """, next, upper, codes)
            if followUp { try followUpSteps(roles, next, upper, codes) }
            done += upper - next + 1
            next = upper + 1
            if Date().timeIntervalSince(lastLog) >= 10 {
                lastLog = Date()
                log(String(format: "statuses: %.0f %% of the id range", Double(done) / Double(total) * 100))
            }
        }
    }

    /// Grants of past years are paid and reported on: most get one instalment of the whole grant,
    /// planned by the caseworker, attested by finance (who decided and planned nothing) and paid by
    /// another finance user (who did not attest it: SQL/schema/09_payments.sql), and a report received and
    /// approved.
    static let paidGrant = """
        \(fate)
        JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
        CROSS JOIN LATERAL (SELECT (x.h / 100000) % 100 AS g) p
        WHERE \(ours) AND a.status IN ('granted', 'partially_granted', 'in_follow_up') AND ro.year < extract(year FROM tilskot.today())::int
        """

    static func followUpSteps(_ roles: Roles, _ lo: Int64, _ hi: Int64, _ codes: [String]) throws(TilskotError) {
        try step(roles.caseworker, "payment plan (synthetic)", """
            INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number)
            SELECT a.id, d.amount_ore, least(d.decision_date + 14, tilskot.today()), '12345678903'
            \(paidGrant) AND p.g < 90 AND d.amount_ore > 0
              AND NOT EXISTS (SELECT 1 FROM tilskot.payment y WHERE y.application_id = a.id)
            ORDER BY a.id
            """, lo, hi, codes)
        try step(roles.finance, "attested (synthetic)", """
            INSERT INTO tilskot.payment_event (payment_id, kind)
            SELECT y.id, 'attest'
            FROM tilskot.payment y JOIN tilskot.application a ON a.id = y.application_id
            JOIN tilskot.scheme s ON s.id = a.scheme_id
            CROSS JOIN LATERAL (SELECT abs(hashtext(a.external_ref)) AS h) x
            WHERE \(ours) AND y.status = 'planned' AND (x.h / 100000) % 100 < 85
            ORDER BY y.id
            """, lo, hi, codes)
        try step(roles.payer, "paid (synthetic)", """
            INSERT INTO tilskot.payment_event (payment_id, kind, paid_on, voucher)
            SELECT y.id, 'pay', least(y.due_date, tilskot.today()), 'B-' || y.id
            FROM tilskot.payment y JOIN tilskot.application a ON a.id = y.application_id
            JOIN tilskot.scheme s ON s.id = a.scheme_id
            CROSS JOIN LATERAL (SELECT abs(hashtext(a.external_ref)) AS h) x
            WHERE \(ours) AND y.status = 'attested' AND (x.h / 100000) % 100 < 80
            ORDER BY y.id
            """, lo, hi, codes)
        try step(roles.caseworker, "report received (synthetic)", """
            INSERT INTO tilskot.recipient_report (application_id, report_date, account_approved)
            SELECT a.id, least(d.decision_date + 300, tilskot.today()), true
            \(paidGrant) AND p.g < 70
              AND NOT EXISTS (SELECT 1 FROM tilskot.recipient_report r WHERE r.application_id = a.id)
            ORDER BY a.id
            """, lo, hi, codes)
        try step(roles.assessor, "report approved (synthetic)", """
            INSERT INTO tilskot.report_review (report_id, outcome)
            SELECT r.id, 'approved'
            FROM tilskot.recipient_report r JOIN tilskot.application a ON a.id = r.application_id
            JOIN tilskot.scheme s ON s.id = a.scheme_id
            CROSS JOIN LATERAL (SELECT abs(hashtext(a.external_ref)) AS h) x
            WHERE \(ours) AND r.status = 'received' AND (x.h / 100000) % 100 < 60
            ORDER BY r.id
            """, lo, hi, codes)
    }

    static func step(_ session: Session, _ reason: String, _ sql: String, _ lo: Int64, _ hi: Int64,
                     _ codes: [String]) throws(TilskotError) {
        try session.transaction(reason: reason) {
            try session.connection.execute(sql, [lo, hi, codes])
        }
    }
}
