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
