/// A tiny seeded generator (xorshift64) for tests that make a random mix of steps, so that a
/// failing mix can be run again exactly as it was. (DevData's SeededRandom makes the synthetic
/// data set; this one only has to be small and the same on every machine.)
public struct TestRandom {
    private var state: UInt64

    public init(seed: UInt64) { state = seed == 0 ? 1 : seed }

    public mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    /// 0 ..< n.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
