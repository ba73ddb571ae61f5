import ArgumentParser
import TilskotCore
import TilskotReports
import TilskotStore

/// The steps on an appeal that are not a new decision on the grant: dismiss it, send it to the appeal
/// body, record the appeal body's decision. Register an appeal with `application appeal`; a change
/// (omgjering) is `application decide`.
struct AppealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appeal",
        abstract: "Dismiss an appeal, send it to the appeal body, record the appeal body's decision (managers).",
        discussion: """
        An appeal (klage) must be sent within three weeks of the day the notice of the decision reached \
        the party (fvl. § 29); it is in time if it was sent before the deadline ran out (§ 30). Register \
        it with `tilskot application appeal REF --received DATE --sent DATE --grounds …`. The first \
        instance then either changes its decision (`tilskot application decide REF …`, § 33 second \
        paragraph), dismisses the appeal (`appeal dismiss`: late with no reason to consider it, § 31; no \
        standing; withdrawn — the decision in force stays), or keeps its decision and sends the appeal to \
        the appeal body (`appeal forward`, § 33 fourth paragraph). The appeal body's decision is recorded \
        with `appeal body-decision --upheld|--quashed`, or, when it changes the decision, with \
        `application decide REF --by-appeal-body …`. The manager who registered the appeal does not \
        dismiss, forward or decide it.
        """,
        subcommands: [Dismiss.self, Forward.self, BodyDecision.self]
    )

    static func report(_ message: String, _ ref: ApplicationReference, _ record: AppealRecord, _ format: OutputFormat) {
        if format == .table {
            print(message)
            return
        }
        let table = DataTable(columns: ["reference", "appeal_id", "received", "sent", "late", "outcome", "status_before",
                                        "forwarded_on", "forwarded_by", "appeal_body", "steps"],
                              rows: [[.text(ref.description), .integer(record.id), .text(record.received.description),
                                      record.sentOn.map { .text($0.description) } ?? .null, .bool(record.late),
                                      record.outcome.cell, record.statusBefore.cell,
                                      record.forwardedOn.map { .text($0.description) } ?? .null, record.forwardedBy.cell,
                                      record.appealBody.cell, .integer(Int64(record.steps.count))]])
        print(format == .json ? table.renderJSONObject() : table.render(format), terminator: "")
    }

    struct Dismiss: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dismiss",
            abstract: "Dismiss the pending appeal (avvisning, fvl. § 33 second paragraph); the decision in force stays.",
            discussion: """
            Grounds: late (sent after the three weeks from the day the notice reached the party, fvl. § 29–30, \
            and registered with --late with no reason to consider it anyway, § 31), no-standing (not a party \
            or no legal interest, § 28), withdrawn (by the appellant), other. The decision in force — amount, \
            frame, payments — is untouched and the application goes back to its status before the appeal. \
            The dismissal is itself a decision the appellant may appeal (§ 2 third paragraph); its letter \
            says so.
            """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
        @Option(help: ArgumentHelp("late, no-standing, withdrawn or other.", valueName: "ground")) var ground: String
        @Option(help: "Why the appeal is dismissed (fvl. §§ 24–25).") var reasons: String
        @Option(help: ArgumentHelp("The date of the dismissal (default today).", valueName: "YYYY-MM-DD")) var date: String?

        func run() throws {
            let ref = try Input.reference(reference)
            let key = ground.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "-", with: "_")
            guard let parsed = AppealDismissalGround(rawValue: key) else {
                throw TilskotError.refused("ground \"\(ground)\" is not one of late, no-standing, withdrawn, other")
            }
            let record = try Appeals.dismiss(ref, ground: parsed, reasons: reasons,
                                             date: try date.map { text throws(TilskotError) in try Input.date(text, field: "date") },
                                             session: try global.session())
            AppealCommand.report("appeal on \(ref) dismissed (\(ground)); the decision in force stays", ref, record, global.outputFormat)
        }
    }

    struct Forward: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forward",
            abstract: "Keep the decision and send the pending appeal to the appeal body (fvl. § 33 fourth paragraph).",
            discussion: """
            The appeal body is the scheme's at the date of the decision appealed (`tilskot scheme appeal-body`). \
            From then on the directorate neither changes nor dismisses the appeal; record the appeal body's \
            decision with `tilskot appeal body-decision` or `tilskot application decide --by-appeal-body`.
            """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
        @Option(help: "The directorate's comments to the appeal body (optional).") var reasons: String?
        @Option(help: ArgumentHelp("The day it was sent (default today).", valueName: "YYYY-MM-DD")) var date: String?

        func run() throws {
            let ref = try Input.reference(reference)
            let record = try Appeals.forward(ref, reasons: reasons,
                                             date: try date.map { text throws(TilskotError) in try Input.date(text, field: "date") },
                                             session: try global.session())
            AppealCommand.report("appeal on \(ref) sent to \(record.appealBody ?? "the appeal body") on \(record.forwardedOn?.description ?? "")",
                                 ref, record, global.outputFormat)
        }
    }

    struct BodyDecision: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "body-decision",
            abstract: "Record the appeal body's decision on a forwarded appeal: upheld, or quashed and sent back (fvl. § 34).",
            discussion: """
            --upheld: the decision stands and the application goes back to its status before the appeal. \
            --quashed: the decision is set aside and the case sent back; it stays on record (frame and \
            payments unchanged) until the directorate's new decision (`tilskot application decide`), which \
            supersedes it. A change by the appeal body is `tilskot application decide REF --by-appeal-body …`.
            """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
        @Flag(help: "The appeal body upheld the decision (stadfesta).") var upheld = false
        @Flag(help: "The appeal body quashed the decision and sent the case back (oppheva).") var quashed = false
        @Option(help: "The appeal body's reasons, in short.") var reasons: String
        @Option(help: ArgumentHelp("The appeal body's own case reference.", valueName: "ref")) var bodyReference: String?
        @Option(help: ArgumentHelp("The date of the appeal body's decision (default today).", valueName: "YYYY-MM-DD")) var date: String?

        func validate() throws {
            guard upheld != quashed else { throw ValidationError("give exactly one of --upheld or --quashed") }
        }

        func run() throws {
            let ref = try Input.reference(reference)
            let record = try Appeals.bodyDecision(ref, upheld: upheld, reasons: reasons, bodyReference: bodyReference,
                                                  date: try date.map { text throws(TilskotError) in try Input.date(text, field: "date") },
                                                  session: try global.session())
            let message = upheld
                ? "the appeal body upheld the decision on \(ref)"
                : "the appeal body quashed the decision on \(ref); make the new decision with `tilskot application decide \(ref)`"
            AppealCommand.report(message, ref, record, global.outputFormat)
        }
    }
}
