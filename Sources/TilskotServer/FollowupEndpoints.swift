import Foundation
import OpenAPIRuntime
import TilskotCore
import TilskotReports
import TilskotStore

/// Payments and claw-backs (issue 19, I19-S3): each operation calls the same service as its CLI
/// command (`tilskot payment …`, `tilskot clawback …`) and answers with the same keys as the
/// command's `--format json` (FollowupTables, shared with the CLI). Every rule — attestation by
/// someone other than the decider, never paying beyond the grant, the claw-back's advance notice
/// (fvl. § 16) and appeal deadline (fvl. § 29) — is the database's; its sentence comes back as the
/// problem's detail.
extension TilskotAPI {
    // MARK: - Shared plumbing

    static func date(_ text: String?, field: String) throws -> CalendarDate? {
        guard let text else { return nil }
        return try parse { () throws(ValidationError) in try CalendarDate(text, field: field) }
    }

    static func reference(_ text: String) throws -> ApplicationReference {
        try parse { () throws(ValidationError) in try ApplicationReference(text) }
    }

    /// A table as the CLI's `--format json` array.
    static func jsonRows(_ table: DataTable) -> Data { Data(table.renderJSON().utf8) }

    /// A table's first row as the CLI's `--format json` object.
    static func jsonObject(_ table: DataTable) -> Data { Data(table.renderJSONObject().utf8) }

    static func records(_ data: Data) throws -> Components.Schemas.FollowupRecords {
        try decode(Components.Schemas.FollowupRecords.self, data)
    }

    static func record(_ data: Data) throws -> Components.Schemas.FollowupRecord {
        try decode(Components.Schemas.FollowupRecord.self, data)
    }

    /// Whether the client prefers CSV to JSON (Accept, by quality; JSON when it does not say).
    static func prefersCSV<T: AcceptableProtocol>(_ accept: [AcceptHeaderContentType<T>], csv: T, json: T) -> Bool {
        let ranked = accept.enumerated().sorted { a, b in
            a.element.quality.doubleValue != b.element.quality.doubleValue
                ? a.element.quality.doubleValue > b.element.quality.doubleValue : a.offset < b.offset
        }
        for entry in ranked {
            if entry.element.contentType == csv { return true }
            if entry.element.contentType == json { return false }
        }
        return false
    }

    static func ids(_ values: [Int64], what: String) throws -> [Int64] {
        guard !values.isEmpty else { throw Problem(.unprocessableContent, "no \(what) given; name one or more ids in \"ids\"") }
        return values
    }

    // MARK: - Payments

    func listPayments(_ input: Operations.ListPayments.Input) async throws -> Operations.ListPayments.Output {
        let q = input.query
        let limit = q.limit ?? 1000
        guard (1...10_000).contains(limit) else {
            throw Problem(.unprocessableContent, "limit \(limit) is outside 1–10 000: narrow the list with due_before, status, round or application")
        }
        let filter = Payments.Filter(
            dueBefore: try Self.date(q.dueBefore, field: "due_before"),
            status: q.status.flatMap { PaymentStatus(rawValue: $0.rawValue) },
            round: try q.round.map { text in try Self.parse { () throws(ValidationError) in try RoundKey(text) } },
            reference: try q.application.map(Self.reference),
            limit: limit)
        let data = try await read("GET /payments") { session in
            Self.jsonRows(FollowupTables.payments(try Payments.list(filter, session: session), .json))
        }
        return .ok(.init(body: .json(try Self.records(data))))
    }

    func paymentRun(_ input: Operations.PaymentRun.Input) async throws -> Operations.PaymentRun.Output {
        let day = try Self.date(input.query.date, field: "payment run date")!
        let csv = Self.prefersCSV(input.headers.accept, csv: .csv, json: .json)
        let text = try await read("GET /payments/run") { session in
            FollowupTables.paymentRun(try Payments.run(date: day, session: session), csv ? .csv : .json).render(csv ? .csv : .json)
        }
        if csv { return .ok(.init(body: .csv(HTTPBody(text)))) }
        return .ok(.init(body: .json(try Self.records(Data(text.utf8)))))
    }

    func planPayments(_ input: Operations.PlanPayments.Input) async throws -> Operations.PlanPayments.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.reference(input.path.reference)
        let specs = try InstalmentSpec.parseList(body.instalments)
        let account = try BankAccountNumber(body.account)
        let result = try await create("POST /applications/{reference}/payments", key: input.headers.idempotencyKey) { session in
            Self.jsonRows(FollowupTables.payments(try Payments.plan(reference, instalments: specs, account: account, session: session), .json))
        }
        return .created(.init(body: .json(try Self.records(result.body))))
    }

    func attestPayments(_ input: Operations.AttestPayments.Input) async throws -> Operations.AttestPayments.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let ids = try Self.ids(body.ids, what: "payment")
        let result = try await create("POST /payments/attestations", key: input.headers.idempotencyKey) { session in
            Self.jsonRows(FollowupTables.payments(try Payments.attest(ids, session: session), .json))
        }
        return .created(.init(body: .json(try Self.records(result.body))))
    }

    func payPayments(_ input: Operations.PayPayments.Input) async throws -> Operations.PayPayments.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let ids = try Self.ids(body.ids, what: "payment")
        let date = try Self.date(body.date, field: "payment date")
        let result = try await create("POST /payments/payouts", key: input.headers.idempotencyKey) { session in
            Self.jsonRows(FollowupTables.payments(try Payments.pay(ids, voucher: body.voucher, date: date, session: session), .json))
        }
        return .created(.init(body: .json(try Self.records(result.body))))
    }

    func withholdPayment(_ input: Operations.WithholdPayment.Input) async throws -> Operations.WithholdPayment.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let id = input.path.id
        let result = try await create("POST /payments/{id}/withholding", key: input.headers.idempotencyKey) { session in
            Self.jsonRows(FollowupTables.payments([try Payments.withhold(id, reason: body.reason, session: session)], .json))
        }
        return .created(.init(body: .json(try Self.records(result.body))))
    }

    func releasePayment(_ input: Operations.ReleasePayment.Input) async throws -> Operations.ReleasePayment.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let id = input.path.id
        let result = try await create("POST /payments/{id}/release", key: input.headers.idempotencyKey) { session in
            Self.jsonRows(FollowupTables.payments([try Payments.release(id, reason: body.reason, session: session)], .json))
        }
        return .created(.init(body: .json(try Self.records(result.body))))
    }

    // MARK: - Claw-backs

    func listClawbacks(_ input: Operations.ListClawbacks.Input) async throws -> Operations.ListClawbacks.Output {
        let reference = try input.query.application.map(Self.reference)
        let data = try await read("GET /clawbacks") { session in
            Self.jsonRows(FollowupTables.clawBacks(try ClawBacks.list(reference, session: session), .json))
        }
        return .ok(.init(body: .json(try Self.records(data))))
    }

    func showClawback(_ input: Operations.ShowClawback.Input) async throws -> Operations.ShowClawback.Output {
        let id = input.path.id
        let data = try await read("GET /clawbacks/{id}") { session in
            Self.jsonObject(FollowupTables.clawBacks([try ClawBacks.show(id, session: session)], .json))
        }
        return .ok(.init(body: .json(try Self.record(data))))
    }

    func demandClawback(_ input: Operations.DemandClawback.Input) async throws -> Operations.DemandClawback.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.reference(input.path.reference)
        let due = try Self.date(body.due, field: "due date")!
        let date = try Self.date(body.date, field: "decision date")
        let result = try await create("POST /applications/{reference}/clawbacks", key: input.headers.idempotencyKey) { session in
            let record = try ClawBacks.demand(reference, amount: Money(ore: body.amountOre), reasons: body.reasons, due: due, date: date,
                                              advanceNotice: body.advanceNoticeId, withoutNotice: body.withoutNotice,
                                              another: body.another ?? false, session: session)
            return Self.jsonObject(FollowupTables.clawBacks([record], .json))
        }
        let record = try Self.record(result.body)
        let id = record.additionalProperties.value["id"].map { "\($0 ?? "")" } ?? ""
        return .created(.init(headers: .init(location: "/clawbacks/\(id)"), body: .json(record)))
    }

    func cancelClawback(_ input: Operations.CancelClawback.Input) async throws -> Operations.CancelClawback.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let id = input.path.id
        let result = try await create("POST /clawbacks/{id}/cancellation", key: input.headers.idempotencyKey) { session in
            Self.jsonObject(FollowupTables.clawBacks([try ClawBacks.cancel(id, reason: body.reason, session: session)], .json))
        }
        return .created(.init(body: .json(try Self.record(result.body))))
    }

    func notifyClawback(_ input: Operations.NotifyClawback.Input) async throws -> Operations.NotifyClawback.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let id = input.path.id
        let sent = try Self.date(body.sent, field: "sent date")!
        let received = try Self.date(body.received, field: "received date")
        // The channel as sent, lower-cased; whether it is one is the database's to say (as the CLI).
        let channel = body.channel.trimmingCharacters(in: .whitespaces).lowercased()
        let result = try await create("POST /clawbacks/{id}/notice", key: input.headers.idempotencyKey) { session in
            let n = try Notices.notifyClawback(id, sent: sent, channel: channel, received: received, session: session)
            return Self.jsonObject(Self.noticeTable(n))
        }
        return .created(.init(body: .json(try Self.record(result.body))))
    }

    /// `clawback notify --format json`'s keys (NoticeInput.table in the CLI; no reference for a claw-back).
    static func noticeTable(_ n: NoticeRecord) -> DataTable {
        func optional(_ value: Int64?) -> DataTable.Cell { value.map(DataTable.Cell.integer) ?? .null }
        return DataTable(columns: ["id", "reference", "decision_id", "clawback_id", "appeal_id", "sent", "channel", "received",
                                   "presumed_received", "appeal_deadline", "registered_by"],
                         rows: [[.integer(n.id), .null, optional(n.decisionID), optional(n.clawbackID), optional(n.appealID),
                                 .text(n.sentOn.description), .text(n.channel), n.receivedOn.map { .text($0.description) } ?? .null,
                                 .text(n.presumedReceived.description), .text(n.appealDeadline.description), .text(n.registeredBy)]])
    }

    func appealClawback(_ input: Operations.AppealClawback.Input) async throws -> Operations.AppealClawback.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let id = input.path.id
        let received = try Self.date(body.received, field: "received date")!
        let sent = try Self.date(body.sent, field: "sent date")
        let result = try await create("POST /clawbacks/{id}/appeals", key: input.headers.idempotencyKey) { session in
            let record = try ClawBacks.appeal(id, received: received, sent: sent, grounds: body.grounds, lateReason: body.lateReason,
                                              session: session)
            return Self.jsonObject(FollowupTables.clawBacks([record], .json))
        }
        return .created(.init(body: .json(try Self.record(result.body))))
    }

    func resolveClawback(_ input: Operations.ResolveClawback.Input) async throws -> Operations.ResolveClawback.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let id = input.path.id
        let resolution: ClawBackResolution
        switch body.outcome {
        case .uphold: resolution = .uphold
        case .cancel: resolution = .cancel
        case .reduce:
            guard let amount = body.reduceToOre else {
                throw Problem(.unprocessableContent, "a reduction needs reduce_to_ore, the amount the claw-back is lowered to in øre")
            }
            resolution = .reduce(to: Money(ore: amount))
        }
        let result = try await create("POST /clawbacks/{id}/resolution", key: input.headers.idempotencyKey) { session in
            Self.jsonObject(FollowupTables.clawBacks([try ClawBacks.resolve(id, resolution, reasons: body.reasons, session: session)], .json))
        }
        return .created(.init(body: .json(try Self.record(result.body))))
    }

    func repayClawback(_ input: Operations.RepayClawback.Input) async throws -> Operations.RepayClawback.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let id = input.path.id
        let date = try Self.date(body.date, field: "repayment date")
        let result = try await create("POST /clawbacks/{id}/repayments", key: input.headers.idempotencyKey) { session in
            let record = try ClawBacks.repay(id, amount: Money(ore: body.amountOre), date: date, voucher: body.voucher, session: session)
            return Self.jsonObject(FollowupTables.clawBacks([record], .json))
        }
        return .created(.init(body: .json(try Self.record(result.body))))
    }

    func repayClawbackByKid(_ input: Operations.RepayClawbackByKid.Input) async throws -> Operations.RepayClawbackByKid.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let kid = input.path.kid
        let date = try Self.date(body.date, field: "repayment date")
        let result = try await create("POST /kid/{kid}/repayments", key: input.headers.idempotencyKey) { session in
            let record = try ClawBacks.repay(kid: kid, amount: Money(ore: body.amountOre), date: date, voucher: body.voucher, session: session)
            return Self.jsonObject(FollowupTables.clawBacks([record], .json))
        }
        return .created(.init(body: .json(try Self.record(result.body))))
    }

    func listOverpaidGrants(_ input: Operations.ListOverpaidGrants.Input) async throws -> Operations.ListOverpaidGrants.Output {
        let data = try await read("GET /overpaid-grants") { session in
            Self.jsonRows(FollowupTables.overpaid(try ClawBacks.overpaid(session: session), .json))
        }
        return .ok(.init(body: .json(try Self.records(data))))
    }
}
