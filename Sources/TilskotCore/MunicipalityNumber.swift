/// A municipality number (kommunenummer): 4 digits with the leading zero kept ("0301" Oslo), the first
/// two of which are the county. Validated against the municipalities of the 2020–2023 and 2024
/// divisions.
public struct MunicipalityNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let code: String

    static let expected = "expected a 4-digit kommunenummer such as 0301 (Oslo)"

    /// Reads a municipality number that exists in `division`, or in either division when nil.
    public init(_ text: String, division: CountyDivision? = nil) throws(ValidationError) {
        let code = text.trimmedForInput
        func refuse(_ message: String) -> ValidationError {
            ValidationError(field: "municipality number", message: message)
        }
        guard !code.isEmpty else {
            throw refuse("municipality number is empty; \(Self.expected)")
        }
        guard code.isASCIIDigits else {
            throw refuse("municipality number \(code.quotedForMessage) must be 4 digits; \(Self.expected)")
        }
        guard code.count == 4 else {
            let hint = code.count == 3 ? ", leading zero included" : ""
            throw refuse("municipality number \(code) must have 4 digits\(hint); got \(code.count), \(Self.expected)")
        }
        if let division {
            guard Municipality.lookup(code, division: division) == nil else {
                self.code = code
                return
            }
            let other: CountyDivision = division == .division2020 ? .division2024 : .division2020
            if let found = Municipality.lookup(code, division: other) {
                let counterparts = division == .division2024
                    ? found.successors2024
                    : found.predecessor2020.map { [$0] } ?? []
                let list = counterparts.map { "\($0.code) (\($0.name))" }.joined(separator: " or ")
                throw refuse("municipality number \(code) (\(found.name)) does not exist in the \(division.label) division, only in the \(other.label) division; expected its \(division.label) number \(list)")
            }
            throw refuse("municipality number \(code) does not exist in the \(division.label) division; \(Self.expected)")
        }
        guard !CountyDivision.allCases.compactMap({ Municipality.lookup(code, division: $0) }).isEmpty else {
            throw refuse("municipality number \(code) does not exist in the 2020–2023 or 2024 division; \(Self.expected)")
        }
        self.code = code
    }

    /// The first two digits: the county's number.
    public var countyCode: String { String(code.prefix(2)) }

    /// The municipality with this number in `division`, if it exists there.
    public func municipality(in division: CountyDivision) -> Municipality? {
        Municipality.lookup(code, division: division)
    }

    /// The county of this number in `division`, if the number exists there.
    public func county(in division: CountyDivision) -> County? {
        municipality(in: division)?.county
    }

    /// The divisions in which this number exists.
    public var divisions: [CountyDivision] {
        CountyDivision.allCases.filter { municipality(in: $0) != nil }
    }

    public var description: String { code }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.code < rhs.code }
}

extension MunicipalityNumber: Codable {
    /// Encoded as the 4-digit string; decoding validates it against both divisions.
    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}
