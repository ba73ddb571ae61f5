import ArgumentParser
import Foundation
import TilskotCore
import TilskotLocalCluster
import TilskotReports
import TilskotStore

/// `tilskot clawback …` — demanding repayment of a grant (tilbakebetaling), its appeal, the money
/// coming back, and the letter.
struct ClawbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clawback",
        abstract: "Demand repayment of a grant, register and resolve appeals, record repayments, write the letter.",
        discussion: """
        A claw-back is a manager's decision: an amount no larger than what was paid, reasons and a due \
        date. It can be appealed within 3 weeks (fvl. § 29); a manager upholds, reduces or cancels it. \
        `followup summary` shows the net grant (granted − clawed back) per round.
        """,
        subcommands: [Demand.self, List.self, Show.self, Appeal.self, Resolve.self, Repay.self, Letter.self]
    )

    struct Demand: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Demand repayment of (part of) what was paid (managers).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
        @Option(parsing: .unconditional, help: ArgumentHelp("The amount to repay.", valueName: "amount")) var amount: String
        @Option(help: "Why: rules, facts, main considerations (fvl. §§ 24–25).") var reasons: String
        @Option(help: ArgumentHelp("When the money must be repaid.", valueName: "YYYY-MM-DD")) var due: String
        @Option(help: ArgumentHelp("The decision date (default today).", valueName: "YYYY-MM-DD")) var date: String?

        func run() throws {
            let ref = try Input.reference(reference)
            let record = try ClawBacks.demand(
                ref, amount: try Input.money(amount, field: "claw-back amount"), reasons: reasons,
                due: try Input.date(due, field: "due date"),
                date: try date.map { text throws(TilskotError) in try Input.date(text, field: "decision date") },
                session: try global.session())
            ClawbackCommand.show([record], global.outputFormat,
                                 sentence: "claw-back \(record.id): \(record.amount.formattedKroner) from \(ref), due \(record.dueDate); write the letter with `tilskot clawback letter \(record.id)`")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List claw-backs, of one application or all.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only this application.", valueName: "ref")) var application: String?

        func run() throws {
            let records = try ClawBacks.list(try application.map { text throws(TilskotError) in try Input.reference(text) },
                                             session: try global.session())
            let format = global.outputFormat
            print(ClawbackCommand.table(records, format).render(format), terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a claw-back with its appeals and repayments.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The claw-back id.", valueName: "id")) var id: String

        func run() throws {
            let c = try ClawBacks.show(try ClawbackCommand.id(id), session: try global.session())
            let format = global.outputFormat
            guard format == .table else {
                print(format == .json ? ClawbackCommand.table([c], format).renderJSONObject() : ClawbackCommand.table([c], format).render(format), terminator: "")
                return
            }
            var lines = ["claw-back \(c.id) from \(c.reference), decided \(c.decisionDate) by \(c.demandedBy)",
                         "demanded     \(c.originalAmount.formattedKroner)" + (c.amount != c.originalAmount ? ", now \(c.amount.formattedKroner)" : ""),
                         "due          \(c.dueDate)",
                         "repaid       \(c.repaid.formattedKroner), outstanding \(c.outstanding.formattedKroner)",
                         "reasons      \(c.reasons)"]
            for a in c.appeals {
                lines.append("appeal \(a.id) received \(a.received)\(a.late ? " (late: \(a.lateReason ?? ""))" : ""): \(a.grounds)")
                if let outcome = a.outcome {
                    lines.append("  \(outcome)\(a.resolvedBy.map { " by \($0)" } ?? "")\(a.resolutionReasons.map { ": \($0)" } ?? "")")
                } else {
                    lines.append("  pending")
                }
            }
            print(lines.joined(separator: "\n"))
        }
    }

    struct Appeal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an appeal (klage) against a claw-back.",
            discussion: "The deadline is 3 weeks from the claw-back's decision date (fvl. § 29); a later appeal needs --late-reason (fvl. § 31).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The claw-back id.", valueName: "id")) var id: String
        @Option(help: ArgumentHelp("The day the appeal reached the directorate.", valueName: "YYYY-MM-DD")) var received: String
        @Option(help: "What the appellant says.") var grounds: String
        @Option(help: "Why an appeal after the deadline is considered.") var lateReason: String?

        func run() throws {
            let record = try ClawBacks.appeal(try ClawbackCommand.id(id), received: try Input.date(received, field: "received date"),
                                              grounds: grounds, lateReason: lateReason, session: try global.session())
            ClawbackCommand.show([record], global.outputFormat, sentence: "appeal against claw-back \(record.id) registered; resolve it with `tilskot clawback resolve \(record.id) …`")
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Decide the pending appeal against a claw-back: uphold, reduce or cancel (managers).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The claw-back id.", valueName: "id")) var id: String
        @Flag(help: "The claw-back stands.") var uphold = false
        @Option(parsing: .unconditional, help: ArgumentHelp("Lower the claw-back to this amount.", valueName: "amount")) var reduceTo: String?
        @Flag(help: "Cancel the claw-back: nothing is owed.") var cancel = false
        @Option(help: "The reasons for the decision on the appeal.") var reasons: String

        func validate() throws {
            guard [uphold, reduceTo != nil, cancel].filter({ $0 }).count == 1 else {
                throw ArgumentParser.ValidationError("give exactly one of --uphold, --reduce-to AMOUNT or --cancel")
            }
        }

        func run() throws {
            let resolution: ClawBackResolution = if let reduceTo {
                .reduce(to: try Input.money(reduceTo, field: "reduced amount"))
            } else if cancel {
                .cancel
            } else {
                .uphold
            }
            let record = try ClawBacks.resolve(try ClawbackCommand.id(id), resolution, reasons: reasons, session: try global.session())
            ClawbackCommand.show([record], global.outputFormat,
                                 sentence: "claw-back \(record.id) now demands \(record.amount.formattedKroner)\(record.cancelled ? " (cancelled)" : "")")
        }
    }

    struct Repay: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record money received against a claw-back (finance or managers).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The claw-back id.", valueName: "id")) var id: String
        @Option(parsing: .unconditional, help: ArgumentHelp("The amount received.", valueName: "amount")) var amount: String
        @Option(help: ArgumentHelp("The day it came in (default today).", valueName: "YYYY-MM-DD")) var date: String?
        @Option(help: "The voucher number of the receipt.") var voucher: String?

        func run() throws {
            let record = try ClawBacks.repay(
                try ClawbackCommand.id(id), amount: try Input.money(amount, field: "repayment"),
                date: try date.map { text throws(TilskotError) in try Input.date(text, field: "repayment date") },
                voucher: voucher, session: try global.session())
            ClawbackCommand.show([record], global.outputFormat,
                                 sentence: "claw-back \(record.id): \(record.repaid.formattedKroner) repaid, \(record.outstanding.formattedKroner) outstanding")
        }
    }

    /// `tilskot clawback letter ID` — its `--format` is markdown or html, like `application letter`.
    struct Letter: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the letter of a claw-back decision (fvl. §§ 24–27).")
        @Option(name: .customLong("database-url"),
                help: ArgumentHelp("PostgreSQL URL or libpq conninfo (else TILSKOT_DATABASE_URL, DATABASE_URL, PGSERVICE/PGHOST, or the local database).", valueName: "url"))
        var databaseURL: String?
        @Option(name: .customLong("as"), help: ArgumentHelp("Act as this tilskot user (SET ROLE); else TILSKOT_USER.", valueName: "user"))
        var actAs: String?
        @Argument(help: ArgumentHelp("The claw-back id.", valueName: "id")) var id: String
        @Option(help: ArgumentHelp("nn (Nynorsk, default), nb (Bokmål) or en.", valueName: "nn|nb|en")) var lang: String = "nn"
        @Option(help: ArgumentHelp("markdown (default) or html.", valueName: "markdown|html")) var format: String = "markdown"
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?

        func run() throws {
            guard let language = LetterLanguage(rawValue: lang.lowercased()) else {
                throw TilskotError.refused("letter language \"\(lang)\" is not one of nn, nb, en")
            }
            guard let letterFormat = LetterFormat(rawValue: format.lowercased()) else {
                throw TilskotError.refused("letter format \"\(format)\" is not one of markdown, html")
            }
            let clawBackID = try ClawbackCommand.id(id)
            let actor = actAs ?? ProcessInfo.processInfo.environment["TILSKOT_USER"].flatMap { $0.isEmpty ? nil : $0 }
            let session = try Session.open(try DatabaseTarget.resolve(databaseURL: databaseURL), actAs: actor)
            let text = try ClawBackLetterSource.letter(for: clawBackID, session: session).render(letterFormat, language: language)
            if let out {
                do {
                    try text.write(toFile: out, atomically: true, encoding: .utf8)
                } catch {
                    throw TilskotError.refused("cannot write the letter to \(out): \(error.localizedDescription)")
                }
                print("letter for claw-back \(clawBackID) written to \(out)")
            } else {
                print(text, terminator: "")
            }
        }
    }

    static func id(_ text: String) throws(TilskotError) -> Int64 {
        guard let id = Int64(text.trimmingCharacters(in: .whitespaces)), id > 0 else {
            throw .refused("claw-back id \"\(text)\" is not a number; give the id from `tilskot clawback list`")
        }
        return id
    }

    static func table(_ records: [ClawBackRecord], _ format: OutputFormat) -> DataTable {
        DataTable(
            columns: ["id", "reference", MoneyColumn.name("amount", format), MoneyColumn.name("original_amount", format),
                      "decision_date", "due_date", "cancelled", MoneyColumn.name("repaid", format),
                      MoneyColumn.name("outstanding", format), "appeal_pending", "demanded_by", "reasons"],
            rows: records.map { c in
                [.integer(c.id), .text(c.reference), MoneyColumn.cell(c.amount, format), MoneyColumn.cell(c.originalAmount, format),
                 .text(c.decisionDate.description), .text(c.dueDate.description), .bool(c.cancelled), MoneyColumn.cell(c.repaid, format),
                 MoneyColumn.cell(c.outstanding, format), .bool(c.appealPending), .text(c.demandedBy), .text(c.reasons)]
            })
    }

    static func show(_ records: [ClawBackRecord], _ format: OutputFormat, sentence: String) {
        switch format {
        case .table: print(sentence)
        case .json: print(table(records, format).renderJSONObject(), terminator: "")
        default: print(table(records, format).render(format), terminator: "")
        }
    }
}
