import Foundation
import PGClient
import TilskotCore

/// An advance notice (førehandsvarsel, fvl. § 16) of a decision to the party's disadvantage — a
/// change of the grant or a claw-back — with the time the party has to answer, and their answer.
public struct AdvanceNoticeRecord: Sendable, Equatable {
    public var id: Int64
    /// "change" (of the grant) or "clawback".
    public var purpose: String
    public var proposal: String
    /// The new grant, or the amount to repay.
    public var amount: Money?
    public var sentOn: CalendarDate
    public var channel: String
    public var answerBy: CalendarDate
    public var registeredBy: String
    public var registeredAt: Date
    public var answer: AdvanceNoticeAnswer?
}

/// The party's answer to an advance notice (fvl. §§ 16–17).
public struct AdvanceNoticeAnswer: Sendable, Equatable {
    public var id: Int64
    public var receivedOn: CalendarDate
    public var summary: String
    public var registeredBy: String
    public var registeredAt: Date
}

public enum AdvanceNotices {
    /// Records an advance notice on an application (managers). Whether there is a grant to change or
    /// money to claw back, the amount, the dates and the time to answer are the database's to judge
    /// (advance_notice_before_insert, SQL/schema/16_notice.sql).
    public static func forewarn(_ reference: ApplicationReference, purpose: String, proposal: String, amount: Money?,
                                sent: CalendarDate, channel: String, answerBy: CalendarDate,
                                session: Session) throws(TilskotError) -> AdvanceNoticeRecord {
        let proposal = reasonsGiven(proposal)
        return try session.lifecycleChange {
            let c = session.connection
            try c.execute("SELECT tilskot.require_notice_step('advance notice')")
            let app = try Lookup.application(reference, c)
            guard let id = try c.queryValue("""
                INSERT INTO tilskot.advance_notice (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by)
                VALUES ($1, $2, $3, $4, $5::date, $6, $7::date)
                RETURNING id
                """, [app.id, purpose, proposal, amount?.ore, sent.description, channel, answerBy.description],
                as: Int64.self) else {
                throw TilskotError.refused("the advance notice on \(reference) was not recorded")
            }
            return try one(id, c)
        }
    }

    /// Records the party's answer to advance notice `noticeID` (caseworkers and managers).
    /// `reference`: the case the caller checked (the API's If-Match, the case page's form); the
    /// notice must be one of its own, else the answer would land on another case unchecked.
    public static func answer(_ noticeID: Int64, of reference: ApplicationReference? = nil, received: CalendarDate, summary: String,
                              session: Session) throws(TilskotError) -> AdvanceNoticeRecord {
        let summary = reasonsGiven(summary)
        return try session.lifecycleChange {
            let c = session.connection
            try c.execute("SELECT tilskot.require_notice_step('answer')")
            guard let applicationID = try c.queryValue("""
                SELECT n.application_id FROM tilskot.advance_notice n JOIN tilskot.application a ON a.id = n.application_id
                 WHERE n.id = $1 AND ($2::text IS NULL OR a.reference = $2::text)
                """, [noticeID, reference?.description], as: Int64.self) else {
                if let reference {
                    throw TilskotError.refused("answer refused: there is no advance notice with id \(noticeID) on \(reference); its advance notices are in `tilskot application show \(reference)`")
                }
                throw TilskotError.refused("answer refused: there is no advance notice with id \(noticeID)")
            }
            try c.execute("""
                INSERT INTO tilskot.advance_notice_answer (advance_notice_id, application_id, received_on, summary)
                VALUES ($1, $2, $3::date, $4)
                """, [noticeID, applicationID, received.description, summary])
            return try one(noticeID, c)
        }
    }

    static func one(_ id: Int64, _ c: Connection) throws -> AdvanceNoticeRecord {
        guard let row = try c.queryRow(select + " WHERE n.id = $1", [id]) else {
            throw TilskotError.refused("there is no advance notice with id \(id)")
        }
        return try decode(row)
    }

    static let select = """
        SELECT n.id, n.purpose, n.proposal, n.amount_ore, n.sent_on, n.channel, n.answer_by, n.registered_by, n.registered_at,
               r.id AS answer_id, r.received_on AS answer_received_on, r.summary AS answer_summary,
               r.registered_by AS answer_registered_by, r.registered_at AS answer_registered_at
          FROM tilskot.advance_notice n
          LEFT JOIN tilskot.advance_notice_answer r ON r.advance_notice_id = n.id
        """

    static func decode(_ row: Row) throws -> AdvanceNoticeRecord {
        var answer: AdvanceNoticeAnswer?
        if let answerID = try row.decodeIfPresent("answer_id", as: Int64.self) {
            answer = AdvanceNoticeAnswer(id: answerID, receivedOn: try row.date("answer_received_on"),
                                         summary: try row.string("answer_summary"),
                                         registeredBy: try row.string("answer_registered_by"),
                                         registeredAt: try row.timestamp("answer_registered_at"))
        }
        return AdvanceNoticeRecord(id: try row.int64("id"), purpose: try row.string("purpose"),
                                   proposal: try row.string("proposal"), amount: try row.moneyIfPresent("amount_ore"),
                                   sentOn: try row.date("sent_on"), channel: try row.string("channel"),
                                   answerBy: try row.date("answer_by"), registeredBy: try row.string("registered_by"),
                                   registeredAt: try row.timestamp("registered_at"), answer: answer)
    }
}
