/// Which county division (fylkesinndeling) a municipality or county code belongs to.
///
/// Norway had 11 counties from 2020 to 2023 (among them 30 Viken, 38 Vestfold og Telemark, 54 Troms
/// og Finnmark) and 15 from 1 January 2024. Data from 2021 carries the old codes, so a report over
/// several years must say which division it uses. Source: SSB classifications 104 and 131.
public enum CountyDivision: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// 2020-01-01 to 2023-12-31.
    case division2020 = "2020"
    /// From 2024-01-01, still in force.
    case division2024 = "2024"

    /// "2020–2023" or "2024", as messages and report headings name the division.
    public var label: String {
        switch self {
        case .division2020: "2020–2023"
        case .division2024: "2024"
        }
    }

    public var description: String { label }

    public var validFrom: CalendarDate {
        switch self {
        case .division2020: CalendarDate(year: 2020, month: 1, day: 1)!
        case .division2024: CalendarDate(year: 2024, month: 1, day: 1)!
        }
    }

    /// The last day in force, or nil while still in force.
    public var validTo: CalendarDate? {
        switch self {
        case .division2020: CalendarDate(year: 2023, month: 12, day: 31)!
        case .division2024: nil
        }
    }

    /// The division in force in a year: 2020–2023 → `.division2020`, 2024 on → `.division2024`;
    /// nil before 2020 (the 19 counties of earlier years are not in the reference data).
    public static func inForce(year: Int) -> CountyDivision? {
        switch year {
        case ..<2020: nil
        case 2020...2023: .division2020
        default: .division2024
        }
    }

    public static func inForce(on date: CalendarDate) -> CountyDivision? {
        inForce(year: date.year)
    }

    /// Reads "2020", "2020-2023", "2020–2023" or "2024".
    public static func parse(_ text: String) throws(ValidationError) -> CountyDivision {
        switch text.trimmedForInput {
        case "2020", "2020-2023", "2020–2023": return .division2020
        case "2024": return .division2024
        case let other:
            throw ValidationError(
                field: "county division",
                message: "county division \(other.quotedForMessage) is not known; expected 2020 (the 2020–2023 division) or 2024")
        }
    }
}
