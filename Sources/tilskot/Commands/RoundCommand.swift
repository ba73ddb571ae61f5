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
        static let configuration = CommandConfiguration(abstract: "Raise or lower a round's frame, with a reason (managers).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The round, e.g. JS/2021.", valueName: "scheme/year")) var round: String
        @Option(parsing: .unconditional, help: ArgumentHelp("The change, e.g. \"+25 mill\" or \"-2 000 000\".", valueName: "±amount")) var amount: String
        @Option(help: "Why, e.g. \"integreringspakke II\".") var reason: String

        func run() throws {
            let summary = try Rounds.adjust(
                try Input.round(round), amount: try Input.money(amount, field: "frame adjustment", allowNegative: true),
                reason: reason, session: try global.session())
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
        case .csv, .markdown: Swift.print(table([round], format).render(format), terminator: "")
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
        for a in r.adjustments {
            let sign = a.amount.isNegative ? "" : "+"
            lines.append("adjustment     \(kr(a.amount, sign: sign)): \(a.reason) — \(a.actor)")
        }
        lines += ["frame          \(kr(r.frame))",
                  "granted        \(kr(r.granted))",
                  "remaining      \(kr(r.remaining))",
                  "requested      \(kr(r.requested))"]
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
                      MoneyColumn.name("requested", format), "applications"] + statusColumns,
            rows: rounds.map { r in
                let adjustments = r.adjustments.map(\.amount).reduce(Money.zero, +)
                return [.text(r.key.scheme.value), .integer(Int64(r.key.year)), .text(r.schemeName),
                        .text(r.opens.description), .text(r.closes.description),
                        MoneyColumn.cell(r.initialFrame, format), MoneyColumn.cell(adjustments, format),
                        MoneyColumn.cell(r.frame, format), MoneyColumn.cell(r.granted, format),
                        MoneyColumn.cell(r.remaining, format), MoneyColumn.cell(r.requested, format),
                        .integer(Int64(r.applications))]
                    + ApplicationStatus.allCases.map { .integer(Int64(r.count($0))) }
            })
    }
}
