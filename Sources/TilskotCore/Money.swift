/// An amount of Norwegian money, held as whole øre in a 64-bit integer: never floating point, so sums
/// over a million applications are exact.
///
/// Parsing (`Money.parse`) is in Money+Parsing.swift, the Norwegian renderings in Money+Formatting.swift.
/// Arithmetic traps on Int64 overflow like Int64 itself: ±92 233 720 368 547 758 kr is far above any
/// budget, so reaching it is a programming error, not bad input.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The amount in øre (1 krone = 100 øre).
    public var ore: Int64

    public init(ore: Int64) {
        self.ore = ore
    }

    /// Whole kroner. Traps if `kroner × 100` does not fit in Int64 (beyond ±92 quadrillion kroner).
    public init(kroner: Int64) {
        self.ore = kroner * 100
    }

    public static let zero = Money(ore: 0)

    public var isNegative: Bool { ore < 0 }
    public var isZero: Bool { ore == 0 }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.ore < rhs.ore }

    public static func + (lhs: Money, rhs: Money) -> Money { Money(ore: lhs.ore + rhs.ore) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(ore: lhs.ore - rhs.ore) }
    public static prefix func - (amount: Money) -> Money { Money(ore: -amount.ore) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.ore += rhs.ore }
    public static func -= (lhs: inout Money, rhs: Money) { lhs.ore -= rhs.ore }

    /// "3 400 000 kr": the form a caseworker reads.
    public var description: String { formattedKroner }
}

extension Money: Codable {
    /// Encoded as the bare number of øre, the unit every JSON key `…_ore` of the CLI contract uses.
    public init(from decoder: any Decoder) throws {
        self.ore = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(ore)
    }
}

extension Sequence where Element == Money {
    /// The sum of the amounts (`.zero` for none).
    public func sum() -> Money { reduce(.zero, +) }
}
