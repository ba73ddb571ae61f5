// Norwegian renderings of an amount. The thousands separator is a plain space (U+0020) rather than
// the typographic no-break space, so output survives terminals, CSV tools and copy-paste; the
// minus is ASCII "-" for the same reason. `Money.parse` reads every form produced here.

extension Money {
    /// "3 400 000 kr", "3 400 000,50 kr", "-25 000 kr": for tables, letters and messages.
    /// `Money.parse(m.formattedKroner, allowNegative: true) == m` for every amount.
    public var formattedKroner: String {
        let (kroner, ore) = ore.magnitude.quotientAndRemainder(dividingBy: 100)
        var text = (isNegative ? "-" : "") + grouped(kroner)
        if ore != 0 { text += "," + twoDigits(ore) }
        return text + " kr"
    }

    /// "135,3 mill. kr", "25 mill. kr": millions with one decimal, rounded half up (away from zero),
    /// the trailing ",0" dropped; as the equality report writes its figures.
    public var formattedMillions: String { millionsNumber + " mill. kr" }

    /// "135,3": the number of millions alone, for running text such as "135,3 mill. kroner".
    public var millionsNumber: String {
        // Tenths of a million kroner = units of 100 000 kr = 10 000 000 øre.
        let (tenthsRounded, _) = (ore.magnitude + 5_000_000).quotientAndRemainder(dividingBy: 10_000_000)
        let (millions, tenth) = tenthsRounded.quotientAndRemainder(dividingBy: 10)
        var text = (isNegative && tenthsRounded != 0 ? "-" : "") + grouped(millions)
        if tenth != 0 { text += ",\(tenth)" }
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

/// 3400000 → "3 400 000".
private func grouped(_ value: UInt64) -> String {
    let digits = Array(String(value))
    var text = ""
    for (offset, digit) in digits.enumerated() {
        if offset > 0 && (digits.count - offset) % 3 == 0 { text.append(" ") }
        text.append(digit)
    }
    return text
}

private func twoDigits(_ value: UInt64) -> String {
    value < 10 ? "0\(value)" : String(value)
}
