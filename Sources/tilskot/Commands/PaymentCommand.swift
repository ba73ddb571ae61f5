import ArgumentParser
import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot payment …` — paying grants (utbetaling): the plan of instalments, attestation by a
/// finance user who did not decide the grant, payment with a voucher, withholding, the payment run.
struct PaymentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payment",
        abstract: "Plan, attest, pay, withhold and export payments of grants.",
        discussion: """
        Two controls before money goes out (økonomiregelverket): the decision (budget authority) and \
        attestation by a finance user who is not the person who decided the grant. The sum of payments \
        never exceeds the current grant; the database holds both rules, also for two finance users at once. \
        When a decision on appeal lowers a grant in follow-up (fvl. §§ 33–35), unpaid instalments are \
        withheld from the last one backwards ("grant lowered to … by the decision of …") and what still \
        fits is planned again as a new instalment, attested anew; what was paid stays, and an overpayment \
        is listed by `clawback overpaid`. A raised grant plans nothing by itself: plan the difference.
        """,
        subcommands: [Plan.self, List.self, Attest.self, Pay.self, Withhold.self, Release.self, Export.self]
    )

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan a grant's instalments; the first plan starts its follow-up.",
            discussion: """
            Instalments are SHARE:DATE separated by commas, a share being a percentage of the current grant \
            or an amount: "50%:2021-05-01,50%:2021-09-01" or "1 700 000:2021-05-01,1 700 000:2021-09-01". \
            Shares that come to 100% pay the grant to the øre. The plan moves the application from granted \
            to in follow-up and gives it its default reporting duty (see `followup duty`).
            """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
        @Option(help: ArgumentHelp("The instalments, e.g. \"50%:2021-05-01,50%:2021-09-01\".", valueName: "share:date,…")) var instalments: String
        @Option(help: ArgumentHelp("The recipient's bank account, e.g. \"8601 11 17947\".", valueName: "account")) var account: String

        func run() throws {
            let ref = try Input.reference(reference)
            let specs = try InstalmentSpec.parseList(instalments)
            let records = try Payments.plan(ref, instalments: specs, account: try BankAccountNumber(account),
                                            session: try global.session())
            PaymentCommand.show(records, global.outputFormat,
                                sentence: "\(ref): \(records.count) instalment\(records.count == 1 ? "" : "s") planned, \(records.map(\.amount).sum().formattedKroner) in all")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List instalments, by due date.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only instalments due before this date.", valueName: "YYYY-MM-DD")) var dueBefore: String?
        @Option(help: ArgumentHelp("Only this status: planned, attested, paid or withheld.", valueName: "status")) var status: String?
        @Option(help: ArgumentHelp("Only this round, e.g. JS/2021.", valueName: "scheme/year")) var round: String?
        @Option(help: ArgumentHelp("Only this application.", valueName: "ref")) var application: String?
        @Option(help: ArgumentHelp(ListCap.help)) var limit: Int?

        func run() throws {
            let cap = try ListCap(given: limit)
            let filter = Payments.Filter(
                dueBefore: try dueBefore.map { text throws(TilskotError) in try Input.date(text, field: "--due-before") },
                status: try status.map { text throws(TilskotError) in try Input.vocabulary(text, as: PaymentStatus.self) },
                round: try round.map { text throws(TilskotError) in try Input.round(text) },
                reference: try application.map { text throws(TilskotError) in try Input.reference(text) },
                limit: cap.fetchLimit)
            let format = global.outputFormat
            let instalments = cap.shown(try Payments.list(filter, session: try global.session()), "instalments",
                                        narrowWith: "--due-before, --status, --round or --application")
            print(PaymentCommand.table(instalments, format).render(format), terminator: "")
        }
    }

    struct Attest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attest planned instalments (finance users who did not decide the grant); all or none.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Payment ids (see `payment list`).", valueName: "id")) var ids: [String]

        func run() throws {
            let records = try Payments.attest(try PaymentCommand.ids(ids), session: try global.session())
            PaymentCommand.show(records, global.outputFormat,
                                sentence: records.map { "\($0.paymentReference) \($0.amount.formattedKroner) attested by \($0.attestedBy ?? "")" }.joined(separator: "\n"))
        }
    }

    struct Pay: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record attested instalments as paid, with the voucher number (finance).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Payment ids (see `payment list --status attested`).", valueName: "id")) var ids: [String]
        @Option(help: ArgumentHelp("The voucher number (bilagsnummer) of the payment.", valueName: "voucher")) var voucher: String
        @Option(help: ArgumentHelp("The day it was paid (default today).", valueName: "YYYY-MM-DD")) var date: String?

        func run() throws {
            let records = try Payments.pay(
                try PaymentCommand.ids(ids), voucher: voucher,
                date: try date.map { text throws(TilskotError) in try Input.date(text, field: "payment date") },
                session: try global.session())
            PaymentCommand.show(records, global.outputFormat,
                                sentence: records.map { "\($0.paymentReference) \($0.amount.formattedKroner) paid \($0.paidOn?.description ?? ""), voucher \($0.voucher ?? "")" }.joined(separator: "\n"))
        }
    }

    struct Withhold: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withhold a planned or attested instalment, with a reason (finance or managers).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The payment id.", valueName: "id")) var id: String
        @Option(help: "Why, e.g. \"the report for 2021 is missing\".") var reason: String

        func run() throws {
            let record = try Payments.withhold(try PaymentCommand.ids([id])[0], reason: reason, session: try global.session())
            PaymentCommand.show([record], global.outputFormat, sentence: "\(record.paymentReference) \(record.amount.formattedKroner) withheld: \(record.withheldReason ?? "")")
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a withheld instalment back in the plan; it is attested again before it is paid.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The payment id.", valueName: "id")) var id: String
        @Option(help: "Why, e.g. \"report received\".") var reason: String

        func run() throws {
            let record = try Payments.release(try PaymentCommand.ids([id])[0], reason: reason, session: try global.session())
            PaymentCommand.show([record], global.outputFormat, sentence: "\(record.paymentReference) \(record.amount.formattedKroner) is planned again")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The payment run for the finance system: attested instalments due on or before a date (CSV by default).",
            discussion: "One line per attested instalment: orgnr, account_reference (the recipient's bank account), amount, reference (REF/instalment), payment_id, due_date.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The payment date of the run.", valueName: "YYYY-MM-DD")) var date: String

        func run() throws {
            let day = try Input.date(date, field: "payment run date")
            let format = global.format ?? .csv
            let records = try Payments.run(date: day, session: try global.session())
            let table = FollowupTables.paymentRun(records, format)  // shared with GET /payments/run
            print(table.render(format), terminator: "")
        }
    }

    static func ids(_ texts: [String]) throws(TilskotError) -> [Int64] {
        var ids: [Int64] = []
        for text in texts {
            guard let id = Int64(text.trimmingCharacters(in: .whitespaces)), id > 0 else {
                throw .refused("payment id \"\(text)\" is not a number; give the id from `tilskot payment list`")
            }
            ids.append(id)
        }
        guard !ids.isEmpty else { throw .refused("no payment given; name one or more payment ids from `tilskot payment list`") }
        return ids
    }

    /// The columns, shared with the HTTP API (FollowupTables in TilskotReports).
    static func table(_ records: [PaymentRecord], _ format: OutputFormat) -> DataTable {
        FollowupTables.payments(records, format)
    }

    /// After a change: a sentence on a terminal, the records otherwise.
    static func show(_ records: [PaymentRecord], _ format: OutputFormat, sentence: String) {
        switch format {
        case .table:
            print(sentence)
            print(table(records, format).render(format), terminator: "")
        default:
            print(table(records, format).render(format), terminator: "")
        }
    }
}
