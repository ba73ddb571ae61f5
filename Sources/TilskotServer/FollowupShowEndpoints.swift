import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// A grant's follow-up in one read (issue 19, I19-R4): the services `followup show` calls —
/// Applications.show, RecipientReports.duty / reports, Payments.list, ClawBacks.list,
/// GrantMoney.grant / settlement — in one READ ONLY transaction, so the parts agree. Lists and
/// records carry the keys of their own commands' `--format json` (FollowupTables and the follow-up
/// duty tables); money is in øre (*_ore).
extension TilskotAPI {
    func showFollowup(_ input: Operations.ShowFollowup.Input) async throws -> Operations.ShowFollowup.Output {
        let reference = try Self.reference(input.path.reference)
        let data = try await read("GET /applications/{reference}/followup") { session in
            let summary = try Applications.show(reference, session: session).summary
            let duty = try RecipientReports.duty(reference, session: session)
            let reports = try RecipientReports.reports(reference, session: session)
            let payments = try Payments.list(.init(reference: reference), session: session)
            let clawBacks = try ClawBacks.list(reference, session: session)
            let money = try GrantMoney.grant(reference, session: session)
            let settlement = try GrantMoney.settlement(reference, session: session)
            func rows(_ table: DataTable) throws -> Any { try JSONSerialization.jsonObject(with: Self.jsonRows(table)) }
            func first(_ table: DataTable?) throws -> Any {
                guard let table else { return NSNull() }
                return try JSONSerialization.jsonObject(with: Self.jsonObject(table))
            }
            return try Self.object([
                "reference": reference.description,
                "organisation_name": summary.organisationName,
                "status": summary.status.rawValue,
                "money": try first(money.map { Self.moneyTable([$0], grants: true) }),
                "settlement": try first(settlement.map(Self.settlementTable)),
                "duty": try first(duty.map(Self.dutyTable)),
                "reports": try reports.flatMap { report in try rows(Self.reportTable(report)) as? [Any] ?? [] },
                "payments": try rows(FollowupTables.payments(payments, .json)),
                "clawbacks": try rows(FollowupTables.clawBacks(clawBacks, .json)),
            ])
        }
        return .ok(.init(body: .json(try Self.record(data))))
    }

    /// What closing settled (GrantMoney.settlement), money in øre.
    static func settlementTable(_ s: GrantSettlementRecord) -> DataTable {
        DataTable(
            columns: ["reference"] + ["granted", "paid", "withheld", "released", "clawed_back", "repaid", "net_used", "unused"].map(money)
                + ["settled_by", "settled_at"],
            rows: [[.text(s.reference)]
                + [s.granted, s.paid, s.withheld, s.released, s.clawedBack, s.repaid, s.netUsed, s.unused].map { ReportCells.money($0.ore, .json) }
                + [.text(s.settledBy), .timestamp(s.settledAt)]])
    }
}
