import Foundation
import Testing
import TilskotCore

@Suite("Money formatting and arithmetic")
struct MoneyFormattingTests {
    @Test("formattedKroner", arguments: [
        (340_000_000, "3 400 000 kr"),
        (340_000_050, "3 400 000,50 kr"),
        (340_000_005, "3 400 000,05 kr"),
        (5, "0,05 kr"),
        (0, "0 kr"),
        (99_900, "999 kr"),
        (100_000, "1 000 kr"),
        (-2_500_000, "-25 000 kr"),
        (-1, "-0,01 kr"),
        (Int64.max, "92 233 720 368 547 758,07 kr"),
        (Int64.min, "-92 233 720 368 547 758,08 kr"),
    ] as [(Int64, String)])
    func formattedKroner(ore: Int64, text: String) {
        #expect(Money(ore: ore).formattedKroner == text)
        #expect(Money(ore: ore).description == text)
    }

    @Test("formattedMillions: one decimal, half up, no trailing ,0", arguments: [
        (135_300_000, "135,3 mill. kr"),
        (110_300_000, "110,3 mill. kr"),
        (25_000_000, "25 mill. kr"),
        (110_349_999, "110,3 mill. kr"),
        (110_350_000, "110,4 mill. kr"),
        (49_999, "0 mill. kr"),
        (50_000, "0,1 mill. kr"),
        (-25_000_000, "-25 mill. kr"),
        (-40_000, "0 mill. kr"),
        (-60_000, "-0,1 mill. kr"),
        (1_500_000_000, "1 500 mill. kr"),
        (999_950_000, "1 000 mill. kr"),
    ] as [(Int64, String)])
    func formattedMillions(kroner: Int64, text: String) {
        #expect(Money(kroner: kroner).formattedMillions == text)
    }

    @Test func millionsNumberIsTheNumberAlone() {
        #expect(Money(kroner: 135_300_000).millionsNumber == "135,3")
        #expect(Money(kroner: 25_000_000).millionsNumber == "25")
        // Half up on the øre too: 110 349 999,99 kr is still 110,3.
        #expect(Money(ore: 11_034_999_999).millionsNumber == "110,3")
        #expect(Money(ore: .max).millionsNumber == "92 233 720 368,5")
    }

    @Test func exportForms() {
        #expect(Money(kroner: 3_400_000).plainKronerNumber == "3400000")
        #expect(Money(ore: 340_000_050).plainKronerNumber == "3400000,50")
        #expect(Money(kroner: -5).plainKronerNumber == "-5")
        #expect(Money(ore: 340_000_050).decimalKroner == "3400000.50")
        #expect(Money(kroner: 3_400_000).decimalKroner == "3400000.00")
        #expect(Money(ore: -5).decimalKroner == "-0.05")
        #expect(Money.zero.decimalKroner == "0.00")
    }

    @Test func arithmeticAndOrder() {
        let frame = Money.jobbsjansenBudget2021 + Money(kroner: 25_000_000)
        #expect(frame == Money(kroner: 135_300_000))
        #expect(frame - Money(kroner: 135_300_000) == .zero)
        #expect(-Money(kroner: 5) == Money(ore: -500))
        var running = Money.zero
        running += Money(ore: 250)
        running -= Money(ore: 50)
        #expect(running == Money(ore: 200))
        #expect(Money(ore: 1) > .zero)
        #expect([Money(kroner: 1), Money(kroner: 2), Money(ore: 3)].sum() == Money(ore: 303))
        #expect([Money]().sum() == .zero)
        #expect([Money(kroner: 3), Money(kroner: 1)].sorted() == [Money(kroner: 1), Money(kroner: 3)])
        #expect(Money(ore: -1).isNegative && Money.zero.isZero)
    }

    @Test func codableAsBareOre() throws {
        let data = try JSONEncoder().encode(["frame_ore": Money(kroner: 135_300_000)])
        #expect(String(decoding: data, as: UTF8.self) == #"{"frame_ore":13530000000}"#)
        #expect(try JSONDecoder().decode(Money.self, from: Data("505".utf8)) == Money(ore: 505))
    }
}

extension Money {
    /// The Jobbsjansen 2021 budget before integreringspakke II.
    static let jobbsjansenBudget2021 = Money(kroner: 110_300_000)
}
