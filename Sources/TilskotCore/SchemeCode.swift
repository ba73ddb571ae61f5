/// The short code of a grant scheme (tilskotsordning), e.g. "JS" for Jobbsjansen: 2–16 characters of
/// A–Z, 0–9 and "-", upper-cased on input.
public struct SchemeCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: String

    public static let lengths = 2...16

    public init(_ text: String) throws(ValidationError) {
        let trimmed = text.trimmedForInput
        let code = trimmed.uppercased()
        func refuse(_ message: String) -> ValidationError {
            ValidationError(field: "scheme code", message: message)
        }
        guard code.unicodeScalars.allSatisfy(Self.isAllowed) else {
            throw refuse("scheme code \(trimmed.quotedForMessage) may hold only the letters A–Z, digits and -; expected e.g. JS")
        }
        guard Self.lengths.contains(code.count) else {
            throw refuse("scheme code \(trimmed.quotedForMessage) must be 2 to 16 characters long; got \(code.count), expected e.g. JS")
        }
        self.value = code
    }

    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(scalar) || scalar.isASCIIDigit || scalar == "-"
    }

    public var description: String { value }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

extension SchemeCode: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
