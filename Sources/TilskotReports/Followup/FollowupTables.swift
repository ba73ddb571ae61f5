import TilskotCore
import TilskotStore

/// The payment, claw-back and audit records as tables: the columns of `payment list` / `clawback list`
/// in every format, and the keys of their JSON — the CLI and the HTTP API (`tilskot serve`) render
/// the same table, so both speak with the same keys.
public enum FollowupTables {
    static func text(_ value: String?) -> DataTable.Cell { value.map(DataTable.Cell.text) ?? .null }

    /// `payment list` and the records after `payment plan/attest/pay/withhold/release`.
    public static func payments(_ records: [PaymentRecord], _ format: OutputFormat) -> DataTable {
        DataTable(
            columns: ["id", "reference", "instalment", "round", "orgnr", "organisation", ReportCells.moneyColumn("amount", format),
                      "due_date", "status", "account", "planned_by", "attested_by", "paid_on", "voucher", "withheld_reason"],
            rows: records.map { p in
                [.integer(p.id), .text(p.reference), .integer(Int64(p.instalment)), .text(p.round), .text(p.organisationNumber),
                 .text(p.organisationName), ReportCells.money(p.amount.ore, format), .text(p.dueDate.description), .text(p.status.rawValue),
                 .text(p.account), .text(p.plannedBy), text(p.attestedBy), text(p.paidOn?.description), text(p.voucher),
                 text(p.withheldReason)]
            })
    }

    /// `payment export`: the payment run for the finance system.
    public static func paymentRun(_ records: [PaymentRecord], _ format: OutputFormat) -> DataTable {
        DataTable(
            columns: ["orgnr", "account_reference", ReportCells.moneyColumn("amount", format), "reference", "payment_id", "due_date"],
            rows: records.map { p in
                [.text(p.organisationNumber), .text(p.account), ReportCells.money(p.amount.ore, format), .text(p.paymentReference),
                 .integer(p.id), .text(p.dueDate.description)]
            })
    }

    /// `clawback list`, `clawback show --format json` (its first row) and the records after a change.
    public static func clawBacks(_ records: [ClawBackRecord], _ format: OutputFormat) -> DataTable {
        DataTable(
            columns: ["id", "reference", ReportCells.moneyColumn("amount", format), ReportCells.moneyColumn("original_amount", format),
                      "decision_date", "due_date", "cancelled", ReportCells.moneyColumn("repaid", format),
                      ReportCells.moneyColumn("outstanding", format), "appeal_pending", "demanded_by", "reasons",
                      "advance_notice_id", "notice_exception", "kid", "another", "cancellation_reason"],
            rows: records.map { c in
                [.integer(c.id), .text(c.reference), ReportCells.money(c.amount.ore, format), ReportCells.money(c.originalAmount.ore, format),
                 .text(c.decisionDate.description), .text(c.dueDate.description), .bool(c.cancelled), ReportCells.money(c.repaid.ore, format),
                 ReportCells.money(c.outstanding.ore, format), .bool(c.appealPending), .text(c.demandedBy), .text(c.reasons),
                 c.advanceNoticeID.map { .integer($0) } ?? .null, text(c.noticeException),
                 text(c.kid), .bool(c.another), text(c.cancellation?.reason)]
            })
    }

    /// `clawback overpaid`.
    public static func overpaid(_ records: [OverpaidGrantRecord], _ format: OutputFormat) -> DataTable {
        DataTable(
            columns: ["reference", ReportCells.moneyColumn("paid", format), ReportCells.moneyColumn("grant", format),
                      ReportCells.moneyColumn("clawed_back", format), ReportCells.moneyColumn("to_claw_back", format)],
            rows: records.map { r in
                [.text(r.reference), ReportCells.money(r.paid.ore, format), ReportCells.money(r.grant.ore, format),
                 ReportCells.money(r.clawedBack.ore, format), ReportCells.money(r.toClawBack.ore, format)]
            })
    }

    /// `audit list`: the audit log; the old and new row (JSON text) for machines only.
    public static func auditEvents(_ events: [AuditEvent], _ format: OutputFormat) -> DataTable {
        let machine = ReportCells.isMachine(format)
        return DataTable(
            columns: ["id", "at", "actor", "login", "table", "row_id", "application", "action", "what", "reason"]
                + (machine ? ["old", "new"] : []),
            rows: events.map { e in
                [.integer(e.id), .timestamp(e.at), .text(e.actor), .text(e.login),
                 .text(e.table), e.rowID.map(DataTable.Cell.integer) ?? .null, text(e.applicationReference),
                 .text(e.action), .text(e.summary), text(e.reason)]
                    + (machine ? [text(e.old), text(e.new)] : [])
            })
    }
}
