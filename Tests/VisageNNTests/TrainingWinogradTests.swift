import XCTest
import VisageNN

/// Stride-1 3 × 3 convolutions under training on the batched Winograd kernel: forward pass,
/// input gradient and filter gradient equal the im2col/sgemm path, and the layer passes the
/// numerical gradient check on that path. (On a CPU without AVX2/FMA both paths are the sgemm
/// one, and the comparisons still hold.)
final class TrainingWinogradTests: XCTestCase {
    private func layer(_ o: Int, _ i: Int, padding: PaddingMode, winograd: Bool, seed: UInt64 = 5) -> Conv2D.Trainable {
        let t = Conv2D.Trainable(Conv2D(weight: randomTensor([o, i, 3, 3], seed: seed, range: 0.3),
                                        bias: randomTensor([o], seed: seed + 1), padding: padding),
                                 weightKey: "w", biasKey: "b")
        t.usesWinograd = winograd
        return t
    }

    private func assertClose(_ a: [Float], _ b: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        let scale = max(b.map(abs).max() ?? 0, 1)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst / scale, 2e-5, "\(what): largest difference \(worst) at scale \(scale)", file: file, line: line)
    }

    /// Runs one training pass through both paths and compares everything they produce.
    private func assertPathsAgree(o: Int, i: Int, input: [Int], padding: PaddingMode,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let fast = layer(o, i, padding: padding, winograd: true), reference = layer(o, i, padding: padding, winograd: false)
        let x = randomTensor(input, seed: 21)
        let (y, yRef) = (fast.forward(x, mode: .training), reference.forward(x, mode: .training))
        XCTAssertEqual(y.shape, yRef.shape, file: file, line: line)
        assertClose(y.storage, yRef.storage, "forward", file: file, line: line)
        let dy = randomTensor(y.shape, seed: 22)
        let (dx, dxRef) = (fast.backward(dy), reference.backward(dy))
        XCTAssertEqual(dx.shape, x.shape, file: file, line: line)
        assertClose(dx.storage, dxRef.storage, "input gradient", file: file, line: line)
        assertClose(fast.weight.gradient.storage, reference.weight.gradient.storage, "filter gradient", file: file, line: line)
        assertClose(fast.bias!.gradient.storage, reference.bias!.gradient.storage, "bias gradient", file: file, line: line)
    }

    func testSamePaddingMatchesTheSgemmPath() throws {
        // 64 tiles: forward and input gradient both take the kernel.
        try assertPathsAgree(o: 20, i: 16, input: [4, 16, 8, 8], padding: .explicit(Padding(1)))
    }

    func testValidPaddingAndOddPlanesMatchTheSgemmPath() throws {
        // Valid padding: the input gradient is padded by two; odd sizes leave half tiles at the edges.
        try assertPathsAgree(o: 16, i: 24, input: [3, 24, 11, 9], padding: .explicit(.zero))
        // Rows of 18 tiles: the filter gradient's eight-tile vector paths and the scalar edges.
        try assertPathsAgree(o: 16, i: 16, input: [2, 16, 7, 37], padding: .explicit(.zero))
    }

    func testAsymmetricPaddingMatchesTheSgemmPath() throws {
        try assertPathsAgree(o: 16, i: 16, input: [2, 16, 10, 13],
                             padding: .explicit(Padding(top: 0, bottom: 2, left: 2, right: 0)))
    }

    func testFilterGradientOverSeveralChunksMatchesTheSgemmPath() throws {
        // 3 × 40 × 45 = 5,400 tiles: more than one chunk of 2²¹ / (16 · 32) = 4,096 for 16 + 16
        // channels, the second starting inside a sample.
        try assertPathsAgree(o: 16, i: 16, input: [3, 16, 80, 90], padding: .explicit(Padding(1)))
    }

    func testLayersThatDoNotQualifyKeepTheSgemmPath() throws {
        // Too few channels for the kernel, and too few tiles: the two paths are the same code.
        try assertPathsAgree(o: 8, i: 4, input: [2, 4, 8, 8], padding: .explicit(Padding(1)))
        try assertPathsAgree(o: 16, i: 16, input: [1, 16, 4, 4], padding: .explicit(Padding(1)))
    }

    func testTheWinogradPathPassesTheGradientCheck() {
        // 2 samples × 16 tiles = 32 tiles, 16 channels each way: both directions on the kernel.
        assertGradients(layer(16, 16, padding: .explicit(Padding(1)), winograd: true, seed: 9),
                        randomTensor([2, 16, 8, 8], seed: 23))
    }
}
