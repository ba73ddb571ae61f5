import Foundation
import TilskotCore

/// The case of one application as the database writes it (tilskot.application_case,
/// SQL/schema/22_case_read.sql): one JSON object, read in one statement. `application show --format
/// json` prints it, `GET /applications/{reference}` sends its bytes as they are, and this file decodes
/// it into ApplicationDetail for the CLI's text and the web's case page. The keys and formats are the
/// database's: snake_case, money in øre, dates YYYY-MM-DD, times ISO 8601 in UTC.
struct CaseDocument: Decodable {
    struct Disqualification: Decodable {
        let person: String, reason: String, declaredBy: String, at: String
    }

    struct Assessment: Decodable {
        let assessor: String, score: Int, recommendation: String, recommendedAmountOre: Int64?, notes: String?
        let at: String, isCurrent: Bool
    }

    struct Decision: Decodable {
        let id: Int64, outcome: String, amountOre: Int64, reasons: String?, conditions: String?
        let decidedBy: String, decisionDate: String, decidedAt: String, isCurrent: Bool
        let supersedes: Int64?, appealId: Int64?, instance: String
        let bodyReference: String?, disadvantageBasis: String?, advanceNoticeId: Int64?
    }

    struct AppealStep: Decodable {
        let id: Int64, kind: String, ground: String?, date: String, reasons: String?, bodyReference: String?
        let recordedBy: String, recordedAt: String
    }

    struct Appeal: Decodable {
        let id: Int64, decisionId: Int64, received: String, sent: String?, registeredAt: String, registeredBy: String
        let late: Bool, lateReason: String?, grounds: String, statusBefore: String?, forwardedOn: String?
        let forwardedBy: String?, appealBody: String?, outcome: String?, resolvedAt: String?
        let resolvedByDecisionId: Int64?, steps: [AppealStep]
    }

    struct Notice: Decodable {
        let id: Int64, decisionId: Int64?, clawbackId: Int64?, appealId: Int64?, sent: String, channel: String
        let received: String?, presumedReceived: String, appealDeadline: String, registeredBy: String, registeredAt: String
    }

    struct AdvanceNotice: Decodable {
        let id: Int64, purpose: String, proposal: String, amountOre: Int64?, sent: String, channel: String
        let answerBy: String, registeredBy: String, registeredAt: String
        let answerId: Int64?, answerReceived: String?, answerSummary: String?
        let answerRegisteredBy: String?, answerRegisteredAt: String?
    }

    struct Event: Decodable {
        let id: Int64, at: String, actor: String, login: String, table: String, action: String, what: String
        let reason: String?
    }

    let reference: String, round: String, scheme: String, orgnr: String, organisation: String
    let municipality: String?, title: String, amountAppliedOre: Int64, received: String, status: String
    let grantedOre: Int64?, externalRef: String?, late: Bool, lateReason: String?
    let registeredBy: String, registeredAt: String, caseworkers: [String], withdrawalReason: String?
    let disqualifications: [Disqualification], assessments: [Assessment], decisions: [Decision]
    let appeals: [Appeal], notices: [Notice], advanceNotices: [AdvanceNotice], history: [Event]

    /// Decodes the database's document; a document that does not fit is a programming error in one of
    /// the two places (this file or 22_case_read.sql), named in the message.
    static func detail(_ data: Data) throws -> ApplicationDetail {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let document: CaseDocument
        do {
            document = try decoder.decode(CaseDocument.self, from: data)
        } catch {
            throw TilskotError.refused("the case document of tilskot.application_case does not fit CaseDocument: \(error)")
        }
        return try document.detail(data)
    }

    private func detail(_ data: Data) throws -> ApplicationDetail {
        let summary = ApplicationSummary(
            reference: reference, round: round, organisationNumber: orgnr, organisationName: organisation,
            municipality: municipality, title: title, amountApplied: Money(ore: amountAppliedOre),
            received: try Self.date(received), status: ApplicationStatus(rawValue: status) ?? .received,
            granted: grantedOre.map(Money.init(ore:)), externalRef: externalRef, late: late)
        var detail = ApplicationDetail(
            summary: summary, schemeName: scheme, lateReason: lateReason, registeredBy: registeredBy,
            registeredAt: try Self.time(registeredAt), assignedTo: caseworkers,
            disqualifications: try disqualifications.map {
                DisqualificationRecord(person: $0.person, reason: $0.reason, declaredBy: $0.declaredBy, at: try Self.time($0.at))
            },
            assessments: try assessments.map {
                AssessmentRecord(assessor: $0.assessor, score: $0.score,
                                 recommendation: Recommendation(rawValue: $0.recommendation) ?? .reject,
                                 recommendedAmount: $0.recommendedAmountOre.map(Money.init(ore:)), notes: $0.notes,
                                 at: try Self.time($0.at), isCurrent: $0.isCurrent)
            },
            decisions: try decisions.map { d in
                guard let outcome = DecisionOutcome(rawValue: d.outcome) else {
                    throw TilskotError.refused("decision \(d.id) has an unknown outcome \(d.outcome)")
                }
                return DecisionRecord(id: d.id, outcome: outcome, amount: Money(ore: d.amountOre), reasons: d.reasons,
                                      conditions: d.conditions, decidedBy: d.decidedBy,
                                      decisionDate: try Self.date(d.decisionDate), decidedAt: try Self.time(d.decidedAt),
                                      isCurrent: d.isCurrent, supersedes: d.supersedes, appealID: d.appealId,
                                      instance: DecisionInstance(rawValue: d.instance) ?? .directorate,
                                      bodyReference: d.bodyReference, disadvantageBasis: d.disadvantageBasis,
                                      advanceNoticeID: d.advanceNoticeId)
            },
            appeals: try appeals.map { p in
                var appeal = AppealRecord(
                    id: p.id, decisionID: p.decisionId, received: try Self.date(p.received),
                    sentOn: try p.sent.map(Self.date), registeredAt: try Self.time(p.registeredAt),
                    registeredBy: p.registeredBy, late: p.late, lateReason: p.lateReason, grounds: p.grounds,
                    statusBefore: p.statusBefore, forwardedOn: try p.forwardedOn.map(Self.date),
                    forwardedBy: p.forwardedBy, appealBody: p.appealBody, outcome: p.outcome,
                    resolvedAt: try p.resolvedAt.map(Self.time), resolvedByDecisionID: p.resolvedByDecisionId)
                appeal.steps = try p.steps.map {
                    AppealStepRecord(id: $0.id, kind: $0.kind, ground: $0.ground, date: try Self.date($0.date),
                                     reasons: $0.reasons, bodyReference: $0.bodyReference, recordedBy: $0.recordedBy,
                                     recordedAt: try Self.time($0.recordedAt))
                }
                return appeal
            },
            withdrawalReason: withdrawalReason,
            history: try history.map {
                AuditEvent(id: $0.id, at: try Self.time($0.at), actor: $0.actor, login: $0.login, table: $0.table,
                           rowID: nil, applicationReference: reference, action: $0.action, old: nil, new: nil,
                           reason: $0.reason, summary: $0.what)
            },
            document: data)
        detail.notices = try notices.map {
            NoticeRecord(id: $0.id, decisionID: $0.decisionId, clawbackID: $0.clawbackId, appealID: $0.appealId,
                         sentOn: try Self.date($0.sent), channel: $0.channel, receivedOn: try $0.received.map(Self.date),
                         presumedReceived: try Self.date($0.presumedReceived), appealDeadline: try Self.date($0.appealDeadline),
                         registeredBy: $0.registeredBy, registeredAt: try Self.time($0.registeredAt))
        }
        detail.advanceNotices = try advanceNotices.map { v in
            var answer: AdvanceNoticeAnswer?
            if let id = v.answerId, let received = v.answerReceived {
                answer = AdvanceNoticeAnswer(id: id, receivedOn: try Self.date(received), summary: v.answerSummary ?? "",
                                             registeredBy: v.answerRegisteredBy ?? "",
                                             registeredAt: try Self.time(v.answerRegisteredAt ?? v.registeredAt))
            }
            return AdvanceNoticeRecord(id: v.id, purpose: v.purpose, proposal: v.proposal, amount: v.amountOre.map(Money.init(ore:)),
                                       sentOn: try Self.date(v.sent), channel: v.channel, answerBy: try Self.date(v.answerBy),
                                       registeredBy: v.registeredBy, registeredAt: try Self.time(v.registeredAt), answer: answer)
        }
        return detail
    }

    static func date(_ text: String) throws -> CalendarDate {
        guard let date = CalendarDate(sqlText: text) else {
            throw TilskotError.refused("the case document holds \"\(text)\", which is not a date")
        }
        return date
    }

    /// "2021-03-01T12:00:05Z" (tilskot.iso_time).
    static func time(_ text: String) throws -> Date {
        guard let date = try? Date(text, strategy: .iso8601) else {
            throw TilskotError.refused("the case document holds \"\(text)\", which is not a time")
        }
        return date
    }
}
