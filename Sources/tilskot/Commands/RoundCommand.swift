import ArgumentParser
import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// `tilskot round open | adjust | show | list` — a scheme's yearly round and its budget frame.
struct RoundCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "round",
        abstract: "Open rounds, adjust their frames and see where they stand.",
        subcommands: [Open.self, Adjust.self, Show.self, List.self]
    )

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a scheme's round for a year with its window and frame (managers).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The round, e.g. JS/2021.", valueName: "scheme/year")) var round: String
        @Option(parsing: .unconditional, help: ArgumentHelp("The budget frame (tilskotsramme), e.g. \"110,3 mill\".", valueName: "amount")) var frame: String
        @Option(help: ArgumentHelp("First day applications are accepted.", valueName: "YYYY-MM-DD")) var opens: String
        @Option(help: ArgumentHelp("Last day applications are accepted.", valueName: "YYYY-MM-DD")) var closes: String

        func run() throws {
            let summary = try Rounds.open(
                try Input.round(round), frame: try Input.money(frame, field: "frame"),
                opens: try Input.date(opens, field: "opening date"), closes: try Input.date(closes, field: "closing date"),
                session: try global.session())
            RoundCommand.print(summary, global.outputFormat)
        }
    }

    struct Adjust: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Raise or lower a round's frame by a budget decision, or correct an adjustment registered wrong (managers).",
            discussion: """
            A budget change carries the date of the budget decision (--decided, default today), e.g. \
            `round adjust JS/2021 --amount "+25 mill" --decided 2021-06-18 --reason "integreringspakke II"`. \
            An adjustment registered wrong is corrected, not countered: `--corrects ID` (the id in \
            `round show`) with the amount that brings it to what was decided, or to 0 kr if it was no \
            budget change at all; a correction cannot take it past 0 kr. Reports narrate budget changes \
            with their net after corrections; `round show` lists both.
            """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The round, e.g. JS/2021.", valueName: "scheme/year")) var round: String
        @Option(parsing: .unconditional, help: ArgumentHelp("The change, e.g. \"+25 mill\" or \"-2 000 000\".", valueName: "±amount")) var amount: String
        @Option(help: "Why, e.g. \"integreringspakke II\", or what was registered wrong.") var reason: String
        @Option(help: ArgumentHelp("The date of the budget decision (default today).", valueName: "YYYY-MM-DD")) var decided: String?
        @Option(help: ArgumentHelp("Correct this adjustment (its id in `round show`) instead of changing the budget.", valueName: "id")) var corrects: String?

        func run() throws {
            let corrected: Int64? = try corrects.map { text throws(TilskotError) in
                guard let id = Int64(text.trimmingCharacters(in: .whitespaces)), id > 0 else {
                    throw .refused("frame adjustment id \"\(text)\" is not a number; give the id `tilskot round show` lists")
                }
                return id
            }
            let summary = try Rounds.adjust(
                try Input.round(round), amount: try Input.money(amount, field: "frame adjustment", allowNegative: true),
                reason: reason, kind: corrected == nil ? .budget : .correction,
                decided: try decided.map { text throws(TilskotError) in try Input.date(text, field: "budget decision date") },
                corrects: corrected, session: try global.session())
            RoundCommand.print(summary, global.outputFormat)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a round's frame, grants, remaining and applications by status.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The round, e.g. JS/2021.", valueName: "scheme/year")) var round: String

        func run() throws {
            RoundCommand.print(try Rounds.show(try Input.round(round), session: try global.session()), global.outputFormat)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List rounds with their frames and grants.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let format = global.outputFormat
            let rounds = try Rounds.list(session: try global.session())
            Swift.print(RoundCommand.table(rounds, format).render(format), terminator: "")
        }
    }

    /// One round: as a readable block on a terminal, else as one record (`round show --format json`
    /// prints an object with scheme, year, frame_ore, granted_ore, remaining_ore, applications, …).
    static func print(_ round: RoundSummary, _ format: OutputFormat) {
        switch format {
        case .table: Swift.print(text(round), terminator: "")
        case .json: Swift.print(table([round], format).renderJSONObject(), terminator: "")
        case .csv, .markdown, .xlsx: Swift.print(table([round], format).render(format), terminator: "")
        }
    }

    static func text(_ r: RoundSummary) -> String {
        // Millions as the report writes them, with the exact kroner beside; small sums in kroner only.
        func kr(_ m: Money, sign: String = "") -> String {
            m.ore.magnitude < 10_000_000 ? sign + m.formattedKroner : "\(sign)\(m.formattedMillions) (\(sign)\(m.formattedKroner))"
        }
        var lines = ["\(r.label) (\(r.key))",
                     "window         \(r.opens) to \(r.closes)",
                     "initial frame  \(kr(r.initialFrame))"]
        // The history of the frame: budget changes (dated by their budget decision) and corrections
        // of them, each as such; a corrected budget change shows what it came to.
        for a in r.adjustments {
            let sign = a.amount.isNegative ? "" : "+"
            let decided = a.decided.map { ", decided \($0)" } ?? ""
            switch a.kind {
            case .budget:
                var line = "budget change  [\(a.id)] \(kr(a.amount, sign: sign)): \(a.reason)\(decided) — \(a.actor)"
                if let net = a.net, net != a.amount {
                    line += net.isZero ? "; corrected to 0 kr (registered in error)" : "; after corrections \(kr(net, sign: net.isNegative ? "" : "+"))"
                }
                lines.append(line)
            case .correction:
                lines.append("correction     [\(a.id)] \(kr(a.amount, sign: sign)) of [\(a.corrects.map(String.init) ?? "?")]: \(a.reason) — \(a.actor)")
            }
        }
        lines += ["frame          \(kr(r.frame))",
                  "granted        \(kr(r.granted))",
                  "remaining      \(kr(r.remaining))",
                  // Closed grants count at their settlement's net used (paid − repaid), the others at their grant after claw-backs.
                  "used           \(kr(r.used))"]
        if !r.unused.isZero { lines.append("unused         \(kr(r.unused)), left by closed grants") }
        lines.append("requested      \(kr(r.requested))")
        let counts = ApplicationStatus.allCases.filter { r.count($0) > 0 }.map { "\(r.count($0)) \($0.rawValue)" }
        lines.append("applications   \(r.applications)" + (counts.isEmpty ? "" : ": " + counts.joined(separator: ", ")))
        return lines.joined(separator: "\n") + "\n"
    }

    static func table(_ rounds: [RoundSummary], _ format: OutputFormat) -> DataTable {
        let statusColumns = ApplicationStatus.allCases.map(\.rawValue)
        return DataTable(
            columns: ["scheme", "year", "name", "opens", "closes", MoneyColumn.name("initial_frame", format),
                      MoneyColumn.name("adjustments", format), MoneyColumn.name("frame", format),
                      MoneyColumn.name("granted", format), MoneyColumn.name("remaining", format),
                      MoneyColumn.name("used", format), MoneyColumn.name("unused", format),
                      MoneyColumn.name("requested", format), "applications"] + statusColumns,
            rows: rounds.map { r in
                let adjustments = r.adjustments.map(\.amount).reduce(Money.zero, +)
                return [.text(r.key.scheme.value), .integer(Int64(r.key.year)), .text(r.schemeName),
                        .text(r.opens.description), .text(r.closes.description),
                        MoneyColumn.cell(r.initialFrame, format), MoneyColumn.cell(adjustments, format),
                        MoneyColumn.cell(r.frame, format), MoneyColumn.cell(r.granted, format),
                        MoneyColumn.cell(r.remaining, format), MoneyColumn.cell(r.used, format),
                        MoneyColumn.cell(r.unused, format), MoneyColumn.cell(r.requested, format),
                        .integer(Int64(r.applications))]
                    + ApplicationStatus.allCases.map { .integer(Int64(r.count($0))) }
            })
    }
}
