import Foundation
import PGClient
import TilskotCore

/// An instalment of a grant's payment plan (utbetaling), with where it stands.
public struct PaymentRecord: Sendable, Equatable {
    public var id: Int64
    public var reference: String
    public var round: String
    public var organisationNumber: String
    public var organisationName: String
    /// 1, 2, … within the application.
    public var instalment: Int
    public var amount: Money
    public var dueDate: CalendarDate
    /// The recipient's bank account, 11 digits.
    public var account: String
    public var status: PaymentStatus
    public var plannedBy: String
    /// Who attested it (attestant): a finance user who did not decide the grant.
    public var attestedBy: String?
    public var paidOn: CalendarDate?
    /// The voucher number (bilagsnummer) of the payment.
    public var voucher: String?
    public var withheldReason: String?

    /// "JS-2021-0007/2": the payment's reference for the finance system and the bank transfer.
    public var paymentReference: String { "\(reference)/\(instalment)" }
}

/// Payments of grants: the plan of instalments, attestation by a finance user who is not the decider
/// (to-personskontroll), payment with a voucher, withholding with a reason, and the payment run.
/// Every rule is held by the database (SQL/schema/09_payments.sql) under the application's row
/// lock, so two finance users at once cannot pay more than the grant.
public enum Payments {
    public struct Filter: Sendable {
        public var dueBefore: CalendarDate?
        public var status: PaymentStatus?
        public var round: RoundKey?
        public var reference: ApplicationReference?
        /// At most this many (nil: all).
        public var limit: Int?

        public init(dueBefore: CalendarDate? = nil, status: PaymentStatus? = nil, round: RoundKey? = nil,
                    reference: ApplicationReference? = nil, limit: Int? = nil) {
            self.dueBefore = dueBefore
            self.status = status
            self.round = round
            self.reference = reference
            self.limit = limit
        }
    }

    /// Plans instalments of an application's current grant; the first plan starts its follow-up
    /// (granted → in_follow_up) and gives it the default reporting duty. Shares are of the current
    /// grant; the plan may not come to more than the grant.
    public static func plan(_ reference: ApplicationReference, instalments: [InstalmentSpec], account: BankAccountNumber,
                            session: Session) throws(TilskotError) -> [PaymentRecord] {
        guard !instalments.isEmpty else {
            throw .refused("a payment plan for \(reference) needs at least one instalment, e.g. --instalments \"50%:2021-05-01,50%:2021-09-01\"")
        }
        return try session.followUpChange(reason: "payment plan") {
            let c = session.connection
            let app = try Lookup.application(reference, c)
            let grant = try currentGrant(applicationID: app.id, step: "payment plan", c)
            var ids: [Int64] = []
            for (spec, amount) in zip(instalments, InstalmentSpec.amounts(instalments, grant: grant)) {
                guard let id = try c.queryValue("""
                    INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number)
                    VALUES ($1, $2, $3, $4) RETURNING id
                    """, [app.id, amount.ore, spec.due.description, account.digits], as: Int64.self) else { continue }
                ids.append(id)
            }
            return try records(ids: ids, c)
        }
    }

    /// Instalments, filtered, by due date.
    public static func list(_ filter: Filter = Filter(), session: Session) throws(TilskotError) -> [PaymentRecord] {
        try session.followUpRead {
            let c = session.connection
            let roundID = try filter.round.map { try Lookup.round($0, c).id }
            return try c.query(selectSQL + """
                 WHERE ($1::date IS NULL OR p.due_date < $1)
                   AND ($2::text IS NULL OR p.status = $2)
                   AND ($3::bigint IS NULL OR a.round_id = $3)
                   AND ($4::text IS NULL OR a.reference = $4)
                 ORDER BY p.due_date, a.reference, p.instalment
                 LIMIT $5
                """, [filter.dueBefore?.description, filter.status?.rawValue, roundID, filter.reference?.description, filter.limit])
                .map(decode)
        }
    }

    /// Attests instalments as the acting user, all or none.
    public static func attest(_ ids: [Int64], session: Session) throws(TilskotError) -> [PaymentRecord] {
        try event("attest", ids: ids, reason: "attestation", session: session) { id, c in
            try c.execute("INSERT INTO tilskot.payment_event (payment_id, kind) VALUES ($1, 'attest')", [id])
        }
    }

    /// Records attested instalments as paid on `date` (default today) with the voucher of the payment.
    public static func pay(_ ids: [Int64], voucher: String, date: CalendarDate? = nil,
                           session: Session) throws(TilskotError) -> [PaymentRecord] {
        // A missing voucher and a payment date in the future (by the server's clock) are the
        // database's to refuse (payment_event_before_insert).
        let voucher = optionalText(voucher)
        return try event("pay", ids: ids, reason: voucher.map { "payment \($0)" }, session: session) { id, c in
            try c.execute("INSERT INTO tilskot.payment_event (payment_id, kind, paid_on, voucher) VALUES ($1, 'pay', $2, $3)",
                          [id, date?.description, voucher])
        }
    }

    /// Withholds a planned or attested instalment (e.g. a report is missing), with a reason.
    public static func withhold(_ id: Int64, reason: String, session: Session) throws(TilskotError) -> PaymentRecord {
        // A blank reason reaches the database, which says that withholding needs one.
        let reason = reasonsGiven(reason)
        return try event("withhold", ids: [id], reason: reason, session: session) { id, c in
            try c.execute("INSERT INTO tilskot.payment_event (payment_id, kind, reason) VALUES ($1, 'withhold', $2)", [id, reason])
        }[0]
    }

    /// Puts a withheld instalment back in the plan; it is attested anew before it is paid.
    public static func release(_ id: Int64, reason: String, session: Session) throws(TilskotError) -> PaymentRecord {
        // A blank reason reaches the database, which says that releasing needs one.
        let reason = reasonsGiven(reason)
        return try event("release", ids: [id], reason: reason, session: session) { id, c in
            try c.execute("INSERT INTO tilskot.payment_event (payment_id, kind, reason) VALUES ($1, 'release', $2)", [id, reason])
        }[0]
    }

    /// The payment run for the finance system: attested instalments due on or before `date`.
    public static func run(date: CalendarDate, session: Session) throws(TilskotError) -> [PaymentRecord] {
        try session.followUpRead {
            try session.connection.query(selectSQL + """
                 WHERE p.status = 'attested' AND p.due_date <= $1
                 ORDER BY p.due_date, a.reference, p.instalment
                """, [date.description]).map(decode)
        }
    }

    static func event(_ kind: String, ids: [Int64], reason: String?, session: Session,
                      _ insert: @escaping (Int64, Connection) throws -> Void) throws(TilskotError) -> [PaymentRecord] {
        guard !ids.isEmpty else { throw .refused("no payment given; name one or more payment ids (see `tilskot payment list`)") }
        let step = ["attest": "attestation", "pay": "payment", "withhold": "withholding", "release": "release"][kind] ?? kind
        return try session.followUpChange(reason: reason) {
            let c = session.connection
            try requireRole(step, c)
            for id in ids {
                guard try c.queryValue("SELECT 1 FROM tilskot.payment WHERE id = $1", [id], as: Int.self) != nil else {
                    throw TilskotError.refused("\(step) refused: there is no payment with id \(id); see `tilskot payment list`")
                }
                try insert(id, c)
            }
            return try records(ids: ids, c)
        }
    }

    static func records(ids: [Int64], _ c: Connection) throws -> [PaymentRecord] {
        let rows = try c.query(selectSQL + " WHERE p.id = ANY ($1::bigint[])", [ids]).map(decode)
        return ids.compactMap { id in rows.first(where: { $0.id == id }) }
    }

    static let selectSQL = """
        SELECT p.id, a.reference, s.code || '/' || r.year AS round, o.orgnr, o.name AS organisation, p.instalment,
               p.amount_ore, p.due_date, p.account_number, p.status, p.planned_by, p.attested_by, p.paid_on,
               p.voucher, p.withheld_reason
        FROM tilskot.payment p
        JOIN tilskot.application a ON a.id = p.application_id
        JOIN tilskot.round r ON r.id = a.round_id
        JOIN tilskot.scheme s ON s.id = r.scheme_id
        JOIN tilskot.organisation o ON o.id = a.organisation_id
        """

    static func decode(_ row: Row) throws -> PaymentRecord {
        PaymentRecord(
            id: try row.int64("id"), reference: try row.string("reference"), round: try row.string("round"),
            organisationNumber: try row.string("orgnr"), organisationName: try row.string("organisation"),
            instalment: try row.int("instalment"), amount: try row.money("amount_ore"), dueDate: try row.date("due_date"),
            account: try row.string("account_number"),
            status: PaymentStatus(rawValue: try row.string("status")) ?? .planned,
            plannedBy: try row.string("planned_by"), attestedBy: row["attested_by"], paidOn: try row.dateIfPresent("paid_on"),
            voucher: row["voucher"], withheldReason: row["withheld_reason"])
    }
}
