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
        let text = db.cluster.settledLog()   // the logging collector writes a moment after the RAISE
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

    @Test("a case handed over takes the participants with it: the caseworker it was handed from, and its registrar, read nothing after")
    func handOverEndsAccess() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let oslo = try FollowUp.granted(db)
        try Self.participants(db, oslo, [4, 3, 0, 0, 0])
        let kari = try db.connect(asLogin: FollowUp.kari)
        let ola = try db.connect(asLogin: FollowUp.ola)
        // kari registered and assessed it: she is its caseworker and reads its participants.
        #expect(try kari.query("SELECT * FROM tilskot.participant_list($1)", [oslo.description]).count == 7)
        expectSQLError("42T03") { _ = try ola.query("SELECT * FROM tilskot.participant_list($1)", [oslo.description]) }
        // Under appeal it is handled again, and a manager hands it to ola: ola reads, kari no longer
        // does — by name or through the round.
        _ = try Appeals.register(oslo, received: try CalendarDate("2021-04-20"), grounds: "Vi ber om meir", session: try db.session(as: FollowUp.mona))
        _ = try Applications.assign(oslo, to: FollowUp.ola, kind: .handover, session: try db.session(as: FollowUp.mona))
        #expect(try ola.query("SELECT * FROM tilskot.participant_list($1)", [oslo.description]).count == 7)
        expectSQLError("42T03") { _ = try kari.query("SELECT * FROM tilskot.participant_list($1)", [oslo.description]) }
        #expect(try kari.query("SELECT * FROM tilskot.participant_list_round('JS', 2021)").isEmpty)
        // Added beside ola (--also), kari reads again; a later hand-over to ola alone ends it again.
        _ = try Applications.assign(oslo, to: FollowUp.kari, kind: .also, session: try db.session(as: FollowUp.mona))
        #expect(try kari.query("SELECT * FROM tilskot.participant_list($1)", [oslo.description]).count == 7)
        _ = try Applications.assign(oslo, to: FollowUp.kari, kind: .handover, session: try db.session(as: FollowUp.mona))
        expectSQLError("42T03") { _ = try ola.query("SELECT * FROM tilskot.participant_list($1)", [oslo.description]) }
        #expect(try kari.query("SELECT * FROM tilskot.participant_list($1)", [oslo.description]).count == 7)
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

// MARK: - Issue 17: gender in the equality section

/// The gender table of the equality report (tilskot.participant_gender_report): gender is read and
/// counted only through the register's logged functions, and the table cannot be undone by
/// subtraction — by an outsider knowing the schemes' totals from participant_report, or by a
/// caseworker who may read some of the projects.
extension PersonalDataAttackTests {
    /// Puts participants on a project by gender (female, male, other_or_unknown), as the database's
    /// owner (the shape of the table is what matters here).
    static func genders(_ db: TestDatabase, _ reference: ApplicationReference, _ counts: [Int]) throws {
        let c = try db.connect()
        defer { c.close() }
        for (column, gender) in ["female", "male", "other_or_unknown"].enumerated() where counts[column] > 0 {
            try c.execute("""
                INSERT INTO tilskot.participant (application_id, code, birth_year, municipality, start_date, gender, recorded_by)
                SELECT a.id, 'G-' || $2 || '-' || i, 1985, '0301', date '2021-01-10', $3, 'fu_kari'
                  FROM tilskot.application a, generate_series(1, $4) i WHERE a.reference = $1
                """, [reference.description, "\(column)-\(UUID().uuidString.prefix(8))", gender, counts[column]])
        }
    }

    /// The gender table as `c` sees it: scheme code (nil for the total row) and four cells.
    static func genderReport(_ c: Connection, _ year: Int) throws -> [(scheme: String?, cells: [String])] {
        try c.query("SELECT * FROM tilskot.participant_gender_report($1)", [year]).map { row in
            (row["scheme"], ["female", "male", "other_or_unknown", "total"].map { row[$0] ?? "?" })
        }
    }

    @Test("gender is not readable from the table by anyone, and a role without report rights is refused the gender table — refused and traced in the server log")
    func genderWithoutTheRight() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let oslo = try FollowUp.granted(db)
        try Self.genders(db, oslo, [6, 7, 1])
        // No role reads the column directly, the case's own caseworker included (need to know is
        // served by the logged functions only).
        for user in [FollowUp.kari, FollowUp.mona, FollowUp.reader, FollowUp.aud, FollowUp.fia] {
            let c = try db.connect(asLogin: user)
            expectSQLError("42501") { _ = try c.query("SELECT gender FROM tilskot.participant") }
            expectSQLError("42501") { _ = try c.query("SELECT count(*) FROM tilskot.participant WHERE gender = 'male'") }
            c.close()
        }
        // Finance has no role that reads participant figures: refused, with a server-log line that
        // the refusal's rollback cannot take back.
        let fia = try db.connect(asLogin: FollowUp.fia)
        let marker = "pd-gender-\(UUID().uuidString.prefix(8))"
        try fia.executeScript("SET application_name = '\(marker)'")
        let before = try FollowUp.count(db, "participant_access_log")
        expectSQLError("42T03", "participant gender report refused: \(FollowUp.fia) has no tilskot role that reads reports") {
            _ = try Self.genderReport(fia, 2021)
        }
        #expect(try FollowUp.count(db, "participant_access_log") == before)
        let lines = Self.traces(db, marker: marker)
        #expect(lines.count == 1 && lines.first?.contains("\"action\" : \"aggregate (attempt)\"") == true
                && lines.first?.contains("\"actor\" : \"\(FollowUp.fia)\"") == true
                && lines.first?.contains("participant_gender_report(2021)") == true, "\(lines)")
        // A manager may: the read is an aggregate in the access log, with the number of persons.
        let mona = try db.connect(asLogin: FollowUp.mona)
        let rows = try Self.genderReport(mona, 2021)
        // The one "other" is "<5"; the total 14 is published, so the row's smallest other cell goes too.
        #expect(rows.map(\.cells) == [["x", "7", "<5", "14"], ["x", "7", "<5", "14"]])
        let entry = try db.connect().queryRow(
            "SELECT actor, action, row_count, query FROM tilskot.participant_access_log ORDER BY id DESC LIMIT 1")
        #expect(entry?["actor"] == FollowUp.mona && entry?["action"] == "aggregate" && entry?["row_count"] == "14"
                && entry?["query"] == "participant_gender_report(2021)")
        // Gender cannot be written around the functions either.
        let kari = try db.connect(asLogin: FollowUp.kari)
        expectSQLError("42501") { _ = try kari.execute("UPDATE tilskot.participant SET gender = 'male'") }
        expectSQLError("23T28", "the gender given for OSL-0099 is not one of female, male, other_or_unknown") {
            _ = try kari.query("SELECT tilskot.participant_add($1, 'OSL-0099', 1985, '0301', '2021-09-01', gender => 'ukjent')", [oslo.description])
        }
    }

    @Test("an outsider who knows each scheme's total from participant_report cannot subtract a small gender cell out of the table")
    func genderSubtractionByAnOutsider() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let oslo = try FollowUp.granted(db)
        // 9 women, 3 men, no other: the 3 men are "<5"; the total 12 is published by participant_report,
        // so hiding only the men would give them away (12 − 9) — the women are hidden too.
        try Self.genders(db, oslo, [9, 3, 0])
        let mona = try db.connect(asLogin: FollowUp.mona)
        let rows = try Self.genderReport(mona, 2021)
        #expect(rows.count == 2 && rows[0].scheme == "JS" && rows[1].scheme == nil)
        #expect(rows[0].cells[1] == "<5" && rows[0].cells[3] == "12")
        #expect(rows[0].cells[0] == "x", "\(rows[0].cells): 12 − 9 gives the men")
        #expect(rows[1].cells[0] == "x" && rows[1].cells[1] == "<5")
        let total = try mona.query("SELECT total FROM tilskot.participant_report('JS', 2021) WHERE reference IS NULL")
        #expect(total.first?["total"] == "12")
    }

    @Test("a caseworker who may read one project cannot subtract it from the scheme's row to learn another project's small gender count")
    func genderSubtractionByAnInsider() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        // Ola registered Bergen's project (he reads it): 3 women, 10 men. Stavanger's, which he may
        // not read: 4 women, 8 men. The scheme row 7 / 18 shows no small cell to an outsider, but
        // 7 − 3 = 4 women in Stavanger's project.
        let bergen = try Self.project(db, round: FollowUp.round, org: FollowUp.bergen, registrar: FollowUp.ola)
        let stavanger = try Self.project(db, round: FollowUp.round, org: FollowUp.stavanger, registrar: FollowUp.kari)
        try Self.genders(db, bergen, [3, 10, 0])
        try Self.genders(db, stavanger, [4, 8, 0])
        let ola = try db.connect(asLogin: FollowUp.ola)
        expectSQLError("42T03") { _ = try ola.query("SELECT * FROM tilskot.participant_list($1)", [stavanger.description]) }
        let outsider = try Self.genderReport(try db.connect(asLogin: FollowUp.mona), 2021)
        #expect(outsider.map(\.cells) == [["7", "18", "0", "25"], ["7", "18", "0", "25"]])
        let insider = try Self.genderReport(ola, 2021)
        #expect(insider[0].cells[0] == "x", "\(insider[0].cells): 7 − 3 gives Stavanger's 4 women")
        // And not through the row either: 25 − 3 − 10 − (shown men − 10) would give it back.
        #expect(insider[0].cells[1] == "x" && insider[0].cells[3] == "25")
        #expect(insider[1].cells[0] == "x" && insider[1].cells[1] == "x")
    }

    @Test("random tables of two schemes: no small remainder follows, for an outsider or an insider, from the gender table, her own projects and the published totals")
    func genderRandomTables() throws {
        let db = try FollowUp.database()
        defer { db.drop() }
        let mona = try db.session(as: FollowUp.mona)
        _ = try Schemes.create(.init(code: try SchemeCode("IK"), name: "Inkludering", applicantKinds: [.municipality]), session: mona)
        let ik = try RoundKey("IK/2021")
        _ = try Rounds.open(ik, frame: try Money.parse("10 mill"), opens: try CalendarDate("2021-01-04"),
                            closes: try CalendarDate("2021-03-01"), session: mona)
        // (project, scheme row name, readable by ola)
        let projects: [(ApplicationReference, String, Bool)] = [
            (try Self.project(db, round: FollowUp.round, org: FollowUp.oslo, registrar: FollowUp.ola), "JS", true),
            (try Self.project(db, round: FollowUp.round, org: FollowUp.stavanger, registrar: FollowUp.kari), "JS", false),
            (try Self.project(db, round: FollowUp.round, org: FollowUp.bergen, registrar: FollowUp.kari), "JS", false),
            (try Self.project(db, round: ik, org: FollowUp.bergen, registrar: FollowUp.ola), "IK", true),
            (try Self.project(db, round: ik, org: FollowUp.trondheim, registrar: FollowUp.kari), "IK", false),
        ]
        let owner = try db.connect()
        let ola = try db.connect(asLogin: FollowUp.ola)
        let manager = try db.connect(asLogin: FollowUp.mona)
        var random = Seeded(state: 17)
        let sizes = [0, 0, 1, 2, 3, 4, 5, 6, 9, 13]
        var failures = 0
        for _ in 0..<25 {
            try owner.execute("DELETE FROM tilskot.participant")
            var counts: [[Int]] = []
            for (reference, _, _) in projects {
                let c = (0..<3).map { _ in sizes.randomElement(using: &random)! }
                counts.append(c)
                try Self.genders(db, reference, c)
            }
            for (connection, insider) in [(ola, true), (manager, false)] {
                let rows = try Self.genderReport(connection, 2021)
                let hidden = Set(projects.indices.filter { !(insider && projects[$0].2) })
                // Unknowns: each hidden project's three gender counts.
                let unknowns = hidden.sorted().flatMap { p in (0..<3).map { (p, $0) } }
                func vector(_ pick: (Int, Int) -> Bool) -> [Double] { unknowns.map { pick($0.0, $0.1) ? 1 : 0 } }
                var equations: [[Double]] = []
                // Published by participant_report: every project's total of 5 or more.
                for p in hidden where counts[p].reduce(0, +) >= 5 { equations.append(vector { q, _ in q == p }) }
                // Shown numbers of the gender table.
                for row in rows {
                    for g in 0..<4 where Int(row.cells[g]) != nil {
                        equations.append(vector { p, h in (row.scheme == nil || projects[p].1 == row.scheme) && (g == 3 || h == g) })
                    }
                }
                func rank(_ m: [[Double]]) -> Int {
                    var m = m
                    var r = 0
                    for col in 0..<unknowns.count where r < m.count {
                        guard let p = (r..<m.count).max(by: { abs(m[$0][col]) < abs(m[$1][col]) }), abs(m[p][col]) > 1e-9 else { continue }
                        m.swapAt(r, p)
                        for k in 0..<m.count where k != r {
                            let f = m[k][col] / m[r][col]
                            if f != 0 { for c in col..<unknowns.count { m[k][c] -= f * m[r][c] } }
                        }
                        r += 1
                    }
                    return r
                }
                let base = rank(equations)
                // What must stay unknown: every scheme-and-gender sum over the unreadable projects of 1–4.
                for scheme in ["JS", "IK", nil] as [String?] {
                    for g in 0..<3 {
                        let members = hidden.filter { scheme == nil || projects[$0].1 == scheme }
                        let value = members.map { counts[$0][g] }.reduce(0, +)
                        guard (1...4).contains(value) else { continue }
                        let target = vector { p, h in members.contains(p) && h == g }
                        if rank(equations + [target]) == base {
                            failures += 1
                            Issue.record("\(insider ? "ola" : "mona"): \(scheme ?? "total")/\(g) = \(value) follows from \(rows.map(\.cells)) with \(counts)")
                        }
                    }
                }
                // Whatever is shown is the truth.
                for row in rows {
                    let members = projects.indices.filter { row.scheme == nil || projects[$0].1 == row.scheme }
                    for g in 0..<4 {
                        let truth = members.map { g == 3 ? counts[$0].reduce(0, +) : counts[$0][g] }.reduce(0, +)
                        #expect(row.cells[g] == "\(truth)" || (row.cells[g] == "<5" && (1...4).contains(truth)) || row.cells[g] == "x")
                    }
                }
            }
        }
        #expect(failures == 0)
    }
}
