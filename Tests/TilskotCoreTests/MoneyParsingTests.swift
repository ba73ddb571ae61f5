import Testing
import TilskotCore

@Suite("Money.parse")
struct MoneyParsingTests {
    @Test("accepts the forms caseworkers write", arguments: [
        ("3400000", 340_000_000),
        ("3 400 000", 340_000_000),
        ("3\u{00A0}400\u{00A0}000", 340_000_000),
        ("3\u{202F}400\u{202F}000", 340_000_000),
        ("3 400 000,50", 340_000_050),
        ("3400000.50", 340_000_050),
        ("3400000,5", 340_000_050),
        ("3 400 000,-", 340_000_000),
        ("110,3 mill", 11_030_000_000),
        ("110.3 MNOK", 11_030_000_000),
        ("110,3mill", 11_030_000_000),
        ("25 mill.", 2_500_000_000),
        ("25 millioner", 2_500_000_000),
        ("25 millionar", 2_500_000_000),
        ("135,3 mill. kr", 13_530_000_000),
        ("135,3 mill. kroner", 13_530_000_000),
        ("1,5 mrd", 150_000_000_000),
        ("2 milliarder", 200_000_000_000),
        ("1,23456789 mill", 123_456_789),
        ("3 400 000 kr", 340_000_000),
        ("3400000 kroner", 340_000_000),
        ("3400000 NOK", 340_000_000),
        ("3400000 nok", 340_000_000),
        ("kr 25 000", 2_500_000),
        ("NOK 110,3 mill", 11_030_000_000),
        ("  12  ", 1_200),
        ("\u{00A0}12\u{00A0}", 1_200),
        ("0", 0),
        ("0,05", 5),
        ("007", 700),
        ("92 233 720 368 547 758,07", Int64.max),
        // The forms issue 17 names, which the import reads too (OneParserCLITests).
        ("1 500 000,-", 150_000_000),
        ("kr 900 000", 90_000_000),
        ("1,5 mill", 150_000_000),
        // Plain digits take a short path up to 16 digits, the grammar beyond: both read the same.
        ("1234567890123456", 123_456_789_012_345_600),
        ("12345678901234567", 1_234_567_890_123_456_700),
        ("0000000000000000", 0),
        ("9", 900),
    ] as [(String, Int64)])
    func accepts(text: String, ore: Int64) throws {
        #expect(try Money.parse(text) == Money(ore: ore))
    }

    @Test("reads a sign only when negative amounts are allowed", arguments: [
        ("-5", -500),
        ("\u{2212}25 mill", -2_500_000_000),
        ("- 25 000", -2_500_000),
        ("+25 mill", 2_500_000_000),
        ("-0", 0),
        ("-92 233 720 368 547 758,08", Int64.min),
    ] as [(String, Int64)])
    func signed(text: String, ore: Int64) throws {
        #expect(try Money.parse(text, allowNegative: true) == Money(ore: ore))
    }

    @Test func lettersAreRefusedWithTheExpectedForms() {
        let error = refusal { try Money.parse("12abc") }
        #expect(error?.field == "amount")
        #expect(error?.message == #"amount "12abc" is not a number of kroner; expected e.g. 3 400 000, 3 400 000,50 or 110,3 mill"#)
    }

    @Test("letters, exponents and stray words are not numbers", arguments: [
        "abc", "1e9", "1E9", "kr", "mill", "12 kr 50", "5 kr kr", "kr 5 kr", "25 mill,-", "--5", "0x10",
        "3 400 000 euro", "tusen", "12%", "€12",
    ])
    func notANumber(text: String) {
        let message = refusal { try Money.parse(text, allowNegative: true) }?.message ?? ""
        #expect(message.contains("is not a number of kroner"), "\(text): \(message)")
        #expect(message.contains("expected e.g. 3 400 000"))
    }

    @Test func negativeAmountIsRefusedByDefault() {
        #expect(refusal { try Money.parse("-5") }?.message == "amount -5 is negative; expected an amount of 0 kr or more")
        #expect(refusal { try Money.parse("\u{2212}5 mill") }?.message.contains("is negative") == true)
    }

    @Test func minusZeroAndPlusAreRefusedByDefault() {
        let minusZero = refusal { try Money.parse("-0") }?.message ?? ""
        #expect(minusZero.contains("-0 has a minus sign"))
        #expect(minusZero.contains("expected an amount of 0 kr or more"))
        let plus = refusal { try Money.parse("+5") }?.message ?? ""
        #expect(plus.contains("plus sign"))
    }

    @Test("digits of other scripts are refused", arguments: ["٣٤٠٠", "۳۴۰۰", "３４", "12٣", "५०"])
    func nonASCIIDigits(text: String) {
        let message = refusal { try Money.parse(text) }?.message ?? ""
        #expect(message.contains("digits other than 0–9"), "\(text): \(message)")
    }

    @Test func mixedSeparatorsAreAmbiguous() {
        let message = refusal { try Money.parse("12,345,678.9") }?.message ?? ""
        #expect(message.contains("mixes , and ."))
        #expect(message.contains("expected spaces between thousands"))
        #expect(refusal { try Money.parse("3.400.000,50") }?.message.contains("mixes") == true)
    }

    @Test func repeatedDecimalMarksAreRefused() {
        let message = refusal { try Money.parse("3.400.000") }?.message ?? ""
        #expect(message.contains("more than one decimal mark"))
        #expect(refusal { try Money.parse("3,400,000") }?.message.contains("more than one decimal mark") == true)
    }

    @Test func moreThanTwoDecimalsOfKronerAreRefused() {
        let message = refusal { try Money.parse("3400000,505") }?.message ?? ""
        #expect(message.contains("has 3 decimals"))
        #expect(message.contains("at most 2"))
        // "3,400" might be an English 3 400: refused rather than read as 3,40 kr.
        #expect(refusal { try Money.parse("3,400") }?.message.contains("has 3 decimals") == true)
        #expect(refusal { try Money.parse("1,000") } != nil)
    }

    @Test func scaledValuesMustBeWholeOre() throws {
        let message = refusal { try Money.parse("1,123456789 mill") }?.message ?? ""
        #expect(message.contains("9 decimals"))
        #expect(message.contains("less than an øre"))
        #expect(message.contains("at most 8 decimals with mill"))
        #expect(refusal { try Money.parse("1,123456789012 mrd") }?.message.contains("at most 11 decimals with mrd") == true)
        #expect(try Money.parse("1,12345678901 mrd").ore == 112_345_678_901)
    }

    @Test("too large for Int64 øre", arguments: [
        "92 233 720 368 547 758,08",
        "92233720368547758.08",
        "123456789012345678901234567890",
        "100000000000000000",
        "99999999999 mrd",
    ])
    func tooLarge(text: String) {
        let message = refusal { try Money.parse(text) }?.message ?? ""
        #expect(message.contains("is too large"), "\(text): \(message)")
        #expect(message.contains("expected at most 92 233 720 368 547 758,07 kr"))
    }

    @Test func negativeBeyondInt64IsTooLarge() {
        #expect(refusal { try Money.parse("-92 233 720 368 547 758,09", allowNegative: true) }?.message.contains("too large") == true)
    }

    @Test("empty input", arguments: ["", "   ", "\u{00A0}"])
    func empty(text: String) {
        #expect(refusal { try Money.parse(text) }?.message == "amount is empty; expected e.g. 3 400 000, 3 400 000,50 or 110,3 mill")
    }

    @Test("spaces only between groups of three", arguments: ["3 4000", "3400 000", "34 00 000", "3  400", "3 400 ,50", "1 2"])
    func badGrouping(text: String) {
        let message = refusal { try Money.parse(text) }?.message ?? ""
        #expect(message.contains("spaces in the wrong places"), "\(text): \(message)")
        #expect(message.contains("e.g. 3 400 000"))
    }

    @Test func decimalMarkNeedsDigitsOnBothSides() {
        #expect(refusal { try Money.parse("25,") }?.message.contains("no digits after the decimal mark") == true)
        #expect(refusal { try Money.parse(",50") }?.message.contains("not a number of kroner") == true)
        #expect(refusal { try Money.parse("3 400,5 0") }?.message.contains("spaces after the decimal mark") == true)
    }

    @Test func messageNamesTheField() {
        let error = refusal { try Money.parse("x", field: "frame") }
        #expect(error?.field == "frame")
        #expect(error?.message.hasPrefix(#"frame "x" is not a number"#) == true)
        #expect(refusal { try Money.parse("-3", field: "amount applied for") }?.message == "amount applied for -3 is negative; expected an amount of 0 kr or more")
    }
}
