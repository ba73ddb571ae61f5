import Foundation
import PropertyBased
import Testing
import TilskotCore

@Suite("OrganisationNumber")
struct OrganisationNumberTests {
    @Test("valid numbers", arguments: ["123456785", "988077917", "958935420", "988 077 917", " 958\u{00A0}935\u{00A0}420 "])
    func valid(text: String) throws {
        let number = try OrganisationNumber(text)
        #expect(number.digits.count == 9)
        #expect(number.digits == text.filter(\.isNumber))
    }

    @Test func storesTheDigitsAndFormats() throws {
        let number = try OrganisationNumber("988 077 917")
        #expect(number.digits == "988077917")
        #expect(number.description == "988077917")
        #expect(number.formatted == "988 077 917")
        #expect(number.registryIdentifier == "NO-BRC-988077917")
    }

    @Test func wrongCheckDigitNamesTheExpectedOne() {
        let error = refusal { try OrganisationNumber("988077918") }
        #expect(error?.field == "organisation number")
        #expect(error?.message == "organisation number 988077918 is not valid: its check digit should be 7")
    }

    @Test func wrongLength() {
        #expect(refusal { try OrganisationNumber("12345678") }?.message == "organisation number 12345678 must have 9 digits; got 8")
        #expect(refusal { try OrganisationNumber("1234567890") }?.message == "organisation number 1234567890 must have 9 digits; got 10")
    }

    @Test func lettersAndEmptyInput() {
        let letters = refusal { try OrganisationNumber("98807791A") }?.message ?? ""
        #expect(letters.contains(#""98807791A" must have 9 digits and nothing else"#))
        #expect(letters.contains("expected e.g. 988 077 917"))
        #expect(refusal { try OrganisationNumber("NO988077917MVA") } != nil)
        #expect(refusal { try OrganisationNumber("") }?.message == "organisation number is empty; expected 9 digits, e.g. 988 077 917")
        #expect(refusal { try OrganisationNumber("٩٨٨٠٧٧٩١٧") } != nil)
    }

    @Test func remainderOneCanNeverBeIssued() {
        #expect(refusal { try OrganisationNumber("988077020") }?.message == "organisation number 988077020 can never be issued: its first eight digits give check digit 10")
        #expect(OrganisationNumber.checkDigit(forFirstEight: "98807702") == nil)
    }

    @Test func allZerosIsRefused() {
        let message = refusal { try OrganisationNumber("000 000 000") }?.message ?? ""
        #expect(message.contains("000000000 is not valid: it is all zeros"))
    }

    @Test func checkDigitForFirstEight() {
        #expect(OrganisationNumber.checkDigit(forFirstEight: "12345678") == 5)
        #expect(OrganisationNumber.checkDigit(forFirstEight: "98807791") == 7)
        #expect(OrganisationNumber.checkDigit(forFirstEight: "95893542") == 0)
        #expect(OrganisationNumber.checkDigit(forFirstEight: "1234567") == nil)
        #expect(OrganisationNumber.checkDigit(forFirstEight: "1234567A") == nil)
        #expect(OrganisationNumber.isValid("958935420"))
        #expect(!OrganisationNumber.isValid("958935421"))
    }

    @Test func codableAsDigits() throws {
        let number = try OrganisationNumber("958935420")
        let data = try JSONEncoder().encode([number])
        #expect(String(decoding: data, as: UTF8.self) == #"["958935420"]"#)
        #expect(try JSONDecoder().decode([OrganisationNumber].self, from: data) == [number])
        #expect(throws: ValidationError.self) { try JSONDecoder().decode([OrganisationNumber].self, from: Data(#"["988077918"]"#.utf8)) }
    }

    static let eightDigits = Gen.int(in: 0...9).array(of: 8).map { $0.map(String.init).joined() }

    @Test func eightDigitsPlusTheirCheckDigitValidateAndNoOtherLastDigitDoes() async {
        await propertyCheck(count: 1_000, input: Self.eightDigits) { firstEight throws in
            guard firstEight != "00000000" else { return }
            if let check = OrganisationNumber.checkDigit(forFirstEight: firstEight) {
                #expect(try OrganisationNumber(firstEight + String(check)).digits == firstEight + String(check))
                for other in 0...9 where other != check {
                    let message = refusal { try OrganisationNumber(firstEight + String(other)) }?.message ?? ""
                    #expect(message.hasSuffix("its check digit should be \(check)"))
                }
            } else {
                for last in 0...9 {
                    let message = refusal { try OrganisationNumber(firstEight + String(last)) }?.message ?? ""
                    #expect(message.contains("can never be issued"))
                }
            }
        }
    }
}
