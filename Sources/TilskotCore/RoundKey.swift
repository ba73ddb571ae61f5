/// A round (utlysing) of a scheme in one budget year, written "SCHEME/YEAR": "JS/2021".
public struct RoundKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let scheme: SchemeCode
    public let year: Int

    public static let acceptedYears = 2000...2100

    public init(scheme: SchemeCode, year: Int) throws(ValidationError) {
        guard Self.acceptedYears.contains(year) else {
            throw ValidationError(
                field: "round",
                message: "round \(scheme)/\(year) has year \(year); expected a year from 2000 to 2100, e.g. \(scheme)/2021")
        }
        self.scheme = scheme
        self.year = year
    }

    /// Reads "JS/2021" (the scheme code is upper-cased: "js/2021" works too).
    public init(_ text: String) throws(ValidationError) {
        let trimmed = text.trimmedForInput
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw ValidationError(
                field: "round",
                message: "round \(trimmed.quotedForMessage) is not in the form SCHEME/YEAR; expected e.g. JS/2021")
        }
        let scheme: SchemeCode
        do {
            scheme = try SchemeCode(String(parts[0]))
        } catch {
            throw ValidationError(field: "round", message: "round \(trimmed.quotedForMessage): \(error.message)")
        }
        let yearText = String(parts[1]).trimmedForInput
        guard yearText.count == 4, yearText.isASCIIDigits, let year = Int(yearText) else {
            throw ValidationError(
                field: "round",
                message: "round \(trimmed.quotedForMessage) has year \(yearText.quotedForMessage); expected a 4-digit year from 2000 to 2100, e.g. \(scheme)/2021")
        }
        try self.init(scheme: scheme, year: year)
    }

    /// "JS/2021".
    public var description: String { "\(scheme)/\(year)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.scheme.value, lhs.year) < (rhs.scheme.value, rhs.year)
    }
}

extension RoundKey: Codable {
    /// Encoded as "JS/2021".
    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
