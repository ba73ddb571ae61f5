import PropertyBased
import Testing
import TilskotCore

@Suite("Money properties")
struct MoneyPropertyTests {
    static let range: ClosedRange<Int64> = -1_000_000_000_000_000...1_000_000_000_000_000

    @Test func parseOfFormattedKronerGivesTheSameAmount() async {
        await propertyCheck(count: 1_000, input: Gen.int64(in: Self.range)) { ore throws in
            let money = Money(ore: ore)
            #expect(try Money.parse(money.formattedKroner, allowNegative: true) == money)
            if ore >= 0 {
                #expect(try Money.parse(money.formattedKroner) == money)
            }
        }
    }

    @Test func exportFormsParseBack() async {
        await propertyCheck(count: 1_000, input: Gen.int64(in: Self.range)) { ore throws in
            let money = Money(ore: ore)
            #expect(try Money.parse(money.plainKronerNumber, allowNegative: true) == money)
            #expect(try Money.parse(money.decimalKroner, allowNegative: true) == money)
        }
    }

    @Test func roundTripHoldsOverTheWholeInt64Range() async {
        await propertyCheck(count: 500, input: Gen.int64()) { ore throws in
            let money = Money(ore: ore)
            #expect(try Money.parse(money.formattedKroner, allowNegative: true) == money)
        }
    }

    @Test func typographicSpacesReadTheSame() async {
        await propertyCheck(count: 300, input: Gen.int64(in: 0...Self.range.upperBound)) { ore throws in
            let money = Money(ore: ore)
            let typeset = money.formattedKroner.replacingSpaces(with: "\u{202F}")
            #expect(try Money.parse(typeset) == money)
        }
    }

    @Test func formattedMillionsReadsBackWithinHalfATenth() async {
        await propertyCheck(count: 500, input: Gen.int64(in: Self.range)) { ore throws in
            let money = Money(ore: ore)
            let reread = try Money.parse(money.millionsNumber + " mill", allowNegative: true)
            #expect(abs(reread.ore - money.ore) <= 5_000_000)
        }
    }
}

extension String {
    func replacingSpaces(with replacement: Character) -> String {
        String(map { $0 == " " ? replacement : $0 })
    }
}
