import ArgumentParser
import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot followup …` — following a grant up (oppfølging): reporting duties, reports received and
/// reviewed, what is due and overdue, reminders, the money of a round, and closing.
struct FollowupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followup",
        abstract: "Reporting duties, recipient reports, reminders, money summaries and closing.",
        discussion: """
        A grant's follow-up starts with its payment plan (or a duty set, or a report received): the \
        application goes from granted to in follow-up and owes a report, by default 3 months after the \
        project ends (31 December of the round's year), with an auditor-checked account for grants at \
        or above the scheme's threshold (400 000 kr by default).
        """,
        subcommands: [Duty.self, Due.self, Overdue.self, Receive.self, Approve.self, Reject.self, Reminders.self,
                      Show.self, Summary.self, ApplicationClose.self]
    )

    struct Duty: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a grant's reporting duty: project end, due date, auditor-checked account.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
        @Option(help: ArgumentHelp("The last day of the project (default 31 December of the round's year).", valueName: "YYYY-MM-DD")) var projectEnd: String?
        @Option(help: ArgumentHelp("When the report is due (default 3 months after the project ends).", valueName: "YYYY-MM-DD")) var due: String?
        @Flag(inversion: .prefixedNo, help: "Require an auditor-checked account (default: at or above the scheme's threshold; never waived above it).")
        var accountRequired: Bool?

        func run() throws {
            let ref = try Input.reference(reference)
            let duty = try RecipientReports.setDuty(
                ref, projectEnd: try projectEnd.map { text throws(TilskotError) in try Input.date(text, field: "project end") },
                due: try due.map { text throws(TilskotError) in try Input.date(text, field: "due date") },
                accountRequired: accountRequired, session: try global.session())
            let format = global.outputFormat
            if format == .table {
                print("\(ref): report due \(duty.dueDate) (project ends \(duty.projectEnd))\(duty.accountRequired ? ", with an auditor-checked account" : "")")
            } else {
                let table = DataTable(columns: ["reference", "project_end", "due_date", "account_required", "set_by"],
                                      rows: [[.text(duty.reference), .text(duty.projectEnd.description), .text(duty.dueDate.description),
                                              .bool(duty.accountRequired), .text(duty.setBy)]])
                print(format == .json ? table.renderJSONObject() : table.render(format), terminator: "")
            }
        }
    }

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reports not yet in that are due within a span of days.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("How far ahead: 30d (default), 4w or a number of days.", valueName: "span")) var within: String = "30d"
        @Option(help: ArgumentHelp("Count from this day instead of today.", valueName: "YYYY-MM-DD")) var asOf: String?
        @Flag(help: "Include reports already overdue.") var includeOverdue = false
        @Option(help: ArgumentHelp("Only this round, e.g. JS/2021.", valueName: "scheme/year")) var round: String?
        @Flag(help: "Only my cases: those I am a current caseworker of (the acting user, --as).") var mine = false

        func run() throws {
            let day = try FollowupCommand.day(asOf)
            let items = try RecipientReports.due(withinDays: try DaySpan.parse(within), asOf: day, includeOverdue: includeOverdue,
                                                 round: try round.map { text throws(TilskotError) in try Input.round(text) },
                                                 mine: mine, session: try global.session())
            let format = global.outputFormat
            print(FollowupCommand.dueTable(items, format).render(format), terminator: "")
        }
    }

    struct Overdue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reports past their due date and not in.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Count from this day instead of today.", valueName: "YYYY-MM-DD")) var asOf: String?
        @Option(help: ArgumentHelp("Only this round, e.g. JS/2021.", valueName: "scheme/year")) var round: String?

        func run() throws {
            let items = try RecipientReports.overdue(asOf: try FollowupCommand.day(asOf),
                                                     round: try round.map { text throws(TilskotError) in try Input.round(text) },
                                                     session: try global.session())
            let format = global.outputFormat
            print(FollowupCommand.dueTable(items, format).render(format), terminator: "")
        }
    }

    struct Receive: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a recipient's report as received.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
        @Option(help: ArgumentHelp("The day the report reached the directorate (default today).", valueName: "YYYY-MM-DD")) var reportDate: String?
        @Flag(help: "An auditor-checked account (revisorattestert rekneskap) came with it.") var accountApproved = false
        @Option(help: "Notes on the report.") var notes: String?

        func run() throws {
            let ref = try Input.reference(reference)
            let report = try RecipientReports.receive(
                ref, date: try reportDate.map { text throws(TilskotError) in try Input.date(text, field: "report date") },
                accountApproved: accountApproved, notes: notes, session: try global.session())
            FollowupCommand.show(report, global.outputFormat,
                                 sentence: "report of \(ref) received \(report.reportDate)\(report.accountApproved ? " with an auditor-checked account" : ""); it waits for review")
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve the report that waits for review, or reject it with --reject --reasons.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
        @Flag(help: "Reject the report instead (needs --reasons).") var reject = false
        @Option(help: "Why the report is rejected, so the recipient knows what to send again.") var reasons: String?

        func validate() throws {
            if reasons != nil && !reject {
                throw ArgumentParser.ValidationError("--reasons goes with --reject; an approval takes none")
            }
        }

        func run() throws {
            let ref = try Input.reference(reference)
            let session = try global.session()
            let report = reject
                ? try RecipientReports.reject(ref, reasons: reasons ?? "", session: session)
                : try RecipientReports.approve(ref, session: session)
            FollowupCommand.show(report, global.outputFormat, sentence: "report of \(ref) received \(report.reportDate) is \(report.status.rawValue)")
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject the report that waits for review, with reasons.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
        @Option(help: "Why, so the recipient knows what to send again.") var reasons: String

        func run() throws {
            let ref = try Input.reference(reference)
            let report = try RecipientReports.reject(ref, reasons: reasons, session: try global.session())
            FollowupCommand.show(report, global.outputFormat, sentence: "report of \(ref) received \(report.reportDate) is rejected")
        }
    }

    struct Reminders: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List who should be reminded today and record that a reminder went (nobody twice in the same week).",
            discussion: "Reminds of reports due within --days-before days (default 14) or overdue, not in, and not reminded this ISO week. --dry-run only lists.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Remind of reports due within this many days (default 14).", valueName: "days")) var daysBefore: Int = 14
        @Option(help: ArgumentHelp("The day the reminders go (default today; not in the future).", valueName: "YYYY-MM-DD")) var date: String?
        @Flag(help: "Only list who would be reminded; record nothing.") var dryRun = false

        func run() throws {
            guard (0...366).contains(daysBefore) else {
                throw TilskotError.refused("--days-before \(daysBefore) is out of range; give 0 to 366 days")
            }
            let day = try FollowupCommand.day(date)
            let session = try global.session()
            let items = dryRun
                ? try TilskotStore.Reminders.candidates(on: day, daysBefore: daysBefore, session: session)
                : try TilskotStore.Reminders.send(on: day, daysBefore: daysBefore, session: session)
            let format = global.outputFormat
            let table = DataTable(
                columns: ["reference", "orgnr", "organisation", "due_date", "kind", "sent_on", "recorded"],
                rows: items.map { r in
                    [.text(r.reference), .text(r.organisationNumber), .text(r.organisationName), .text(r.dueDate.description),
                     .text(r.kind.rawValue), .text(r.sentOn.description), .bool(r.recorded)]
                })
            if format == .table {
                print(dryRun ? "\(items.count) to remind on \(day) (dry run: nothing recorded)"
                             : "\(items.count) reminder\(items.count == 1 ? "" : "s") recorded on \(day)")
                if !items.isEmpty { print(table.render(format), terminator: "") }
            } else {
                print(table.render(format), terminator: "")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a grant's follow-up: duty, payments, reports, claw-backs and money.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String

        func run() throws {
            let ref = try Input.reference(reference)
            let session = try global.session()
            let summary = try Applications.show(ref, session: session).summary
            let duty = try RecipientReports.duty(ref, session: session)
            let reports = try RecipientReports.reports(ref, session: session)
            let payments = try Payments.list(.init(reference: ref), session: session)
            let clawBacks = try ClawBacks.list(ref, session: session)
            let money = try GrantMoney.grant(ref, session: session)
            let settlement = try GrantMoney.settlement(ref, session: session)
            let format = global.outputFormat
            guard format == .table else {
                print(PaymentCommand.table(payments, format).render(format), terminator: "")
                return
            }
            var lines = ["\(ref) \(summary.organisationName) — \(summary.status.rawValue)"]
            if let money {
                lines.append("granted \(money.granted.formattedKroner), planned \(money.planned.formattedKroner), paid \(money.paid.formattedKroner), clawed back \(money.clawedBack.formattedKroner), repaid \(money.repaid.formattedKroner), net \(money.net.formattedKroner)")
            }
            if let s = settlement {
                lines.append("settled on closing by \(s.settledBy): granted \(s.granted.formattedKroner), paid \(s.paid.formattedKroner), withheld \(s.withheld.formattedKroner), released \(s.released.formattedKroner), clawed back \(s.clawedBack.formattedKroner), repaid \(s.repaid.formattedKroner), net used \(s.netUsed.formattedKroner), unused \(s.unused.formattedKroner)")
            }
            if let duty {
                lines.append("report due \(duty.dueDate) (project ends \(duty.projectEnd))\(duty.accountRequired ? ", auditor-checked account required" : "")")
            } else {
                lines.append("no reporting duty yet (follow-up has not started)")
            }
            for r in reports {
                lines.append("report received \(r.reportDate)\(r.accountApproved ? " with account" : ""): \(r.status.rawValue)\(r.reviewedBy.map { " by \($0)" } ?? "")\(r.reviewReasons.map { " — \($0)" } ?? "")")
            }
            for c in clawBacks {
                lines.append("claw-back \(c.id): \(c.amount.formattedKroner) decided \(c.decisionDate), due \(c.dueDate), repaid \(c.repaid.formattedKroner)\(c.cancelled ? " (cancelled)" : "")\(c.appealPending ? ", appeal pending" : "")")
            }
            print(lines.joined(separator: "\n"))
            if !payments.isEmpty { print(PaymentCommand.table(payments, format).render(format), terminator: "") }
        }
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The money of rounds (or of each grant of one round): granted, planned, paid, clawed back, repaid, net, unused.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only this round, e.g. JS/2021.", valueName: "scheme/year")) var round: String?
        @Flag(help: "One line per grant of the round (needs --round).") var grants = false

        func run() throws {
            let key = try round.map { text throws(TilskotError) in try Input.round(text) }
            if grants && key == nil { throw TilskotError.refused("--grants lists the grants of one round; give it with --round, e.g. --round JS/2021") }
            let session = try global.session()
            let records = try grants ? GrantMoney.grants(in: key!, session: session) : GrantMoney.rounds(key, session: session)
            let format = global.outputFormat
            let table = DataTable(
                columns: [grants ? "reference" : "round"] + (grants ? [] : [MoneyColumn.name("frame", format), "grants"])
                    + ["granted", "planned", "paid", "clawed_back", "repaid", "net", "unused"].map { MoneyColumn.name($0, format) },
                rows: records.map { m in
                    [.text(m.key)] + (grants ? [] : [MoneyColumn.cell(m.frame, format), .integer(Int64(m.grants))])
                        + [m.granted, m.planned, m.paid, m.clawedBack, m.repaid, m.net, m.unused].map { MoneyColumn.cell($0, format) }
                },
                footnote: format == .table ? "net = what the grants are used for: granted − clawed back (claw-backs in force, after appeals); a closed grant at its settlement, paid − repaid; unused = what closed grants left of the grant (withheld instalments)" : nil)
            print(table.render(format), terminator: "")
        }
    }

    /// The day a listing counts from: --as-of, else nil (the service takes today in the
    /// installation's calendar, Session.today()).
    static func day(_ text: String?) throws(TilskotError) -> CalendarDate? {
        guard let text else { return nil }
        return try Input.date(text, field: "date")
    }

    static func dueTable(_ items: [ReportDueItem], _ format: OutputFormat) -> DataTable {
        DataTable(
            columns: ["reference", "orgnr", "organisation", MoneyColumn.name("granted", format), "project_end", "due_date",
                      "days_left", "account_required", "last_reminder"],
            rows: items.map { d in
                [.text(d.reference), .text(d.organisationNumber), .text(d.organisationName), MoneyColumn.cell(d.granted, format),
                 .text(d.projectEnd.description), .text(d.dueDate.description), .integer(Int64(d.daysLeft)),
                 .bool(d.accountRequired), (d.lastReminder?.description).cell]
            })
    }

    static func show(_ report: RecipientReportRecord, _ format: OutputFormat, sentence: String) {
        if format == .table {
            print(sentence)
            return
        }
        let table = DataTable(
            columns: ["id", "reference", "report_date", "account_approved", "status", "received_by", "reviewed_by", "review_reasons", "notes"],
            rows: [[.integer(report.id), .text(report.reference), .text(report.reportDate.description), .bool(report.accountApproved),
                    .text(report.status.rawValue), .text(report.receivedBy), report.reviewedBy.cell, report.reviewReasons.cell,
                    report.notes.cell]])
        print(format == .json ? table.renderJSONObject() : table.render(format), terminator: "")
    }
}
