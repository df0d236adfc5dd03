import CVisageKernels
import XCTest

/// The direct convolution kernel (`visage_conv_direct_avx2`, used by MMOD and MTCNN) against a
/// plain double-precision convolution, for every output width from 1 to 100 (full blocks of 24
/// columns, the overlapped last block of 17–23 columns, the masked ones) and strides 1 and 2, with
/// 6 and 11 output channels; `visage_conv_direct_avx512` (8 channels × 48 columns, masked ends)
/// equal to it to the bit, the columns past the output untouched.
final class DirectConvolutionKernelTests: XCTestCase {
    func testEveryWidthMatchesThePlainConvolution() {
        guard visage_cpu_has_avx2() == 1 else {
            return XCTFail("this CPU has no AVX2 + FMA: the kernel cannot be checked here")
        }
        var state: UInt64 = 99
        func random() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int((state >> 40) % 2001) - 1000) / 1000
        }
        let (channels, rowsOut, widths) = (3, 2, 100)
        var checked = 0
        for (k, stride, outChannels) in [(3, 1, 6), (5, 1, 6), (3, 2, 6), (3, 1, 11), (7, 2, 11)] {
            let weight = (0..<(outChannels * channels * k * k)).map { _ in random() }
            let bias = (0..<12).map { _ in random() }  // padded to a multiple of four
            let slope = [Float](repeating: 0, count: 12)
            var packed = [Float](repeating: 0, count: visage_conv_packed_count(Int32(outChannels), Int32(channels), Int32(k), Int32(k)))
            visage_conv_pack_weights(weight, Int32(outChannels), Int32(channels), Int32(k), Int32(k), &packed)
            for wo in 1...widths {
                // Input columns (ox · stride + kx), split into `stride` phase planes.
                let wi = (wo - 1) * stride + k, hi = (rowsOut - 1) * stride + k
                let input = (0..<(channels * hi * wi)).map { _ in random() }
                let pitch = (wi + stride - 1) / stride + 1, planeStride = pitch * hi
                var planes = [Float](repeating: 0, count: channels * stride * planeStride)
                for c in 0..<channels {
                    for y in 0..<hi {
                        for x in 0..<wi {
                            planes[(c * stride + x % stride) * planeStride + y * pitch + x / stride] = input[(c * hi + y) * wi + x]
                        }
                    }
                }
                let outPitch = wo + 3, outChannelStride = outPitch * rowsOut
                let kernels = visage_cpu_has_avx512() == 1 ? [visage_conv_direct_avx2, visage_conv_direct_avx512]
                    : [visage_conv_direct_avx2]
                let outputs = kernels.map { kernel in
                    var out = [Float](repeating: .nan, count: outChannels * outChannelStride)
                    kernel(planes, planeStride, Int32(pitch), Int32(channels), packed, bias, slope,
                           Int32(VISAGE_CONV_RELU.rawValue), Int32(outChannels), Int32(k), Int32(k), Int32(stride),
                           Int32(stride), &out, outChannelStride, Int32(outPitch), Int32(wo), 0, Int32(rowsOut))
                    return out
                }
                let out = outputs[0]
                if outputs.count > 1 {
                    XCTAssertTrue(zip(outputs[0], outputs[1]).allSatisfy { $0.bitPattern == $1.bitPattern },
                                  "AVX-512 and AVX2 differ: k \(k) stride \(stride) width \(wo) outputs \(outChannels)")
                }
                for o in 0..<outChannels {
                    for oy in 0..<rowsOut {
                        for ox in 0..<outPitch {
                            let got = out[o * outChannelStride + oy * outPitch + ox]
                            guard ox < wo else {
                                XCTAssertTrue(got.isNaN, "k \(k) stride \(stride) width \(wo): column \(ox) past the output written")
                                continue
                            }
                            var sum = Double(bias[o])
                            for c in 0..<channels {
                                for ky in 0..<k {
                                    for kx in 0..<k {
                                        sum += Double(weight[((o * channels + c) * k + ky) * k + kx])
                                            * Double(input[(c * hi + oy * stride + ky) * wi + ox * stride + kx])
                                    }
                                }
                            }
                            XCTAssertEqual(Double(got), max(sum, 0), accuracy: 1e-4,
                                           "k \(k) stride \(stride) width \(wo) channel \(o) row \(oy) column \(ox)")
                            checked += 1
                        }
                    }
                }
            }
        }
        XCTAssertEqual(checked, (3 * 6 + 2 * 11) * rowsOut * (widths * (widths + 1) / 2))
    }
}
