import Testing
import TilskotCore

@Suite("Digit grouping: one function for amounts, counts and English text")
struct DigitGroupingTests {
    @Test("groups of three from the right, a plain space between", arguments: [
        (0, "0"), (7, "7"), (999, "999"), (1_000, "1 000"), (12_345, "12 345"), (999_999, "999 999"),
        (1_000_000, "1 000 000"), (-25_000, "-25 000"), (-1, "-1"),
        (Int64.max, "9 223 372 036 854 775 807"), (Int64.min, "-9 223 372 036 854 775 808"),
    ] as [(Int64, String)])
    func grouped(value: Int64, text: String) {
        #expect(groupedDigits(value) == text)
    }

    @Test func otherIntegerTypesAndSeparators() {
        #expect(groupedDigits(UInt64.max) == "18 446 744 073 709 551 615")
        #expect(groupedDigits(850_000, separator: ",") == "850,000")
        #expect(groupedDigits(Int8.min) == "-128")
    }

    @Test("amounts use the same grouping, in Norwegian and with English marks")
    func amounts() throws {
        #expect(Money(ore: 340_000_050).kronerNumber == "3 400 000,50")
        #expect(Money(ore: 340_000_050).kronerNumber(groupSeparator: ",", decimalMark: ".") == "3,400,000.50")
        #expect(Money(kroner: -850_000).kronerNumber(groupSeparator: ",", decimalMark: ".") == "-850,000")
        #expect(Money(kroner: 1_500_500_000).millionsNumber(groupSeparator: ",", decimalMark: ".") == "1,500.5")
        #expect(Money(kroner: 1_500_500_000).millionsNumber == "1 500,5")
        // Parsing reads back what the grouping writes.
        let amount = Money(ore: 123_456_789_01)
        #expect(try Money.parse(amount.kronerNumber) == amount)
    }
}
