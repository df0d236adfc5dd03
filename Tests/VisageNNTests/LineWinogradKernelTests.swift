import CVisageKernels
import XCTest
import VisageNN

/// ``LineWinogradKernel`` (F(2, 7), CVisageKernels/winograd_line.c) against a double-precision
/// convolution: 1 × 7 and 7 × 1 filters on planes from 1 × 1 to 17 × 13 (lines across fewer than,
/// exactly and more than one vector of eight, odd and even output lengths), one and three samples,
/// "same", valid and asymmetric padding along the line, bias and ReLU, output channels split by
/// tiles or by channels between the threads, and in AVX2 as well as AVX-512 products.
final class LineWinogradKernelTests: XCTestCase {
    private var state: UInt64 = 5

    private func random() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int((state >> 40) % 2001) - 1000) / 1000
    }

    /// Convolves random CNHW data with `pad` zeros before and `after` zeros after each line and
    /// compares every output with the plain sum.
    private func check(vertical: Bool, samples n: Int, channels c: Int, outChannels k: Int, height h: Int,
                       width w: Int, pad: Int, after: Int, relu: Bool, allowsAVX512: Bool,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let along = vertical ? h : w
        let length = along + pad + after - 6
        guard length > 0 else { return }
        let input = (0..<(c * n * h * w)).map { _ in random() }
        let weight = Tensor(shape: vertical ? [k, c, 7, 1] : [k, c, 1, 7], storage: (0..<(k * c * 7)).map { _ in random() * 0.3 })
        let bias = Tensor(shape: [k], storage: (0..<k).map { _ in random() })
        let padding = vertical ? Padding(top: pad, bottom: after, left: 0, right: 0)
            : Padding(top: 0, bottom: 0, left: pad, right: after)
        let conv = Conv2D(weight: weight, bias: bias, padding: .explicit(padding), activation: relu ? .relu : .identity)
        let kernel = try XCTUnwrap(LineWinogradKernel(conv, allowsAVX512: allowsAVX512),
                                   "the kernel needs AVX2 and FMA", file: file, line: line)
        XCTAssertTrue(kernel.accepts(padding), file: file, line: line)
        XCTAssertFalse(kernel.accepts(Padding(1)), file: file, line: line)
        let (ho, wo) = vertical ? (length, w) : (h, length)
        var out = [Float](repeating: .nan, count: k * n * ho * wo)
        input.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                kernel.run(src.baseAddress!, n: n, h: h, w: w, pad: pad, length: length, out: dst.baseAddress!,
                           pool: BufferPool())
            }
        }
        var worst = 0.0
        for o in 0..<k {
            for s in 0..<n {
                for y in 0..<ho {
                    for x in 0..<wo {
                        var sum = Double(bias.storage[o])
                        for ch in 0..<c {
                            for tap in 0..<7 {
                                let (iy, ix) = vertical ? (y - pad + tap, x) : (y, x - pad + tap)
                                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                sum += Double(weight.storage[(o * c + ch) * 7 + tap])
                                    * Double(input[((ch * n + s) * h + iy) * w + ix])
                            }
                        }
                        let want = relu ? max(sum, 0) : sum
                        let got = Double(out[((o * n + s) * ho + y) * wo + x])
                        worst = got.isNaN ? .infinity : max(worst, abs(got - want))
                    }
                }
            }
        }
        // Sums of up to 7 · 40 products of values below 1 and 0.3: float error below 1e-4 (Bᵀ
        // scales by up to 21/4); a wrong transform or a misplaced tile is off by the values' order.
        XCTAssertLessThan(worst, 1e-4, "\(vertical ? "7 × 1" : "1 × 7"): \(n) samples, \(c) → \(k) channels, "
                              + "\(h) × \(w), pad \(pad) + \(after), relu \(relu), AVX-512 allowed \(allowsAVX512)",
                          file: file, line: line)
    }

    func testEveryPlaneAndPaddingMatchesThePlainConvolution() throws {
        guard LineWinogradKernel.isAvailable else {
            return XCTFail("this CPU has no AVX2 + FMA: the kernel cannot be checked here")
        }
        for vertical in [false, true] {
            for (h, w) in [(8, 8), (1, 1), (3, 5), (9, 13), (17, 13)] {
                for (pad, after) in [(3, 3), (0, 0), (2, 4)] {
                    for allows in [true, false] {
                        try check(vertical: vertical, samples: 1, channels: 16, outChannels: 12, height: h, width: w,
                                  pad: pad, after: after, relu: pad == 3, allowsAVX512: allows)
                    }
                }
            }
            // Three samples (tiles split between the threads) and 20 output channels (a last
            // block of four without its AVX-512 pair); 40 channels on 8 × 8 split by channels.
            try check(vertical: vertical, samples: 3, channels: 19, outChannels: 20, height: 11, width: 10, pad: 3,
                      after: 3, relu: true, allowsAVX512: true)
            try check(vertical: vertical, samples: 1, channels: 40, outChannels: 36, height: 8, width: 8, pad: 3,
                      after: 3, relu: false, allowsAVX512: true)
        }
    }

    func testTakesOnlySevenTapLinesOfEnoughChannels() {
        func conv(_ o: Int, _ i: Int, _ kh: Int, _ kw: Int, stride: Int = 1, activation: Activation = .relu) -> Conv2D {
            Conv2D(weight: Tensor(shape: [o, i, kh, kw], repeating: 0.1), bias: nil, stride: (stride, stride),
                   padding: .same, activation: activation)
        }
        guard LineWinogradKernel.isAvailable else { return }
        XCTAssertNotNil(LineWinogradKernel(conv(128, 128, 1, 7)))
        XCTAssertNotNil(LineWinogradKernel(conv(128, 128, 7, 1)))
        XCTAssertNil(LineWinogradKernel(conv(128, 128, 1, 5)), "five taps")
        XCTAssertNil(LineWinogradKernel(conv(128, 128, 3, 3)), "a 3 × 3 filter")
        XCTAssertNil(LineWinogradKernel(conv(128, 128, 1, 7, stride: 2)), "stride 2")
        XCTAssertNil(LineWinogradKernel(conv(128, 8, 1, 7)), "too few input channels")
        XCTAssertNil(LineWinogradKernel(conv(126, 128, 1, 7)), "output channels not a multiple of four")
    }
}
