// Norwegian renderings of an amount. The thousands separator is a plain space (U+0020) rather than
// the typographic no-break space, so output survives terminals, CSV tools and copy-paste; the
// minus is ASCII "-" for the same reason. `Money.parse` reads every form produced here.

extension Money {
    /// "3 400 000 kr", "3 400 000,50 kr", "-25 000 kr": for tables, letters and messages.
    /// `Money.parse(m.formattedKroner, allowNegative: true) == m` for every amount.
    public var formattedKroner: String { kronerNumber + " kr" }

    /// "3 400 000", "3 400 000,50": the amount in kroner without the unit, for running text such as
    /// "3 400 000 kroner" or "NOK 3 400 000".
    public var kronerNumber: String { kronerNumber(groupSeparator: " ", decimalMark: ",") }

    /// The kroner number with other marks: `(",", ".")` gives English "3,400,000.50".
    public func kronerNumber(groupSeparator: String, decimalMark: String) -> String {
        let (kroner, ore) = ore.magnitude.quotientAndRemainder(dividingBy: 100)
        var text = (isNegative ? "-" : "") + groupedDigits(kroner, separator: groupSeparator)
        if ore != 0 { text += decimalMark + twoDigits(ore) }
        return text
    }

    /// "135,3 mill. kr", "25 mill. kr": millions with one decimal, rounded half up (away from zero),
    /// the trailing ",0" dropped; as the equality report writes its figures.
    public var formattedMillions: String { millionsNumber + " mill. kr" }

    /// "135,3": the number of millions alone, for running text such as "135,3 mill. kroner".
    public var millionsNumber: String { millionsNumber(groupSeparator: " ", decimalMark: ",") }

    /// The number of millions with other marks: `(",", ".")` gives English "1,500.5".
    public func millionsNumber(groupSeparator: String, decimalMark: String) -> String {
        // Tenths of a million kroner = units of 100 000 kr = 10 000 000 øre.
        let (tenthsRounded, _) = (ore.magnitude + 5_000_000).quotientAndRemainder(dividingBy: 10_000_000)
        let (millions, tenth) = tenthsRounded.quotientAndRemainder(dividingBy: 10)
        var text = (isNegative && tenthsRounded != 0 ? "-" : "") + groupedDigits(millions, separator: groupSeparator)
        if tenth != 0 { text += decimalMark + String(tenth) }
        return text
    }

    /// "3400000", or "3400000,50" when there are øre: no grouping, no unit, Norwegian decimal comma.
    public var plainKronerNumber: String {
        let (kroner, ore) = ore.magnitude.quotientAndRemainder(dividingBy: 100)
        return (isNegative ? "-" : "") + String(kroner) + (ore == 0 ? "" : "," + twoDigits(ore))
    }

    /// "3400000.50", "3400000.00": always two decimals and a dot, for CSV and JSON exports that
    /// other systems read as a decimal number.
    public var decimalKroner: String {
        let (kroner, ore) = ore.magnitude.quotientAndRemainder(dividingBy: 100)
        return (isNegative ? "-" : "") + String(kroner) + "." + twoDigits(ore)
    }
}

private func twoDigits(_ value: UInt64) -> String {
    value < 10 ? "0\(value)" : String(value)
}
