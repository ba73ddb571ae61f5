import Foundation
import Logging

/// Log lines as JSON objects, one a line on stderr: time, level, message, label and metadata
/// (the request id among it).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        FileHandle.standardError.write(Data(line(for: event, at: Self.now()).utf8))
    }

    /// The event's line: the handler's metadata, then the event's (which wins for the same key),
    /// then time, level, message and label, which no metadata can replace — a value given by a
    /// request (a path, a header) never passes for the line's own fields.
    func line(for event: LogEvent, at time: String) -> String {
        var fields: [String: Logger.Metadata.Value] = metadata
        for (key, value) in event.metadata ?? [:] { fields[key] = value }
        fields["time"] = .string(time)
        fields["level"] = .string(event.level.rawValue)
        fields["message"] = .string(event.message.description)
        fields["label"] = .string(label)
        var line = ""
        line.reserveCapacity(256)
        Self.write(.dictionary(fields), to: &line)
        line.append("\n")
        return line
    }

    /// The time in UTC to the second, as ISO 8601 (2026-12-05T18:44:20Z).
    static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// A metadata value as JSON: strings escaped (RFC 8259 § 7), objects with their keys sorted. Written
    /// by hand, because a log line per request through JSONSerialization cost about a tenth of a
    /// decision's CPU in the server (docs/performance.md).
    static func write(_ value: Logger.Metadata.Value, to out: inout String) {
        switch value {
        case .string(let s): writeString(s, to: &out)
        case .stringConvertible(let s): writeString(s.description, to: &out)
        case .array(let items):
            out.append("[")
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(",") }
                write(item, to: &out)
            }
            out.append("]")
        case .dictionary(let object):
            out.append("{")
            for (n, key) in object.keys.sorted().enumerated() {
                if n > 0 { out.append(",") }
                writeString(key, to: &out)
                out.append(":")
                write(object[key]!, to: &out)
            }
            out.append("}")
        }
    }

    static func writeString(_ s: String, to out: inout String) {
        out.append("\"")
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }
}
