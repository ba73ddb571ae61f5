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
