import Foundation
import OpenAPIRuntime
import TilskotCore
import TilskotReports
import TilskotStore

/// A grant's follow-up (issue 19, round 3, R1): its reporting duty, the recipient's report and its
/// review, what is due and overdue, reminders, the money of rounds, and closing the grant. Each
/// operation calls the service its CLI command calls (`tilskot followup …`, `application close`) and
/// answers with the keys of that command's `--format json`. A change to one application is a
/// `caseChange` (If-Match + Idempotency-Key). Every rule — who may review, a rejection's reasons, an
/// approved report and settled money before closing — is the database's; its sentence comes back as
/// the problem's detail.
extension TilskotAPI {
    // MARK: - Reporting duty, reports, review

    func setReportingDuty(_ input: Operations.SetReportingDuty.Input) async throws -> Operations.SetReportingDuty.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.caseReference(input.path.reference)
        let projectEnd = try Self.caseDate(body.projectEnd, field: "project end")
        let due = try Self.caseDate(body.due, field: "due date")
        let data = try await caseChange("POST /applications/{reference}/reporting-duty", reference: reference,
                                        key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch) { session in
            Self.jsonObject(Self.dutyTable(try RecipientReports.setDuty(reference, projectEnd: projectEnd, due: due,
                                                                        accountRequired: body.accountRequired, session: session)))
        }
        return .created(.init(body: .json(try Self.record(data))))
    }

    func receiveReport(_ input: Operations.ReceiveReport.Input) async throws -> Operations.ReceiveReport.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.caseReference(input.path.reference)
        let date = try Self.caseDate(body.reportDate, field: "report date")
        let data = try await caseChange("POST /applications/{reference}/reports", reference: reference,
                                        key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch) { session in
            Self.jsonObject(Self.reportTable(try RecipientReports.receive(reference, date: date, accountApproved: body.accountApproved ?? false,
                                                                          notes: body.notes, session: session)))
        }
        return .created(.init(body: .json(try Self.record(data))))
    }

    func reviewReport(_ input: Operations.ReviewReport.Input) async throws -> Operations.ReviewReport.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.caseReference(input.path.reference)
        let reject = body.outcome == .reject
        // As `followup approve`: reasons go with a rejection; an approval takes none (input form only —
        // whether a rejection's reasons are enough is the database's rule).
        if !reject && body.reasons != nil {
            throw Problem(.unprocessableContent, "reasons go with outcome reject; an approval takes none")
        }
        let data = try await caseChange("POST /applications/{reference}/report-review", reference: reference,
                                        key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch) { session in
            let report = reject
                ? try RecipientReports.reject(reference, reasons: body.reasons ?? "", session: session)
                : try RecipientReports.approve(reference, session: session)
            return Self.jsonObject(Self.reportTable(report))
        }
        return .created(.init(body: .json(try Self.record(data))))
    }

    // MARK: - Closing

    func closeApplication(_ input: Operations.CloseApplication.Input) async throws -> Operations.CloseApplication.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let reference = try Self.caseReference(input.path.reference)
        let data = try await caseChange("POST /applications/{reference}/closing", reference: reference,
                                        key: input.headers.idempotencyKey, ifMatch: input.headers.ifMatch) { session in
            try Self.json(Encoding.summary(try Closing.close(reference, notes: body.notes, session: session)))
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.ApplicationSummary.self, data))))
    }

    // MARK: - Due, overdue, reminders, money

    func listDueReports(_ input: Operations.ListDueReports.Input) async throws -> Operations.ListDueReports.Output {
        let q = input.query
        let within: Int
        do {
            within = try DaySpan.parse(q.within ?? "30d")
        } catch {
            throw Problem(.unprocessableContent, error.description)
        }
        let asOf = try Self.caseDate(q.asOf, field: "as_of")
        let round = try q.round.map { text in try Self.parse { () throws(ValidationError) in try RoundKey(text) } }
        let data = try await read("GET /followup/due") { session in
            Self.jsonRows(Self.dueTable(try RecipientReports.due(withinDays: within, asOf: asOf, includeOverdue: q.includeOverdue ?? false,
                                                                 round: round, mine: q.mine ?? false, session: session)))
        }
        return .ok(.init(body: .json(try Self.records(data))))
    }

    func listOverdueReports(_ input: Operations.ListOverdueReports.Input) async throws -> Operations.ListOverdueReports.Output {
        let asOf = try Self.caseDate(input.query.asOf, field: "as_of")
        let round = try input.query.round.map { text in try Self.parse { () throws(ValidationError) in try RoundKey(text) } }
        let data = try await read("GET /followup/overdue") { session in
            Self.jsonRows(Self.dueTable(try RecipientReports.overdue(asOf: asOf, round: round, session: session)))
        }
        return .ok(.init(body: .json(try Self.records(data))))
    }

    func listReminders(_ input: Operations.ListReminders.Input) async throws -> Operations.ListReminders.Output {
        let days = try Self.reminderDays(input.query.daysBefore)
        let day = try Self.caseDate(input.query.date, field: "date")
        let data = try await read("GET /followup/reminders") { session in
            Self.jsonRows(Self.reminderTable(try TilskotStore.Reminders.candidates(on: day, daysBefore: days, session: session)))
        }
        return .ok(.init(body: .json(try Self.records(data))))
    }

    func sendReminders(_ input: Operations.SendReminders.Input) async throws -> Operations.SendReminders.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send application/json") }
        let days = try Self.reminderDays(body.daysBefore)
        let day = try Self.caseDate(body.date, field: "date")
        let result = try await create("POST /followup/reminders", key: input.headers.idempotencyKey) { session in
            Self.jsonRows(Self.reminderTable(try TilskotStore.Reminders.send(on: day, daysBefore: days, session: session)))
        }
        return .created(.init(body: .json(try Self.records(result.body))))
    }

    func followupSummary(_ input: Operations.FollowupSummary.Input) async throws -> Operations.FollowupSummary.Output {
        let key = try input.query.round.map { text in try Self.parse { () throws(ValidationError) in try RoundKey(text) } }
        let grants = input.query.grants ?? false
        if grants && key == nil {
            throw Problem(.unprocessableContent, "grants lists the grants of one round; give it with round, e.g. round=JS/2021")
        }
        let data = try await read("GET /followup/summary") { session in
            let records = try grants ? GrantMoney.grants(in: key!, session: session) : GrantMoney.rounds(key, session: session)
            return Self.jsonRows(Self.moneyTable(records, grants: grants))
        }
        return .ok(.init(body: .json(try Self.records(data))))
    }

    // MARK: - The CLI's `--format json` keys

    /// The reminder window, as `followup reminders --days-before` (default 14, 0 to 366).
    static func reminderDays(_ given: Int?) throws -> Int {
        let days = given ?? 14
        guard (0...366).contains(days) else {
            throw Problem(.unprocessableContent, "days_before \(days) is out of range; give 0 to 366 days")
        }
        return days
    }

    static func money(_ base: String) -> String { ReportCells.moneyColumn(base, .json) }

    static func dutyTable(_ duty: ReportDutyRecord) -> DataTable {
        DataTable(columns: ["reference", "project_end", "due_date", "account_required", "set_by"],
                  rows: [[.text(duty.reference), .text(duty.projectEnd.description), .text(duty.dueDate.description),
                          .bool(duty.accountRequired), .text(duty.setBy)]])
    }

    static func reportTable(_ report: RecipientReportRecord) -> DataTable {
        func text(_ value: String?) -> DataTable.Cell { value.map(DataTable.Cell.text) ?? .null }
        return DataTable(
            columns: ["id", "reference", "report_date", "account_approved", "status", "received_by", "reviewed_by", "review_reasons", "notes"],
            rows: [[.integer(report.id), .text(report.reference), .text(report.reportDate.description), .bool(report.accountApproved),
                    .text(report.status.rawValue), .text(report.receivedBy), text(report.reviewedBy), text(report.reviewReasons),
                    text(report.notes)]])
    }

    static func dueTable(_ items: [ReportDueItem]) -> DataTable {
        DataTable(
            columns: ["reference", "orgnr", "organisation", money("granted"), "project_end", "due_date",
                      "days_left", "account_required", "last_reminder"],
            rows: items.map { d in
                [.text(d.reference), .text(d.organisationNumber), .text(d.organisationName), ReportCells.money(d.granted.ore, .json),
                 .text(d.projectEnd.description), .text(d.dueDate.description), .integer(Int64(d.daysLeft)),
                 .bool(d.accountRequired), d.lastReminder.map { .text($0.description) } ?? .null]
            })
    }

    static func reminderTable(_ items: [ReminderRecord]) -> DataTable {
        DataTable(
            columns: ["reference", "orgnr", "organisation", "due_date", "kind", "sent_on", "recorded"],
            rows: items.map { r in
                [.text(r.reference), .text(r.organisationNumber), .text(r.organisationName), .text(r.dueDate.description),
                 .text(r.kind.rawValue), .text(r.sentOn.description), .bool(r.recorded)]
            })
    }

    static func moneyTable(_ records: [GrantMoneyRecord], grants: Bool) -> DataTable {
        DataTable(
            columns: [grants ? "reference" : "round"] + (grants ? [] : [money("frame"), "grants"])
                + ["granted", "planned", "paid", "clawed_back", "repaid", "net", "unused"].map(money),
            rows: records.map { m in
                [.text(m.key)] + (grants ? [] : [ReportCells.money(m.frame?.ore, .json), .integer(Int64(m.grants))])
                    + [m.granted, m.planned, m.paid, m.clawedBack, m.repaid, m.net, m.unused].map { ReportCells.money($0.ore, .json) }
            })
    }
}
