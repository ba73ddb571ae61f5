import ArgumentParser
import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot application …` — the life of an application from registration to decision and appeal.
struct ApplicationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "application",
        abstract: "Register, assess, decide, appeal, withdraw and look up applications.",
        subcommands: [
            ApplicationRegister.self, ApplicationList.self, ApplicationShow.self, ApplicationAssign.self,
            ApplicationAssess.self, ApplicationDisqualify.self, ApplicationDecide.self, ApplicationAppeal.self,
            ApplicationWithdraw.self, ApplicationMove.self, ApplicationLetter.self,
            ApplicationClose.self,
            ApplicationNotify.self, ApplicationForewarn.self, ApplicationForewarnAnswer.self,
            ApplicationImportCommand.self,
        ]
    )

    /// The columns of application lists; money as kroner for people, øre for machines.
    static func table(_ items: [ApplicationSummary], _ format: OutputFormat) -> DataTable {
        DataTable(
            columns: ["reference", "round", "orgnr", "organisation", "municipality", "title",
                      MoneyColumn.name("amount_applied", format), "received", "status",
                      MoneyColumn.name("granted", format), "external_ref", "late"],
            rows: items.map { a in
                [.text(a.reference), .text(a.round), .text(a.organisationNumber), .text(a.organisationName),
                 a.municipality.cell, .text(a.title), MoneyColumn.cell(a.amountApplied, format),
                 .text(a.received.description), .status(a.status), MoneyColumn.cell(a.granted, format),
                 a.externalRef.cell, .bool(a.late)]
            },
            // Within 120 characters on a terminal; --wide and the other formats have every column.
            tableColumns: ["reference", "organisation", "title", "amount_applied", "received", "status", "granted"])
    }

    /// One application after a change: a sentence on a terminal, a record otherwise.
    static func report(_ sentence: String, _ item: ApplicationSummary, _ format: OutputFormat) {
        switch format {
        case .table: print(sentence)
        case .json: print(table([item], format).renderJSONObject(), terminator: "")
        default: print(table([item], format).render(format), terminator: "")
        }
    }
}

struct ApplicationRegister: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register an application; prints its reference.",
        discussion: "Registering the same --external-ref again registers nothing and prints the reference it already has.")
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The round, e.g. JS/2021.", valueName: "scheme/year")) var round: String
    @Option(help: ArgumentHelp("The applicant's organisation number.", valueName: "orgnr")) var org: String
    @Option(help: "What the application is for.") var title: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Amount applied for, e.g. \"3 400 000\".", valueName: "amount")) var amount: String
    @Option(help: ArgumentHelp("The day it reached the directorate (default today).", valueName: "YYYY-MM-DD")) var received: String?
    @Option(help: ArgumentHelp("The applicant's or portal's own reference.", valueName: "ref")) var externalRef: String?
    @Flag(help: "Received outside the round's window: register anyway (managers, with --reason).") var late = false
    @Option(help: "Why a late application is registered.") var reason: String?

    func run() throws {
        let new = Applications.NewApplication(
            round: try Input.round(round), organisation: try Input.organisation(org), title: title,
            amount: try Input.money(amount, field: "amount applied for"),
            received: try received.map { text throws(TilskotError) in try Input.date(text, field: "received date") },
            externalRef: externalRef, late: late, lateReason: reason)
        let registration = try Applications.register(new, session: try global.session())
        let format = global.outputFormat
        if registration.alreadyRegistered {
            Terminal.writeError("external reference \(registration.application.externalRef ?? "") is already registered as \(registration.reference); nothing registered")
        }
        switch format {
        case .table: print(registration.reference)
        case .json:
            var table = ApplicationCommand.table([registration.application], format)
            table.columns.append("already_registered")
            table.rows[0].append(.bool(registration.alreadyRegistered))
            print(table.renderJSONObject(), terminator: "")
        default: print(ApplicationCommand.table([registration.application], format).render(format), terminator: "")
        }
    }
}

struct ApplicationList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List applications, filtered.")
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only this round, e.g. JS/2021.", valueName: "scheme/year")) var round: String?
    @Option(help: ArgumentHelp("Only this status, e.g. assessed; decided = granted, partially_granted, rejected, dismissed or in_follow_up.", valueName: "status")) var status: String?
    @Option(help: ArgumentHelp("Only this organisation.", valueName: "orgnr")) var org: String?
    @Option(help: ArgumentHelp("Only applicants in this municipality.", valueName: "NNNN")) var municipality: String?
    @Option(help: ArgumentHelp(ListCap.help)) var limit: Int?
    @Flag(help: "Only decided applications whose current decision has no recorded notice: the appeal deadline is open (fvl. § 29).") var notNotified = false
    @Flag(help: "Only my cases: those I am a current caseworker of (the acting user, --as).") var mine = false
    @Option(help: ArgumentHelp("Only the cases this user is a current caseworker of.", valueName: "user")) var assigned: String?
    @Option(help: ArgumentHelp("Only applications with this text (case-insensitive, at least 3 characters) in the title, external reference, organisation name or number.", valueName: "text")) var search: String?

    func validate() throws {
        if mine && assigned != nil {
            throw ArgumentParser.ValidationError("give either --mine or --assigned USER, not both")
        }
        if let search, search.trimmingCharacters(in: .whitespaces).count < 3 {
            throw ArgumentParser.ValidationError("--search needs at least 3 characters (it looks for them anywhere in titles, references and organisations)")
        }
    }

    func run() throws {
        let cap = try ListCap(given: limit)
        // "decided" is a group of statuses, not one; --not-notified implies it.
        let decided = notNotified || status?.trimmingCharacters(in: .whitespaces).lowercased() == "decided"
        var filter = Applications.Filter(
            round: try round.map { text throws(TilskotError) in try Input.round(text) },
            status: try status.flatMap { text throws(TilskotError) in
                text.trimmingCharacters(in: .whitespaces).lowercased() == "decided" ? nil : try Input.vocabulary(text, as: ApplicationStatus.self)
            },
            organisation: try org.map { text throws(TilskotError) in try Input.organisation(text) },
            municipality: try municipality.map { text throws(TilskotError) in try Input.municipality(text) },
            limit: cap.fetchLimit)
        filter.decided = decided
        filter.notNotified = notNotified
        filter.mine = mine
        filter.assigned = assigned
        filter.search = search
        let format = global.outputFormat
        let items = cap.shown(try Applications.list(filter, session: try global.session()), "applications",
                              narrowWith: "--round, --status, --org or --municipality")
        print(ApplicationCommand.table(items, format).render(format), terminator: "")
    }
}

struct ApplicationShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show an application with its assessments, decisions, appeals and history.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String

    func run() throws {
        let detail = try Applications.show(try Input.reference(reference), session: try global.session())
        let format = global.outputFormat
        switch format {
        case .table: print(ApplicationDetailText.render(detail), terminator: "")
        // The database's case document (tilskot.application_case), keys sorted and pretty printed.
        case .json: print(JSONOutput.text(document: detail.document) ?? String(decoding: detail.document, as: UTF8.self))
        case .csv, .markdown, .xlsx:
            // The history is the part that is a table.
            print(ApplicationDetailText.historyTable(detail.history).render(format), terminator: "")
        }
    }
}
