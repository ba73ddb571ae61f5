import ArgumentParser
import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

// Notice of decisions (fvl. §§ 27, 29), the channels' presumed days, and advance notice (§ 16):
// `application notify | forewarn | forewarn-answer`, `clawback notify | forewarn`, `notice channels | channel`.
// Every rule is the database's (SQL/schema/16_notice.sql); these read the input's form only.

/// Reading the options the notice commands share.
enum NoticeInput {
    static func id(_ text: String, what: String) throws(TilskotError) -> Int64 {
        guard let id = Int64(text.trimmingCharacters(in: .whitespaces)), id > 0 else {
            throw .refused("\(what) \"\(text)\" is not a number; give the id tilskot printed")
        }
        return id
    }

    /// The channel as typed, lower-cased; whether it is one is the database's to say.
    static func channel(_ text: String) -> String { text.trimmingCharacters(in: .whitespaces).lowercased() }

    static func table(_ n: NoticeRecord, reference: String?) -> DataTable {
        DataTable(columns: ["id", "reference", "decision_id", "clawback_id", "appeal_id", "sent", "channel", "received",
                            "presumed_received", "appeal_deadline", "registered_by"],
                  rows: [[.integer(n.id), reference.cell, n.decisionID.map(DataTable.Cell.integer) ?? .null,
                          n.clawbackID.map(DataTable.Cell.integer) ?? .null, n.appealID.map(DataTable.Cell.integer) ?? .null,
                          .text(n.sentOn.description), .text(n.channel), n.receivedOn?.description.cell ?? .null,
                          .text(n.presumedReceived.description), .text(n.appealDeadline.description), .text(n.registeredBy)]])
    }

    static func report(_ n: NoticeRecord, reference: String?, subject: String, _ format: OutputFormat) {
        switch format {
        case .table:
            let reached = n.receivedOn.map { "received \($0)" } ?? "presumed received \(n.presumedReceived)"
            print("\(subject): sent \(n.sentOn) by \(n.channel), \(reached); appeal deadline \(n.appealDeadline) (fvl. § 29)")
        case .json: print(table(n, reference: reference).renderJSONObject(), terminator: "")
        default: print(table(n, reference: reference).render(format), terminator: "")
        }
    }

    static func advanceTable(_ a: AdvanceNoticeRecord, reference: String?, _ format: OutputFormat) -> DataTable {
        DataTable(columns: ["id", "reference", "purpose", "proposal", MoneyColumn.name("amount", format), "sent", "channel",
                            "answer_by", "answer_received", "answer_summary", "registered_by"],
                  rows: [[.integer(a.id), reference.cell, .text(a.purpose), .text(a.proposal), MoneyColumn.cell(a.amount, format),
                          .text(a.sentOn.description), .text(a.channel), .text(a.answerBy.description),
                          a.answer?.receivedOn.description.cell ?? .null, a.answer?.summary.cell ?? .null, .text(a.registeredBy)]])
    }

    static func reportAdvance(_ a: AdvanceNoticeRecord, reference: String?, sentence: String, _ format: OutputFormat) {
        switch format {
        case .table: print(sentence)
        case .json: print(advanceTable(a, reference: reference, format).renderJSONObject(), terminator: "")
        default: print(advanceTable(a, reference: reference, format).render(format), terminator: "")
        }
    }
}

extension String {
    fileprivate var cell: DataTable.Cell { .text(self) }
}

struct ApplicationNotify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Record when and how the current decision was sent to the party (fvl. § 27); the appeal deadline runs from the day it reached them.",
        discussion: """
        The deadline to appeal is three weeks from the day the notice reached the party (fvl. § 29), moved to \
        the next working day when it ends on a weekend or holiday. Give --received when that day is known; \
        otherwise the database presumes it from the channel (`tilskot notice channels`). Until a notice is \
        recorded the deadline is open. With --appeal-dismissal the notice is of the latest dismissal of an \
        appeal on the application, which can itself be appealed.
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
    @Option(help: ArgumentHelp("The day the letter was sent.", valueName: "YYYY-MM-DD")) var sent: String
    @Option(help: ArgumentHelp("How it was sent: digital, post or email.", valueName: "channel")) var channel: String
    @Option(help: ArgumentHelp("The day it reached the party, when known.", valueName: "YYYY-MM-DD")) var received: String?
    @Flag(help: "The notice is of the latest dismissal of an appeal on the application (fvl. § 33).") var appealDismissal = false

    func run() throws {
        let ref = try Input.reference(reference)
        let record = try Notices.notify(
            ref, appealDismissal ? .appealDismissal : .currentDecision,
            sent: try Input.date(sent, field: "sent date"), channel: NoticeInput.channel(channel),
            received: try received.map { text throws(TilskotError) in try Input.date(text, field: "received date") },
            session: try global.session())
        let subject = appealDismissal ? "\(ref): notice of the dismissal of appeal \(record.appealID ?? 0)"
                                      : "\(ref): notice of decision \(record.decisionID ?? 0)"
        NoticeInput.report(record, reference: ref.description, subject: subject, global.outputFormat)
    }
}

struct ApplicationForewarn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forewarn",
        abstract: "Record an advance notice (fvl. § 16) of a change of the grant or a claw-back, with the time to answer (managers).",
        discussion: """
        Before a decision to the party's disadvantage — a lower grant on appeal or by the directorate's own \
        motion (fvl. §§ 34–35), or a claw-back — the party is told what is proposed and given at least 14 days \
        from the day it is sent to state their view. The decision may follow once the answer is recorded \
        (`application forewarn-answer`) or the time has run out; it names this advance notice by its id.
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
    @Option(help: ArgumentHelp("What is proposed: change (of the grant) or clawback.", valueName: "purpose")) var purpose: String
    @Option(help: "What is proposed, in the letter's words.") var proposal: String
    @Option(parsing: .unconditional, help: ArgumentHelp("The new grant, or the amount to repay.", valueName: "amount")) var amount: String?
    @Option(help: ArgumentHelp("The day it was sent.", valueName: "YYYY-MM-DD")) var sent: String
    @Option(help: ArgumentHelp("How it was sent: digital, post or email.", valueName: "channel")) var channel: String
    @Option(help: ArgumentHelp("The last day to answer (at least 14 days after --sent).", valueName: "YYYY-MM-DD")) var answerBy: String

    func run() throws {
        try Self.forewarn(reference: reference, purpose: purpose, proposal: proposal, amount: amount, sent: sent,
                          channel: channel, answerBy: answerBy, global: global)
    }

    static func forewarn(reference: String, purpose: String, proposal: String, amount: String?, sent: String,
                         channel: String, answerBy: String, global: GlobalOptions) throws {
        let ref = try Input.reference(reference)
        let record = try AdvanceNotices.forewarn(
            ref, purpose: purpose.trimmingCharacters(in: .whitespaces).lowercased(), proposal: proposal,
            amount: try amount.map { text throws(TilskotError) in try Input.money(text, field: "amount") },
            sent: try Input.date(sent, field: "sent date"), channel: NoticeInput.channel(channel),
            answerBy: try Input.date(answerBy, field: "answer-by date"), session: try global.session())
        NoticeInput.reportAdvance(
            record, reference: ref.description,
            sentence: "advance notice \(record.id) on \(ref) (\(record.purpose)): sent \(record.sentOn) by \(record.channel), answer by \(record.answerBy)",
            global.outputFormat)
    }
}

struct ApplicationForewarnAnswer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forewarn-answer",
        abstract: "Record the party's answer to an advance notice (fvl. §§ 16–17).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The advance notice's id (as `application forewarn` printed it).", valueName: "id")) var notice: String
    @Option(help: ArgumentHelp("The day the answer reached the directorate.", valueName: "YYYY-MM-DD")) var received: String
    @Option(help: "What the party says, in short.") var summary: String

    func run() throws {
        let id = try NoticeInput.id(notice, what: "advance notice id")
        let record = try AdvanceNotices.answer(id, received: try Input.date(received, field: "received date"),
                                               summary: summary, session: try global.session())
        NoticeInput.reportAdvance(record, reference: nil,
                                  sentence: "advance notice \(record.id): answer received \(record.answer?.receivedOn.description ?? "-") recorded",
                                  global.outputFormat)
    }
}

struct ClawbackNotify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Record when and how a claw-back decision was sent (fvl. § 27); its appeal deadline runs from the day it reached the recipient.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The claw-back's id.", valueName: "id")) var clawback: String
    @Option(help: ArgumentHelp("The day the letter was sent.", valueName: "YYYY-MM-DD")) var sent: String
    @Option(help: ArgumentHelp("How it was sent: digital, post or email.", valueName: "channel")) var channel: String
    @Option(help: ArgumentHelp("The day it reached the recipient, when known.", valueName: "YYYY-MM-DD")) var received: String?

    func run() throws {
        let id = try NoticeInput.id(clawback, what: "claw-back id")
        let record = try Notices.notifyClawback(
            id, sent: try Input.date(sent, field: "sent date"), channel: NoticeInput.channel(channel),
            received: try received.map { text throws(TilskotError) in try Input.date(text, field: "received date") },
            session: try global.session())
        NoticeInput.report(record, reference: nil, subject: "claw-back \(id): notice", global.outputFormat)
    }
}

struct ClawbackForewarn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forewarn",
        abstract: "Record an advance notice (fvl. § 16) of a claw-back, with the time to answer (managers).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
    @Option(parsing: .unconditional, help: ArgumentHelp("The amount to repay.", valueName: "amount")) var amount: String
    @Option(help: "What is proposed, in the letter's words.") var proposal: String
    @Option(help: ArgumentHelp("The day it was sent.", valueName: "YYYY-MM-DD")) var sent: String
    @Option(help: ArgumentHelp("How it was sent: digital, post or email.", valueName: "channel")) var channel: String
    @Option(help: ArgumentHelp("The last day to answer (at least 14 days after --sent).", valueName: "YYYY-MM-DD")) var answerBy: String

    func run() throws {
        try ApplicationForewarn.forewarn(reference: reference, purpose: "clawback", proposal: proposal, amount: amount,
                                         sent: sent, channel: channel, answerBy: answerBy, global: global)
    }
}

/// `tilskot notice …` — the channels a notice goes by and the days each is presumed to take.
struct NoticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice",
        abstract: "The notice channels and how many days a notice by each is presumed to take to reach the party.",
        subcommands: [Channels.self, Channel.self])

    static func table(_ items: [NoticeChannel]) -> DataTable {
        DataTable(columns: ["channel", "presumed_days"],
                  rows: items.map { [.text($0.channel), .integer(Int64($0.presumedDays))] })
    }

    struct Channels: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the channels and their presumed days.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let format = global.outputFormat
            print(NoticeCommand.table(try Notices.channels(session: try global.session())).render(format), terminator: "")
        }
    }

    struct Channel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a channel's presumed days (administrators); notices already recorded keep their day.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("digital, post or email.", valueName: "channel")) var channel: String
        @Option(help: ArgumentHelp("Days from sending to the presumed day of receipt (0–14).", valueName: "N")) var days: String

        func run() throws {
            guard let n = Int32(days.trimmingCharacters(in: .whitespaces)) else {
                throw TilskotError.refused("days \"\(days)\" is not a whole number; give the days from sending to the presumed day of receipt (0–14)")
            }
            let record = try Notices.setPresumedDays(NoticeInput.channel(channel), days: Int(n), session: try global.session())
            let format = global.outputFormat
            if format == .table {
                print("a notice by \(record.channel) is now presumed to reach the party \(record.presumedDays) days after it is sent")
            } else {
                let table = NoticeCommand.table([record])
                print(format == .json ? table.renderJSONObject() : table.render(format), terminator: "")
            }
        }
    }
}
