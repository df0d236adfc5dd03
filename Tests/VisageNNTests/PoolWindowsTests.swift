import VisageNN
import XCTest

/// `Pool2D.forward` on planes wide enough for the eight-column vector path, against a direct
/// evaluation of the definition (windows clipped to the image; max ignores padding; average
/// divides by the in-image count or by the whole window). Average pooling must be bit-identical
/// (the same additions in the same order); max pooling too.
final class PoolWindowsTests: XCTestCase {
    private func reference(_ x: Tensor, kind: Pool2D.Kind, k: (Int, Int), s: (Int, Int), pad: Padding,
                           shape: [Int]) -> [Float] {
        let (ho, wo) = (shape[2], shape[3])
        var out = [Float]()
        for plane in 0..<(x.n * x.c) {
            for oy in 0..<ho {
                for ox in 0..<wo {
                    let y0 = oy * s.0 - pad.top, x0 = ox * s.1 - pad.left
                    var m = -Float.infinity, sum: Float = 0, count = 0
                    for yy in max(y0, 0)..<max(y0, 0, min(y0 + k.0, x.h)) {
                        for xx in max(x0, 0)..<max(x0, 0, min(x0 + k.1, x.w)) {
                            let v = x.storage[(plane * x.h + yy) * x.w + xx]
                            m = max(m, v)
                            sum += v
                            count += 1
                        }
                    }
                    switch kind {
                    case .max: out.append(count > 0 ? m : 0)
                    case .average(let countsPadding):
                        out.append(count > 0 ? sum / Float(countsPadding ? k.0 * k.1 : count) : 0)
                    }
                }
            }
        }
        return out
    }

    private func check(_ kind: Pool2D.Kind, k: (Int, Int), s: (Int, Int), pad: Padding, ceil: Bool = false,
                       input: [Int], file: StaticString = #filePath, line: UInt = #line) {
        let pool = Pool2D(kind, kernel: k, stride: s, padding: .explicit(pad), ceilMode: ceil)
        let x = randomTensor(input, seed: 31)
        let y = pool.forward(x)
        XCTAssertEqual(y.storage, reference(x, kind: kind, k: k, s: s, pad: pad, shape: y.shape),
                       "\(kind) \(k) stride \(s) pad \(pad) on \(input)", file: file, line: line)
    }

    func testMaxPoolingOnWidePlanes() {
        check(.max, k: (3, 3), s: (2, 2), pad: .zero, ceil: true, input: [2, 3, 48, 48])  // NN4's first pool
        check(.max, k: (3, 3), s: (1, 1), pad: Padding(1), input: [1, 4, 12, 12])
        check(.max, k: (3, 3), s: (2, 2), pad: Padding(top: 0, bottom: 1, left: 0, right: 1), input: [1, 2, 35, 37])
        check(.max, k: (2, 2), s: (2, 2), pad: .zero, input: [1, 2, 40, 41])
        check(.max, k: (3, 3), s: (3, 3), pad: .zero, input: [1, 2, 30, 30])  // stride 3: scalar only
    }

    func testAveragePoolingOnWidePlanes() {
        check(.average(countsPadding: false), k: (3, 3), s: (1, 1), pad: Padding(1), input: [1, 3, 12, 29])
        check(.average(countsPadding: true), k: (3, 3), s: (1, 1), pad: Padding(1), input: [1, 3, 12, 29])
        check(.average(countsPadding: false), k: (3, 3), s: (2, 2), pad: Padding(1), input: [2, 2, 24, 40])
        check(.average(countsPadding: false), k: (3, 3), s: (1, 1), pad: .zero, input: [1, 2, 3, 3])
    }

    /// Output rows of at most 32 columns take the padded-row path: NN4.small2's inception pools
    /// (12 × 12 down to 3 × 3, strides 1–3, asymmetric padding), a partial last group of eight,
    /// and windows wholly in the padding (output 0).
    func testNarrowPlanesThroughPaddedRows() {
        for kind in [Pool2D.Kind.max, .average(countsPadding: false), .average(countsPadding: true)] {
            check(kind, k: (3, 3), s: (1, 1), pad: Padding(1), input: [2, 3, 12, 12])
            check(kind, k: (3, 3), s: (2, 2), pad: .zero, input: [1, 4, 12, 12])
            check(kind, k: (3, 3), s: (3, 3), pad: .zero, input: [2, 2, 12, 12])
            check(kind, k: (3, 3), s: (2, 2), pad: Padding(top: 0, bottom: 1, left: 0, right: 1), input: [1, 3, 6, 6])
            check(kind, k: (3, 3), s: (1, 1), pad: Padding(1), input: [3, 2, 3, 3])
            check(kind, k: (2, 2), s: (2, 2), pad: Padding(3), input: [1, 2, 5, 7])  // windows in the padding
            check(kind, k: (3, 3), s: (2, 2), pad: Padding(1), ceil: true, input: [1, 2, 47, 61])
        }
        XCTAssertEqual(Pool2D.max(3, stride: 2).forward(randomTensor([1, 1, 64, 64], seed: 2)).shape, [1, 1, 31, 31])
    }
}
