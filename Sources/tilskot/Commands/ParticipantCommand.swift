import ArgumentParser
import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot participant …` — the participant register of Jobbsjansen projects (deltakarregister):
/// special-category personal data (GDPR art. 9). Only participant readers and the case's own
/// caseworkers record or read a project's participants, every read is logged, and reports are
/// aggregates with small cells suppressed — all held by the database, whatever the client.
struct ParticipantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "participant",
        abstract: "Record, read, purge and report on project participants (need-to-know, every read logged).",
        discussion: """
        Participants carry a pseudonymous code (never a national identity number), birth year, home \
        municipality, gender (female, male, other_or_unknown — kvinne, mann, anna/ikkje oppgitt — for the \
        equality report), start and end, and outcomes at the end and 6 and 12 months after (employment, \
        education, other, dropped_out). Auditors read the access log with `participant log`, not the data.
        """,
        subcommands: [Add.self, Update.self, List.self, Purge.self, Report.self, Log.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a participant of a granted project (the case's caseworkers and participant readers).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The project's application, e.g. JS-2022-0001.", valueName: "ref")) var reference: String
        @Option(help: ArgumentHelp("The project's pseudonymous code for the participant, e.g. JS-OSL-0042.", valueName: "code")) var code: String
        @Option(help: ArgumentHelp("Birth year only, e.g. 1984.", valueName: "year")) var birthYear: String
        @Option(help: ArgumentHelp("Home municipality number, e.g. 0301.", valueName: "NNNN")) var municipality: String
        @Option(help: ArgumentHelp("First day of participation.", valueName: "YYYY-MM-DD")) var start: String
        @Option(help: ArgumentHelp("Last day of participation.", valueName: "YYYY-MM-DD")) var end: String?
        @Option(help: ArgumentHelp("Outcome at the end: employment, education, other, dropped_out.", valueName: "outcome")) var outcome: String?
        @Option(name: .customLong("outcome-6m"), help: ArgumentHelp("Outcome 6 months after the end.", valueName: "outcome")) var outcome6m: String?
        @Option(name: .customLong("outcome-12m"), help: ArgumentHelp("Outcome 12 months after the end.", valueName: "outcome")) var outcome12m: String?
        @Option(help: ArgumentHelp("Gender: female, male or other_or_unknown (kvinne, mann, anna/ikkje oppgitt); not given: other_or_unknown.", valueName: "gender")) var gender: String?

        func run() throws {
            let ref = try Input.reference(reference)
            let participant = NewParticipant(
                code: try ParticipantCommand.code(code), birthYear: try ParticipantCommand.birthYear(birthYear),
                municipality: try Input.municipality(municipality), startDate: try Input.date(start, field: "start date"),
                endDate: try end.map { text throws(TilskotError) in try Input.date(text, field: "end date") },
                outcome: try ParticipantCommand.outcome(outcome), outcome6Months: try ParticipantCommand.outcome(outcome6m),
                outcome12Months: try ParticipantCommand.outcome(outcome12m), gender: try ParticipantCommand.gender(gender))
            let id = try Participants.add(ref, participant, session: try global.session())
            if global.outputFormat == .table {
                print("participant \(participant.code) recorded on \(ref)")
            } else {
                let table = ParticipantTables.added(id: id, reference: ref.description, code: participant.code.value)
                print(global.outputFormat == .json ? table.renderJSONObject() : table.render(global.outputFormat), terminator: "")
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a participant's end, outcomes or gender later.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The project's application, e.g. JS-2022-0001.", valueName: "ref")) var reference: String
        @Option(help: ArgumentHelp("The participant's code.", valueName: "code")) var code: String
        @Option(help: ArgumentHelp("Last day of participation.", valueName: "YYYY-MM-DD")) var end: String?
        @Option(help: ArgumentHelp("Outcome at the end.", valueName: "outcome")) var outcome: String?
        @Option(name: .customLong("outcome-6m"), help: ArgumentHelp("Outcome 6 months after the end.", valueName: "outcome")) var outcome6m: String?
        @Option(name: .customLong("outcome-12m"), help: ArgumentHelp("Outcome 12 months after the end.", valueName: "outcome")) var outcome12m: String?
        @Option(help: ArgumentHelp("Correct the gender: female, male or other_or_unknown (kvinne, mann, anna/ikkje oppgitt).", valueName: "gender")) var gender: String?

        func run() throws {
            let ref = try Input.reference(reference)
            let participantCode = try ParticipantCommand.code(code)
            try Participants.update(ref, code: participantCode,
                                    endDate: try end.map { text throws(TilskotError) in try Input.date(text, field: "end date") },
                                    outcome: try ParticipantCommand.outcome(outcome),
                                    outcome6Months: try ParticipantCommand.outcome(outcome6m),
                                    outcome12Months: try ParticipantCommand.outcome(outcome12m),
                                    gender: try ParticipantCommand.gender(gender), session: try global.session())
            print("participant \(participantCode) on \(ref) updated")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a project's participants, or a round's that you may see; the read is logged.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The project's application, e.g. JS-2022-0001.", valueName: "ref")) var reference: String?
        @Option(help: ArgumentHelp("Instead: a round, e.g. JS/2022.", valueName: "scheme/year")) var round: String?

        func validate() throws {
            guard (reference == nil) != (round == nil) else {
                throw ArgumentParser.ValidationError("give either a reference or --round, e.g. `participant list JS-2022-0001` or `participant list --round JS/2022`")
            }
        }

        func run() throws {
            let session = try global.session()
            let records = try reference.map { text throws(TilskotError) in try Participants.list(try Input.reference(text), session: session) }
                ?? Participants.list(round: try Input.round(round ?? ""), session: session)
            let format = global.outputFormat
            print(ParticipantTables.list(records).render(format), terminator: "")
        }
    }

    struct Purge: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete participants whose participation ended before a date (retention; admins; logged).")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Delete rows whose end date is before this day.", valueName: "YYYY-MM-DD")) var before: String

        func run() throws {
            let day = try Input.date(before, field: "purge date")
            let count = try Participants.purge(endedBefore: day, session: try global.session())
            print("\(count) participant\(count == 1 ? "" : "s") whose participation ended before \(day) deleted; the purge is in the access log")
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Participants of a round by project and outcome, aggregates only: 1–4 persons show as <5.",
            discussion: "Cells of 1–4 persons show as \"<5\"; cells and totals from which one could be worked out show as \"x\". The suppression is done in the database.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The round, e.g. JS/2022.", valueName: "scheme/year")) var round: String
        @Option(help: ArgumentHelp("Outcome at the end (default), or 6m or 12m after.", valueName: "end|6m|12m")) var at: String = "end"

        func run() throws {
            let key = try Input.round(round)
            let point = try Input.vocabulary(at, as: FollowUpPoint.self)
            let rows = try Participants.report(round: key, at: point, session: try global.session())
            let format = global.outputFormat
            let table = ParticipantTables.report(rows, round: key, at: point, format)
            print(table.render(format), terminator: "")
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read the participant access log: who read or changed which rows, when (auditors, admins).")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Only entries at or after this date or time.", valueName: "YYYY-MM-DD|ISO time")) var since: String?
        @Option(help: "At most this many, newest first.") var limit: Int?

        func run() throws {
            let entries = try Participants.accessLog(
                since: try since.map { text throws(TilskotError) in try Input.instant(text, field: "--since") },
                limit: limit, session: try global.session())
            let format = global.outputFormat
            let table = ParticipantTables.accessLog(entries)
            print(table.render(format), terminator: "")
        }
    }

    static func code(_ text: String) throws(TilskotError) -> ParticipantCode {
        try Input.read { () throws(TilskotCore.ValidationError) in try ParticipantCode(text) }
    }

    static func birthYear(_ text: String) throws(TilskotError) -> Int {
        guard let year = Int(text.trimmingCharacters(in: .whitespaces)), (1900...CalendarDate.today().year).contains(year) else {
            throw .refused("birth year \"\(text)\" is not a year; give the year of birth only, e.g. 1984")
        }
        return year
    }

    static func gender(_ text: String?) throws(TilskotError) -> ParticipantGender? {
        guard let text else { return nil }
        return try Input.read { () throws(TilskotCore.ValidationError) in try ParticipantGender.read(text) }
    }

    static func outcome(_ text: String?) throws(TilskotError) -> ParticipantOutcome? {
        try text.map { value throws(TilskotError) in try Input.vocabulary(value, as: ParticipantOutcome.self) }
    }
}
