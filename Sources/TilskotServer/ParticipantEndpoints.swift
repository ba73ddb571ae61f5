import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// The participant register's retention purge, aggregate report and access log (issue 19, I19-R4):
/// the services of `participant purge | report | log`, rendered by the same tables
/// (ParticipantTables). Who may — administrators purge, auditors and administrators read the log,
/// the report's suppression of small cells — and every rule's sentence are the database's
/// (SQL/schema/13_participants.sql). The purge and the report write the access log, so they run in
/// transactions that may write; the log itself is read READ ONLY.
extension TilskotAPI {
    func purgeParticipants(_ input: Operations.PurgeParticipants.Input) async throws -> Operations.PurgeParticipants.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let day = try Self.date(body.before, field: "purge date")!
        // Deleting twice by accident deletes nothing more, but a second run on a later day would:
        // a retry under the same Idempotency-Key gets the first answer instead.
        let result = try await create("POST /participants/purge", key: input.headers.idempotencyKey) { session in
            let count = try Participants.purge(endedBefore: day, session: session)
            return try Self.object(["before": day.description, "deleted": count])
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.ParticipantPurged.self, result.body))))
    }

    func participantReport(_ input: Operations.ParticipantReport.Input) async throws -> Operations.ParticipantReport.Output {
        let key = try Self.parse { () throws(ValidationError) in try RoundKey(input.query.round) }
        let point = try Self.vocabulary(input.query.at?.rawValue ?? "end", as: FollowUpPoint.self)
        let data = try await loggedRead("GET /participants/report") { session in
            Self.jsonRows(ParticipantTables.report(try Participants.report(round: key, at: point, session: session),
                                                   round: key, at: point, .json))
        }
        return .ok(.init(body: .json(try Self.records(data))))
    }

    func participantAccessLog(_ input: Operations.ParticipantAccessLog.Input) async throws -> Operations.ParticipantAccessLog.Output {
        let since = try input.query.since.map(Self.instant)
        let limit = input.query.limit
        if let limit, !(1...10_000).contains(limit) {
            throw Problem(.unprocessableContent, "limit \(limit) is outside 1–10 000: narrow the log with since")
        }
        let data = try await read("GET /participants/access-log") { session in
            Self.jsonRows(ParticipantTables.accessLog(try Participants.accessLog(since: since, limit: limit, session: session)))
        }
        return .ok(.init(body: .json(try Self.records(data))))
    }
}
