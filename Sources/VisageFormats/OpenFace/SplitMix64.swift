/// The SplitMix64 generator (Steele, Lea and Flood), integer arithmetic only, so every platform
/// produces the same stream. Used for the documented deterministic fill of missing OpenFace kernels.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The current state; each call to ``next()`` advances it by the golden-ratio increment.
    public private(set) var state: UInt64

    /// Creates a generator.
    /// - Parameter seed: the initial state.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64-bit output (for seed 0 the first output is 0xE220A8397B1DCDAF).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The "splitmix" fill mode of the reference data (`reference/README.md`): pseudo-random but
/// documented and bit-exact stand-ins for weight files that are not available.
public enum DeterministicFill {
    /// The seed of a layer's fill: zlib's CRC-32 of its ASCII name (without the `_w` suffix).
    /// - Parameter layerName: e.g. `"inception_3c_3x3_conv2"`.
    public static func seed(forLayer layerName: String) -> UInt64 {
        UInt64(CRC32.checksum(layerName))
    }

    /// `count` values uniform on [-1/16, 1/16): each is the top 24 bits of a SplitMix64 output,
    /// minus 2^23, times 2^-27 (exact in Float).
    /// - Parameters:
    ///   - seed: the generator's initial state, usually ``seed(forLayer:)``.
    ///   - count: how many values.
    public static func values(seed: UInt64, count: Int) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                buffer[i] = Float(Int(generator.next() >> 40) - 8_388_608) * 0x1p-27
            }
            initialized = count
        }
    }
}
