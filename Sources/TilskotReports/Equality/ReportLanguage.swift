import Foundation
import TilskotCore

/// The written standard of a generated report text: Nynorsk (the directorate's default), Bokmål or
/// English. Numbers follow the language: "110,3 mill. kroner" / "NOK 110.3 million".
public enum ReportLanguage: String, CaseIterable, Sendable {
    case nn, nb, en

    /// Running text: "110,3 mill. kroner", "850 000 kroner"; "NOK 110.3 million", "NOK 850,000".
    public func amount(_ money: Money) -> String {
        let millions = money.ore.magnitude >= 100_000_000
        switch self {
        case .nn, .nb:
            return millions ? money.millionsNumber + " mill. kroner" : money.kronerNumber + " kroner"
        case .en:
            return millions ? "NOK " + money.millionsNumber(groupSeparator: ",", decimalMark: ".") + " million"
                            : "NOK " + money.kronerNumber(groupSeparator: ",", decimalMark: ".")
        }
    }

    /// Tables and charts: "135,3 mill. kr", "850 000 kr"; "NOK 135.3m", "NOK 850,000".
    public func shortAmount(_ money: Money) -> String {
        let millions = money.ore.magnitude >= 100_000_000
        switch self {
        case .nn, .nb:
            return millions ? money.formattedMillions : money.formattedKroner
        case .en:
            return millions ? "NOK " + money.millionsNumber(groupSeparator: ",", decimalMark: ".") + "m"
                            : "NOK " + money.kronerNumber(groupSeparator: ",", decimalMark: ".")
        }
    }

    /// A count in running text and tables: "12 345" (nn, nb), "12,345" (en).
    public func count(_ n: Int) -> String {
        groupedDigits(n, separator: self == .en ? "," : " ")
    }

    /// "99,7 prosent" / "99.7 per cent".
    public func percent(_ value: Double) -> String {
        let text = String(format: "%.1f", value)
        switch self {
        case .nn, .nb: return text.replacingOccurrences(of: ".", with: ",") + " prosent"
        case .en: return text + " per cent"
        }
    }

    /// "99,7 %" / "99.7%" for table cells.
    public func shortPercent(_ value: Double) -> String {
        let text = String(format: "%.1f", value)
        switch self {
        case .nn, .nb: return text.replacingOccurrences(of: ".", with: ",") + " %"
        case .en: return text + "%"
        }
    }

    /// "25. november 2026 kl. 16:05 UTC" / "25 November 2026, 16:05 UTC".
    public func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let time = String(format: "%02d:%02d", c.hour!, c.minute!)
        switch self {
        case .nn, .nb:
            let months = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
                          "oktober", "november", "desember"]
            return "\(c.day!). \(months[c.month! - 1]) \(c.year!) kl. \(time) UTC"
        case .en:
            let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                          "October", "November", "December"]
            return "\(c.day!) \(months[c.month! - 1]) \(c.year!), \(time) UTC"
        }
    }

    /// "2020–2023" in every language; the 2024 division as "2024–".
    public func division(_ division: CountyDivision) -> String {
        division == .division2024 ? "2024–" : division.label
    }

    /// Joins "a", "b" and "c": "a, b og c" / "a, b and c".
    public func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        let and = self == .en ? " and " : " og "
        return items.dropLast().joined(separator: ", ") + and + items.last!
    }
}
