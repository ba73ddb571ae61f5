import Foundation
import PGClient
import Testing
import TilskotCore
import TilskotStore
import TilskotTestSupport

@Suite("the participant register: need to know, every read logged, retention, suppressed aggregates")
struct FollowUpParticipantTests {
    /// Oslo's project (registered and assessed by kari) and Stavanger's (also assigned to ola), both granted.
    func scene() throws -> (TestDatabase, oslo: ApplicationReference, stavanger: ApplicationReference) {
        let db = try FollowUp.database()
        let oslo = try FollowUp.granted(db, amount: "1 000 000")
        let stavanger = try FollowUp.assessed(db, org: FollowUp.stavanger, amount: "300 000")
        _ = try Applications.assign(stavanger, to: FollowUp.ola, session: try db.session(as: FollowUp.mona))
        _ = try Decisions.decide(stavanger, .grant(Money(kroner: 300_000)), date: try CalendarDate("2021-04-15"),
                                 session: try db.session(as: FollowUp.mona))
        return (db, oslo, stavanger)
    }

    func participant(_ code: String, born: Int = 1985, home: String = "0301", end: String? = "2022-06-30",
                     outcome: ParticipantOutcome? = .employment) throws -> NewParticipant {
        NewParticipant(code: try ParticipantCode(code), birthYear: born, municipality: try MunicipalityNumber(home),
                       startDate: try CalendarDate("2021-09-01"), endDate: try end.map { try CalendarDate($0) }, outcome: outcome)
    }

    func logCount(_ db: TestDatabase) throws -> Int { try FollowUp.count(db, "participant_access_log") }

    @Test("the case's caseworkers and participant readers record and read; others are refused; every read is logged")
    func needToKnow() throws {
        let (db, oslo, stavanger) = try scene()
        defer { db.drop() }
        let kari = try db.session(as: FollowUp.kari)
        let ola = try db.session(as: FollowUp.ola)
        _ = try Participants.add(oslo, try participant("OSL-0001"), session: kari)
        _ = try Participants.add(oslo, try participant("OSL-0002", outcome: .education), session: kari)
        _ = try Participants.add(stavanger, try participant("STV-0001", home: "1103"), session: ola)
        expectRefused("ola is neither a participant reader nor a caseworker of \(oslo)") {
            _ = try Participants.add(oslo, try participant("OSL-0003"), session: ola)
        }
        expectRefused("already has a participant OSL-0001") { _ = try Participants.add(oslo, try participant("OSL-0001"), session: kari) }
        expectRefused("outcomes but no end date") {
            _ = try Participants.add(oslo, try participant("OSL-0009", end: nil, outcome: .other), session: kari)
        }

        var before = try logCount(db)
        let mine = try Participants.list(oslo, session: kari)
        #expect(mine.map(\.code) == ["OSL-0001", "OSL-0002"] && mine[1].outcome == .education)
        #expect(try logCount(db) == before + 1)
        expectRefused("ola is neither a participant reader nor a caseworker of \(oslo)") { _ = try Participants.list(oslo, session: ola) }
        expectRefused("is neither a participant reader nor a caseworker") {
            _ = try Participants.list(oslo, session: try db.session(as: FollowUp.mona))
        }
        // A round list shows what row-level security lets each one see.
        #expect(try Participants.list(round: FollowUp.round, session: ola).map(\.code) == ["STV-0001"])
        #expect(try Participants.list(round: FollowUp.round, session: try db.session(as: FollowUp.mona)).isEmpty)
        #expect(try Participants.list(round: FollowUp.round, session: try db.session(as: FollowUp.reader)).count == 3)

        // Later outcomes.
        try Participants.update(oslo, code: try ParticipantCode("OSL-0001"), outcome6Months: .employment,
                                outcome12Months: .education, session: kari)
        let updated = try Participants.list(oslo, session: try db.session(as: FollowUp.reader))
        #expect(updated[0].outcome6Months == .employment && updated[0].outcome12Months == .education && updated[0].outcome == .employment)

        // The log names who, what and which rows; auditors read it.
        before = try logCount(db)
        let log = try Participants.accessLog(session: try db.session(as: FollowUp.aud))
        #expect(try logCount(db) == before)  // reading the log reads no participant
        let read = try #require(log.first { $0.action == "read" && $0.actor == FollowUp.kari })
        #expect(read.reference == oslo.description && read.participantIDs.count == 2 && read.query.contains("participant_list"))
        #expect(log.contains { $0.action == "read" && $0.actor == FollowUp.mona && $0.rowCount == 0 })
        #expect(log.contains { $0.action == "update" && $0.actor == FollowUp.kari })
        #expect(log.filter { $0.action == "add" }.count == 3)
    }

    @Test("the aggregate report suppresses 1–4 and whatever would reveal them, in the database")
    func suppression() throws {
        let (db, oslo, stavanger) = try scene()
        defer { db.drop() }
        let kari = try db.session(as: FollowUp.kari)
        let ola = try db.session(as: FollowUp.ola)
        // Oslo: 10 employed, 3 in education; Stavanger: 7 employed.
        for i in 1...10 { _ = try Participants.add(oslo, try participant("OSL-E\(i)"), session: kari) }
        for i in 1...3 { _ = try Participants.add(oslo, try participant("OSL-U\(i)", outcome: .education), session: kari) }
        for i in 1...7 { _ = try Participants.add(stavanger, try participant("STV-E\(i)", home: "1103"), session: ola) }
        let before = try logCount(db)
        let rows = try Participants.report(round: FollowUp.round, session: try db.session(as: FollowUp.mona))
        #expect(try logCount(db) == before + 1)
        let cells = rows.map { [$0.project, $0.employment, $0.education, $0.other, $0.droppedOut, $0.noOutcome, $0.total] }
        // Oslo's 3 is small. Alone in its row it could be worked out from the row total, so Oslo's
        // 10 is hidden too; that leaves the employment column and the total row with one hidden cell
        // each, so the column total (17) is hidden as well. No hidden number follows from the others.
        #expect(cells == [["Oslo kommune", "x", "<5", "0", "0", "0", "13"],
                          ["Stavanger kommune", "7", "0", "0", "0", "0", "7"],
                          ["Total", "x", "<5", "0", "0", "0", "20"]])
        #expect(rows.map(\.reference) == [oslo.description, stavanger.description, nil])
        // No outcome yet at 12 months: everyone in one column, nothing small.
        let later = try Participants.report(round: FollowUp.round, at: .twelveMonths, session: try db.session(as: FollowUp.aud))
        #expect(later.map(\.noOutcome) == ["13", "7", "20"] && later.map(\.employment) == ["0", "0", "0"])
        expectRefused("round JS/2030 does not exist") {
            _ = try Participants.report(round: try RoundKey("JS/2030"), session: try db.session(as: FollowUp.mona))
        }
    }

    @Test("a single small project: every cell and total small or hidden")
    func smallProject() throws {
        let (db, oslo, _) = try scene()
        defer { db.drop() }
        let kari = try db.session(as: FollowUp.kari)
        _ = try Participants.add(oslo, try participant("OSL-1"), session: kari)
        _ = try Participants.add(oslo, try participant("OSL-2"), session: kari)
        _ = try Participants.add(oslo, try participant("OSL-3", outcome: .droppedOut), session: kari)
        let rows = try Participants.report(round: FollowUp.round, session: kari)
        #expect(rows.map(\.employment) == ["<5", "<5"] && rows.map(\.droppedOut) == ["<5", "<5"] && rows.map(\.total) == ["<5", "<5"])
        // No cell of the table shows a count: each is small, hidden or zero.
        #expect(rows.allSatisfy { [$0.employment, $0.education, $0.other, $0.droppedOut, $0.noOutcome, $0.total].allSatisfy { ["<5", "x", "0"].contains($0) } })
    }

    @Test("retention: an admin purges participation that ended before a date, and the purge is logged")
    func purge() throws {
        let (db, oslo, _) = try scene()
        defer { db.drop() }
        let kari = try db.session(as: FollowUp.kari)
        _ = try Participants.add(oslo, try participant("OLD-1", end: "2021-12-01"), session: kari)
        _ = try Participants.add(oslo, try participant("NEW-1", end: "2022-06-30"), session: kari)
        _ = try Participants.add(oslo, try participant("NOW-1", end: nil, outcome: nil), session: kari)
        expectRefused("is not an admin") { _ = try Participants.purge(endedBefore: try CalendarDate("2022-01-01"), session: kari) }
        // The database judges the day (23T28, by the installation's today; two days on holds in any time zone).
        expectRefused("participant purge refused: give a date that is not in the future") {
            _ = try Participants.purge(endedBefore: db.today().adding(days: 2), session: try db.session(as: FollowUp.adm))
        }
        #expect(try Participants.purge(endedBefore: try CalendarDate("2022-01-01"), session: try db.session(as: FollowUp.adm)) == 1)
        #expect(try Participants.list(oslo, session: kari).map(\.code) == ["NEW-1", "NOW-1"])
        let entry = try #require(try Participants.accessLog(session: try db.session(as: FollowUp.adm)).first { $0.action == "purge" })
        #expect(entry.actor == FollowUp.adm && entry.rowCount == 1 && entry.query == "participant_purge('2022-01-01')")
    }

    @Test("participants only on granted projects; codes that look like identity numbers never stored")
    func content() throws {
        let (db, _, _) = try scene()
        defer { db.drop() }
        let rejected = try FollowUp.rejected(db)
        let c = try db.connect(asLogin: FollowUp.kari)
        expectSQLError("23T22", "has no grant") {
            try c.execute("SELECT tilskot.participant_add($1, 'REJ-0001', 1980, '0301', '2021-09-01')", [rejected.description])
        }
        #expect(throws: TilskotCore.ValidationError.self) { _ = try ParticipantCode("010185 12345") }
    }

    // MARK: - Gender (issue 17): three codes, behind the same logged access

    @Test("gender: recorded with the participant, listed to those who need to know, corrected later; not stated is other_or_unknown")
    func gender() throws {
        let (db, oslo, _) = try scene()
        defer { db.drop() }
        let kari = try db.session(as: FollowUp.kari)
        var woman = try participant("OSL-0001")
        woman.gender = .female
        _ = try Participants.add(oslo, woman, session: kari)
        _ = try Participants.add(oslo, try participant("OSL-0002"), session: kari)
        var listed = try Participants.list(oslo, session: kari)
        #expect(listed.map(\.gender) == [.female, .otherOrUnknown])
        // Corrected on its own (no end or outcome needed), and logged as an update.
        let before = try logCount(db)
        try Participants.update(oslo, code: try ParticipantCode("OSL-0002"), gender: .male, session: kari)
        #expect(try logCount(db) == before + 1)
        listed = try Participants.list(oslo, session: try db.session(as: FollowUp.reader))
        #expect(listed.map(\.gender) == [.female, .male] && listed[1].outcome == .employment)
        expectRefused("nothing to update for participant OSL-0002; give --end, an outcome or --gender") {
            try Participants.update(oslo, code: try ParticipantCode("OSL-0002"), session: kari)
        }
        // The words people write read as the codes; anything else is refused before the database.
        #expect(try ["kvinne", "Female", "mann", "man", "anna", "ikkje oppgitt", "ikke-oppgitt", "other_or_unknown"]
            .map(ParticipantGender.read) == [.female, .female, .male, .male, .otherOrUnknown, .otherOrUnknown, .otherOrUnknown, .otherOrUnknown])
        #expect(throws: TilskotCore.ValidationError.self) { _ = try ParticipantGender.read("x") }
        // In psql the database judges: a fourth value is refused with a sentence naming only the code.
        let c = try db.connect(asLogin: FollowUp.kari)
        expectSQLError("23T28", "participant refused: the gender given for OSL-0003 is not one of female, male, other_or_unknown (kvinne, mann, anna/ikkje oppgitt)") {
            _ = try c.query("SELECT tilskot.participant_add($1, 'OSL-0003', 1985, '0301', '2021-09-01', gender => 'non-binary')", [oslo.description])
        }
        expectSQLError("23T28", "participant refused: the gender given for OSL-0001 is not one of") {
            _ = try c.query("SELECT tilskot.participant_update($1, 'OSL-0001', gender => 'F')", [oslo.description])
        }
        #expect(try Participants.list(oslo, session: kari).map(\.gender) == [.female, .male])
    }

    @Test("the gender table per scheme: small cells as <5, the cell that would give one away as x, an empty year gives no rows; logged")
    func genderReport() throws {
        let (db, oslo, stavanger) = try scene()
        defer { db.drop() }
        let kari = try db.session(as: FollowUp.kari)
        let ola = try db.session(as: FollowUp.ola)
        func add(_ reference: ApplicationReference, _ prefix: String, _ gender: ParticipantGender, _ count: Int,
                 _ session: Session) throws {
            for i in 0..<count {
                var p = try participant("\(prefix)-\(i)")
                p.gender = gender
                _ = try Participants.add(reference, p, session: session)
            }
        }
        try add(oslo, "OSL-F", .female, 8, kari)
        try add(oslo, "OSL-M", .male, 6, kari)
        try add(stavanger, "STV-F", .female, 5, ola)
        try add(stavanger, "STV-O", .otherOrUnknown, 2, ola)
        let before = try logCount(db)
        let rows = try Participants.genderReport(year: 2021, session: try db.session(as: FollowUp.mona))
        #expect(try logCount(db) == before + 1)
        // 13 women, 6 men, 2 other: the 2 are small; the scheme's total 21 is published by the
        // participant report, so the row's smallest other cell (6 men) is hidden with it, and so
        // are the column totals that would give those two back.
        #expect(rows.map { [$0.scheme ?? "-", $0.name, $0.female, $0.male, $0.otherOrUnknown, $0.total] }
                == [["JS", "Jobbsjansen", "13", "x", "<5", "21"], ["-", "Total", "13", "x", "<5", "21"]])
        #expect(try Participants.genderReport(year: 2030, session: try db.session(as: FollowUp.mona)).isEmpty)
        expectRefused("participant gender report refused: \(FollowUp.fia) has no tilskot role that reads reports") {
            _ = try Participants.genderReport(year: 2021, session: try db.session(as: FollowUp.fia))
        }
    }

    @Test("CLI: participant add|update --gender reads the codes and the Norwegian words; list shows it; a bad value is refused; psql refuses what the CLI cannot send")
    func genderCLI() throws {
        let (db, oslo, _) = try scene()
        defer { db.drop() }
        let k = FollowUp.kari
        let add = try CLIRunner.run(["participant", "add", oslo.description, "--code", "OSL-0001", "--birth-year", "1985",
                                     "--municipality", "0301", "--start", "2021-09-01", "--gender", "kvinne", "--as", k], database: db)
        #expect(add.exitCode == 0, "\(add.stderr)")
        _ = try CLIRunner.run(["participant", "add", oslo.description, "--code", "OSL-0002", "--birth-year", "1990",
                               "--municipality", "0301", "--start", "2021-09-01", "--as", k], database: db)
        let update = try CLIRunner.run(["participant", "update", oslo.description, "--code", "OSL-0002", "--gender", "mann", "--as", k], database: db)
        #expect(update.exitCode == 0 && update.stdout == "participant OSL-0002 on \(oslo) updated\n", "\(update.stderr)")
        let list = try CLIRunner.run(["participant", "list", oslo.description, "--format", "json", "--as", k], database: db)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["gender"] as? String } == ["female", "male"])
        let bad = try CLIRunner.run(["participant", "update", oslo.description, "--code", "OSL-0002", "--gender", "ukjend", "--as", k], database: db)
        #expect(bad.exitCode == 1)
        #expect(bad.errorLines == ["gender \"ukjend\" is not one of female, male, other_or_unknown (kvinne, mann, anna/ikkje oppgitt)"],
                "\(bad.stderr)")
        #expect(try Participants.list(oslo, session: try db.session(as: k)).map(\.gender) == [.female, .male])
    }
}
