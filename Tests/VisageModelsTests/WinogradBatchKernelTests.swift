import CVisageKernels
import XCTest

/// The batched Winograd F(2×2, 3×3) kernel (`visage_winograd_batch_avx2`, dlib's ResNet) against a
/// plain double-precision convolution: planes from 1 × 1 to 13 × 11 (tile groups inside one tile
/// row, across two rows, across three or more, partial last groups), several samples, "same" and
/// valid padding, tile and output-channel ranges split over separate calls, with and without ReLU;
/// `visage_winograd_batch_avx512` (eight output channels at a time) equal to it to the bit. The same
/// checks for F(4×4, 3×3) (`visage_winograd4_avx2`: 4 × 4 tiles, groups in one or two runs along
/// tile rows or gathered lane by lane, outputs clipped at every edge).
final class WinogradBatchKernelTests: XCTestCase {
    private var state: UInt64 = 7

    private func random() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int((state >> 40) % 2001) - 1000) / 1000
    }

    /// Runs one convolution in three calls (first half of the tiles for all output channels, then
    /// the rest for each half of the output channels) and compares every output.
    /// - Parameter tile: 2 for F(2×2, 3×3), 4 for F(4×4, 3×3).
    private func check(samples n: Int, channels c: Int, outChannels k: Int, height h: Int, width w: Int, pad: Int,
                       relu: Bool, tile: Int = 2, file: StaticString = #filePath, line: UInt = #line) {
        let ho = h + 2 * pad - 2, wo = w + 2 * pad - 2
        guard ho > 0, wo > 0 else { return }
        let input = (0..<(c * n * h * w)).map { _ in random() }  // CNHW
        let weight = (0..<(k * c * 9)).map { _ in random() * 0.3 }
        let bias = (0..<k).map { _ in random() }
        let tilesY = (ho + tile - 1) / tile, tilesX = (wo + tile - 1) / tile
        let hp = max(tile * tilesY + 2, h + pad), wp = max(tile * tilesX + 2, w + pad)
        var padded = [Float](repeating: .nan,
                             count: visage_winograd_batch_padded_count(Int32(c * n), Int32(hp), Int32(wp)))
        let half = (c * n) / 2
        visage_winograd_batch_pad(input, Int32(c * n), 0, Int32(half), Int32(h), Int32(w), Int32(pad), Int32(pad),
                                  Int32(hp), Int32(wp), &padded)
        visage_winograd_batch_pad(input, Int32(c * n), Int32(half), Int32(c * n), Int32(h), Int32(w), Int32(pad),
                                  Int32(pad), Int32(hp), Int32(wp), &padded)
        XCTAssertFalse(padded.contains { $0.isNaN }, "the padded copy leaves elements unwritten", file: file, line: line)
        let large = tile == 4
        var packed = [Float](repeating: 0, count: large ? visage_winograd4_packed_count(Int32(k), Int32(c))
                                 : visage_winograd_packed_count(Int32(k), Int32(c), 3))
        if large {
            visage_winograd4_pack_weights(weight, Int32(k), Int32(c), &packed)
        } else {
            visage_winograd_pack_weights(weight, Int32(k), Int32(c), 3, &packed)
        }
        var scratch = [Float](repeating: 0, count: large ? visage_winograd4_scratch_count(Int32(c))
                                  : visage_winograd_batch_scratch_count(Int32(c)))
        let tiles = n * tilesY * tilesX, middle = tiles / 2 / 8 * 8, kHalf = k / 8 * 4
        let kernels = large ? [visage_winograd4_avx2] : visage_cpu_has_avx512() == 1
            ? [visage_winograd_batch_avx2, visage_winograd_batch_avx512] : [visage_winograd_batch_avx2]
        let outputs = kernels.map { kernel in
            var out = [Float](repeating: .nan, count: k * n * ho * wo)
            for (tileRange, outRange) in [(0..<middle, 0..<k), (middle..<tiles, 0..<kHalf), (middle..<tiles, kHalf..<k)]
                where !tileRange.isEmpty && !outRange.isEmpty {
                kernel(padded, Int32(c), Int32(n), Int32(hp), Int32(wp), Int32(tilesY), Int32(tilesX), packed, bias,
                       relu ? 1 : 0, Int32(k), Int32(outRange.lowerBound), Int32(outRange.upperBound), &out, Int32(ho),
                       Int32(wo), tileRange.lowerBound, tileRange.upperBound, &scratch)
            }
            return out
        }
        let out = outputs[0]
        if outputs.count > 1 {
            XCTAssertTrue(zip(outputs[0], outputs[1]).allSatisfy { $0.bitPattern == $1.bitPattern },
                          "AVX-512 and AVX2 differ: \(n) samples, \(c) → \(k) channels, \(h) × \(w)", file: file, line: line)
        }
        var worst = 0.0
        for o in 0..<k {
            for s in 0..<n {
                for y in 0..<ho {
                    for x in 0..<wo {
                        var sum = Double(bias[o])
                        for ch in 0..<c {
                            for ky in 0..<3 {
                                for kx in 0..<3 {
                                    let iy = y - pad + ky, ix = x - pad + kx
                                    guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                    sum += Double(weight[((o * c + ch) * 3 + ky) * 3 + kx])
                                        * Double(input[((ch * n + s) * h + iy) * w + ix])
                                }
                            }
                        }
                        let want = relu ? max(sum, 0) : sum
                        let got = Double(out[((o * n + s) * ho + y) * wo + x])
                        worst = got.isNaN ? .infinity : max(worst, abs(got - want))
                    }
                }
            }
        }
        // F(4×4, 3×3)'s transforms scale by up to 5 (Bᵀ) and 8 (Aᵀ): its float error is a few times
        // F(2×2, 3×3)'s (up to 1.1e-4 here on sums of 720 products); a wrong transform
        // or a misplaced tile is off by the order of the values themselves.
        XCTAssertLessThan(worst, tile == 4 ? 4e-4 : 1e-4, "F(\(tile)×\(tile)): \(n) samples, \(c) → \(k) channels, \(h) × \(w), pad \(pad), relu \(relu)",
                          file: file, line: line)
    }

    func testEveryPlaneSizeMatchesThePlainConvolution() {
        guard visage_cpu_has_avx2() == 1 else {
            return XCTFail("this CPU has no AVX2 + FMA: the kernel cannot be checked here")
        }
        for h in [1, 2, 3, 4, 5, 8, 13] {
            for w in [1, 2, 3, 5, 6, 9, 11, 17, 20] {
                check(samples: 3, channels: 5, outChannels: 8, height: h, width: w, pad: 1, relu: (h + w) % 2 == 0)
            }
        }
        check(samples: 2, channels: 16, outChannels: 4, height: 10, width: 40, pad: 0, relu: false)
    }

    func testResNetShapesMatchThePlainConvolution() {
        guard visage_cpu_has_avx2() == 1 else {
            return XCTFail("this CPU has no AVX2 + FMA: the kernel cannot be checked here")
        }
        check(samples: 2, channels: 32, outChannels: 32, height: 35, width: 35, pad: 1, relu: true)
        check(samples: 3, channels: 64, outChannels: 64, height: 17, width: 17, pad: 1, relu: false)
        check(samples: 1, channels: 128, outChannels: 128, height: 8, width: 8, pad: 1, relu: true)
        check(samples: 5, channels: 256, outChannels: 256, height: 2, width: 2, pad: 1, relu: true)
        check(samples: 1, channels: 33, outChannels: 20, height: 13, width: 5, pad: 1, relu: false)
        // Three blocks of four output channels (a pair and one alone), 24-tile runs and a tail of 8.
        check(samples: 4, channels: 48, outChannels: 12, height: 19, width: 23, pad: 1, relu: true)
    }

    func testLargeTilesMatchThePlainConvolutionOnEveryPlaneSize() {
        guard visage_cpu_has_avx2() == 1 else {
            return XCTFail("this CPU has no AVX2 + FMA: the kernel cannot be checked here")
        }
        for h in [1, 3, 4, 5, 6, 9, 13] {
            for w in [1, 2, 4, 5, 7, 9, 17, 33, 38] {
                check(samples: 3, channels: 5, outChannels: 8, height: h, width: w, pad: 1, relu: (h + w) % 2 == 0,
                      tile: 4)
            }
        }
        check(samples: 2, channels: 16, outChannels: 4, height: 10, width: 70, pad: 0, relu: false, tile: 4)
    }

    func testLargeTilesMatchThePlainConvolutionOnTheEncodersShapes() {
        guard visage_cpu_has_avx2() == 1 else {
            return XCTFail("this CPU has no AVX2 + FMA: the kernel cannot be checked here")
        }
        // FaceNet-160's 77 × 77 (20 tiles a row: groups across two rows) and 36 × 36 (valid, 9 a row).
        check(samples: 1, channels: 32, outChannels: 64, height: 77, width: 77, pad: 1, relu: true, tile: 4)
        check(samples: 1, channels: 80, outChannels: 192, height: 38, width: 38, pad: 0, relu: true, tile: 4)
        // NN4.small2's 24 × 24, two samples; channel chunks and a partial last block of tiles.
        check(samples: 2, channels: 64, outChannels: 192, height: 24, width: 24, pad: 1, relu: true, tile: 4)
        check(samples: 3, channels: 48, outChannels: 12, height: 19, width: 23, pad: 1, relu: false, tile: 4)
    }
}
