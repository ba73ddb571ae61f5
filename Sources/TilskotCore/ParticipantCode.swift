/// The pseudonymous code of a participant in the participant register (deltakarregister), e.g. a
/// Jobbsjansen participant: 4–32 characters of A–Z, a–z, 0–9 and "-", kept as written.
///
/// The register holds special-category data (GDPR art. 9), so it must never hold a national identity
/// number (fødselsnummer or D-number, 11 digits): a code that is 11 digits, with or without "-", is
/// refused even though it fits the character rule.
public struct ParticipantCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: String

    public init(_ text: String) throws(ValidationError) {
        let code = text.trimmedForInput
        func refuse(_ message: String) -> ValidationError {
            ValidationError(field: "participant code", message: message)
        }
        let digitsOnly = code.unicodeScalars.filter { $0 != "-" && !spaceLikeScalars.contains($0) }
        if digitsOnly.count == 11 && digitsOnly.allSatisfy(\.isASCIIDigit) {
            // The value itself is not repeated in the message: it may be a real person's number.
            throw refuse("participant code \(Self.masked(code)) looks like a national identity number; use the project's pseudonymous code instead")
        }
        guard code.unicodeScalars.allSatisfy({ $0.isASCIILetterOrDigit || $0 == "-" }) else {
            throw refuse("participant code \(code.quotedForMessage) may hold only the letters A–Z and a–z, digits and -; expected the project's pseudonymous code, e.g. JS-OSL-0042")
        }
        guard (4...32).contains(code.count) else {
            throw refuse("participant code \(code.quotedForMessage) must be 4 to 32 characters long; got \(code.count), expected the project's pseudonymous code, e.g. JS-OSL-0042")
        }
        self.value = code
    }

    /// The first six characters (a birth date at most) and the rest starred: identity numbers must not
    /// end up in logs through error messages.
    static func masked(_ text: String) -> String {
        String(text.prefix(6)) + String(repeating: "*", count: max(0, text.count - 6))
    }

    public var description: String { value }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

extension ParticipantCode: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension Unicode.Scalar {
    var isASCIILetterOrDigit: Bool {
        ("A"..."Z").contains(self) || ("a"..."z").contains(self) || isASCIIDigit
    }
}
