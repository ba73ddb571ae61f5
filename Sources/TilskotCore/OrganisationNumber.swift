/// A Norwegian organisation number (organisasjonsnummer) from Enhetsregisteret: 9 digits, the last a
/// MOD11 check digit.
///
/// Weights 3, 2, 7, 6, 5, 4, 3, 2 on digits 1–8; r = sum mod 11; the check digit is 0 when r = 0,
/// else 11 − r. When r = 1 the check digit would be 10, so such a number is never issued.
/// Examples: 123456785 and 988077917 are valid, 988077918 is not; 958935420 is Oslo kommune.
public struct OrganisationNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 9 digits, without spaces.
    public let digits: String

    static let weights = [3, 2, 7, 6, 5, 4, 3, 2]
    static let field = "organisation number"

    /// Reads an organisation number; spaces between the digits are allowed ("988 077 917").
    public init(_ text: String) throws(ValidationError) {
        let compact = text.trimmedForInput.withoutSpaces
        func refuse(_ message: String) -> ValidationError {
            ValidationError(field: Self.field, message: message)
        }
        guard !compact.isEmpty else {
            throw refuse("organisation number is empty; expected 9 digits, e.g. 988 077 917")
        }
        guard compact.isASCIIDigits else {
            throw refuse("organisation number \(text.trimmedForInput.quotedForMessage) must have 9 digits and nothing else; expected e.g. 988 077 917")
        }
        guard compact.count == 9 else {
            throw refuse("organisation number \(compact) must have 9 digits; got \(compact.count)")
        }
        guard compact != "000000000" else {
            throw refuse("organisation number 000000000 is not valid: it is all zeros; expected the 9 digits from Enhetsregisteret")
        }
        let remainder = Self.remainder(firstEight: compact.unicodeScalars.prefix(8).map { Int($0.value) - 48 })
        guard remainder != 1 else {
            throw refuse("organisation number \(compact) can never be issued: its first eight digits give check digit 10")
        }
        let expected = remainder == 0 ? 0 : 11 - remainder
        let actual = Int(compact.unicodeScalars.last!.value) - 48
        guard actual == expected else {
            throw refuse("organisation number \(compact) is not valid: its check digit should be \(expected)")
        }
        self.digits = compact
    }

    /// The check digit that completes these 8 digits, or nil when the input is not 8 ASCII digits or
    /// when the digits give 10 (such a number is never issued).
    public static func checkDigit(forFirstEight digits: String) -> Int? {
        guard digits.count == 8, digits.isASCIIDigits else { return nil }
        let remainder = remainder(firstEight: digits.unicodeScalars.map { Int($0.value) - 48 })
        switch remainder {
        case 0: return 0
        case 1: return nil
        default: return 11 - remainder
        }
    }

    /// True when `text` is a valid organisation number.
    public static func isValid(_ text: String) -> Bool {
        (try? OrganisationNumber(text)) != nil
    }

    private static func remainder(firstEight: [Int]) -> Int {
        zip(firstEight, weights).map { $0 * $1 }.reduce(0, +) % 11
    }

    /// "988 077 917": grouped as Enhetsregisteret prints it.
    public var formatted: String {
        let d = Array(digits)
        return String(d[0..<3]) + " " + String(d[3..<6]) + " " + String(d[6..<9])
    }

    /// "NO-BRC-988077917": the organisation identifier of the 360Giving standard (org-id.guide).
    public var registryIdentifier: String { "NO-BRC-" + digits }

    public var description: String { digits }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.digits < rhs.digits }
}

extension OrganisationNumber: Codable {
    /// Encoded as the 9-digit string; decoding validates it again.
    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}
