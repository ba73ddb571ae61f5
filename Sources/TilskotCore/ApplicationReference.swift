/// The reference of an application (saksreferanse) shown to caseworkers and applicants:
/// "JS-2021-0007" = the scheme's prefix, the round's year and a sequence number within them,
/// written with at least 4 digits.
public struct ApplicationReference: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1–16 characters of A–Z, 0–9 and "-" (not first or last), upper-case: "JS".
    public let prefix: String
    public let year: Int
    /// 1 or more.
    public let sequence: Int

    static let field = "application reference"
    static let example = "expected e.g. JS-2021-0007"

    public init(prefix: String, year: Int, sequence: Int) throws(ValidationError) {
        let prefix = prefix.trimmedForInput.uppercased()
        guard Self.isValidPrefix(prefix) else {
            throw ValidationError(
                field: "reference prefix",
                message: "reference prefix \(prefix.quotedForMessage) must be 1 to 16 letters A–Z, digits or inner -; expected e.g. JS")
        }
        guard RoundKey.acceptedYears.contains(year) else {
            throw ValidationError(
                field: Self.field,
                message: "application reference year \(year) is out of range; expected a year from 2000 to 2100")
        }
        guard sequence >= 1 else {
            throw ValidationError(
                field: Self.field,
                message: "application reference number \(sequence) is not valid; expected 1 or more")
        }
        self.prefix = prefix
        self.year = year
        self.sequence = sequence
    }

    /// Reads "JS-2021-0007" (case-insensitive). Read from the right, so a prefix may hold "-".
    public init(_ text: String) throws(ValidationError) {
        let trimmed = text.trimmedForInput
        let parts = trimmed.uppercased().split(separator: "-", omittingEmptySubsequences: false)
        let notAReference = ValidationError(
            field: Self.field,
            message: "application reference \(trimmed.quotedForMessage) is not in the form PREFIX-YEAR-NUMBER; \(Self.example)")
        guard parts.count >= 3 else { throw notAReference }
        let sequenceText = String(parts[parts.count - 1])
        let yearText = String(parts[parts.count - 2])
        let prefix = parts[..<(parts.count - 2)].joined(separator: "-")
        guard yearText.count == 4, yearText.isASCIIDigits,
              sequenceText.count >= 4, sequenceText.count <= 18, sequenceText.isASCIIDigits,
              let year = Int(yearText), let sequence = Int(sequenceText),
              Self.isValidPrefix(prefix)
        else { throw notAReference }
        try self.init(prefix: prefix, year: year, sequence: sequence)
    }

    static func isValidPrefix(_ prefix: String) -> Bool {
        (1...16).contains(prefix.count)
            && prefix.unicodeScalars.allSatisfy(SchemeCode.isAllowed)
            && !prefix.hasPrefix("-") && !prefix.hasSuffix("-")
    }

    /// "JS-2021-0007".
    public var description: String {
        let number = String(sequence)
        return "\(prefix)-\(year)-" + String(repeating: "0", count: max(0, 4 - number.count)) + number
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.prefix, lhs.year, lhs.sequence) < (rhs.prefix, rhs.year, rhs.sequence)
    }
}

extension ApplicationReference: Codable {
    /// Encoded as "JS-2021-0007".
    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
