import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

/// Issue 17 item 3 (first two bullets) through the binary: `round adjust --decided/--corrects` and
/// the round's history, `clawback demand --another`, `clawback cancel` and its letter; each refusal
/// reads the same sentence through the CLI and psql.
@Suite("corrections through the CLI: frame adjustment kinds, claw-back cancellation and its letter")
struct CorrectionCLITests {
    static let manager = "co_mona"
    static let caseworker = "co_kari"
    static let finance = "co_fia"
    static let payer = "co_finn"

    /// Jobbsjansen 2021 (110,3 mill. kr) and 2022; Oslo (letters in Bokmål) with JS-2021-0001 granted
    /// 1 000 000 kr on 2021-04-01 and paid in full on 2021-05-03.
    func scene() throws -> TestDatabase {
        let m = Self.manager, k = Self.caseworker
        let db = try TestDatabase.scene(users: [m: .manager, k: .caseworker, Self.finance: .finance, Self.payer: .finance], steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
            ["round", "open", "JS/2021", "--frame", "110,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
            ["round", "open", "JS/2022", "--frame", "150 mill", "--opens", "2022-01-03", "--closes", "2022-03-01", "--as", m],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--language", "nb", "--as", k],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen Oslo",
             "--amount", "1 000 000", "--received", "2021-02-01", "--as", k],
            ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", k],
            ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--date", "2021-04-01", "--as", m],
            ["payment", "plan", "JS-2021-0001", "--instalments", "100%:2021-05-01", "--account", "8601 11 17947", "--as", k],
            ["payment", "attest", "1", "--as", Self.finance],
            ["payment", "pay", "1", "--voucher", "UTB-2021-05", "--date", "2021-05-03", "--as", Self.payer],
        ])
        try db.configureLetters(staff: [Self.manager: "Mona Hansen", Self.caseworker: "Kari Nordmann"])
        return db
    }

    func run(_ db: TestDatabase, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try CLIRunner.run(arguments, database: db)
        #expect(result.exitCode == 0, "\(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    func value(_ db: TestDatabase, _ sql: String) throws -> Int64 {
        try #require(try db.connect().queryValue(sql, as: Int64.self))
    }

    @Test("round adjust --decided and --corrects: the history shows budget changes and corrections; the equality text only the budget's")
    func frameCorrections() throws {
        let db = try scene()
        defer { db.drop() }
        let m = Self.manager
        _ = try run(db, ["round", "adjust", "JS/2021", "--amount", "+25 mill", "--decided", "2021-06-18", "--reason", "integreringspakke II", "--as", m])
        _ = try run(db, ["round", "adjust", "JS/2021", "--amount", "+10 000 mill", "--decided", "2021-06-18", "--reason", "test av beløpsformat", "--as", m])
        let round = try value(db, "SELECT r.id FROM tilskot.round r WHERE r.year = 2021")
        let typo = try value(db, "SELECT id FROM tilskot.frame_adjustment WHERE reason = 'test av beløpsformat'")
        // The issue's counter-adjustment is refused as a correction past 0 kr, in the database's words.
        try expectSameSentence(db, m, cli: ["round", "adjust", "JS/2021", "--amount", "-10 057 mill", "--corrects", "\(typo)",
                                            "--reason", "Retta feilregistrerte justeringar"],
                               sql: "INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, kind, corrects_id) VALUES (\(round), -1005700000000, 'Retta feilregistrerte justeringar', 'correction', \(typo))",
                               containing: "correct it at most to 0 kr")
        try expectSameSentence(db, m, cli: ["round", "adjust", "JS/2022", "--amount", "-1 mill", "--corrects", "\(typo)", "--reason", "Retta"],
                               sql: "INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, kind, corrects_id) SELECT id, -100000000, 'Retta', 'correction', \(typo) FROM tilskot.round WHERE year = 2022",
                               containing: "belongs to Jobbsjansen 2021, not to Jobbsjansen 2022")
        try expectSameSentence(db, m, cli: ["round", "adjust", "JS/2021", "--amount", "+1 mill", "--decided", "2099-01-01", "--reason", "Framtid"],
                               sql: "INSERT INTO tilskot.frame_adjustment (round_id, amount_ore, reason, decided) VALUES (\(round), 100000000, 'Framtid', '2099-01-01')",
                               containing: "is dated 2099-01-01, in the future")
        let shown = try run(db, ["round", "adjust", "JS/2021", "--amount", "-10 000 mill", "--corrects", "\(typo)",
                                 "--reason", "Retta feilregistrert justering", "--as", m])
        #expect(shown.contains("budget change  [\(typo)] +10 000 mill. kr (+10 000 000 000 kr): test av beløpsformat, decided 2021-06-18 — \(m); corrected to 0 kr (registered in error)"))
        #expect(shown.contains("correction     ["))
        #expect(shown.contains("of [\(typo)]: Retta feilregistrert justering — \(m)"))
        #expect(shown.contains("+25 mill. kr (+25 000 000 kr): integreringspakke II, decided 2021-06-18"))
        #expect(shown.contains("frame          135,3 mill. kr (135 300 000 kr)"))
        // The equality text narrates the budget change, not the typo or its correction.
        let report = try run(db, ["report", "equality", "--year", "2021", "--as", m])
        #expect(report.contains("Tilskotsramma vart seinare auka med 25 mill. kroner gjennom integreringspakke II, slik at den totale tilskotsramma vart 135,3 mill. kroner i 2021."))
        #expect(!report.contains("test av beløpsformat") && !report.contains("Retta"))
    }

    @Test("clawback demand --another, clawback cancel with the same sentence as psql, and the cancellation letter")
    func clawbackCancel() throws {
        let db = try scene()
        defer { db.drop() }
        let m = Self.manager
        let without = "fvl. § 16 tredje ledd bokstav c: mottakaren har sjølv rapportert dei ubrukte midlane"
        let demand = ["clawback", "demand", "JS-2021-0001", "--amount", "300 000", "--reasons", "Ubrukte midlar",
                      "--due", "2022-06-01", "--date", "2022-04-20", "--without-notice", without]
        _ = try run(db, demand + ["--as", m])
        let app = try value(db, "SELECT id FROM tilskot.application WHERE reference = 'JS-2021-0001'")
        let first = try value(db, "SELECT min(id) FROM tilskot.clawback")
        try expectSameSentence(db, m, cli: demand,
                               sql: "INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, decision_date, due_date, notice_exception) VALUES (\(app), 30000000, 'Ubrukte midlar', '2022-04-20', '2022-06-01', '\(without)')",
                               containing: "JS-2021-0001 already has an open claw-back, claw-back \(first) (the claw-back of 300 000 kr from JS-2021-0001 decided 2022-04-20)")
        _ = try run(db, demand + ["--another", "--as", m])
        let second = try value(db, "SELECT max(id) FROM tilskot.clawback")
        try expectSameSentence(db, Self.caseworker, cli: ["clawback", "cancel", "\(second)", "--reason", "Registrert to gonger"],
                               sql: "INSERT INTO tilskot.clawback_cancellation (clawback_id, reason) VALUES (\(second), 'Registrert to gonger')",
                               containing: "\(Self.caseworker) is not a manager; only members of tilskot_manager can cancel a claw-back")
        // The notice of the second was sent: its cancellation has a letter.
        _ = try run(db, ["clawback", "notify", "\(second)", "--sent", "2022-04-21", "--channel", "post", "--as", m])
        let cancelled = try run(db, ["clawback", "cancel", "\(second)", "--reason", "Registrert to gonger ved ein feil", "--as", m])
        #expect(cancelled.contains("claw-back \(second) from JS-2021-0001 cancelled: nothing is owed; its notice was recorded: write the cancellation letter with `tilskot clawback letter \(second) --kind cancellation`"))
        try expectSameSentence(db, m, cli: ["clawback", "cancel", "\(second)", "--reason", "Igjen"],
                               sql: "INSERT INTO tilskot.clawback_cancellation (clawback_id, reason) VALUES (\(second), 'Igjen')",
                               containing: "is already cancelled")
        let shown = try run(db, ["clawback", "show", "\(second)", "--as", m])
        #expect(shown.contains("cancelled    as registered in error by \(m): Registrert to gonger ved ein feil"))
        let json = try run(db, ["clawback", "show", "\(second)", "--format", "json", "--as", m])
        #expect(json.contains("\"cancellation_reason\"") && json.contains("\"another\""))
        // The letter in the party's language (Bokmål) and on request in Nynorsk and English.
        let kid = try #require(try db.connect().queryValue("SELECT kid FROM tilskot.clawback WHERE id = $1", [second], as: String.self))
        let nb = try run(db, ["clawback", "letter", "\(second)", "--kind", "cancellation", "--as", m])
        #expect(nb.contains("Opphevelse av vedtak om tilbakebetaling av tilskudd fra Jobbsjansen 2021"))
        #expect(nb.contains("skulle betale tilbake 300 000 kr av tilskuddet til"))
        #expect(nb.contains("med KID \(kid)"))
        #expect(nb.contains("forvaltningsloven § 35 første ledd bokstav a"))
        #expect(nb.contains("Dette var feil: Registrert to gonger ved ein feil"))
        #expect(nb.contains("Mona Hansen"))
        let nn = try run(db, ["clawback", "letter", "\(second)", "--kind", "cancellation", "--lang", "nn", "--as", m])
        #expect(nn.contains("Oppheving av vedtak om tilbakebetaling av tilskot frå Jobbsjansen 2021") && nn.contains("De skal ikkje betale noko tilbake"))
        let en = try run(db, ["clawback", "letter", "\(second)", "--kind", "cancellation", "--lang", "en", "--as", m])
        #expect(en.contains("Decision to claim back a grant from Jobbsjansen 2021 withdrawn") && en.contains("You do not have to repay anything under it"))
        // The first was never sent and never cancelled: no cancellation letter.
        let refused = try CLIRunner.run(["clawback", "letter", "\(first)", "--kind", "cancellation", "--as", m], database: db)
        #expect(refused.exitCode == 1 && refused.stderr.contains("claw-back \(first) is not cancelled as registered in error"))
        // Repaid in part: refused, in the same words as psql.
        _ = try run(db, ["clawback", "repay", "\(first)", "--amount", "1 000", "--date", "2022-05-02", "--as", Self.finance])
        try expectSameSentence(db, m, cli: ["clawback", "cancel", "\(first)", "--reason", "Feil"],
                               sql: "INSERT INTO tilskot.clawback_cancellation (clawback_id, reason) VALUES (\(first), 'Feil')",
                               containing: "1 000 kr has already been repaid against")
    }
}
