import Testing
import TilskotCore

@Suite("ParticipantCode")
struct ParticipantCodeTests {
    @Test("pseudonymous codes", arguments: ["JS-OSL-0042", "abcd", "P-7", "0101701234", String(repeating: "x", count: 32)])
    func accepted(text: String) throws {
        // "P-7" is too short; the rest are accepted.
        if text.count < 4 {
            #expect(refusal { try ParticipantCode(text) } != nil)
        } else {
            #expect(try ParticipantCode(text).value == text)
        }
    }

    @Test func nationalIdentityNumberIsRefusedWithoutRepeatingIt() {
        let error = refusal { try ParticipantCode("01017012345") }
        #expect(error?.field == "participant code")
        #expect(error?.message == "participant code 010170***** looks like a national identity number; use the project's pseudonymous code instead")
        #expect(error?.message.contains("01017012345") == false)
        #expect(refusal { try ParticipantCode("010170-12345") }?.message.contains("looks like a national identity number") == true)
        #expect(refusal { try ParticipantCode("41017012345") }?.message.contains("national identity number") == true)  // D-number
    }

    @Test func lengthAndCharacters() {
        #expect(refusal { try ParticipantCode("abc") }?.message == #"participant code "abc" must be 4 to 32 characters long; got 3, expected the project's pseudonymous code, e.g. JS-OSL-0042"#)
        #expect(refusal { try ParticipantCode(String(repeating: "x", count: 33)) }?.message.contains("got 33") == true)
        #expect(refusal { try ParticipantCode("JS OSL 1") }?.message.contains("may hold only the letters") == true)
        #expect(refusal { try ParticipantCode("Åse-0001") }?.message.contains("may hold only the letters") == true)
    }

    @Test func keepsCase() throws {
        #expect(try ParticipantCode("Js-Osl-42").description == "Js-Osl-42")
        #expect(try ParticipantCode("Js-Osl-42") != ParticipantCode("JS-OSL-42"))
    }
}
