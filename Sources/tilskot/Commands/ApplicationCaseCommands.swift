import ArgumentParser
import TilskotCore
import TilskotReports
import TilskotStore

// The steps of handling a case: assign, assess, disqualify, decide, appeal, withdraw, move.
// Each acts as the acting user (--as), whom the database records and checks (four-eyes, roles).

struct ApplicationAssign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Take a case, hand it over to a caseworker, or add one (managers for others); a received case goes in review.",
        discussion: """
            Without options you take the case yourself. --to USER hands it over: USER replaces its current \
            caseworkers (handing over a colleague's case is a manager's step). --also USER adds a caseworker \
            beside them. Earlier assignments stay in the case's history.
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
    @Option(help: ArgumentHelp("Hand the case over to this caseworker (default: yourself).", valueName: "user")) var to: String?
    @Option(help: ArgumentHelp("Add this caseworker beside the current ones.", valueName: "user")) var also: String?

    func validate() throws {
        if to != nil && also != nil {
            throw ArgumentParser.ValidationError("give either --to USER (hand over) or --also USER (add), not both")
        }
    }

    func run() throws {
        let kind: Applications.AssignmentKind = also != nil ? .also : .handover
        let result = try Applications.assign(try Input.reference(reference), to: also ?? to, kind: kind,
                                             session: try global.session())
        let item = result.application
        let sentence: String
        switch kind {
        case .handover where result.before.isEmpty:
            sentence = "\(item.reference) assigned to \(result.caseworker); it is \(item.status.rawValue)"
        case .handover:
            sentence = "\(item.reference) handed over from \(result.before.joined(separator: ", ")) to \(result.caseworker); it is \(item.status.rawValue)"
        case .also:
            sentence = "\(item.reference): \(result.caseworker) added; its caseworkers are \(result.after.joined(separator: ", ")); it is \(item.status.rawValue)"
        }
        ApplicationCommand.report(sentence, item, global.outputFormat)
    }
}

struct ApplicationAssess: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assess", abstract: "Assess an application; a new assessment supersedes the current one.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
    @Option(help: ArgumentHelp("1 (weak) to 5 (strong).", valueName: "1-5")) var score: String
    @Option(help: ArgumentHelp("grant, partial or reject.", valueName: "recommendation")) var recommend: String
    @Option(parsing: .unconditional, help: ArgumentHelp("The recommended amount (required for partial).", valueName: "amount")) var amount: String?
    @Option(help: "Notes for the decider.") var notes: String?

    func run() throws {
        // Input form only: a whole number the score column can hold (smallint). Whether it is a
        // score (1–5) is the database's to say (assessment_before_insert, 06_assessment.sql).
        guard let scoreValue = Int16(score.trimmingCharacters(in: .whitespaces)).map(Int.init) else {
            throw TilskotError.refused("score \"\(score)\" is not a whole number a score can be; give a score from 1 (weak) to 5 (strong)")
        }
        let ref = try Input.reference(reference)
        let record = try Assessments.assess(
            ref, score: scoreValue, recommendation: try Input.vocabulary(recommend, as: Recommendation.self),
            amount: try amount.map { text throws(TilskotError) in try Input.money(text, field: "recommended amount") },
            notes: notes, session: try global.session())
        let format = global.outputFormat
        let amountText = record.recommendedAmount.map { " \($0.formattedKroner)" } ?? ""
        if format == .table {
            print("\(ref) assessed by \(record.assessor): score \(record.score), recommends \(record.recommendation.rawValue)\(amountText)")
        } else {
            let table = DataTable(columns: ["reference", "assessor", "score", "recommendation", MoneyColumn.name("recommended_amount", format), "notes"],
                                  rows: [[.text(ref.description), .text(record.assessor), .integer(Int64(record.score)),
                                          .text(record.recommendation.rawValue), MoneyColumn.cell(record.recommendedAmount, format), record.notes.cell]])
            print(format == .json ? table.renderJSONObject() : table.render(format), terminator: "")
        }
    }
}

struct ApplicationDisqualify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disqualify",
        abstract: "Declare a conflict of interest (fvl. §§ 6–10): the person can then neither assess nor decide the case.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
    @Option(help: ArgumentHelp("Who is disqualified (default: yourself; someone else: managers).", valueName: "user")) var user: String?
    @Option(help: "What ties the person to the case.") var reason: String

    func run() throws {
        let ref = try Input.reference(reference)
        let record = try Assessments.disqualify(ref, person: user, reason: reason, session: try global.session())
        print("\(record.person) is disqualified on \(ref) and can neither assess nor decide it")
    }
}

struct ApplicationDecide: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Decide an application (managers who did not assess it): grant, reject or dismiss.",
        discussion: """
        A grant of the whole amount applied for is a full grant; a smaller one is a partial grant and needs \
        --reasons, as do --reject and --dismiss (fvl. §§ 24–25).

        On a pending appeal a new decision is the directorate's change of its own decision (omgjering, \
        fvl. § 33 second paragraph): it supersedes the decision appealed, which is kept, and the conditions \
        carry over unless --conditions is given (--conditions "" for none). A decision the same as the one \
        appealed is refused: to keep it, send the appeal on with `tilskot appeal forward`. --dismiss on a \
        pending appeal is refused: it would dismiss the application; dismiss the appeal with `tilskot appeal \
        dismiss`. Once the appeal is forwarded, only --by-appeal-body records a change by the appeal body \
        (fvl. § 34), which becomes the decision in force. A change to the appellant's disadvantage (less \
        money, or none) needs --disadvantage-basis (fvl. § 35 for the directorate, § 34 third paragraph for \
        the appeal body) and --advance-notice with the advance notice the party was given (fvl. § 16). In \
        follow-up the application stays in follow-up (fvl. § 42).
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Grant this amount.", valueName: "amount")) var grant: String?
    @Flag(help: "Reject the application (avslag).") var reject = false
    @Flag(help: "Dismiss the application without considering its merits (avvisning).") var dismiss = false
    @Option(help: "The reasons: rules, facts, main considerations (required unless a full grant).") var reasons: String?
    @Option(help: "Conditions of the grant (one per line or separated by ;).") var conditions: String?
    @Option(help: ArgumentHelp("The decision date (default today).", valueName: "YYYY-MM-DD")) var date: String?
    @Flag(help: "Record the appeal body's decision changing the one appealed (on a forwarded appeal, fvl. § 34).") var byAppealBody = false
    @Option(help: ArgumentHelp("The appeal body's own case reference (with --by-appeal-body).", valueName: "ref")) var bodyReference: String?
    @Option(help: ArgumentHelp("The legal basis of a change to the appellant's disadvantage, e.g. \"fvl. § 35 første ledd bokstav c\".", valueName: "text")) var disadvantageBasis: String?
    @Option(help: ArgumentHelp("The advance notice (fvl. § 16) given before a change to the appellant's disadvantage.", valueName: "id")) var advanceNotice: Int64?

    func validate() throws {
        let chosen = [grant != nil, reject, dismiss].filter { $0 }.count
        guard chosen == 1 else {
            throw ArgumentParser.ValidationError("give exactly one of --grant AMOUNT, --reject or --dismiss")
        }
    }

    func run() throws {
        let ref = try Input.reference(reference)
        let request: DecisionRequest
        if let grant {
            request = .grant(try Input.money(grant, field: "granted amount"))
        } else {
            request = reject ? .reject : .dismiss
        }
        let record = try Decisions.decide(
            ref, request, reasons: reasons, conditions: conditions,
            date: try date.map { text throws(TilskotError) in try Input.date(text, field: "decision date") },
            terms: AppealDecisionTerms(instance: byAppealBody ? .appealBody : .directorate, bodyReference: bodyReference,
                                       disadvantageBasis: disadvantageBasis, advanceNoticeID: advanceNotice),
            session: try global.session())
        let format = global.outputFormat
        if format == .table {
            let amount = (record.outcome == .granted || record.outcome == .partiallyGranted) ? " \(record.amount.formattedKroner)" : ""
            let by = record.instance == .appealBody ? " (the appeal body's decision, recorded by \(record.decidedBy))" : " by \(record.decidedBy)"
            print("\(ref) \(record.outcome.rawValue)\(amount)\(by) on \(record.decisionDate)")
        } else {
            let table = DataTable(columns: ["reference", "outcome", MoneyColumn.name("amount", format), "decided_by", "decision_date", "reasons", "conditions",
                                            "instance", "appeal_id", "supersedes", "body_reference", "disadvantage_basis", "advance_notice_id"],
                                  rows: [[.text(ref.description), .text(record.outcome.rawValue), MoneyColumn.cell(record.amount, format),
                                          .text(record.decidedBy), .text(record.decisionDate.description), record.reasons.cell, record.conditions.cell,
                                          .text(record.instance.rawValue), record.appealID.map(DataTable.Cell.integer) ?? .null,
                                          record.supersedes.map(DataTable.Cell.integer) ?? .null, record.bodyReference.cell,
                                          record.disadvantageBasis.cell, record.advanceNoticeID.map(DataTable.Cell.integer) ?? .null]])
            print(format == .json ? table.renderJSONObject() : table.render(format), terminator: "")
        }
    }
}

struct ApplicationAppeal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appeal",
        abstract: "Register an appeal (klage) against the current decision (managers).",
        discussion: """
        The deadline is three weeks from the day the notice of the decision reached the party (fvl. § 29; \
        `application show` prints it, and it is open while no notice is recorded). The appeal is in time if \
        it was sent — handed to the post, e-mailed, sent through the digital channel — before the deadline \
        ran out (§ 30): give --sent as well as --received. A late appeal is registered with --late: with \
        --reason when it is to be considered anyway (§ 31: the party cannot be blamed, or there are special \
        reasons), without one when it is on record to be dismissed with `tilskot appeal dismiss REF \
        --ground late`. An appeal in follow-up leaves the grant in follow-up; payments go on (§ 42). Then: \
        `tilskot appeal dismiss|forward|body-decision` or `application decide` (a change).
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
    @Option(help: ArgumentHelp("The day the appeal reached the directorate.", valueName: "YYYY-MM-DD")) var received: String
    @Option(help: ArgumentHelp("The day it was sent (postmark, e-mail), if known (fvl. § 30).", valueName: "YYYY-MM-DD")) var sent: String?
    @Option(help: "What the appellant says.") var grounds: String
    @Flag(help: "The appeal came after the deadline (with --reason to consider it anyway, without to dismiss it).") var late = false
    @Option(help: "Why a late appeal is considered anyway (fvl. § 31).") var reason: String?

    func run() throws {
        let ref = try Input.reference(reference)
        let record = try Appeals.register(ref, received: try Input.date(received, field: "received date"),
                                          sent: try sent.map { text throws(TilskotError) in try Input.date(text, field: "sent date") },
                                          grounds: grounds, late: late, lateReason: reason, session: try global.session())
        let lateText = record.late ? (record.lateReason == nil ? ", late, to be dismissed" : ", late, to be considered (fvl. § 31)") : ""
        let status = record.statusBefore == "in_follow_up" ? "\(ref) stays in follow-up (fvl. § 42)" : "\(ref) is appealed"
        print("appeal on \(ref) registered (received \(record.received)\(record.sentOn.map { ", sent \($0)" } ?? "")\(lateText)); \(status)")
    }
}

struct ApplicationWithdraw: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "withdraw", abstract: "Withdraw an application that has not been decided.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
    @Option(help: "Why, e.g. \"withdrawn by the applicant by e-mail 2021-03-02\".") var reason: String

    func run() throws {
        let item = try Applications.withdraw(try Input.reference(reference), reason: reason, session: try global.session())
        ApplicationCommand.report("\(item.reference) is withdrawn", item, global.outputFormat)
    }
}

struct ApplicationMove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "move", abstract: "Move an undecided application to another round of its scheme.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
    @Option(help: ArgumentHelp("The round to move it to, e.g. JS/2022.", valueName: "scheme/year")) var toRound: String
    @Option(help: "Why it moves.") var reason: String

    func run() throws {
        let item = try Applications.move(try Input.reference(reference), to: try Input.round(toRound), reason: reason,
                                         session: try global.session())
        ApplicationCommand.report("\(item.reference) moved to \(item.round)", item, global.outputFormat)
    }
}
