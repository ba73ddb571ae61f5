/// Digits in groups of three from the right, the Norwegian way: 3400000 → "3 400 000",
/// -25000 → "-25 000". The separator is a plain space (U+0020), not the typographic no-break
/// space, so output survives terminals, CSV tools and copy-paste, and `Money.parse` reads it back.
///
/// The one digit grouping of tilskot: amounts (`Money.formattedKroner`, `Money.millionsNumber`),
/// counts in messages (the import's "1 000 000 read") and, with `separator: ","`, English report
/// text ("NOK 850,000").
public func groupedDigits(_ value: some BinaryInteger, separator: String = " ") -> String {
    let digits = String(value.magnitude)
    var text = value < 0 ? "-" : ""
    text.reserveCapacity(digits.utf8.count + digits.utf8.count / 3 * separator.utf8.count + 1)
    for (offset, digit) in digits.enumerated() {
        if offset > 0 && (digits.count - offset) % 3 == 0 { text += separator }
        text.append(digit)
    }
    return text
}
