import XCTest
import VisageNN

/// A seeded generator for reproducible test inputs (SplitMix64).
struct TestRandom: RandomNumberGenerator {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Inputs that keep clear of kinks: distinct values spaced 0.04 apart, none within 0.02 of 0,
/// in a random order (so ReLU signs and max-pool winners do not change under a ±0.01 nudge).
func kinkFreeInput(_ shape: [Int], seed: UInt64 = 7, scale: Float = 1) -> Tensor {
    let count = shape.reduce(1, *)
    var values = (0..<count).map { i -> Float in
        let v = Float(i - count / 2) * 0.04 + 0.02
        return v * scale
    }
    var rng = TestRandom(seed)
    values.shuffle(using: &rng)
    return Tensor(shape: shape, storage: values)
}

/// A random tensor with entries uniform in [−`range`, `range`].
func randomTensor(_ shape: [Int], seed: UInt64, range: Float = 1) -> Tensor {
    var rng = TestRandom(seed)
    return Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -range...range, using: &rng) })
}

/// Asserts that a layer passes the shared gradient check.
func assertGradients(_ layer: TrainableLayer, _ input: Tensor, tolerance: Float = 1e-2, step: Float = 1e-2,
                     file: StaticString = #filePath, line: UInt = #line) {
    let result = GradientCheck.check(layer, input: input, step: step)
    XCTAssertTrue(result.passes(tolerance: tolerance), "gradient check failed: \(result)", file: file, line: line)
    XCTAssertNotNil(result.errors["input"], "input gradient not checked", file: file, line: line)
}
