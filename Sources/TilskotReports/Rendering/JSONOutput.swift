import Foundation

/// The one JSON writer of tilskot: Codable values through JSONEncoder, keys sorted, two-space
/// pretty printing, "/" left unescaped. Every `--format json`, `application show --format json` and
/// the 360Giving package are written here, so quoting and escaping (RFC 8259) are JSONEncoder's,
/// and the same value prints the same bytes on every run and platform.
///
/// Keys are sorted, not in column order: the CLI contract (design.md) fixes the names of the keys,
/// not their order, and a JSON object has none.
public enum JSONOutput {
    /// A new encoder with tilskot's settings (JSONEncoder is not Sendable, so one per use).
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }

    /// `value` as JSON text, without a final newline. Every value tilskot encodes is encodable
    /// (no non-finite doubles reach here: `DataTable` writes them as null), so a failure is a
    /// programming error.
    ///
    /// An empty array or object is written `[]` / `{}`, as scripts compare it (a list with no rows
    /// prints `[]`); JSONEncoder's pretty printer would put a blank line inside. A line break in
    /// JSON text only ever stands between tokens (strings escape theirs), so this touches nothing
    /// but empty containers.
    public static func text(_ value: some Encodable) -> String {
        let text: String
        do {
            text = String(decoding: try encoder().encode(value), as: UTF8.self)
        } catch {
            preconditionFailure("JSONOutput: a value that JSONEncoder cannot encode: \(error)")
        }
        guard text.contains("\n\n") else { return text }
        return text.replacing(emptyContainer) { $0.output.1 + $0.output.2 }
    }

    /// A JSON document written elsewhere (the database's case document, tilskot.application_case) in
    /// the same form as every other JSON output: keys sorted, pretty printed. Nil when `data` is not
    /// JSON.
    public static func text(document data: Data) -> String? {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else { return nil }
        return text(value)
    }

    /// `[`, a blank line, `]` (or the same for `{ }`), with the indentation between.
    nonisolated(unsafe) static let emptyContainer = /([\[{])\n *\n *([\]}])/
}

/// An optional that is written as JSON `null` when absent, instead of leaving its key out as
/// synthesized `Encodable` does: the keys of the CLI contract are present in every object.
@propertyWrapper
public struct NullWhenAbsent<Value: Encodable & Sendable>: Encodable, Sendable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

/// Any JSON value, to read a document and write it again as tilskot writes JSON. Integers stay
/// integers (øre, ids); a number with a fraction is a Double.
public indirect enum JSONValue: Codable, Sendable, Equatable {
    case null, bool(Bool), integer(Int64), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
