import Foundation
import PGClient
import TilskotCore

/// When and how a decision (or a claw-back decision, or the dismissal of an appeal) was sent to the
/// party, and the day it reached them (fvl. §§ 27, 29). The appeal deadline runs from that day.
public struct NoticeRecord: Sendable, Equatable {
    public var id: Int64
    /// What was notified: exactly one of these.
    public var decisionID: Int64?
    public var clawbackID: Int64?
    /// An appeal whose dismissal was notified.
    public var appealID: Int64?
    public var sentOn: CalendarDate
    /// "digital", "post" or "email".
    public var channel: String
    /// The day it reached the party, when known.
    public var receivedOn: CalendarDate?
    /// `receivedOn`, else the day sent plus the channel's presumed days (set by the database).
    public var presumedReceived: CalendarDate
    /// Three weeks from `presumedReceived`, moved to the next working day (tilskot.appeal_deadline_from).
    public var appealDeadline: CalendarDate
    public var registeredBy: String
    public var registeredAt: Date
}

/// A channel a notice goes by, with the days it is presumed to take to reach the party.
public struct NoticeChannel: Sendable, Equatable {
    public var channel: String
    public var presumedDays: Int

    public init(channel: String, presumedDays: Int) {
        self.channel = channel
        self.presumedDays = presumedDays
    }
}

/// What a notice is of.
public enum NoticeSubject: Sendable, Equatable {
    /// The application's current decision.
    case currentDecision
    /// The latest dismissal of an appeal on the application (fvl. § 33; an individual decision of its own).
    case appealDismissal
}

public enum Notices {
    /// Records the notice of an application's current decision, or of the latest dismissal of an
    /// appeal on it. Who may, the dates, one notice per subject and the presumed day of receipt are
    /// the database's to judge (notice_before_insert, SQL/schema/16_notice.sql).
    public static func notify(_ reference: ApplicationReference, _ subject: NoticeSubject, sent: CalendarDate,
                              channel: String, received: CalendarDate? = nil,
                              session: Session) throws(TilskotError) -> NoticeRecord {
        try session.lifecycleChange {
            let c = session.connection
            try c.execute("SELECT tilskot.require_notice_step('notice')")
            let app = try Lookup.application(reference, c)
            var appealID: Int64?
            if subject == .appealDismissal {
                appealID = try c.queryValue("""
                    SELECT s.appeal_id FROM tilskot.appeal_step s
                     WHERE s.application_id = $1 AND s.kind = 'dismiss' ORDER BY s.id DESC LIMIT 1
                    """, [app.id], as: Int64.self)
                guard appealID != nil else {
                    throw TilskotError.refused("notice refused: no appeal on \(reference) has been dismissed; there is no dismissal to give notice of")
                }
            }
            return try insert(applicationID: app.id, decisionID: nil, clawbackID: nil, appealID: appealID,
                              sent: sent, channel: channel, received: received, c)
        }
    }

    /// Records the notice of a claw-back decision.
    public static func notifyClawback(_ clawbackID: Int64, sent: CalendarDate, channel: String, received: CalendarDate? = nil,
                                      session: Session) throws(TilskotError) -> NoticeRecord {
        try session.lifecycleChange {
            let c = session.connection
            try c.execute("SELECT tilskot.require_notice_step('notice')")
            guard let applicationID = try c.queryValue("SELECT application_id FROM tilskot.clawback WHERE id = $1",
                                                       [clawbackID], as: Int64.self) else {
                throw TilskotError.refused("notice refused: there is no claw-back \(clawbackID); see `tilskot clawback list`")
            }
            return try insert(applicationID: applicationID, decisionID: nil, clawbackID: clawbackID, appealID: nil,
                              sent: sent, channel: channel, received: received, c)
        }
    }

    static func insert(applicationID: Int64, decisionID: Int64?, clawbackID: Int64?, appealID: Int64?,
                       sent: CalendarDate, channel: String, received: CalendarDate?, _ c: Connection) throws -> NoticeRecord {
        guard let row = try c.queryRow("""
            INSERT INTO tilskot.notice AS n (application_id, decision_id, clawback_id, appeal_id, sent_on, channel, received_on)
            VALUES ($1, $2, $3, $4, $5::date, $6, $7::date)
            RETURNING \(columns)
            """, [applicationID, decisionID, clawbackID, appealID, sent.description, channel, received?.description]) else {
            throw TilskotError.refused("the notice was not recorded")
        }
        return try decode(row)
    }

    /// The channels and their presumed days.
    public static func channels(session: Session) throws(TilskotError) -> [NoticeChannel] {
        try session.lifecycleRead {
            try session.connection.query("SELECT channel, presumed_days FROM tilskot.notice_channel ORDER BY channel")
                .map { row in NoticeChannel(channel: try row.string("channel"), presumedDays: Int(try row.int64("presumed_days"))) }
        }
    }

    /// Sets how many days a notice by `channel` is presumed to take to reach the party
    /// (administrators; notices already recorded keep their day).
    public static func setPresumedDays(_ channel: String, days: Int, session: Session) throws(TilskotError) -> NoticeChannel {
        try session.lifecycleChange {
            let c = session.connection
            try c.execute("SELECT tilskot.require_notice_step('channel')")
            guard let row = try c.queryRow("""
                UPDATE tilskot.notice_channel SET presumed_days = $2 WHERE channel = $1 RETURNING channel, presumed_days
                """, [channel, days]) else {
                throw TilskotError.refused("channel refused: \"\(channel)\" is not a channel; use digital, post or email (see `tilskot notice channels`)")
            }
            return NoticeChannel(channel: try row.string("channel"), presumedDays: Int(try row.int64("presumed_days")))
        }
    }

    static let columns = """
        n.id, n.decision_id, n.clawback_id, n.appeal_id, n.sent_on, n.channel, n.received_on, n.presumed_received,
        tilskot.appeal_deadline_from(n.presumed_received) AS appeal_deadline, n.registered_by, n.registered_at
        """

    static func decode(_ row: Row) throws -> NoticeRecord {
        NoticeRecord(id: try row.int64("id"), decisionID: try row.decodeIfPresent("decision_id", as: Int64.self),
                     clawbackID: try row.decodeIfPresent("clawback_id", as: Int64.self),
                     appealID: try row.decodeIfPresent("appeal_id", as: Int64.self),
                     sentOn: try row.date("sent_on"), channel: try row.string("channel"),
                     receivedOn: try row.dateIfPresent("received_on"), presumedReceived: try row.date("presumed_received"),
                     appealDeadline: try row.date("appeal_deadline"), registeredBy: try row.string("registered_by"),
                     registeredAt: try row.timestamp("registered_at"))
    }
}
