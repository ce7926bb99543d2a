/// Randomness that depends only on what it is asked about (seed, step, agent…),
/// never on how often it was asked before. A run rebuilt from its events (a fork)
/// therefore draws the same numbers as the original from then on.
public enum DeterministicRandom {
    /// SplitMix64's finaliser: a well-mixed 64-bit value from any input.
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public static func value(_ parts: UInt64...) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for part in parts { h = mix(h ^ part) }
        return h
    }

    /// A stable 64-bit hash of a string (FNV-1a), unlike `hashValue`, which changes per process.
    public static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return h
    }

    /// A value in 0..<bound from the given parts.
    public static func index(_ bound: Int, _ parts: UInt64...) -> Int {
        precondition(bound > 0)
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for part in parts { h = mix(h ^ part) }
        return Int(h % UInt64(bound))
    }
}

/// A seeded generator for code that wants a stream (SplitMix64).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return DeterministicRandom.mix(state &- 0x9E37_79B9_7F4A_7C15)
    }

    /// A uniform value in 0..<1 with 53 random bits.
    @inline(__always)
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
