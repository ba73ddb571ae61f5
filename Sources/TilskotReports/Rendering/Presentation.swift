import Foundation
import TilskotCore

/// How data is shown to people: the language of status words and decimal marks, the width a
/// terminal table must fit, and the zone times are shown in. Machines' formats (json, csv) do not
/// read it: their keys and values are the CLI contract (design.md) in every language.
///
/// The CLI sets `current` once, from `--lang`/`TILSKOT_LANG`, `--wide` and where stdout goes,
/// before a command runs; every `DataTable.render` then reads it, so each list and report shows the
/// same words without each command passing them along.
public struct Presentation: Sendable {
    /// nn (the directorate's written standard, the default), nb or en.
    public var language: ReportLanguage
    /// The widest a terminal table may be (120), or nil for every column in full (`--wide`).
    public var width: Int?
    /// Where times are shown: Europe/Oslo, with the offset written out (issue 17).
    public var timeZone: TimeZone
    /// Where `render(.xlsx)` puts the workbook: the CLI writes it to `--out` or a redirected stdout.
    public var binaryOutput: (@Sendable (Data) -> Void)?

    public init(language: ReportLanguage = .nn, width: Int? = Presentation.tableWidth,
                timeZone: TimeZone = Presentation.oslo, binaryOutput: (@Sendable (Data) -> Void)? = nil) {
        self.language = language
        self.width = width
        self.timeZone = timeZone
        self.binaryOutput = binaryOutput
    }

    /// 120 columns: a terminal at its common width, a printed A4 page in landscape.
    public static let tableWidth = 120
    public static let oslo = TimeZone(identifier: "Europe/Oslo")!

    /// The presentation of this process (set by the CLI before the command runs).
    public static var current: Presentation {
        get { box.lock.withLock { box.value } }
        set { box.lock.withLock { box.value = newValue } }
    }

    private final class Box: @unchecked Sendable {
        let lock = NSLock()
        var value = Presentation()
    }
    private static let box = Box()

    /// The language named by `--lang` or `TILSKOT_LANG` ("nn", "NB", …), or nil when it is none of them.
    public static func language(_ text: String) -> ReportLanguage? {
        ReportLanguage(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
    }

    // MARK: - Words and numbers

    /// "99,7" (nn, nb) or "99.7" (en): one decimal.
    public func decimal(_ value: Double) -> String {
        let text = String(format: "%.1f", value)
        return language == .en ? text : text.replacingOccurrences(of: ".", with: ",")
    }

    /// A change in per cent: "+60,0 %" (nn, nb), "+60.0 %" (en).
    public func change(_ value: Double) -> String {
        (value > 0 ? "+" : "") + decimal(value) + " %"
    }

    /// "3 400 000,50 kr" (nn, nb) or "NOK 3,400,000.50" (en).
    public func money(_ ore: Int64) -> String {
        let money = Money(ore: ore)
        return language == .en ? "NOK " + money.kronerNumber(groupSeparator: ",", decimalMark: ".") : money.formattedKroner
    }

    /// "2021-03-01 13:00:05 +01:00": the wall clock in the presentation's zone and its offset that day.
    public func time(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            + sign + String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }

    /// "2021-03-01 12:00:05": a moment in UTC, as json and csv have always written it.
    public static func utcStamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
