import Foundation
import Testing
import TilskotCore

@Suite("Scheme codes, rounds and application references")
struct IdentifierTests {
    @Test func schemeCodeIsUppercased() throws {
        #expect(try SchemeCode("js").value == "JS")
        #expect(try SchemeCode(" etn-mangfald ").value == "ETN-MANGFALD")
        #expect(try SchemeCode("NRM2021").description == "NRM2021")
    }

    @Test func schemeCodeRefusals() {
        let short = refusal { try SchemeCode("J") }
        #expect(short?.field == "scheme code")
        #expect(short?.message == #"scheme code "J" must be 2 to 16 characters long; got 1, expected e.g. JS"#)
        #expect(refusal { try SchemeCode("ABCDEFGHIJKLMNOPQ") }?.message.contains("got 17") == true)
        #expect(refusal { try SchemeCode("JS 1") }?.message.contains("may hold only the letters A–Z, digits and -") == true)
        #expect(refusal { try SchemeCode("ÆØ") }?.message.contains("may hold only") == true)
        #expect(refusal { try SchemeCode("JS/2021") } != nil)
    }

    @Test func roundKey() throws {
        let round = try RoundKey("JS/2021")
        #expect(round.scheme.value == "JS" && round.year == 2021)
        #expect(round.description == "JS/2021")
        #expect(try RoundKey("js/2021") == round)
        #expect(try RoundKey(scheme: SchemeCode("JS"), year: 2022) > round)
    }

    @Test func roundKeyRefusals() {
        #expect(refusal { try RoundKey("JS2021") }?.message == #"round "JS2021" is not in the form SCHEME/YEAR; expected e.g. JS/2021"#)
        #expect(refusal { try RoundKey("JS/2021/1") }?.message.contains("SCHEME/YEAR") == true)
        #expect(refusal { try RoundKey("JS/21") }?.message == #"round "JS/21" has year "21"; expected a 4-digit year from 2000 to 2100, e.g. JS/2021"#)
        #expect(refusal { try RoundKey("JS/1999") }?.message == "round JS/1999 has year 1999; expected a year from 2000 to 2100, e.g. JS/2021")
        let noScheme = refusal { try RoundKey("/2021") }
        #expect(noScheme?.field == "round")
        #expect(noScheme?.message.contains("scheme code") == true)
    }

    @Test func applicationReference() throws {
        let reference = try ApplicationReference("JS-2021-0007")
        #expect(reference.prefix == "JS" && reference.year == 2021 && reference.sequence == 7)
        #expect(reference.description == "JS-2021-0007")
        #expect(try ApplicationReference("js-2021-0007") == reference)
        #expect(try ApplicationReference(prefix: "JS", year: 2021, sequence: 41).description == "JS-2021-0041")
        #expect(try ApplicationReference(prefix: "JS", year: 2021, sequence: 12_345).description == "JS-2021-12345")
        #expect(try ApplicationReference("JS-2021-12345").sequence == 12_345)
        let dashed = try ApplicationReference("ETN-M-2022-0001")
        #expect(dashed.prefix == "ETN-M" && dashed.year == 2022 && dashed.sequence == 1)
        #expect(try ApplicationReference("JS-2021-0002") < ApplicationReference("JS-2021-0010"))
    }

    @Test("malformed references", arguments: ["JS-2021-7", "JS-21-0007", "JS2021-0007", "-2021-0007", "JS-2021-00A7", "", "JS--2021-0007", "JS-2021-0000"])
    func malformedReference(text: String) {
        let error = refusal { try ApplicationReference(text) }
        #expect(error != nil, "\(text)")
        #expect(error?.message.contains("expected") == true)
    }

    @Test func referenceMessage() {
        #expect(refusal { try ApplicationReference("JS-2021-7") }?.message == #"application reference "JS-2021-7" is not in the form PREFIX-YEAR-NUMBER; expected e.g. JS-2021-0007"#)
        #expect(refusal { try ApplicationReference("JS-1999-0007") }?.message.contains("expected a year from 2000 to 2100") == true)
        #expect(refusal { try ApplicationReference(prefix: "J S", year: 2021, sequence: 1) }?.field == "reference prefix")
    }

    @Test func codable() throws {
        let data = try JSONEncoder().encode([try RoundKey("JS/2021")])
        #expect(String(decoding: data, as: UTF8.self) == #"["JS\/2021"]"# || String(decoding: data, as: UTF8.self) == #"["JS/2021"]"#)
        let reference = try ApplicationReference("JS-2021-0007")
        #expect(try JSONDecoder().decode([ApplicationReference].self, from: JSONEncoder().encode([reference])) == [reference])
    }
}
