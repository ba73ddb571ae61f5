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
