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
        date, after an advance notice to the recipient whose time to answer has passed (fvl. § 16), or \
        with the exception of § 16 third paragraph that lets it go without one. It gets a KID to pay \
        with. It can be appealed within 3 weeks of the day its notice reached the recipient (fvl. § 29); \
        a manager upholds, reduces or cancels it. A claw-back registered in error is cancelled with a \
        reason (`clawback cancel`), not by an invented appeal; a second open claw-back on the same grant \
        needs --another. `followup summary` shows the net grant (granted − \
        clawed back) per round; `clawback overpaid` lists grants lowered on appeal below what was paid.
        """,
        subcommands: [Demand.self, List.self, Show.self, Cancel.self, Appeal.self, Resolve.self, Repay.self, Overpaid.self, Letter.self,
                      ClawbackForewarn.self, ClawbackNotify.self]
    )

    struct Demand: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Demand repayment of (part of) what was paid (managers).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
        @Option(parsing: .unconditional, help: ArgumentHelp("The amount to repay.", valueName: "amount")) var amount: String
        @Option(help: "Why: rules, facts, main considerations (fvl. §§ 24–25).") var reasons: String
        @Option(help: ArgumentHelp("When the money must be repaid.", valueName: "YYYY-MM-DD")) var due: String
        @Option(help: ArgumentHelp("The decision date (default today).", valueName: "YYYY-MM-DD")) var date: String?
        @Option(help: ArgumentHelp("The advance notice (fvl. § 16) the claw-back follows; its time to answer must have passed or the answer be in.",
                                   valueName: "id")) var advanceNotice: String?
        @Option(help: ArgumentHelp("Why no advance notice was given, naming the exception: \"fvl. § 16 tredje ledd bokstav …: why\".",
                                   valueName: "text")) var withoutNotice: String?
        @Flag(help: "This is a further demand on a grant that already has an open claw-back (not the same one typed twice).")
        var another = false

        func run() throws {
            let ref = try Input.reference(reference)
            let notice: Int64? = try advanceNotice.map { text throws(TilskotError) in
                guard let id = Int64(text.trimmingCharacters(in: .whitespaces)), id > 0 else {
                    throw .refused("advance notice id \"\(text)\" is not a number; give the id `tilskot application forewarn` printed")
                }
                return id
            }
            let record = try ClawBacks.demand(
                ref, amount: try Input.money(amount, field: "claw-back amount"), reasons: reasons,
                due: try Input.date(due, field: "due date"),
                date: try date.map { text throws(TilskotError) in try Input.date(text, field: "decision date") },
                advanceNotice: notice, withoutNotice: withoutNotice, another: another,
                session: try global.session())
            ClawbackCommand.show([record], global.outputFormat,
                                 sentence: "claw-back \(record.id): \(record.amount.formattedKroner) from \(ref), due \(record.dueDate), KID \(record.kid ?? "-"); write the letter with `tilskot clawback letter \(record.id)`")
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
                         "notice       " + (c.advanceNoticeID.map { "advance notice \($0)" } ?? "none: \(c.noticeException ?? "")"),
                         "kid          \(c.kid ?? "-")",
                         "due          \(c.dueDate)",
                         "repaid       \(c.repaid.formattedKroner), outstanding \(c.outstanding.formattedKroner)",
                         "reasons      \(c.reasons)"]
            if let x = c.cancellation {
                lines.append("cancelled    as registered in error by \(x.cancelledBy): \(x.reason)")
            }
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

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a claw-back registered in error, with the reason (managers).",
            discussion: """
            For a claw-back that should never have been registered: typed twice, on the wrong case, with \
            the wrong amount. It then demands 0 kr, and the cancellation with its reason stands in the \
            record (and the audit log). Refused once anything was repaid or an appeal was registered \
            against it: then the appeal's decision reduces or cancels it (`clawback resolve`). If the \
            notice of the claw-back was recorded, write the letter that withdraws it with \
            `tilskot clawback letter ID --kind cancellation`.
            """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The claw-back id.", valueName: "id")) var id: String
        @Option(help: "What was registered in error.") var reason: String

        func run() throws {
            let record = try ClawBacks.cancel(try ClawbackCommand.id(id), reason: reason, session: try global.session())
            let letter = record.noticeRecorded
                ? "; its notice was recorded: write the cancellation letter with `tilskot clawback letter \(record.id) --kind cancellation`"
                : ""
            ClawbackCommand.show([record], global.outputFormat,
                                 sentence: "claw-back \(record.id) from \(record.reference) cancelled: nothing is owed\(letter)")
        }
    }

    struct Appeal: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an appeal (klage) against a claw-back.",
            discussion: """
            The deadline is three weeks from the day the notice of the claw-back reached the recipient \
            (fvl. § 29; `clawback notify` records it, and until then the deadline is open), moved to the \
            next working day when it ends on a weekend or holiday. An appeal sent before the deadline ran \
            out is in time even if it arrives later (§ 30): give --sent. A later appeal is considered only \
            with --late-reason (fvl. § 31).
            """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The claw-back id.", valueName: "id")) var id: String
        @Option(help: ArgumentHelp("The day the appeal reached the directorate.", valueName: "YYYY-MM-DD")) var received: String
        @Option(help: ArgumentHelp("The day the appeal was sent (posted, e-mailed), when known.", valueName: "YYYY-MM-DD")) var sent: String?
        @Option(help: "What the appellant says.") var grounds: String
        @Option(help: "Why an appeal after the deadline is considered.") var lateReason: String?

        func run() throws {
            let record = try ClawBacks.appeal(try ClawbackCommand.id(id), received: try Input.date(received, field: "received date"),
                                              sent: try sent.map { text throws(TilskotError) in try Input.date(text, field: "sent date") },
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
        static let configuration = CommandConfiguration(
            abstract: "Record money received against a claw-back (finance or managers), by its id or by the KID it was paid with.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The claw-back id (or give --kid).", valueName: "id")) var id: String?
        @Option(help: ArgumentHelp("The KID the money came with, as on the bank statement.", valueName: "kid")) var kid: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("The amount received.", valueName: "amount")) var amount: String
        @Option(help: ArgumentHelp("The day it came in (default today).", valueName: "YYYY-MM-DD")) var date: String?
        @Option(help: "The voucher number of the receipt.") var voucher: String?

        func validate() throws {
            guard (id == nil) != (kid == nil) else {
                throw ArgumentParser.ValidationError("give the claw-back id or --kid KID, one of them")
            }
        }

        func run() throws {
            let money = try Input.money(amount, field: "repayment")
            let day = try date.map { text throws(TilskotError) in try Input.date(text, field: "repayment date") }
            let record = if let kid {
                try ClawBacks.repay(kid: kid, amount: money, date: day, voucher: voucher, session: try global.session())
            } else {
                try ClawBacks.repay(try ClawbackCommand.id(id ?? ""), amount: money, date: day, voucher: voucher,
                                    session: try global.session())
            }
            ClawbackCommand.show([record], global.outputFormat,
                                 sentence: "claw-back \(record.id): \(record.repaid.formattedKroner) repaid, \(record.outstanding.formattedKroner) outstanding")
        }
    }

    struct Overpaid: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List grants paid beyond what is granted now: lowered on appeal after payment, to be clawed back.",
            discussion: """
            A decision on appeal (fvl. §§ 33–35) may lower a grant below what was already paid. What was \
            paid stays in the ledger; what no claw-back covers yet (paid − grant − clawed back) is listed \
            here, and the case cannot be closed until it is demanded back (`clawback demand`, after an \
            advance notice, fvl. § 16).
            """)
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let records = try ClawBacks.overpaid(session: try global.session())
            let format = global.outputFormat
            let table = FollowupTables.overpaid(records, format)  // shared with GET /overpaid-grants
            print(table.render(format), terminator: "")
        }
    }

    /// `tilskot clawback letter ID` — its `--format` is markdown or html, like `application letter`.
    /// `tilskot clawback letter ID [--kind decision|advance-notice]` — the claw-back decision's letter
    /// (account, KID, due date, interest) or the advance notice it followed (fvl. § 16). Written by
    /// ApplicationLetter's helpers (H4's letters).
    struct Letter: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the letter of a claw-back decision (fvl. §§ 24–27), with --kind advance-notice the advance notice it followed (§ 16), or with --kind cancellation the letter withdrawing one registered in error (§ 35).")
        @Option(name: .customLong("database-url"),
                help: ArgumentHelp("PostgreSQL URL or libpq conninfo (else TILSKOT_DATABASE_URL, DATABASE_URL, PGSERVICE/PGHOST, or the local database).", valueName: "url"))
        var databaseURL: String?
        @Option(name: .customLong("as"), help: ArgumentHelp("Act as this tilskot user (SET ROLE); else TILSKOT_USER.", valueName: "user"))
        var actAs: String?
        @Argument(help: ArgumentHelp("The claw-back id.", valueName: "id")) var id: String
        @Option(help: ArgumentHelp("decision (default), advance-notice or cancellation.", valueName: "kind")) var kind: String = "decision"
        @Option(name: [.customLong("language"), .customLong("lang")],
                help: ArgumentHelp("nn (Nynorsk), nb (Bokmål) or en; default the organisation's language, else nn.", valueName: "nn|nb|en"))
        var language: String?
        @Option(help: ArgumentHelp("markdown (default) or html.", valueName: "markdown|html")) var format: String = "markdown"
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?

        func run() throws {
            let chosen = try language.map { text throws(TilskotError) -> LetterLanguage in
                guard let language = LetterLanguage(rawValue: text.lowercased()) else {
                    throw TilskotError.refused("letter language \"\(text)\" is not one of nn, nb, en")
                }
                return language
            }
            guard let letterFormat = LetterFormat(rawValue: format.lowercased()) else {
                throw TilskotError.refused("letter format \"\(format)\" is not one of markdown, html")
            }
            guard ["decision", "advance-notice", "cancellation"].contains(kind.lowercased()) else {
                throw TilskotError.refused("claw-back letter kind \"\(kind)\" is not one of decision, advance-notice, cancellation")
            }
            let clawBackID = try ClawbackCommand.id(id)
            let actor = GlobalOptions.actor(actAs)
            let session = try Session.open(try DatabaseTarget.resolve(databaseURL: databaseURL), actAs: actor)
            let text: String
            if kind.lowercased() == "cancellation" {
                let letter = try ClawBackCancellationLetter.load(clawBackID, session: session)
                text = letter.render(letterFormat, language: chosen ?? letter.application.preferredLanguage ?? .nn)
            } else if kind.lowercased() == "advance-notice" {
                let letter = try ClawBackLetterSource.advanceNotice(for: clawBackID, session: session)
                text = letter.render(letterFormat, language: chosen ?? letter.application.preferredLanguage ?? .nn)
            } else {
                let letter = try ClawBackLetterSource.letter(for: clawBackID, session: session)
                text = letter.render(letterFormat, language: chosen ?? letter.application.preferredLanguage ?? .nn)
            }
            try ApplicationLetter.write(text, to: out, what: "letter for claw-back \(clawBackID)")
        }
    }

    static func id(_ text: String) throws(TilskotError) -> Int64 {
        guard let id = Int64(text.trimmingCharacters(in: .whitespaces)), id > 0 else {
            throw .refused("claw-back id \"\(text)\" is not a number; give the id from `tilskot clawback list`")
        }
        return id
    }

    /// The columns, shared with the HTTP API (FollowupTables in TilskotReports).
    static func table(_ records: [ClawBackRecord], _ format: OutputFormat) -> DataTable {
        FollowupTables.clawBacks(records, format)
    }

    static func show(_ records: [ClawBackRecord], _ format: OutputFormat, sentence: String) {
        switch format {
        case .table: print(sentence)
        case .json: print(table(records, format).renderJSONObject(), terminator: "")
        default: print(table(records, format).render(format), terminator: "")
        }
    }
}
