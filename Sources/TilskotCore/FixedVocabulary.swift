/// A closed list of values stored as text (a status, a kind, an outcome), read from user input with a
/// message that lists what is allowed.
public protocol FixedVocabulary: RawRepresentable, CaseIterable, Sendable, Hashable, Codable
where RawValue == String {
    /// What a value is, for messages: "applicant kind", "application status".
    static var vocabularyName: String { get }
}

extension FixedVocabulary {
    /// Reads a value: case-insensitive, and "-" or a space may stand for "_" ("in-review", "In review").
    public static func parse(_ text: String) throws(ValidationError) -> Self {
        let normalised = String(
            text.trimmedForInput.lowercased().map { $0 == "-" || $0 == " " ? "_" : $0 })
        if let value = Self(rawValue: normalised) { return value }
        throw ValidationError(
            field: vocabularyName,
            message: "\(vocabularyName) \(text.trimmedForInput.quotedForMessage) is not one of the allowed values; expected one of \(allowedValuesList)")
    }

    /// "municipality, county, voluntary, business, other".
    public static var allowedValuesList: String {
        allCases.map(\.rawValue).joined(separator: ", ")
    }
}
