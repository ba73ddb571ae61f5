import Foundation
import OpenAPIRuntime
import PGClient
import TilskotCore
import TilskotReports
import TilskotStore

// The case actions of an application (assign, disqualify, withdraw, move, notify, advance notices,
// appeals and their steps), its letters, and the case's version (ETag / If-Match). Each handler
// calls the service the CLI command calls; every rule and its sentence is the database's.

extension TilskotAPI {
    // MARK: - The case's version

    /// The case's ETag: a hash of what GET /applications/{reference} returns (`application show
    /// --format json`). Every event of a case is in its history (the audit log), so every event
    /// changes it; so does any change to the application's row (status, round, amounts). The hash is
    /// SHA-256 of those bytes (Encoding.etag), computed by the server. Returns the detail too.
    static func caseVersion(_ reference: ApplicationReference, session: Session) throws -> (etag: String, detail: Data) {
        // The database's bytes, not decoded: the read and its hash are all a GET or an If-Match needs.
        let detail = try Applications.caseDocument(reference, session: session)
        return (Encoding.etag(detail), detail)
    }

    /// Whether an If-Match header names `current` (a list of entity tags, RFC 9110 § 13.1.1; strong
    /// comparison, so a weak tag never matches; `*` does not stand in for the case's version here —
    /// a change to a case needs the version its maker saw).
    static func ifMatchNames(_ header: String, _ current: String) -> Bool {
        header.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == current }
    }

    /// A change to one application's case: 428 without If-Match; then, as `create` (Idempotency-Key),
    /// in the request's transaction as the token's user and before the change, the case's current
    /// ETag — 412 when If-Match does not name it (someone changed the case since the client read it).
    /// A replay of a stored response is not checked again (the case has changed by that very request).
    /// The case is claimed (its guard row locked) before its version is read, so the check holds when
    /// another transaction changes the case at the same time.
    func caseChange(_ name: String, reference: ApplicationReference, key: String?, ifMatch: String?,
                    _ body: @escaping @Sendable (Session) throws -> Data) async throws -> Data {
        try await changingCase(name, reference: reference, key: key, ifMatch: ifMatch) { session in
            (try body(session), nil as Data?)
        }.body
    }

    /// `caseChange` for an answer of a type of openapi.yaml (decoded from storage only on a replay).
    func caseChange<Answer: Codable & Sendable>(_ name: String, reference: ApplicationReference, key: String?, ifMatch: String?,
                                                answer: Answer.Type,
                                                _ body: @escaping @Sendable (Session) throws -> Answer) async throws -> Answer {
        let result = try await changingCase(name, reference: reference, key: key, ifMatch: ifMatch) { session in
            let value = try body(session)
            return (try Self.json(value), value)
        }
        return try result.fresh ?? Self.decode(Answer.self, result.body)
    }

    /// The work of both `caseChange`s: If-Match required, the case claimed and its version read in
    /// the key's round trip (`claimAndVersion`), 404/412 before `body` runs.
    private func changingCase<Answer: Sendable>(_ name: String, reference: ApplicationReference, key: String?, ifMatch: String?,
                                                _ body: @escaping @Sendable (Session) throws -> (Data, Answer?)) async throws
        -> (status: Int, body: Data, fresh: Answer?) {
        let ifMatch = try Self.requireIfMatch(ifMatch, reference)
        return try await storing(name, key: key, along: Self.claimAndVersion(reference)) { session, answers in
            try Self.requireUnchanged(reference, ifMatch: ifMatch, answers)
            return try body(session)
        }
    }

    static func requireIfMatch(_ ifMatch: String?, _ reference: ApplicationReference) throws -> String {
        guard let ifMatch, !ifMatch.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Problem(.preconditionRequired, "request refused: a change to \(reference) needs an If-Match header with the ETag of GET /applications/\(reference), so that it is not made on a case that changed after you read it")
        }
        return ifMatch
    }

    /// Sent with the Idempotency-Key's lookup, in that round trip: the claim of the case, then its
    /// document. The claim comes first (tilskot.case_claim bumps its guard row, as every event's
    /// a0_case_guard does): a change to the case made in another open transaction holds that row,
    /// so the claim waits for it to end, and the document — its own statement, with a snapshot
    /// taken after the claim — includes it. Read in one statement, or without the claim, the
    /// version would be from before that change, match a stale If-Match, and this change would
    /// land on a case its maker never saw. (On a replay both run and are not looked at: a read and
    /// a touch of the guard row.)
    static func claimAndVersion(_ reference: ApplicationReference) -> [TilskotAPI.Statement] {
        [("SELECT tilskot.case_claim($1)", [reference.description]),
         (Applications.caseDocumentSQL, [reference.description])]
    }

    /// The ETag of the claimed case from the answers of `claimAndVersion`; 404 when the claim found
    /// no case.
    static func claimedVersion(_ reference: ApplicationReference, _ answers: [[Row]]) throws -> String {
        guard answers.count == 2, answers[0].first?[0] != nil, let document = answers[1].first?[0] else {
            throw Problem(.notFound, "request refused: there is no application \(reference)")
        }
        return Encoding.etag(Data(document.utf8))
    }

    /// 404 when the claim found no case, 412 when If-Match does not name the document's ETag.
    static func requireUnchanged(_ reference: ApplicationReference, ifMatch: String, _ answers: [[Row]]) throws {
        let current = try claimedVersion(reference, answers)
        guard ifMatchNames(ifMatch, current) else {
            throw Problem(.preconditionFailed, "request refused: \(reference) has changed since you read it (If-Match \(ifMatch), its ETag is now \(current)); read it again (GET /applications/\(reference)) and see whether the change still fits")
        }
    }

    static func caseReference(_ text: String) throws -> ApplicationReference {
        try parse { () throws(ValidationError) in try ApplicationReference(text) }
    }

    static func caseDate(_ text: String?, field: String) throws -> CalendarDate? {
        guard let text else { return nil }
        return try parse { () throws(ValidationError) in try CalendarDate(text, field: field) }
    }

    static func object(_ value: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    // MARK: - Case actions

    func assignApplication(_ input: Operations.AssignApplication.Input) async throws -> Operations.AssignApplication.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.caseReference(input.path.reference)
        if body.to != nil && body.also != nil {
            throw Problem(.unprocessableContent, "give either to (hand over) or also (add a caseworker), not both")
        }
        let kind: Applications.AssignmentKind = body.also != nil ? .also : .handover
        let data = try await caseChange("POST /applications/{reference}/assignments", reference: reference,
                                        key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch) { session in
            let result = try Applications.assign(reference, to: body.also ?? body.to, kind: kind, session: session)
            let summary = try Self.json(Encoding.summary(result.application))
            return try Self.object([
                "application": try JSONSerialization.jsonObject(with: summary), "kind": result.kind.rawValue,
                "caseworker": result.caseworker, "before": result.before, "after": result.after,
            ])
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.AssignmentResult.self, data))))
    }

    func disqualifyOnApplication(_ input: Operations.DisqualifyOnApplication.Input) async throws -> Operations.DisqualifyOnApplication.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.caseReference(input.path.reference)
        let data = try await caseChange("POST /applications/{reference}/disqualifications", reference: reference,
                                        key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch) { session in
            let r = try Assessments.disqualify(reference, person: body.person, reason: body.reason, session: session)
            return try Self.object(["person": r.person, "reason": r.reason, "declared_by": r.declaredBy, "at": Encoding.time(r.at)])
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.Disqualification.self, data))))
    }

    func withdrawApplication(_ input: Operations.WithdrawApplication.Input) async throws -> Operations.WithdrawApplication.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.caseReference(input.path.reference)
        let data = try await caseChange("POST /applications/{reference}/withdrawal", reference: reference,
                                        key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch) { session in
            try Self.json(Encoding.summary(try Applications.withdraw(reference, reason: body.reason, session: session)))
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.ApplicationSummary.self, data))))
    }

    func moveApplication(_ input: Operations.MoveApplication.Input) async throws -> Operations.MoveApplication.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.caseReference(input.path.reference)
        let round = try Self.parse { () throws(ValidationError) in try RoundKey(body.toRound) }
        let data = try await caseChange("POST /applications/{reference}/moves", reference: reference,
                                        key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch) { session in
            try Self.json(Encoding.summary(try Applications.move(reference, to: round, reason: body.reason, session: session)))
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.ApplicationSummary.self, data))))
    }

    func notifyApplication(_ input: Operations.NotifyApplication.Input) async throws -> Operations.NotifyApplication.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.caseReference(input.path.reference)
        let subject: NoticeSubject = body.subject?.rawValue == "appeal_dismissal" ? .appealDismissal : .currentDecision
        guard let sent = try Self.caseDate(body.sent, field: "sent") else { throw Problem(.unprocessableContent, "sent is required") }
        let received = try Self.caseDate(body.received, field: "received")
        let data = try await caseChange("POST /applications/{reference}/notices", reference: reference,
                                        key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch) { session in
            try Self.notice(try Notices.notify(reference, subject, sent: sent, channel: body.channel, received: received, session: session))
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.Notice.self, data))))
    }

    func forewarnApplication(_ input: Operations.ForewarnApplication.Input) async throws -> Operations.ForewarnApplication.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.caseReference(input.path.reference)
        guard let sent = try Self.caseDate(body.sent, field: "sent"), let answerBy = try Self.caseDate(body.answerBy, field: "answer_by") else {
            throw Problem(.unprocessableContent, "sent and answer_by are required")
        }
        let purpose = body.purpose.rawValue
        let data = try await caseChange("POST /applications/{reference}/advance-notices", reference: reference,
                                        key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch) { session in
            try Self.advanceNotice(try AdvanceNotices.forewarn(
                reference, purpose: purpose, proposal: body.proposal, amount: body.amountOre.map { Money(ore: $0) },
                sent: sent, channel: body.channel, answerBy: answerBy, session: session))
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.AdvanceNotice.self, data))))
    }

    func answerAdvanceNotice(_ input: Operations.AnswerAdvanceNotice.Input) async throws -> Operations.AnswerAdvanceNotice.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.caseReference(input.path.reference)
        guard let received = try Self.caseDate(body.received, field: "received") else { throw Problem(.unprocessableContent, "received is required") }
        let noticeID = input.path.id
        let data = try await caseChange("POST /applications/{reference}/advance-notices/{id}/answer", reference: reference,
                                        key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch) { session in
            // The If-Match was checked against this case: the notice must be one of its own.
            try Self.advanceNotice(try AdvanceNotices.answer(noticeID, of: reference, received: received,
                                                             summary: body.summary, session: session))
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.AdvanceNotice.self, data))))
    }

    func appealApplication(_ input: Operations.AppealApplication.Input) async throws -> Operations.AppealApplication.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.caseReference(input.path.reference)
        guard let received = try Self.caseDate(body.received, field: "received") else { throw Problem(.unprocessableContent, "received is required") }
        let sent = try Self.caseDate(body.sent, field: "sent")
        let data = try await caseChange("POST /applications/{reference}/appeals", reference: reference,
                                        key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch) { session in
            try Self.appeal(try Appeals.register(reference, received: received, sent: sent, grounds: body.grounds,
                                                 late: body.late ?? false, lateReason: body.lateReason, session: session))
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.Appeal.self, data))))
    }

    func stepAppeal(_ input: Operations.StepAppeal.Input) async throws -> Operations.StepAppeal.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.caseReference(input.path.reference)
        let date = try Self.caseDate(body.date, field: "date")
        let kind = body.kind.rawValue
        var ground: AppealDismissalGround?
        if kind == "dismiss" {
            guard let given = body.ground?.rawValue, let parsed = AppealDismissalGround(rawValue: given) else {
                throw Problem(.unprocessableContent, "a dismissal needs ground: late, no_standing, withdrawn or other")
            }
            ground = parsed
        } else if body.ground != nil {
            throw Problem(.unprocessableContent, "ground is for kind dismiss only")
        }
        let chosenGround = ground
        let data = try await caseChange("POST /applications/{reference}/appeal-steps", reference: reference,
                                        key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch) { session in
            let record: AppealRecord
            switch kind {
            case "dismiss":
                record = try Appeals.dismiss(reference, ground: chosenGround!, reasons: body.reasons ?? "", date: date, session: session)
            case "forward":
                record = try Appeals.forward(reference, reasons: body.reasons, date: date, session: session)
            default:
                record = try Appeals.bodyDecision(reference, upheld: kind == "body_upheld", reasons: body.reasons ?? "",
                                                  bodyReference: body.bodyReference, date: date, session: session)
            }
            return try Self.appeal(record)
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.Appeal.self, data))))
    }

    // MARK: - Letters

    func applicationLetter(_ input: Operations.ApplicationLetter.Input) async throws -> Operations.ApplicationLetter.Output {
        let reference = try Self.caseReference(input.path.reference)
        let kind = input.path.kind.rawValue
        let language = input.query.lang.flatMap { LetterLanguage(rawValue: $0.rawValue) }
        let notice = input.query.notice
        if notice != nil && kind != "advance-notice" {
            throw Problem(.unprocessableContent, "notice names an advance notice; ask for the letter kind advance-notice")
        }
        // Markdown only when the client prefers it to HTML; HTML otherwise.
        let markdown = input.headers.accept.sortedByQuality().first?.contentType == .textMarkdown
        let format: LetterFormat = markdown ? .markdown : .html
        let text = try await read("GET /applications/{reference}/letters/{kind}") { session -> String in
            switch kind {
            case "decision":
                let letter = try DecisionLetterSource.letter(for: reference, session: session)
                return letter.render(format, language: language ?? letter.application.preferredLanguage ?? .nn)
            case "advance-notice":
                let letter = try AppealLetterSource.advanceNotice(notice, reference: reference, session: session)
                return letter.render(format, language: language ?? letter.application.preferredLanguage ?? .nn)
            default:
                let step: AppealStepLetter.Kind = kind == "appeal-dismissal" ? .dismissal : kind == "forwarding" ? .forwarding : .bodyUpheld
                let letter = try AppealLetterSource.step(step, reference: reference, session: session)
                return letter.render(format, language: language ?? letter.application.preferredLanguage ?? .nn)
            }
        }
        return markdown ? .ok(.init(body: .textMarkdown(HTTPBody(text)))) : .ok(.init(body: .html(HTTPBody(text))))
    }

    // MARK: - Records as the API's JSON

    static func notice(_ n: NoticeRecord) throws -> Data {
        func null(_ value: Any?) -> Any { value ?? NSNull() }
        return try object([
            "id": n.id, "decision_id": null(n.decisionID), "clawback_id": null(n.clawbackID), "appeal_id": null(n.appealID),
            "sent": n.sentOn.description, "channel": n.channel, "received": null(n.receivedOn?.description),
            "presumed_received": n.presumedReceived.description, "appeal_deadline": n.appealDeadline.description,
            "registered_by": n.registeredBy, "registered_at": Encoding.time(n.registeredAt),
        ])
    }

    static func advanceNotice(_ a: AdvanceNoticeRecord) throws -> Data {
        func null(_ value: Any?) -> Any { value ?? NSNull() }
        return try object([
            "id": a.id, "purpose": a.purpose, "proposal": a.proposal, "amount_ore": null(a.amount?.ore),
            "sent": a.sentOn.description, "channel": a.channel, "answer_by": a.answerBy.description,
            "registered_by": a.registeredBy, "registered_at": Encoding.time(a.registeredAt),
            "answer_received": null(a.answer?.receivedOn.description), "answer_summary": null(a.answer?.summary),
        ])
    }

    static func appeal(_ a: AppealRecord) throws -> Data {
        func null(_ value: Any?) -> Any { value ?? NSNull() }
        return try object([
            "id": a.id, "decision_id": a.decisionID, "received": a.received.description, "sent": null(a.sentOn?.description),
            "registered_at": Encoding.time(a.registeredAt), "registered_by": a.registeredBy, "late": a.late,
            "late_reason": null(a.lateReason), "grounds": a.grounds, "status_before": null(a.statusBefore),
            "forwarded_on": null(a.forwardedOn?.description), "forwarded_by": null(a.forwardedBy),
            "appeal_body": null(a.appealBody), "outcome": null(a.outcome), "resolved_at": null(a.resolvedAt.map(Encoding.time)),
            "resolved_by_decision_id": null(a.resolvedByDecisionID),
            "steps": a.steps.map {
                ["id": $0.id, "kind": $0.kind, "ground": null($0.ground), "date": $0.date.description, "reasons": null($0.reasons),
                 "body_reference": null($0.bodyReference), "recorded_by": $0.recordedBy,
                 "recorded_at": Encoding.time($0.recordedAt)] as [String: Any]
            },
        ])
    }
}
