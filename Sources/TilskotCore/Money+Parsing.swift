extension Money {
    /// Reads an amount the way Norwegian caseworkers write it, in kroner unless it says otherwise.
    ///
    /// Accepted: `3400000`, `3 400 000` (space, no-break space U+00A0 or narrow no-break space U+202F
    /// between groups of three digits), `3 400 000,50`, `3400000.50`, `3 400 000,-`, `110,3 mill`,
    /// `110.3 MNOK`, `25 mill.`, `25 millioner`, `1,5 mrd`, with an optional `kr`, `kroner` or `NOK`
    /// (before or after the number). A leading `+`, `-` or `−` (U+2212) only when `allowNegative`
    /// (e.g. a frame adjustment, "±AMOUNT").
    ///
    /// Refused, with a sentence that says what was expected: letters anywhere else, exponents (`1e9`),
    /// digits other than 0–9, `,` and `.` mixed (`12,345,678.9` is ambiguous) or repeated, spaces that
    /// are not between groups of three, more than 2 decimals of kroner (more than 2 + 6 after `mill`:
    /// the result must be whole øre), amounts beyond Int64 øre, empty input, and any sign unless
    /// `allowNegative` (`-0` included).
    ///
    /// This is the one parser of amounts: every command's options and `application import`'s amount
    /// column read with it (Sources/TilskotStore/Import/ImportColumns.swift, ImportParsing), so the
    /// CLI and the import accept the same forms and refuse with the same sentence.
    ///
    /// - Parameter field: what the amount is, for the message ("frame", "amount applied for").
    public static func parse(
        _ text: String, field: String = "amount", allowNegative: Bool = false
    ) throws(ValidationError) -> Money {
        // Plain digits (most of a million-row import) without the grammar's allocations: at most
        // 16 digits of kroner stay below Int64.max øre.
        let utf8 = text.utf8
        if (1...16).contains(utf8.count), utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return Money(ore: utf8.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) } * 100)
        }
        return try AmountParser(text: text, field: field, allowNegative: allowNegative).parse()
    }
}

/// The grammar behind `Money.parse`: [sign] [currency] number [scale] [currency].
private struct AmountParser {
    let text: String
    let trimmed: String
    let field: String
    let allowNegative: Bool

    init(text: String, field: String, allowNegative: Bool) {
        self.text = text
        self.trimmed = text.trimmedForInput
        self.field = field
        self.allowNegative = allowNegative
    }

    static let examples = "expected e.g. 3 400 000, 3 400 000,50 or 110,3 mill"
    static let currencyWords: Set<String> = ["kr", "kr.", "kroner", "nok"]
    /// Scale words and the power of ten they multiply by. Nynorsk forms too: the directorate writes both.
    static let scaleWords: [String: Int] = [
        "mill": 6, "mill.": 6, "million": 6, "millioner": 6, "millionar": 6, "mio": 6, "mio.": 6,
        "mrd": 9, "mrd.": 9, "milliard": 9, "milliarder": 9, "milliardar": 9,
    ]

    func refusal(_ message: String) -> ValidationError {
        ValidationError(field: field, message: message)
    }

    var notANumber: ValidationError {
        refusal("\(field) \(trimmed.quotedForMessage) is not a number of kroner; \(Self.examples)")
    }

    func parse() throws(ValidationError) -> Money {
        guard !trimmed.isEmpty else {
            throw refusal("\(field) is empty; \(Self.examples)")
        }
        // Other scripts' digits (Arabic-Indic ٣, full-width ３…) would otherwise read as "letters".
        if trimmed.unicodeScalars.contains(where: { $0.properties.numericType != nil && !$0.isASCIIDigit }) {
            throw refusal("\(field) \(trimmed.quotedForMessage) has digits other than 0–9; \(Self.examples)")
        }

        var rest = ArraySlice(trimmed.unicodeScalars)
        var sign: Unicode.Scalar?
        if let first = rest.first, first == "+" || first == "-" || first == "\u{2212}" {
            sign = first
            rest = rest.dropFirst().drop(while: { $0.properties.isWhitespace })
        }

        // "3 400 000,-" is the Norwegian way of saying "whole kroner".
        var wholeKronerMark = false
        if rest.count >= 2, rest[rest.endIndex - 2] == ",", rest.last == "-" || rest.last == "\u{2013}" {
            wholeKronerMark = true
            rest = rest.dropLast(2)
        }

        // An optional currency word before the number: "kr 25 000", "NOK 110,3 mill".
        var currencySeen = false
        if let first = rest.first, first.properties.isAlphabetic {
            let word = rest.prefix(while: { !$0.isASCIIDigit && !spaceLikeScalars.contains($0) })
            guard Self.currencyWords.contains(String(scalars: word).lowercased()) else { throw notANumber }
            currencySeen = true
            rest = rest[word.endIndex...].drop(while: { spaceLikeScalars.contains($0) })
        }

        let numberScalars = rest.prefix(while: {
            $0.isASCIIDigit || $0 == "," || $0 == "." || spaceLikeScalars.contains($0)
        })
        var number = Array(numberScalars)
        while let last = number.last, spaceLikeScalars.contains(last) { number.removeLast() }
        let suffix = String(scalars: rest[numberScalars.endIndex...]).trimmedForInput

        let exponent = try scaleExponent(suffix: suffix, currencySeen: currencySeen)
        if wholeKronerMark && (exponent != 0 || number.contains(",") || number.contains(".")) { throw notANumber }

        let magnitude = try magnitudeInOre(number, exponent: exponent)

        switch sign {
        case nil:
            guard magnitude <= UInt64(Int64.max) else { throw tooLarge }
            return Money(ore: Int64(magnitude))
        case "+":
            guard allowNegative else {
                throw refusal("\(field) \(trimmed.quotedForMessage) has a plus sign; expected an amount of 0 kr or more, written without a sign")
            }
            guard magnitude <= UInt64(Int64.max) else { throw tooLarge }
            return Money(ore: Int64(magnitude))
        default:
            guard allowNegative else {
                if magnitude == 0 {
                    throw refusal("\(field) \(trimmed) has a minus sign; expected an amount of 0 kr or more, written without a sign")
                }
                throw refusal("\(field) \(trimmed) is negative; expected an amount of 0 kr or more")
            }
            // Int64.min has no positive twin, so compare the magnitude with 2^63 before negating.
            guard magnitude <= UInt64(Int64.max) + 1 else { throw tooLarge }
            return Money(ore: magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
        }
    }

    var tooLarge: ValidationError {
        let limit = Money(ore: .max).formattedKroner
        return refusal("\(field) \(trimmed.quotedForMessage) is too large; expected at most \(limit)")
    }

    /// The power of ten that the words after the number multiply kroner by: 0, 6 (mill) or 9 (mrd).
    func scaleExponent(suffix: String, currencySeen: Bool) throws(ValidationError) -> Int {
        let words = suffix.lowercased()
            .split(whereSeparator: { $0.unicodeScalars.allSatisfy { spaceLikeScalars.contains($0) } })
            .map(String.init)
        switch words.count {
        case 0:
            return 0
        case 1 where words[0] == "mnok":
            guard !currencySeen else { throw notANumber }
            return 6
        case 1 where Self.currencyWords.contains(words[0]):
            guard !currencySeen else { throw notANumber }
            return 0
        case 1:
            guard let exponent = Self.scaleWords[words[0]] else { throw notANumber }
            return exponent
        case 2:
            guard let exponent = Self.scaleWords[words[0]], Self.currencyWords.contains(words[1]), !currencySeen
            else { throw notANumber }
            return exponent
        default:
            throw notANumber
        }
    }

    /// The amount in øre, unsigned, from the digits with their spaces and one decimal mark.
    func magnitudeInOre(_ number: [Unicode.Scalar], exponent: Int) throws(ValidationError) -> UInt64 {
        guard let first = number.first, first.isASCIIDigit else { throw notANumber }
        let commas = number.filter { $0 == "," }.count
        let dots = number.filter { $0 == "." }.count
        if commas > 0 && dots > 0 {
            throw refusal("\(field) \(trimmed.quotedForMessage) mixes , and . so it is unclear which one marks the øre; expected spaces between thousands and one decimal mark, e.g. 12 345 678,90")
        }
        if commas > 1 || dots > 1 {
            throw refusal("\(field) \(trimmed.quotedForMessage) has more than one decimal mark; expected spaces between thousands and one , or . before the øre, e.g. 3 400 000,50")
        }

        let markIndex = number.firstIndex(where: { $0 == "," || $0 == "." })
        let integerPart = number[..<(markIndex ?? number.endIndex)]
        let fraction = markIndex.map { Array(number[($0 + 1)...]) } ?? []

        if markIndex != nil && fraction.isEmpty {
            throw refusal("\(field) \(trimmed.quotedForMessage) has no digits after the decimal mark; \(Self.examples)")
        }
        guard fraction.allSatisfy(\.isASCIIDigit) else {
            throw refusal("\(field) \(trimmed.quotedForMessage) has spaces after the decimal mark; \(Self.examples)")
        }

        let groups = integerPart.split(omittingEmptySubsequences: false, whereSeparator: { spaceLikeScalars.contains($0) })
        if groups.count > 1 {
            let wellGrouped = (1...3).contains(groups[0].count) && groups.dropFirst().allSatisfy { $0.count == 3 }
            guard wellGrouped else {
                throw refusal("\(field) \(trimmed.quotedForMessage) has spaces in the wrong places; expected one space between groups of three digits, e.g. 3 400 000")
            }
        }

        let allowedDecimals = 2 + exponent
        if fraction.count > allowedDecimals {
            if exponent == 0 {
                throw refusal("\(field) \(trimmed.quotedForMessage) has \(fraction.count) decimals; expected at most 2 (whole øre), and spaces, not , or ., between thousands, e.g. 3 400 000,50")
            }
            let word = exponent == 6 ? "mill" : "mrd"
            throw refusal("\(field) \(trimmed.quotedForMessage) has \(fraction.count) decimals, which is less than an øre; expected at most \(allowedDecimals) decimals with \(word)")
        }

        // øre = integer × 10^(2+e) + fraction × 10^(2+e−f): the digits, then zeros up to whole øre.
        let digits = groups.joined() + fraction + Array(repeating: "0", count: allowedDecimals - fraction.count)
        var value: UInt64 = 0
        for digit in digits {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(digit.value - 48))
            if overflow1 || overflow2 { throw tooLarge }
            value = sum
        }
        return value
    }
}
