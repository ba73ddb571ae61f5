import Foundation
import PGClient
import Testing
import TilskotStore
import TilskotTestSupport

extension TestDatabase {
    /// What letters need besides the case, written by the superuser (an administrator): IMDi as
    /// issuer with a repayment account, names and titles for `staff`, and for `scheme` its
    /// regulations from 2020 and its appeal bodies (Kunnskapsdepartementet from 17 January 2018,
    /// Arbeids- og inkluderingsdepartementet from 1 January 2022). Other suites that write letters
    /// call it after their scene.
    func configureLetters(staff: [String: String], scheme: String = "JS") throws {
        let c = try connectAsAdmin()   // an administrator's settings (the superuser is no tilskot user)
        try c.execute("""
            INSERT INTO tilskot.issuer (name_nn, name_nb, name_en, orgnr, postal_address, email, website, phone, digital_channel, repayment_account)
            VALUES ('Integrerings- og mangfaldsdirektoratet (IMDi)', 'Integrerings- og mangfoldsdirektoratet (IMDi)',
                    'the Directorate of Integration and Diversity (IMDi)', '987879696', 'Postboks 8059 Dep, 0031 Oslo',
                    'post@imdi.no', 'www.imdi.no', '24 16 88 00', 'eDialog på www.imdi.no', '76940500008')
            ON CONFLICT DO NOTHING
            """)
        for (login, name) in staff {
            try c.execute("""
                INSERT INTO tilskot.staff (login, full_name, job_title, email, phone)
                VALUES ($1, $2, 'seniorrådgivar', $1 || '@imdi.no', '24 16 88 99') ON CONFLICT DO NOTHING
                """, [login, name])
        }
        let schemeID = try #require(try c.queryValue("SELECT id FROM tilskot.scheme WHERE code = $1", [scheme], as: Int64.self))
        try c.execute("""
            INSERT INTO tilskot.scheme_regulation (scheme_id, title, adopted_on, in_force_from, url)
            VALUES ($1, 'Regelverk for tilskot til Jobbsjansen', '2019-12-16', '2020-01-01', 'https://www.imdi.no/tilskudd/')
            """, [schemeID])
        try c.execute("""
            INSERT INTO tilskot.scheme_appeal_body (scheme_id, from_date, name_nn, name_nb, name_en) VALUES
                ($1, '2018-01-17', 'Kunnskapsdepartementet', 'Kunnskapsdepartementet', 'the Ministry of Education and Research'),
                ($1, '2022-01-01', 'Arbeids- og inkluderingsdepartementet', 'Arbeids- og inkluderingsdepartementet', 'the Ministry of Labour and Social Inclusion')
            """, [schemeID])
    }
}

/// Issue 16 item 3 through the binary: the settings complete letters need (issuer, staff,
/// regulations, appeal bodies, the party's language) with who may set them, the same sentence
/// through the CLI and psql, and the letters of a real case: signed by name and title, the appeal
/// body of the decision's date, in the party's language.
@Suite("letters and their settings through the CLI (fvl. §§ 16, 25, 27–28)")
struct LetterCLITests {
    static let admin = "lt_anne"
    static let manager = "lt_mona"
    static let caseworker = "lt_kari"
    static let otherCaseworker = "lt_ola"

    static let users: [String: UserRole] = [admin: .admin, manager: .manager, caseworker: .caseworker, otherCaseworker: .caseworker]

    /// Jobbsjansen 2021 and 2022; Oslo (letters in Bokmål) with JS-2021-0001 partly granted on
    /// 2021-04-01 and JS-2022-0001 rejected on 2022-04-01, each assigned to and assessed by kari.
    func scene(configured: Bool = true) throws -> TestDatabase {
        let m = Self.manager, k = Self.caseworker
        let db = try TestDatabase.scene(users: Self.users, steps: [
            ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
            ["round", "open", "JS/2021", "--frame", "110,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
            ["round", "open", "JS/2022", "--frame", "150 mill", "--opens", "2022-01-03", "--closes", "2022-03-01", "--as", m],
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--language", "nb", "--as", k],
            ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen <Oslo>",
             "--amount", "3 400 000", "--received", "2021-02-01", "--as", k],
            ["application", "register", "--round", "JS/2022", "--org", "958935420", "--title", "Jobbsjansen Oslo 2022",
             "--amount", "2 000 000", "--received", "2022-02-01", "--as", k],
            ["application", "assign", "JS-2021-0001", "--as", k],
            ["application", "assign", "JS-2022-0001", "--as", k],
            ["application", "assess", "JS-2021-0001", "--score", "3", "--recommend", "partial", "--amount", "1 000 000", "--as", k],
            ["application", "assess", "JS-2022-0001", "--score", "2", "--recommend", "reject", "--as", k],
            ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--reasons", "Ramma er avgrensa",
             "--conditions", "Rapport innan 1. mars 2022", "--date", "2021-04-01", "--as", m],
            ["application", "decide", "JS-2022-0001", "--reject", "--reasons", "Tiltaket er ikkje prioritert", "--date", "2022-04-01", "--as", m],
        ])
        if configured {
            try db.configureLetters(staff: [Self.manager: "Mona Hansen", Self.caseworker: "Kari Nordmann"])
        }
        return db
    }

    /// A statement as `user`'s own psql login that must fail; returns its SQLSTATE.
    func refusedSQL(_ db: TestDatabase, _ user: String, _ sql: String, _ parameters: [String] = [],
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let psql = try db.connect(asLogin: user)
        do {
            _ = try psql.execute(sql, parameters)
            Issue.record("the statement succeeded as \(user): \(sql)", sourceLocation: sourceLocation)
            return ""
        } catch {
            return error.sqlState
        }
    }

    @Test("only an administrator sets the issuer: the CLI says so, psql meets the privileges; a bad value reads the same in both")
    func issuerSettings() throws {
        let db = try scene()
        defer { db.drop() }
        let refused = try CLIRunner.run(["issuer", "set", "--email", "svindel@example.com", "--as", Self.caseworker], database: db)
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.contains("issuer settings refused: \(Self.caseworker) is not an administrator"))
        // A caseworker with psql can neither redirect appeals nor repayments.
        #expect(try refusedSQL(db, Self.caseworker, "UPDATE tilskot.issuer SET repayment_account = '15038012345'") == "42501")
        #expect(try refusedSQL(db, Self.manager, "INSERT INTO tilskot.issuer (name_nn, name_nb, name_en, postal_address, email, website, digital_channel) VALUES ('x','x','x','x','x@y.no','x','x')") == "42501")
        #expect(try db.connect().queryValue("SELECT repayment_account FROM tilskot.issuer", as: String.self) == "76940500008")
        try expectSameSentence(db, Self.admin, cli: ["issuer", "set", "--repayment-account", "1503 80 12346"],
                               sql: "UPDATE tilskot.issuer SET repayment_account = '15038012346'",
                               containing: "repayment account 15038012346 is not a valid Norwegian account number")
        let changed = try CLIRunner.run(["issuer", "set", "--phone", "24 16 88 01", "--as", Self.admin, "--format", "json"], database: db)
        #expect(changed.exitCode == 0, "\(changed.stderr)")
        #expect(changed.stdout.contains("\"phone\" : \"24 16 88 01\""))
        #expect(changed.stdout.contains("\"changed_by\" : \"\(Self.admin)\""))
        // The change is in the audit log with who made it.
        #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.audit_log WHERE table_name = 'issuer' AND actor = $1", [Self.admin], as: Int.self) ?? 0 >= 1)
    }

    @Test("staff details: an administrator sets names and titles; a person changes only their own e-mail and telephone")
    func staffDetails() throws {
        let db = try scene()
        defer { db.drop() }
        let own = try CLIRunner.run(["user", "set", Self.caseworker, "--phone", "22 33 44 55", "--as", Self.caseworker], database: db)
        #expect(own.exitCode == 0, "\(own.stderr)")
        #expect(try db.connect().queryValue("SELECT phone FROM tilskot.staff WHERE login = $1", [Self.caseworker], as: String.self) == "22 33 44 55")
        try expectSameSentence(db, Self.caseworker, cli: ["user", "set", Self.manager, "--phone", "99 99 99 99"],
                               sql: "UPDATE tilskot.staff SET phone = '99 99 99 99' WHERE login = '\(Self.manager)'",
                               containing: "staff details refused: \(Self.caseworker) is not an administrator")
        // Signing as someone else: the name column is not a caseworker's to write, in the CLI or psql.
        let rename = try CLIRunner.run(["user", "set", Self.caseworker, "--name", "Direktøren", "--as", Self.caseworker], database: db)
        #expect(rename.exitCode == 1)
        #expect(rename.stderr.contains("only members of tilskot_admin record the names and titles"))
        #expect(try refusedSQL(db, Self.caseworker, "UPDATE tilskot.staff SET full_name = 'Direktøren' WHERE login = '\(Self.caseworker)'") == "42501")
        #expect(try refusedSQL(db, Self.caseworker, "INSERT INTO tilskot.staff (login, full_name) VALUES ('\(Self.otherCaseworker)', 'Ola')") == "42501")
        try expectSameSentence(db, Self.admin, cli: ["user", "set", Self.otherCaseworker, "--name", "Ola Nordmann", "--phone", "12"],
                               sql: "INSERT INTO tilskot.staff (login, full_name, phone) VALUES ('\(Self.otherCaseworker)', 'Ola Nordmann', '12')",
                               containing: "telephone number \"12\" is not 8 to 20 digits")
        let added = try CLIRunner.run(["user", "set", Self.otherCaseworker, "--name", "Ola Nordmann", "--title", "rådgivar",
                                       "--email", "ola@imdi.no", "--as", Self.admin, "--format", "json"], database: db)
        #expect(added.exitCode == 0, "\(added.stderr)")
        #expect(added.stdout.contains("\"title\" : \"rådgivar\""))
        let unknown = try CLIRunner.run(["user", "set", "lt_nobody", "--name", "Nobody", "--as", Self.admin], database: db)
        #expect(unknown.stderr.contains("there is no user lt_nobody"))
        // `user add` records the details with the login; a title without a name is wrong usage.
        let add = try CLIRunner.run(["user", "add", "lt_per", "--role", "caseworker", "--name", "Per Olsen", "--title", "rådgivar",
                                     "--email", "per.olsen@imdi.no", "--phone", "+47 24 16 88 20", "--as", Self.admin], database: db)
        #expect(add.exitCode == 0, "\(add.stderr)")
        let shown = try CLIRunner.run(["user", "show", "lt_per", "--format", "json", "--as", Self.caseworker], database: db)
        #expect(shown.stdout.contains("\"name\" : \"Per Olsen\"") && shown.stdout.contains("\"phone\" : \"+47 24 16 88 20\""))
        let titleOnly = try CLIRunner.run(["user", "add", "lt_per", "--role", "caseworker", "--title", "rådgivar"], database: db)
        #expect(titleOnly.exitCode == 2)
    }

    @Test("a scheme's regulations and appeal bodies are managers' to record; a second for the same day reads the same sentence")
    func schemeSettings() throws {
        let db = try scene()
        defer { db.drop() }
        let caseworker = try CLIRunner.run(["scheme", "appeal-body", "JS", "--from", "2024-01-01", "--nn", "X", "--nb", "X", "--en", "X",
                                            "--as", Self.caseworker], database: db)
        #expect(caseworker.exitCode == 1)
        #expect(caseworker.stderr.contains("appeal body refused: \(Self.caseworker) is not a manager"))
        #expect(try refusedSQL(db, Self.caseworker, "INSERT INTO tilskot.scheme_appeal_body (scheme_id, from_date, name_nn, name_nb, name_en) SELECT id, '2024-01-01', 'X', 'X', 'X' FROM tilskot.scheme") == "42501")
        #expect(try refusedSQL(db, Self.manager, "UPDATE tilskot.scheme_appeal_body SET name_nn = 'X'") == "42501")
        #expect(try refusedSQL(db, Self.manager, "DELETE FROM tilskot.scheme_regulation") == "42501")
        try expectSameSentence(db, Self.manager, cli: ["scheme", "appeal-body", "JS", "--from", "2022-01-01", "--nn", "X", "--nb", "X", "--en", "X"],
                               sql: "INSERT INTO tilskot.scheme_appeal_body (scheme_id, from_date, name_nn, name_nb, name_en) SELECT id, '2022-01-01', 'X', 'X', 'X' FROM tilskot.scheme",
                               containing: "JS already has an appeal body from 2022-01-01")
        try expectSameSentence(db, Self.manager, cli: ["scheme", "regulation", "add", "JS", "--title", "Nytt regelverk", "--adopted", "2023-02-01",
                                                       "--in-force-from", "2023-01-01"],
                               sql: "INSERT INTO tilskot.scheme_regulation (scheme_id, title, adopted_on, in_force_from) SELECT id, 'Nytt regelverk', '2023-02-01', '2023-01-01' FROM tilskot.scheme",
                               containing: "adopted 2023-02-01 but in force from 2023-01-01")
        let added = try CLIRunner.run(["scheme", "regulation", "add", "JS", "--title", "Regelverk for tilskot til Jobbsjansen 2023",
                                       "--adopted", "2022-12-15", "--in-force-from", "2023-01-01", "--url", "https://www.imdi.no/tilskudd/",
                                       "--as", Self.manager], database: db)
        #expect(added.exitCode == 0, "\(added.stderr)")
        let shown = try CLIRunner.run(["scheme", "show", "JS", "--format", "json", "--as", Self.caseworker], database: db)
        #expect(shown.stdout.contains("\"in_force_from\" : \"2023-01-01\""))
        #expect(shown.stdout.contains("\"name_nn\" : \"Kunnskapsdepartementet\""))
    }

    @Test("an organisation's letter language: set by a caseworker, an unknown one reads the same sentence in the CLI and psql")
    func organisationLanguage() throws {
        let db = try scene()
        defer { db.drop() }
        try expectSameSentence(db, Self.caseworker, cli: ["org", "set-language", "958935420", "de"],
                               sql: "UPDATE tilskot.organisation SET preferred_language = 'de' WHERE orgnr = '958935420'",
                               containing: "letter language \"de\" is not one of nn, nb, en")
        // The name is correctable (`org update`, audited); the kind stays as registered.
        #expect(try refusedSQL(db, Self.caseworker, "UPDATE tilskot.organisation SET kind = 'business' WHERE orgnr = '958935420'") == "42501")
        let set = try CLIRunner.run(["org", "set-language", "958935420", "en", "--as", Self.caseworker], database: db)
        #expect(set.exitCode == 0, "\(set.stderr)")
        let letter = try CLIRunner.run(["application", "letter", "JS-2021-0001", "--as", Self.caseworker], database: db)
        #expect(letter.stdout.contains("# Decision on a grant from Jobbsjansen 2021"))
    }

    @Test("the decision letter: signed by name and title, caseworker contact, issuer's channels, regulations, and the appeal body of the decision's date, in the party's language")
    func decisionLetters() throws {
        let db = try scene()
        defer { db.drop() }
        let nb = try CLIRunner.run(["application", "letter", "JS-2021-0001", "--as", Self.caseworker], database: db)
        #expect(nb.exitCode == 0, "\(nb.stderr)")
        let text = nb.stdout
        #expect(text.contains("# Vedtak om tilskudd fra Jobbsjansen 2021"))
        #expect(text.contains("Mona Hansen  \nseniorrådgivar  \nIntegrerings- og mangfoldsdirektoratet (IMDi)"))
        #expect(!text.contains("\(Self.manager)  \n"))
        #expect(text.contains("saksbehandleren Kari Nordmann, e-post lt\\_kari@imdi.no, telefon 24 16 88 99"))
        #expect(text.contains("Postboks 8059 Dep, 0031 Oslo, på e-post til post@imdi.no eller digitalt via eDialog på www.imdi.no"))
        #expect(text.contains("Vedtaket er truffet etter Regelverk for tilskot til Jobbsjansen (fastsatt 16. desember 2019, https://www.imdi.no/tilskudd/)"))
        #expect(text.contains("sender vi klagen til Kunnskapsdepartementet, som er klageinstans"))
        #expect(text.contains("- Rapport innan 1. mars 2022"))
        #expect(text.contains("(bevilgningsreglementet § 10 andre ledd)"))
        #expect(text.contains("Jobbsjansen \\<Oslo\\>"))
        let later = try CLIRunner.run(["application", "letter", "JS-2022-0001", "--language", "en", "--as", Self.caseworker], database: db)
        #expect(later.stdout.contains("we send the appeal to the Ministry of Labour and Social Inclusion, which is the appeal body"))
        #expect(!later.stdout.contains("Education"))
        let nn = try CLIRunner.run(["application", "letter", "JS-2022-0001", "--lang", "nn", "--format", "html", "--as", Self.caseworker], database: db)
        #expect(nn.stdout.contains("<html lang=\"nn\">"))
        #expect(nn.stdout.contains("Arbeids- og inkluderingsdepartementet, som er klageinstans"))
    }

    @Test("a letter that would be incomplete is refused with what to set: no issuer, no signer's name, no appeal body for the date")
    func incompleteRefused() throws {
        let db = try scene(configured: false)
        defer { db.drop() }
        let noIssuer = try CLIRunner.run(["application", "letter", "JS-2021-0001", "--as", Self.caseworker], database: db)
        #expect(noIssuer.exitCode == 1)
        #expect(noIssuer.stderr.contains("no issuer is configured"))
        #expect(noIssuer.stderr.contains("`tilskot issuer set --name-nn"))
        let set = try CLIRunner.run(["issuer", "set", "--name-nn", "IMDi", "--name-nb", "IMDi", "--name-en", "IMDi",
                                     "--postal-address", "Postboks 8059 Dep, 0031 Oslo", "--email", "post@imdi.no",
                                     "--website", "www.imdi.no", "--digital-channel", "eDialog", "--as", Self.admin], database: db)
        #expect(set.exitCode == 0, "\(set.stderr)")
        let noBody = try CLIRunner.run(["application", "letter", "JS-2021-0001", "--as", Self.caseworker], database: db)
        #expect(noBody.stderr.contains("no appeal body is recorded for scheme JS on 2021-04-01"))
        // An appeal body only from 2022 does not hear a 2021 decision's appeal.
        #expect(try CLIRunner.run(["scheme", "appeal-body", "JS", "--from", "2022-01-01", "--nn", "Arbeids- og inkluderingsdepartementet",
                                   "--nb", "Arbeids- og inkluderingsdepartementet", "--en", "the Ministry of Labour and Social Inclusion",
                                   "--as", Self.manager], database: db).exitCode == 0)
        #expect(try CLIRunner.run(["application", "letter", "JS-2021-0001", "--as", Self.caseworker], database: db)
            .stderr.contains("no appeal body is recorded for scheme JS on 2021-04-01"))
        let noRules = try CLIRunner.run(["application", "letter", "JS-2022-0001", "--as", Self.caseworker], database: db)
        #expect(noRules.stderr.contains("no regulations of scheme JS in force on 2022-04-01 are recorded"))
        #expect(try CLIRunner.run(["scheme", "regulation", "add", "JS", "--title", "Regelverk for tilskot til Jobbsjansen",
                                   "--adopted", "2021-12-15", "--in-force-from", "2022-01-01", "--as", Self.manager], database: db).exitCode == 0)
        let noSigner = try CLIRunner.run(["application", "letter", "JS-2022-0001", "--as", Self.caseworker], database: db)
        #expect(noSigner.exitCode == 1)
        #expect(noSigner.stderr.contains("\(Self.manager), who signs it, has no full name recorded for letters; an administrator adds it with `tilskot user set \(Self.manager) --name … --title …`"))
        #expect(try CLIRunner.run(["user", "set", Self.manager, "--name", "Mona Hansen", "--as", Self.admin], database: db).exitCode == 0)
        let ok = try CLIRunner.run(["application", "letter", "JS-2022-0001", "--as", Self.caseworker], database: db)
        #expect(ok.exitCode == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("Mona Hansen  \nIMDi"))
        #expect(ok.stdout.contains("Vedtaket er truffet etter Regelverk for tilskot til Jobbsjansen (fastsatt 15. desember 2021)"))
    }

    @Test("the letters of an appeal's dismissal and of an advance notice come from the case")
    func appealAndNoticeLetters() throws {
        let db = try scene()
        defer { db.drop() }
        let c = try db.connect()
        let app = try #require(try c.queryValue("SELECT id FROM tilskot.application WHERE reference = 'JS-2021-0001'", as: Int64.self))
        // An appeal on the partial grant, and the advance notice of a change to the appellant's
        // disadvantage (fvl. § 34 third paragraph, § 16), as H1's command registers it.
        let appealed = try CLIRunner.run(["application", "appeal", "JS-2021-0001", "--received", "2021-04-10", "--grounds", "Vi treng meir",
                                          "--as", Self.manager], database: db)
        #expect(appealed.exitCode == 0, "\(appealed.stderr)")
        try db.connect(actingAs: Self.manager).execute("""
            INSERT INTO tilskot.advance_notice (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by)
            VALUES ($1, 'change', 'å setje ned tilskotet fordi tiltaket er mindre enn søkt om', 50000000, '2021-04-20', 'post', '2021-05-11')
            """, [String(app)])
        let notice = try CLIRunner.run(["application", "letter", "JS-2021-0001", "--kind", "advance-notice", "--as", Self.caseworker], database: db)
        #expect(notice.exitCode == 0, "\(notice.stderr)")
        #expect(notice.stdout.contains("# Forhåndsvarsel om endring av vedtak om tilskudd fra Jobbsjansen 2021"))
        #expect(notice.stdout.contains("Fristen for å svare er 11. mai 2021."))
        #expect(notice.stdout.contains("Tilskuddet kan bli endret fra 1 000 000 kr til 500 000 kr."))
        #expect(notice.stdout.contains("Mona Hansen  \nseniorrådgivar"))
        let wrong = try CLIRunner.run(["application", "letter", "JS-2022-0001", "--kind", "advance-notice", "--as", Self.caseworker], database: db)
        #expect(wrong.exitCode == 1)
        #expect(wrong.stderr.contains("JS-2022-0001 has no advance notice"))

        let appeal = try CLIRunner.run(["application", "appeal", "JS-2022-0001", "--received", "2022-04-10", "--grounds", "Vi er usamde",
                                        "--as", Self.manager], database: db)
        #expect(appeal.exitCode == 0, "\(appeal.stderr)")
        let dismissed = try CLIRunner.run(["appeal", "dismiss", "JS-2022-0001", "--ground", "withdrawn", "--reasons", "Kommunen trekte klaga",
                                           "--date", "2022-04-20", "--as", Self.admin], database: db)
        #expect(dismissed.exitCode == 0, "\(dismissed.stderr)")
        try db.connectAsAdmin().execute("INSERT INTO tilskot.staff (login, full_name, job_title) VALUES ($1, 'Anne Admin', 'direktør') ON CONFLICT DO NOTHING", [Self.admin])
        let letter = try CLIRunner.run(["application", "letter", "JS-2022-0001", "--kind", "appeal-dismissal", "--language", "nn",
                                        "--as", Self.caseworker], database: db)
        #expect(letter.exitCode == 0, "\(letter.stderr)")
        #expect(letter.stdout.contains("# Vedtak om avvising av klage – Jobbsjansen 2022"))
        #expect(letter.stdout.contains("Vedtaket av 1. april 2022 gjeld framleis og er ikkje endra."))
        #expect(letter.stdout.contains("De kan klage på avgjerda om å avvise klaga."))
        #expect(letter.stdout.contains("sender vi klaga til Arbeids- og inkluderingsdepartementet"))
        #expect(letter.stdout.contains("Anne Admin  \ndirektør"))
    }
}
