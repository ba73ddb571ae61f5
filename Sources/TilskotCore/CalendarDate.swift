import Foundation

/// A date without a time of day: when an application was received, a round opens, a decision was made.
///
/// Written as `YYYY-MM-DD` (ISO 8601), the form PostgreSQL's `date` type prints; read as that or as
/// the Norwegian `DD.MM.YYYY` (`init(_:field:)`).
/// Arithmetic is on the proleptic Gregorian calendar, with no time zones involved.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The years `init(_:field:)` accepts: a grant system's dates are never outside them, so a year
    /// like 0221 or 2201 is a typing error.
    public static let acceptedYears = 2000...2100

    /// A real calendar date, or nil (e.g. 2021-02-30). Years 1…9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads a date as people and spreadsheets write it: `YYYY-MM-DD` (ISO 8601, e.g. 2021-03-21) or
    /// the Norwegian `DD.MM.YYYY` (21.03.2021; day and month may have one digit, 1.2.2021), with a
    /// year from 2000 to 2100.
    ///
    /// This is the one parser of dates: the CLI's options and `application import`'s received column
    /// both read with it (Sources/TilskotStore/Import/ApplicationImport.swift says why the import
    /// parses in Swift), so they accept the same forms and refuse with the same sentence.
    ///
    /// - Parameter field: what the date is, for the message ("received date", "opens").
    public init(_ text: String, field: String = "date") throws(ValidationError) {
        let trimmed = text.trimmedForInput
        guard let (year, month, day) = Self.fields(Array(trimmed.unicodeScalars)) else {
            throw ValidationError(
                field: field,
                message: "\(field) \(trimmed.quotedForMessage) is not in the right form; expected YYYY-MM-DD or DD.MM.YYYY, e.g. 2021-03-21 or 21.03.2021")
        }
        guard Self.acceptedYears.contains(year) else {
            throw ValidationError(
                field: field,
                message: "\(field) \(trimmed) is out of range; expected a year from \(Self.acceptedYears.lowerBound) to \(Self.acceptedYears.upperBound)")
        }
        guard (1...12).contains(month) else {
            throw ValidationError(
                field: field, message: "\(field) \(trimmed) does not exist: a year has months 01 to 12")
        }
        let length = Self.daysIn(month: month, year: year)
        guard (1...length).contains(day) else {
            throw ValidationError(
                field: field,
                message: "\(field) \(trimmed) does not exist: \(Self.monthNames[month - 1]) \(year) has \(length) days")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Year, month and day of `YYYY-MM-DD` or `D.M.YYYY`/`DD.MM.YYYY` (ASCII digits only), unchecked;
    /// nil for any other form.
    private static func fields(_ scalars: [Unicode.Scalar]) -> (Int, Int, Int)? {
        func number(_ part: ArraySlice<Unicode.Scalar>) -> Int {
            part.reduce(0) { $0 * 10 + Int($1.value) - 48 }
        }
        if scalars.count == 10, scalars[4] == "-", scalars[7] == "-",
           [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy({ scalars[$0].isASCIIDigit }) {
            return (number(scalars[0..<4]), number(scalars[5..<7]), number(scalars[8..<10]))
        }
        let parts = scalars.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count), parts[2].count == 4,
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) })
        else { return nil }
        return (number(parts[2]), number(parts[1]), number(parts[0]))
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// "2021-03-21".
    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    // MARK: Arithmetic

    /// Days since 1970-01-01 (negative before), the count PostgreSQL and Unix time use.
    /// Howard Hinnant's days_from_civil: exact for every Gregorian date, no tables.
    public var daysSince1970: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` days after 1970-01-01 (civil_from_days). Traps outside years 1…9999.
    public init(daysSince1970 days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        guard let date = CalendarDate(year: year, month: month, day: day) else {
            preconditionFailure("day \(days) since 1970 is outside the years 1…9999")
        }
        self = date
    }

    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSince1970: daysSince1970 + days)
    }

    /// The same day `months` months later (or earlier), clamped to the end of a shorter month:
    /// 2021-01-31 + 1 month = 2021-02-28.
    public func adding(months: Int) -> CalendarDate {
        let monthIndex = year * 12 + (month - 1) + months
        let (newYear, newMonth) = (monthIndex / 12, monthIndex % 12 + 1)
        let newDay = min(day, Self.daysIn(month: newMonth, year: newYear))
        guard let date = CalendarDate(year: newYear, month: newMonth, day: newDay) else {
            preconditionFailure("\(self) + \(months) months is outside the years 1…9999")
        }
        return date
    }

    /// Days from this date to `other`: positive when `other` is later. 2021-03-01 → 2021-03-22 is 21.
    public func days(until other: CalendarDate) -> Int {
        other.daysSince1970 - daysSince1970
    }

    // MARK: Foundation

    /// Today's date in UTC. Not the day a case's dates default to: that is the installation's
    /// (Session.today(), tilskot.today()), which differs between midnight in Oslo and midnight UTC.
    public static func today() -> CalendarDate {
        CalendarDate(Date())
    }

    /// The UTC calendar day of an instant.
    public init(_ instant: Date) {
        let seconds = instant.timeIntervalSince1970
        self.init(daysSince1970: Int((seconds / 86_400).rounded(.down)))
    }

    /// Midnight UTC at the start of this date.
    public var startOfDayUTC: Date {
        Date(timeIntervalSince1970: TimeInterval(daysSince1970) * 86_400)
    }
}

extension CalendarDate: Codable {
    /// Encoded as "YYYY-MM-DD".
    public init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
