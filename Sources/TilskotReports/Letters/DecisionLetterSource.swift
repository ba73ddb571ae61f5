import PGClient
import TilskotCore
import TilskotStore

/// What every letter reads from the database about its case: the application, its party and the
/// party's language, the issuer (tilskot.issuer), the scheme's regulations and appeal body on the
/// letter's decision date, the signer's and the caseworker's details (tilskot.staff). A letter
/// that would be incomplete is refused with a sentence saying what to set, rather than written
/// with a login name for a signature or the wrong appeal body.
enum LetterSource {
    struct CaseRow {
        var applicationID: Int64
        var schemeID: Int64
        var schemeCode: String
        var received: CalendarDate
        var amountApplied: Money
        var letterCase: LetterCase
    }

    /// The application `reference` as a letter's case, with the rules and appeal body of `on`.
    /// `needsAppealBody`: the letter names the appeal body (every decision letter does).
    static func loadCase(_ reference: String, on day: CalendarDate, letter: String, needsAppealBody: Bool = true,
                         _ c: Connection) throws -> CaseRow {
        guard let row = try c.queryRow("""
            SELECT a.id, a.reference, a.external_ref, a.title, a.received, a.amount_applied_ore, a.scheme_id,
                   s.code AS scheme_code, s.name AS scheme_name, r.year, o.name AS org_name, o.orgnr, o.preferred_language
              FROM tilskot.application a
              JOIN tilskot.scheme s ON s.id = a.scheme_id
              JOIN tilskot.round r ON r.id = a.round_id
              JOIN tilskot.organisation o ON o.id = a.organisation_id
             WHERE a.reference = $1
            """, [reference]) else {
            throw TilskotError.refused("there is no application \(reference)")
        }
        let applicationID = try row.int64("id")
        let schemeID = try row.int64("scheme_id")
        let code = try row.string("scheme_code")
        guard let settings = try Issuer.find(c) else {
            throw TilskotError.refused("\(letter) refused: " + Issuer.missing)
        }
        let body = try appealBody(schemeID, on: day, c)
        if needsAppealBody && body == nil {
            throw TilskotError.refused("\(letter) refused: no appeal body is recorded for scheme \(code) on \(day), so the letter cannot say who hears an appeal (fvl. § 28); a manager adds it with `tilskot scheme appeal-body \(code) --from YYYY-MM-DD --nn … --nb … --en …`")
        }
        guard let regulation = try c.queryRow("""
            SELECT title, adopted_on, url FROM tilskot.scheme_regulation_on($1, $2) WHERE title IS NOT NULL
            """, [schemeID, day.description]) else {
            throw TilskotError.refused("\(letter) refused: no regulations of scheme \(code) in force on \(day) are recorded, and a letter must name the rules it rests on (fvl. § 25 first paragraph); a manager adds them with `tilskot scheme regulation add \(code) --title … --adopted YYYY-MM-DD --in-force-from YYYY-MM-DD`")
        }
        let letterCase = LetterCase(
            issuer: LetterIssuer(settings, appealBody: body), reference: try row.string("reference"),
            externalReference: row["external_ref"], schemeName: try row.string("scheme_name"), year: try row.int("year"),
            organisationName: try row.string("org_name"), organisationNumber: try row.string("orgnr"),
            title: try row.string("title"),
            regulation: LetterRegulation(title: try regulation.string("title"), adopted: try regulation.letterDate("adopted_on"),
                                         url: regulation["url"]),
            contact: try contact(applicationID, c),
            preferredLanguage: row["preferred_language"].flatMap(LetterLanguage.init(rawValue:)))
        return CaseRow(applicationID: applicationID, schemeID: schemeID, schemeCode: code, received: try row.letterDate("received"),
                       amountApplied: try row.letterMoney("amount_applied_ore"), letterCase: letterCase)
    }

    static func appealBody(_ schemeID: Int64, on day: CalendarDate, _ c: Connection) throws -> SchemeAppealBody? {
        try c.queryRow("""
            SELECT from_date, name_nn, name_nb, name_en FROM tilskot.scheme_appeal_body_on($1, $2) WHERE name_nn IS NOT NULL
            """, [schemeID, day.description]).map {
            SchemeAppealBody(from: try $0.letterDate("from_date"), nameNN: try $0.string("name_nn"), nameNB: try $0.string("name_nb"),
                             nameEN: try $0.string("name_en"))
        }
    }

    /// The caseworker to contact: the one assigned last, else the current assessor, whichever has
    /// details recorded; nil when neither has (the letter then gives the issuer's e-mail and
    /// telephone).
    static func contact(_ applicationID: Int64, _ c: Connection) throws -> LetterPerson? {
        try c.queryRow("""
            WITH who AS (
                SELECT (SELECT g.caseworker FROM tilskot.assignment g WHERE g.application_id = $1 ORDER BY g.id DESC LIMIT 1) AS assigned,
                       (SELECT e.assessor FROM tilskot.assessment e WHERE e.application_id = $1 AND e.is_current) AS assessor)
            SELECT s.full_name, s.job_title, s.email, s.phone FROM tilskot.staff s, who
             WHERE s.login IN (who.assigned, who.assessor)
             ORDER BY s.login = who.assigned DESC NULLS LAST LIMIT 1
            """, [applicationID]).map {
            LetterPerson(name: try $0.string("full_name"), title: $0["job_title"], email: $0["email"], phone: $0["phone"])
        }
    }

    /// The person who signs: their full name and title. Refused without them: a letter is signed
    /// by a person the party can name, not a login.
    static func signer(_ login: String, letter: String, _ c: Connection) throws -> LetterPerson {
        guard let row = try c.queryRow("SELECT full_name, job_title, email, phone FROM tilskot.staff WHERE login = $1", [login]) else {
            throw TilskotError.refused("\(letter) refused: \(login), who signs it, has no full name recorded for letters; an administrator adds it with `tilskot user set \(login) --name … --title …`")
        }
        return LetterPerson(name: try row.string("full_name"), title: row["job_title"], email: row["email"], phone: row["phone"])
    }

    static func outcome(_ text: String) -> DecisionOutcome { DecisionOutcome(rawValue: text) ?? .rejected }
}

/// Builds the decision letter of an application from the database: its current decision, the
/// appeal that decision answers and the decision it replaces, and for a grant the reporting duty
/// and the planned instalments with their account.
public enum DecisionLetterSource {
    public static func letter(for reference: ApplicationReference, session: Session) throws(TilskotError) -> DecisionLetter {
        try session.run {
            let c = session.connection
            guard let decision = try c.queryRow("""
                SELECT d.id, d.outcome, d.amount_ore, d.reasons, d.conditions, d.decided_by, d.decision_date, d.appeal_id,
                       d.instance, d.body_reference
                  FROM tilskot.decision d JOIN tilskot.application a ON a.id = d.application_id
                 WHERE a.reference = $1 AND d.is_current
                """, [reference.description]) else {
                throw TilskotError.refused("\(reference) has no decision yet, so there is no decision letter to write; decide it first")
            }
            let decisionDate = try decision.letterDate("decision_date")
            let letterName = "the decision letter of \(reference)"
            let row = try LetterSource.loadCase(reference.description, on: decisionDate, letter: letterName, c)
            var appeal: DecisionLetter.AppealContext?
            if let appealID = try decision.decodeIfPresent("appeal_id", as: Int64.self),
               let record = try c.queryRow("""
                   SELECT p.received, d.decision_date, d.outcome, d.amount_ore
                     FROM tilskot.appeal p JOIN tilskot.decision d ON d.id = p.decision_id WHERE p.id = $1
                   """, [appealID]) {
                appeal = .init(received: try record.letterDate("received"), appealedDecisionDate: try record.letterDate("decision_date"),
                               upheld: false, previousOutcome: LetterSource.outcome(try record.string("outcome")),
                               previousAmount: try record.letterMoney("amount_ore"))
            }
            let duty = try c.queryRow("""
                SELECT project_end, due_date, account_required FROM tilskot.report_duty WHERE application_id = $1 AND is_current
                """, [row.applicationID]).map {
                DecisionLetter.ReportDuty(projectEnd: try $0.letterDate("project_end"), dueDate: try $0.letterDate("due_date"),
                                          accountRequired: try $0.bool("account_required"))
            }
            let payments = try c.query("""
                SELECT instalment, amount_ore, due_date, account_number FROM tilskot.payment
                 WHERE application_id = $1 AND status <> 'withheld' ORDER BY instalment
                """, [row.applicationID])
            let instalments = try payments.map {
                DecisionLetter.Instalment(number: try $0.int("instalment"), amount: try $0.letterMoney("amount_ore"), dueDate: try $0.letterDate("due_date"))
            }
            return DecisionLetter(
                application: row.letterCase, received: row.received, amountApplied: row.amountApplied,
                outcome: LetterSource.outcome(try decision.string("outcome")), amount: try decision.letterMoney("amount_ore"),
                reasons: decision["reasons"], conditions: decision["conditions"], decisionDate: decisionDate,
                decidedBy: try LetterSource.signer(try decision.string("decided_by"), letter: letterName, c),
                appeal: appeal, byAppealBody: decision["instance"] == "appeal_body", bodyReference: decision["body_reference"],
                reportDuty: duty, instalments: instalments, paymentAccount: payments.last?["account_number"])
        }
    }
}

extension Row {
    /// A `date` column, as the letters' sources read them.
    func letterDate(_ name: String) throws(PGError) -> CalendarDate {
        let text = try string(name)
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = CalendarDate(year: parts[0], month: parts[1], day: parts[2]) else {
            throw PGError(sqlState: "", message: "column \(name) holds \"\(text)\", which is not a date")
        }
        return date
    }

    /// An amount in øre.
    func letterMoney(_ name: String) throws(PGError) -> Money { Money(ore: try int64(name)) }
}
