import TilskotCore

/// The written standard or language of a letter: Nynorsk (the directorate's default), Bokmål, English.
public enum LetterLanguage: String, CaseIterable, Sendable {
    case nn, nb, en

    /// "1. mars 2021" (nn, nb) or "1 March 2021" (en): dates as a letter writes them.
    public func longDate(_ date: CalendarDate) -> String {
        let months: [String]
        switch self {
        case .nn, .nb:
            months = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
                      "september", "oktober", "november", "desember"]
            return "\(date.day). \(months[date.month - 1]) \(date.year)"
        case .en:
            months = ["January", "February", "March", "April", "May", "June", "July", "August",
                      "September", "October", "November", "December"]
            return "\(date.day) \(months[date.month - 1]) \(date.year)"
        }
    }

    /// "3 400 000 kr" in Norwegian, "NOK 3 400 000" in English.
    public func amount(_ money: Money) -> String {
        switch self {
        case .nn, .nb: return money.formattedKroner
        case .en: return "NOK " + money.kronerNumber
        }
    }
}

extension LetterLanguage {
    /// "7694 05 00008": an 11-digit account number as letters write it; anything else as given.
    static func accountNumber(_ digits: String) -> String {
        guard digits.count == 11, digits.allSatisfy(\.isNumber) else { return digits }
        let a = Array(digits)
        return String(a[0..<4]) + " " + String(a[4..<6]) + " " + String(a[6..<11])
    }
}
