import Foundation
import PGClient
import Testing
@testable import TilskotReports
import TilskotStore
import TilskotTestSupport

/// Every report query checked with EXPLAIN on a loaded database: 20 years × 10 schemes of rounds and
/// 40 000 applications, so one year is 5 % of the data. Rounds and applications are inserted year by
/// year, as they arrive in life. A report filtered by year must reach the year's applications through
/// application_round_report_idx (or the lifecycle's application_round_status_idx), or read a summary
/// table kept with every change, never by reading the whole application table. The round table
/// itself is small (200 rows here, tens of thousands at national scale), so whether PostgreSQL reads
/// it by round_year_idx or sequentially is its choice.
@Suite("report query plans (EXPLAIN on a loaded database)")
struct ReportPlanTests {
    /// Loads synthetic rows straight into the tables, as the superuser with triggers off
    /// (session_replication_role = replica): these tests measure plans, not rules.
    static func load(_ c: Connection) throws {
        try c.executeScript("""
            SET session_replication_role = replica;
            INSERT INTO tilskot.scheme (code, name, goal, applicant_kinds, reference_prefix, created_by)
            SELECT 'S' || n, 'Ordning ' || n, 'Mål ' || n, ARRAY['municipality', 'voluntary'], 'S' || n, 'bulk'
            FROM generate_series(1, 10) n;
            INSERT INTO tilskot.round (scheme_id, year, opens, closes, initial_frame_ore, frame_ore, granted_ore, opened_by)
            SELECT s.id, y, make_date(y, 1, 1), make_date(y, 3, 1), 10000000000, 10000000000, 0, 'bulk'
            FROM generate_series(2001, 2020) y, tilskot.scheme s ORDER BY y, s.id;
            INSERT INTO tilskot.organisation (orgnr, name, kind, municipality, member_based, created_by)
            SELECT digits || tilskot.orgnr_check_digit(digits || '0'), 'Org ' || digits, 'voluntary',
                   (SELECT code FROM tilskot.municipality_ref ORDER BY code OFFSET (n % 400) LIMIT 1), n % 2 = 0, 'bulk'
            FROM (SELECT n, (10000000 + n)::text AS digits FROM generate_series(1, 3000) n) g
            WHERE tilskot.orgnr_check_digit(digits || '0') IS NOT NULL;
            INSERT INTO tilskot.application (reference, scheme_id, round_id, organisation_id, title, amount_applied_ore,
                                             received, status, registered_by)
            SELECT 'B-' || r.id || '-' || i, r.scheme_id, r.id,
                   (SELECT min(id) FROM tilskot.organisation) + (r.id * 200 + i) % 2500,
                   'Søknad ' || i, 100000000 + i * 1000, r.opens + (i % 50),
                   CASE WHEN i % 10 < 7 THEN 'granted' WHEN i % 10 = 7 THEN 'rejected' WHEN i % 10 = 8 THEN 'withdrawn' ELSE 'received' END,
                   'bulk'
            FROM tilskot.round r, generate_series(1, 200) i ORDER BY r.year, r.id, i;
            INSERT INTO tilskot.decision (application_id, outcome, amount_ore, reasons, decided_by, decision_date, is_current)
            SELECT a.id, a.status, CASE WHEN a.status = 'granted' THEN a.amount_applied_ore ELSE 0 END,
                   CASE WHEN a.status = 'rejected' THEN 'Grunn' END, 'bulk', a.received + 60, true
            FROM tilskot.application a WHERE a.status IN ('granted', 'rejected');
            INSERT INTO tilskot.assignment (application_id, caseworker, assigned_by)
            SELECT id, 'cw' || (id % 7), 'bulk' FROM tilskot.application WHERE id % 3 <> 0;
            INSERT INTO tilskot.appeal (application_id, decision_id, received, registered_by, grounds)
            SELECT d.application_id, d.id, d.decision_date + 10, 'bulk', 'Klage'
            FROM tilskot.decision d WHERE d.outcome = 'rejected' AND d.application_id % 5 = 0;
            INSERT INTO tilskot.audit_log (at, actor, table_name, row_id, application_id, action)
            SELECT now() - make_interval(mins => n), 'bulk', 'application', n, n, 'INSERT' FROM generate_series(1, 40000) n;
            SET session_replication_role = origin;
            """)
        try c.executeScript("VACUUM ANALYZE")
    }

    static let loaded: Result<TestDatabase, any Error> = Result {
        let db = try TestDatabase.create()
        try load(try db.connect())
        return db
    }

    /// (node type, relation, index) of every node of the plan.
    static func nodes(_ sql: String, _ parameters: [any SQLParameter], _ c: Connection) throws -> [(type: String, relation: String?, index: String?)] {
        let text = try #require(try c.queryValue("EXPLAIN (FORMAT JSON) " + sql, parameters, as: String.self))
        let plans = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        var found: [(String, String?, String?)] = []
        func walk(_ node: [String: Any]) {
            found.append((node["Node Type"] as? String ?? "", node["Relation Name"] as? String, node["Index Name"] as? String))
            for child in node["Plans"] as? [[String: Any]] ?? [] { walk(child) }
        }
        for plan in plans { if let root = plan["Plan"] as? [String: Any] { walk(root) } }
        return found
    }

    func check(_ name: String, _ sql: String, _ parameters: [any SQLParameter]) throws {
        let db = try Self.loaded.get()
        let c = try db.connect()
        #expect(try c.queryValue("SELECT count(*) FROM tilskot.application", as: Int.self) == 40_000)
        let plan = try Self.nodes(sql, parameters, c)
        let described = plan.map { "\($0.type) \($0.relation ?? "") \($0.index ?? "")" }.joined(separator: "; ")
        #expect(!plan.contains { $0.type == "Seq Scan" && $0.relation == "application" }, "\(name): \(described)")
        // Year reports read a summary kept with every change (the application, applicant, caseload and
        // follow-up tallies of SQL/schema/14_report_summaries.sql) or reach the year's applications
        // through the round index, never the applications of every year.
        let summaries: Set<String> = ["application_tally", "applicant_tally", "caseload_tally", "followup_tally"]
        #expect(plan.contains { ($0.index ?? "").hasPrefix("application_round") || summaries.contains($0.relation ?? "") },
                "\(name): \(described)")
    }

    @Test("summary") func summary() throws { try check("summary", SummaryQuery.sql, [2015]) }
    @Test("geography by county, 2024 division") func geography() throws { try check("geography", GeographyQuery.sql, [2015, "county", "2024", String?.none]) }
    @Test("geography by municipality, one scheme") func geographyScheme() throws { try check("geography", GeographyQuery.sql, [2015, "municipality", "2020", "S3"]) }
    @Test("applicants") func applicants() throws { try check("applicants", ApplicantsQuery.sql, [2015]) }
    @Test("trend") func trend() throws { try check("trend", TrendQuery.sql, ["S3", 2010, 2015]) }
    @Test("caseload for a year") func caseload() throws { try check("caseload", CaseloadQuery.sql, [2015]) }
    @Test("equality section") func equality() throws { try check("equality", EqualityQuery.sql, [2015, "2020"]) }
    @Test("360Giving export") func giving360() throws { try check("360giving", Giving360Query.sql(withPayments: false), [2015]) }

    @Test("the basis query reads the newest audit entry from its index")
    func basis() throws {
        let db = try Self.loaded.get()
        let plan = try Self.nodes(BasisQuery.sql, [2015, String?.none, Int?.none, Int?.none], try db.connect())
        #expect(!plan.contains { $0.type == "Seq Scan" && $0.relation == "audit_log" })
    }
}
