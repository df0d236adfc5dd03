/// The 32-bit Mersenne Twister MT19937 (Matsumoto & Nishimura 1998), bit-identical to C++
/// `std::mt19937` and Boost's `mt19937`.
public struct MersenneTwister: Sendable {
    private var state: [UInt32]
    private var index: Int

    /// Seeds the generator (5489 is the standard default seed).
    public init(seed: UInt32 = 5489) {
        var state = [UInt32](repeating: 0, count: 624)
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        self.state = state
        self.index = 624
    }

    /// The next 32-bit output.
    public mutating func next() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            var next = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { next ^= 0x9908_B0DF }
            state[i] = next
        }
        index = 0
    }
}

/// dlib's `dlib::rand` with its default state: MT19937 seeded with 5489, the first 10,000
/// outputs discarded. Used by `Image.jittered(using:)` to reproduce dlib's
/// `jitter_image` pixel for pixel; the state carries across calls, as in dlib.
public struct DlibRandom: Sendable {
    private var twister: MersenneTwister

    /// A generator in dlib's default state.
    public init() {
        twister = MersenneTwister(seed: 5489)
        for _ in 0..<10_000 { _ = twister.next() }
    }

    /// The next raw 32-bit output (`get_random_32bit_number`).
    public mutating func nextUInt32() -> UInt32 { twister.next() }

    /// A double in [0, 1) from two outputs (`get_random_double`): 48 random bits divided by
    /// `2^48 − 1 + 0.05`, and `1 − 2⁻⁵²` if that rounds to 1.
    public mutating func nextDouble() -> Double {
        let high = Double(twister.next() & 0xFF_FFFF)
        let low = Double(twister.next() & 0xFF_FFFF)
        let value = (high * 16_777_216 + low) / (281_474_976_710_655 + 0.05)
        return value < 1 ? value : 1 - Double.ulpOfOne
    }

    /// `begin + nextDouble() · (end − begin)` (`get_double_in_range`).
    public mutating func nextDouble(in begin: Double, _ end: Double) -> Double {
        begin + nextDouble() * (end - begin)
    }
}
