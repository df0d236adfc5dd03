import XCTest
import VisageNN

/// A direct (slow) convolution used as the oracle.
func naiveConv(_ x: Tensor, _ w: Tensor, _ b: Tensor?, sy: Int, sx: Int, pad: Padding) -> Tensor {
    let (n, ci, h, wd) = (x.n, x.c, x.h, x.w)
    let (co, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
    let ho = (h + pad.top + pad.bottom - kh) / sy + 1
    let wo = (wd + pad.left + pad.right - kw) / sx + 1
    var out = Tensor(shape: [n, co, ho, wo])
    for s in 0..<n { for o in 0..<co { for oy in 0..<ho { for ox in 0..<wo {
        var acc: Double = Double(b?.storage[o] ?? 0)
        for c in 0..<ci { for ky in 0..<kh { for kx in 0..<kw {
            let iy = oy * sy - pad.top + ky, ix = ox * sx - pad.left + kx
            if iy >= 0 && iy < h && ix >= 0 && ix < wd {
                acc += Double(x[s, c, iy, ix]) * Double(w[o, c, ky, kx])
            }
        } } }
        out[s, o, oy, ox] = Float(acc)
    } } } }
    return out
}

/// A deterministic pseudo-random tensor in [-1, 1).
func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var state = seed &+ 0x9E3779B97F4A7C15
    let values = (0..<shape.reduce(1, *)).map { _ -> Float in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int(state >> 40) - (1 << 23)) / Float(1 << 23)
    }
    return Tensor(shape: shape, storage: values)
}

func assertClose(_ a: Tensor, _ b: Tensor, tol: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, file: file, line: line)
    guard a.shape == b.shape else { return }
    let diff = zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(diff, tol, "max abs diff \(diff)", file: file, line: line)
}

final class Conv2DTests: XCTestCase {
    func testHandComputed3x3() {
        // 1 channel 3×3 input, 2×2 kernel of ones, stride 1, no padding: window sums.
        let x = Tensor(shape: [1, 1, 3, 3], storage: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let w = Tensor(shape: [1, 1, 2, 2], repeating: 1)
        let y = Conv2D(weight: w, bias: Tensor(shape: [1], storage: [0.5])).forward(x)
        XCTAssertEqual(y.shape, [1, 1, 2, 2])
        XCTAssertEqual(y.storage, [12.5, 16.5, 24.5, 28.5])
    }

    func testMatchesNaiveAcrossGeometries() {
        let cases: [(k: Int, s: Int, pad: Padding, n: Int)] = [
            (1, 1, .zero, 1), (1, 1, .zero, 3), (3, 1, Padding(1), 2), (3, 2, .zero, 1),
            (5, 2, Padding(2), 3), (7, 2, Padding(3), 1), (3, 2, Padding(top: 0, bottom: 1, left: 0, right: 1), 2),
            (3, 1, Padding(top: 3, bottom: 4, left: 3, right: 4), 1), (2, 3, Padding(top: 2, bottom: 0, left: 1, right: 3), 2),
        ]
        for (i, c) in cases.enumerated() {
            let x = randomTensor([c.n, 3, 11, 9], seed: UInt64(i))
            let w = randomTensor([4, 3, c.k, c.k], seed: UInt64(100 + i))
            let b = randomTensor([4], seed: UInt64(200 + i))
            let conv = Conv2D(weight: w, bias: b, stride: (c.s, c.s), padding: .explicit(c.pad))
            assertClose(conv.forward(x), naiveConv(x, w, b, sy: c.s, sx: c.s, pad: c.pad), tol: 1e-4)
            XCTAssertEqual(conv.outputShape(for: x.shape), naiveConv(x, w, b, sy: c.s, sx: c.s, pad: c.pad).shape)
        }
    }

    func testLargePlanesInABatchMatchNaive() {
        // Planes of ≥ 256 outputs take one strided sgemm per sample (1×1 and 3×3).
        for (k, pad) in [(1, 0), (3, 1)] {
            let x = randomTensor([3, 4, 20, 18], seed: UInt64(k))
            let w = randomTensor([5, 4, k, k], seed: UInt64(10 + k))
            let conv = Conv2D(weight: w, padding: .explicit(Padding(pad)))
            assertClose(conv.forward(x), naiveConv(x, w, nil, sy: 1, sx: 1, pad: Padding(pad)), tol: 1e-4)
        }
    }

    func testSamePaddingMatchesTensorFlowRule() {
        // TF "same", stride 2 on an even size puts the extra row/column after.
        let p = PaddingMode.same.resolve(h: 8, w: 8, kh: 3, kw: 3, sy: 2, sx: 2)
        XCTAssertEqual(p, Padding(top: 0, bottom: 1, left: 0, right: 1))
        XCTAssertEqual(PaddingMode.same.resolve(h: 7, w: 7, kh: 3, kw: 3, sy: 1, sx: 1), Padding(1))
        let conv = Conv2D(weight: randomTensor([2, 1, 3, 3], seed: 9), stride: (2, 2), padding: .same)
        XCTAssertEqual(conv.outputShape(for: [1, 1, 8, 8]), [1, 2, 4, 4])
    }

    func testFusedReLUAndFoldedAffine() {
        let x = randomTensor([2, 2, 5, 5], seed: 1)
        let w = randomTensor([3, 2, 3, 3], seed: 2)
        let affine = ChannelAffine(scale: [2, -1, 0.5], shift: [0.1, 0.2, -0.3])
        let conv = Conv2D(weight: w, padding: .explicit(Padding(1)))
        let reference = ReLU().forward(affine.forward(conv.forward(x)))
        let fused = conv.folding(affine).with(activation: .relu).forward(x)
        assertClose(fused, reference, tol: 1e-5)
        XCTAssertTrue(fused.storage.allSatisfy { $0 >= 0 })
    }

    func testCountsMultiplyAddsAndParameters() {
        let conv = Conv2D(weight: Tensor(shape: [32, 3, 7, 7]), bias: Tensor(shape: [32]), stride: (2, 2))
        // dlib ResNet's first layer: 150×150 → 72×72, 24,385,536 multiply-adds.
        XCTAssertEqual(conv.multiplyAdds(for: [1, 3, 150, 150]), 24_385_536)
        XCTAssertEqual(conv.parameterCount, 32 * 3 * 49 + 32)
    }
}
