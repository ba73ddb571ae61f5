import Foundation

/// A value that can travel as a bound parameter. Parameters are sent in PostgreSQL's text format,
/// separately from the SQL text, so no value is ever spliced into a statement.
public protocol SQLParameter: Sendable {
    /// The text form PostgreSQL parses for the parameter's type; nil means SQL NULL.
    var sqlText: String? { get }
}

extension String: SQLParameter { public var sqlText: String? { self } }
extension Substring: SQLParameter { public var sqlText: String? { String(self) } }
extension Int: SQLParameter { public var sqlText: String? { String(self) } }
extension Int32: SQLParameter { public var sqlText: String? { String(self) } }
extension Int64: SQLParameter { public var sqlText: String? { String(self) } }
extension Double: SQLParameter { public var sqlText: String? { String(self) } }
extension Bool: SQLParameter { public var sqlText: String? { self ? "true" : "false" } }
extension Decimal: SQLParameter { public var sqlText: String? { "\(self)" } }
extension Date: SQLParameter {
    public var sqlText: String? { PGTimestamp.format(self) }
}
extension Optional: SQLParameter where Wrapped: SQLParameter {
    public var sqlText: String? { self?.sqlText }
}
extension Array: SQLParameter where Element: SQLParameter {
    /// A one-dimensional PostgreSQL array literal with every element quoted.
    public var sqlText: String? {
        let items = map { element -> String in
            guard let text = element.sqlText else { return "NULL" }
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        return "{" + items.joined(separator: ",") + "}"
    }
}

/// A type that can be read from a column's text form.
public protocol SQLDecodable {
    static func decode(sqlText: String) -> Self?
}

extension String: SQLDecodable { public static func decode(sqlText: String) -> String? { sqlText } }
extension Int: SQLDecodable { public static func decode(sqlText: String) -> Int? { Int(sqlText) } }
extension Int32: SQLDecodable { public static func decode(sqlText: String) -> Int32? { Int32(sqlText) } }
extension Int64: SQLDecodable { public static func decode(sqlText: String) -> Int64? { Int64(sqlText) } }
extension Double: SQLDecodable { public static func decode(sqlText: String) -> Double? { Double(sqlText) } }
extension Bool: SQLDecodable {
    public static func decode(sqlText: String) -> Bool? {
        switch sqlText {
        case "t", "true": return true
        case "f", "false": return false
        default: return nil
        }
    }
}
extension Decimal: SQLDecodable {
    public static func decode(sqlText: String) -> Decimal? { Decimal(string: sqlText, locale: Locale(identifier: "en_US_POSIX")) }
}
extension Date: SQLDecodable {
    public static func decode(sqlText: String) -> Date? { PGTimestamp.parse(sqlText) }
}

/// Timestamps in the ISO form the server prints with `DateStyle = ISO` and `TimeZone = UTC`,
/// which every connection of ours sets on open.
enum PGTimestamp {
    static func format(_ date: Date) -> String {
        var formatter = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        formatter.timeZone = TimeZone(identifier: "UTC")!
        return date.formatted(formatter)
    }

    static func parse(_ text: String) -> Date? {
        if let date = parseUTC(text) { return date }
        return parseISO(text)
    }

    /// The forms our connections get ("2021-03-01", "2021-03-01 12:00:00+00", "2021-03-01
    /// 12:00:00.123456+00"), read by hand: the same instant as parseISO (milliseconds, the rest of the
    /// fraction cut), at a small part of its cost — the server reads a timestamp or two per request.
    /// Anything else (another offset, a year outside 0001–9999) is nil, for parseISO.
    static func parseUTC(_ text: String) -> Date? {
        var utf8 = text.utf8[...]
        func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let c = utf8.first, c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
                utf8 = utf8.dropFirst()
            }
            return value
        }
        func skip(_ expected: UInt8) -> Bool {
            guard utf8.first == expected else { return false }
            utf8 = utf8.dropFirst()
            return true
        }
        guard let year = digits(4), year >= 1, skip(45), let month = digits(2), (1...12).contains(month), skip(45),
              let day = digits(2), (1...31).contains(day) else { return nil }
        var seconds = 0, milliseconds = 0
        if !utf8.isEmpty {
            guard skip(32) || skip(84), let hour = digits(2), hour < 24, skip(58), let minute = digits(2), minute < 60, skip(58),
                  let second = digits(2), second < 60 else { return nil }
            seconds = hour * 3600 + minute * 60 + second
            if skip(46) {
                var scale = 100
                while let c = utf8.first, c >= 48, c <= 57 {
                    milliseconds += Int(c - 48) * scale
                    scale /= 10
                    utf8 = utf8.dropFirst()
                }
            }
            let zone = String(Substring(utf8))
            guard zone == "+00" || zone == "Z" || zone == "+00:00" else { return nil }
        }
        // Days since 1970-01-01 of the proleptic Gregorian date (H. Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = y / 400, yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 + seconds) + Double(milliseconds) / 1000)
    }

    static func parseISO(_ text: String) -> Date? {
        // "2021-03-01" (date), "2021-03-01 12:00:00+00", "2021-03-01 12:00:00.123456+00"
        if text.count == 10 {
            return try? Date("\(text)T00:00:00Z", strategy: .iso8601)
        }
        var iso = text.replacingOccurrences(of: " ", with: "T")
        if iso.hasSuffix("+00") { iso.removeLast(3); iso += "Z" }
        if let dot = iso.firstIndex(of: "."), let zone = iso.lastIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }), zone > dot {
            // Keep three fraction digits: the ISO parser takes milliseconds.
            let fraction = iso[iso.index(after: dot)..<zone]
            let ms = String(fraction.prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0)
            iso = String(iso[..<dot]) + "." + ms + String(iso[zone...])
            return try? Date(iso, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        }
        return try? Date(iso, strategy: .iso8601)
    }
}
