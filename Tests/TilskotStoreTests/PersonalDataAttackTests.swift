import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

/// Issue 14, breaches 5–7, through psql as the people the rules constrain: reads of participant
/// data leave a trace no rollback removes, refusals name no stored value, the aggregate report
/// cannot be undone by subtracting what the caller may read, and need to know is given by a
/// manager, never taken (SQL/schema/13_participants.sql, 06_assessment.sql).
@Suite("personal data: traces a rollback cannot remove, suppression against insiders, need to know given not taken")
struct PersonalDataAttackTests {
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
    }

    /// A granted project in `round`, registered by `registrar` (a caseworker of it from then on),
    /// assessed by kari and granted by mona.
    static func project(_ db: TestDatabase, round: RoundKey, org: OrganisationNumber, registrar: String) throws -> ApplicationReference {
        let registration = try Applications.register(
            .init(round: round, organisation: org, title: "Prosjekt \(org)", amount: try Money.parse("400 000"),
                  received: try CalendarDate("\(round.year)-02-01")), session: try db.session(as: registrar))
        let reference = try ApplicationReference(registration.reference)
        _ = try Assessments.assess(reference, score: 4, recommendation: .grant, session: try db.session(as: FollowUp.kari))
        _ = try Decisions.decide(reference, .grant(try Money.parse("400 000")), date: try CalendarDate("\(round.year)-04-15"),
                                 session: try db.session(as: FollowUp.mona))
        return reference
    }

    /// Puts `counts` participants (employment, education, other, dropped out, no outcome) on a
    /// project, as the database's owner (the shape of the table is what matters here).
    static func participants(_ db: TestDatabase, _ reference: ApplicationReference, _ counts: [Int]) throws {
        let c = try db.connect()
        defer { c.close() }
        for (column, outcome) in ["employment", "education", "other", "dropped_out", nil].enumerated() where counts[column] > 0 {
            try c.execute("""
                INSERT INTO tilskot.participant (application_id, code, birth_year, municipality, start_date, end_date, outcome, recorded_by)
                SELECT a.id, 'P-' || $2 || '-' || i, 1985, '0301', date '2021-01-10', date '2021-12-01', $3, 'fu_kari'
                  FROM tilskot.application a, generate_series(1, $4) i WHERE a.reference = $1
                """, [reference.description, "\(column)-\(UUID().uuidString.prefix(8))", outcome, counts[column]])
        }
    }

    /// The report as `login` sees it: one row of six entries (five outcomes and the total) per line.
    static func report(_ c: Connection, _ round: RoundKey) throws -> [(reference: String?, cells: [String])] {
        try c.query("SELECT * FROM tilskot.participant_report($1, $2)", [round.scheme.value, round.year]).map { row in
            (row["reference"], ["employment", "education", "other", "dropped_out", "no_outcome", "total"].map { row[$0] ?? "?" })
        }
    }

    /// The hidden cells of projects the caller may not read that follow, by linear algebra, from the
    /// report (every row and column adds up) and the rows she knows exactly. An entry is derived
    /// when the unit vector on it lies in the row space of the equations over the unknown entries.
    static func derivable(_ report: [[String]], known: [Int: [Int]]) -> [(row: Int, column: Int)] {
        let nrows = report.count
        var variable: [Int: Int] = [:]   // entry (row * 6 + column) → variable index
        for i in 0..<nrows where known[i] == nil {
            for j in 0..<6 where Int(report[i][j]) == nil { variable[i * 6 + j] = variable.count }
        }
        guard !variable.isEmpty else { return [] }
        var equations: [[Double]] = []
        func equation(_ entries: [(Int, Double)]) {
            var e = [Double](repeating: 0, count: variable.count)
            for (entry, sign) in entries { if let v = variable[entry] { e[v] += sign } }
            if e.contains(where: { $0 != 0 }) { equations.append(e) }
        }
        for i in 0..<nrows { equation((0..<5).map { (i * 6 + $0, 1.0) } + [(i * 6 + 5, -1.0)]) }
        for j in 0..<6 { equation((0..<(nrows - 1)).map { ($0 * 6 + j, 1.0) } + [((nrows - 1) * 6 + j, -1.0)]) }
        func rank(_ m: [[Double]]) -> Int {
            var m = m
            var r = 0
            for col in 0..<variable.count where r < m.count {
                guard let p = (r..<m.count).max(by: { abs(m[$0][col]) < abs(m[$1][col]) }), abs(m[p][col]) > 1e-9 else { continue }
                m.swapAt(r, p)
                for k in 0..<m.count where k != r {
                    let f = m[k][col] / m[r][col]
                    if f != 0 { for c in col..<variable.count { m[k][c] -= f * m[r][c] } }
                }
                r += 1
            }
            return r
        }
        let base = rank(equations)
        return variable.sorted { $0.value < $1.value }.compactMap { entry, index in
            var unit = [Double](repeating: 0, count: variable.count)
            unit[index] = 1
            // The total row is a sum that includes the caller's own projects; what counts is a
            // project's cell (a determined total that gave one away shows as that cell).
            return rank(equations + [unit]) == base && entry / 6 < nrows - 1 ? (entry / 6, entry % 6) : nil
        }
    }

    /// A caseworker's server-log lines about participant access, found by the application name her
    /// session set (the log is the cluster's, shared by every test database).
    static func traces(_ db: TestDatabase, marker: String) -> [String] {
        let text = (try? String(contentsOf: db.cluster.logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
            .filter { $0.contains("tilskot participant access") && $0.contains("\"application\" : \"\(marker)\"") }
    }
    // MARK: - 5. Traces a rollback cannot remove; refusals that name no stored value

    @Test("a read of participants leaves a server-log line that BEGIN … ROLLBACK, a savepoint, an error after it and a multi-statement string cannot remove")
    func readsLeaveATrace() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let oslo = try FollowUp.granted(db)
        try Self.participants(db, oslo, [3, 2, 0, 1, 0])
        let ids = try db.connect().query("SELECT p.id FROM tilskot.participant p JOIN tilskot.application a ON a.id = p.application_id WHERE a.reference = $1 ORDER BY p.id",
                                         [oslo.description]).map { try $0.int64("id") }
        let kari = try db.connect(asLogin: FollowUp.kari)
        let logBefore = try FollowUp.count(db, "participant_access_log")
        let run = UUID().uuidString.prefix(8)
        let read = "SELECT count(*) FROM tilskot.participant_list('\(oslo)')"
        let attacks: [(String, String)] = [
            ("rollback", "BEGIN; \(read); ROLLBACK"),
            ("savepoint", "BEGIN; SAVEPOINT s; \(read); ROLLBACK TO SAVEPOINT s; COMMIT"),
            ("error-after", "BEGIN; \(read); SELECT 1 / 0"),
            ("multi-statement", "\(read); SELECT 1 / 0"),
        ]
        for (name, script) in attacks {
            let marker = "pd-\(run)-\(name)"
            try kari.executeScript("SET application_name = '\(marker)'")
            try? kari.executeScript(script)
            try? kari.executeScript("ROLLBACK")
            let lines = Self.traces(db, marker: marker)
            #expect(lines.count == 1, "\(name): \(lines)")
            if let line = lines.first {
                #expect(line.contains("\"action\" : \"read\"") && line.contains("\"actor\" : \"\(FollowUp.kari)\"")
                        && line.contains("\"session_user\" : \"\(FollowUp.kari)\""), "\(name): \(line)")
                #expect(line.contains("\"participant_ids\" : [\(ids.map(String.init).joined(separator: ","))]"), "\(name): \(line)")
            }
        }
        // Each attack did read the rows, and the access-log entries went with the transactions.
        #expect(try FollowUp.count(db, "participant_access_log") == logBefore)
    }

    @Test("refusals of the participant functions name no stored personal value, and a refused update is traced")
    func refusalsNameNoStoredValue() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let oslo = try FollowUp.granted(db)
        let kari = try db.connect(asLogin: FollowUp.kari)
        _ = try kari.query("SELECT tilskot.participant_add($1, 'OSL-0042', 1979, '0301', '2021-09-03')", [oslo.description])
        let marker = "pd-refusal-\(UUID().uuidString.prefix(8))"
        try kari.executeScript("SET application_name = '\(marker)'")
        // The end date probes the stored start date; the message must not give it (nor the stored
        // birth year or municipality).
        for end in ["2021-01-01", "2021-09-02"] {
            do {
                _ = try kari.query("SELECT tilskot.participant_update($1, 'OSL-0042', $2)", [oslo.description, end])
                Issue.record("an end date before the start was accepted")
            } catch {
                #expect(error.sqlState == "23T28")
                for stored in ["2021-09-03", "1979", "0301"] {
                    #expect(!error.message.contains(stored), "\(error.message) names the stored \(stored)")
                }
            }
        }
        #expect(Self.traces(db, marker: marker).filter { $0.contains("update (attempt)") }.count == 2)
    }

    // MARK: - 6. Suppression against insiders

    @Test("a caseworker of one project cannot recover another project's small cell by subtraction (two years, two schemes)")
    func subtractionAsAnInsider() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let mona = try db.session(as: FollowUp.mona)
        _ = try Rounds.open(try RoundKey("JS/2022"), frame: try Money.parse("10 mill"), opens: try CalendarDate("2022-01-04"),
                            closes: try CalendarDate("2022-03-01"), session: mona)
        _ = try Schemes.create(.init(code: try SchemeCode("IK"), name: "Inkludering", applicantKinds: [.municipality]), session: mona)
        _ = try Rounds.open(try RoundKey("IK/2021"), frame: try Money.parse("10 mill"), opens: try CalendarDate("2021-01-04"),
                            closes: try CalendarDate("2021-03-01"), session: mona)
        let ola = try db.connect(asLogin: FollowUp.ola)
        for round in [FollowUp.round, try RoundKey("JS/2022"), try RoundKey("IK/2021")] {
            // Ola registered Bergen's project: 10 employed, 3 in education (so its 10 is hidden).
            // Stavanger's, which he may not read: 9 employed, 1 dropped out.
            let bergen = try Self.project(db, round: round, org: FollowUp.bergen, registrar: FollowUp.ola)
            let stavanger = try Self.project(db, round: round, org: FollowUp.stavanger, registrar: FollowUp.kari)
            try Self.participants(db, bergen, [10, 3, 0, 0, 0])
            try Self.participants(db, stavanger, [9, 0, 0, 1, 0])
            #expect(try ola.query("SELECT * FROM tilskot.participant_list($1)", [bergen.description]).count == 13)
            expectSQLError("42T03") { _ = try ola.query("SELECT * FROM tilskot.participant_list($1)", [stavanger.description]) }
            let rows = try Self.report(ola, round)
            let cells = rows.map(\.cells)
            let mine = try #require(rows.firstIndex { $0.reference == bergen.description })
            let theirs = try #require(rows.firstIndex { $0.reference == stavanger.description })
            #expect(cells[theirs][3] == "<5")
            // The subtraction of the breach: the employment total less Bergen's 10 gives
            // Stavanger's employed, and its row total less that gives the one who dropped out.
            if let total = Int(cells[rows.count - 1][0]), let rowTotal = Int(cells[theirs][5]) {
                Issue.record("\(round): employment total \(total) − 10 = \(total - 10), row total \(rowTotal) − that = \(rowTotal - (total - 10)) dropped out")
            }
            let derived = Self.derivable(cells, known: [mine: [10, 3, 0, 0, 0, 13]])
            #expect(derived.isEmpty, "\(round): \(derived) follow from \(cells)")
        }
    }

    @Test("random tables: no hidden cell of a project the caller may not read follows from the report and her own projects")
    func randomTablesAgainstInsiders() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let projects = [
            (try Self.project(db, round: FollowUp.round, org: FollowUp.oslo, registrar: FollowUp.ola), true),
            (try Self.project(db, round: FollowUp.round, org: FollowUp.stavanger, registrar: FollowUp.kari), false),
            (try Self.project(db, round: FollowUp.round, org: FollowUp.bergen, registrar: FollowUp.ola), true),
            (try Self.project(db, round: FollowUp.round, org: FollowUp.trondheim, registrar: FollowUp.kari), false),
        ]
        let owner = try db.connect()
        let ola = try db.connect(asLogin: FollowUp.ola)
        let mona = try db.connect(asLogin: FollowUp.mona)
        var random = Seeded(state: 14)
        let sizes = [0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 9, 13]
        var failures = 0
        for _ in 0..<25 {
            try owner.execute("DELETE FROM tilskot.participant")
            var table: [String: [Int]] = [:]
            for (reference, _) in projects {
                let counts = (0..<5).map { _ in sizes.randomElement(using: &random)! }
                table[reference.description] = counts + [counts.reduce(0, +)]
                try Self.participants(db, reference, counts)
            }
            for (connection, readable) in [(ola, Set(projects.filter(\.1).map(\.0.description))), (mona, Set<String>())] {
                let rows = try Self.report(connection, FollowUp.round)
                var known: [Int: [Int]] = [:]
                for (i, row) in rows.enumerated() {
                    if let reference = row.reference, readable.contains(reference) { known[i] = table[reference] }
                    // Whatever is shown is the truth, and every cell of 1–4 is hidden.
                    if let reference = row.reference, let truth = table[reference] {
                        for j in 0..<6 {
                            #expect(row.cells[j] == "\(truth[j])" || ["<5", "x"].contains(row.cells[j]))
                            if (1...4).contains(truth[j]) { #expect(row.cells[j] == "<5") }
                        }
                    }
                }
                let derived = Self.derivable(rows.map(\.cells), known: known)
                if !derived.isEmpty {
                    failures += 1
                    Issue.record("\(derived) follow from \(rows.map(\.cells)) knowing \(known)")
                }
            }
        }
        #expect(failures == 0)
    }

    // MARK: - 7. Need to know is given, not taken

    @Test("a caseworker cannot take an appealed grant with participants; a manager gives it, audited; an appeal's assessor reads nothing")
    func needToKnowIsGiven() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let oslo = try FollowUp.granted(db)
        try Self.participants(db, oslo, [6, 0, 0, 0, 0])
        _ = try Appeals.register(oslo, received: try CalendarDate("2021-04-20"), grounds: "Vi ber om meir", session: try db.session(as: FollowUp.mona))
        #expect(try FollowUp.status(db, oslo) == "appealed")
        let id = try FollowUp.id(db, oslo)
        let ola = try db.connect(asLogin: FollowUp.ola)
        // Taking it, through psql or the service.
        expectSQLError("42T05", "ask a manager to assign it to you") {
            try ola.execute("INSERT INTO tilskot.assignment (application_id, caseworker) VALUES ($1, NULL)", [id])
        }
        expectSQLError("42T05") {
            try ola.execute("INSERT INTO tilskot.assignment (application_id, caseworker) VALUES ($1, $2)", [id, FollowUp.ola])
        }
        expectRefused("is given by a manager, not taken") {
            _ = try Applications.assign(oslo, session: try db.session(as: FollowUp.ola))
        }
        // Assessing the appeal gives no access either.
        try ola.execute("INSERT INTO tilskot.assessment (application_id, score, recommendation) VALUES ($1, 3, 'grant')", [id])
        expectSQLError("42T03") { _ = try ola.query("SELECT * FROM tilskot.participant_list($1)", [oslo.description]) }
        #expect(try ola.query("SELECT * FROM tilskot.participant_list_round('JS', 2021)").isEmpty)
        // A manager gives it: then ola reads, and the grant is in the audit log with the manager.
        _ = try Applications.assign(oslo, to: FollowUp.ola, session: try db.session(as: FollowUp.mona))
        #expect(try ola.query("SELECT * FROM tilskot.participant_list($1)", [oslo.description]).count == 6)
        let audit = try db.connect().query("""
            SELECT actor, new ->> 'caseworker' AS caseworker, new ->> 'assigned_by' AS assigned_by
              FROM tilskot.audit_log WHERE table_name = 'assignment' AND application_id = $1
            """, [id])
        #expect(audit.map { [$0["actor"], $0["caseworker"], $0["assigned_by"]] } == [[FollowUp.mona, FollowUp.ola, FollowUp.mona]])
        // A case that has had no grant is still taken by its caseworker.
        let stavanger = try FollowUp.assessed(db, org: FollowUp.stavanger, amount: "300 000")
        try ola.execute("INSERT INTO tilskot.assignment (application_id, caseworker) VALUES ($1, NULL)", [try FollowUp.id(db, stavanger)])
    }

    /// READ COMMITTED sees the grant after waiting for the row (a granted case is not being handled:
    /// 23T02); REPEATABLE READ and SERIALIZABLE cannot lock a row changed after their snapshot.
    @Test("a grant committed by another session while a caseworker takes the case: refused at every isolation level")
    func takingRacesAGrant() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        for (isolation, expected) in [("READ COMMITTED", "23T02"), ("REPEATABLE READ", "40001"), ("SERIALIZABLE", "40001")] {
            let org = [FollowUp.oslo, FollowUp.stavanger, FollowUp.bergen][["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"].firstIndex(of: isolation)!]
            let reference = try FollowUp.assessed(db, org: org, amount: "300 000")
            let id = try FollowUp.id(db, reference)
            let ola = try db.connect(asLogin: FollowUp.ola)
            try ola.executeScript("BEGIN ISOLATION LEVEL \(isolation); SELECT count(*) FROM tilskot.application")
            _ = try Decisions.decide(reference, .grant(try Money.parse("300 000")), date: try CalendarDate("2021-04-15"),
                                     session: try db.session(as: FollowUp.mona))
            expectSQLError(expected) {
                try ola.execute("INSERT INTO tilskot.assignment (application_id, caseworker) VALUES ($1, NULL)", [id])
            }
            try ola.executeScript("ROLLBACK")
            #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.assignment WHERE application_id = $1", [id], as: Int.self) == 0)
        }
    }
}
