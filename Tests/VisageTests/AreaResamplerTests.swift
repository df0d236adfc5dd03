import Visage
import VisageImage
import XCTest

/// Area resampling for MTCNN: equal to adaptive average pooling computed directly, for
/// downscaling, upscaling, crops and gray images, and exact when the summed-area table wraps.
final class AreaResamplerTests: XCTestCase {
    /// Adaptive average pooling of one channel of a region, normalised as MTCNN's input, by
    /// summing every window pixel by pixel.
    private func pooled(_ image: Image, channel: Int, x0: Int, y0: Int, w: Int, h: Int, ow: Int, oh: Int) -> [Float] {
        var out: [Float] = []
        let c = image.channels
        for j in 0..<oh {
            let (r0, r1) = AreaResampler.window(j, h, oh)
            for i in 0..<ow {
                let (c0, c1) = AreaResampler.window(i, w, ow)
                var sum = 0
                for y in r0..<r1 {
                    for x in c0..<c1 { sum += Int(image.pixels[((y0 + y) * image.width + x0 + x) * c + (c == 1 ? 0 : channel)]) }
                }
                let mean = Float(sum) / (Float(r1 - r0) * Float(c1 - c0))
                out.append((mean - 127.5) * 0.0078125)
            }
        }
        return out
    }

    private func resampled(_ r: AreaResampler, x0: Int, y0: Int, w: Int, h: Int, ow: Int, oh: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: 3 * ow * oh) { buf, n in
            r.resample(x0: x0, y0: y0, w: w, h: h, outWidth: ow, outHeight: oh, into: buf.baseAddress!)
            n = 3 * ow * oh
        }
    }

    private func randomImage(width: Int, height: Int, format: PixelFormat, seed: UInt64) -> Image {
        var state = seed
        let pixels = (0..<(width * height * format.rawValue)).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        return Image(width: width, height: height, format: format, pixels: pixels)
    }

    func testWindowsAreAdaptivePoolings() {
        // 5 → 3: [0, 2), [1, 4), [3, 5) (overlapping); 2 → 4: every input twice.
        XCTAssertEqual((0..<3).map { AreaResampler.window($0, 5, 3).start }, [0, 1, 3])
        XCTAssertEqual((0..<3).map { AreaResampler.window($0, 5, 3).end }, [2, 4, 5])
        XCTAssertEqual((0..<4).map { AreaResampler.window($0, 2, 4).start }, [0, 0, 1, 1])
        XCTAssertEqual((0..<4).map { AreaResampler.window($0, 2, 4).end }, [1, 1, 2, 2])
    }

    /// Each region → size resize of `image` through the resampler equals direct pooling, exactly.
    private func assertEqualsPooling(_ image: Image, _ cases: [(x0: Int, y0: Int, w: Int, h: Int, ow: Int, oh: Int)],
                                     file: StaticString = #filePath, line: UInt = #line) {
        let r = AreaResampler(image)
        XCTAssertEqual(r.width, image.width, file: file, line: line)
        XCTAssertEqual(r.height, image.height, file: file, line: line)
        for t in cases {
            let got = resampled(r, x0: t.x0, y0: t.y0, w: t.w, h: t.h, ow: t.ow, oh: t.oh)
            for ch in 0..<3 {
                let want = pooled(image, channel: ch, x0: t.x0, y0: t.y0, w: t.w, h: t.h, ow: t.ow, oh: t.oh)
                XCTAssertEqual(Array(got[(ch * t.ow * t.oh)..<((ch + 1) * t.ow * t.oh)]), want, "\(t), channel \(ch)",
                               file: file, line: line)
            }
        }
    }

    func testEqualsDirectPoolingForDownscalingUpscalingAndCrops() {
        assertEqualsPooling(randomImage(width: 37, height: 23, format: .rgb, seed: 7), [
            (0, 0, 37, 23, 17, 11),   // downscale by non-integer factors
            (0, 0, 37, 23, 50, 31),   // upscale
            (5, 3, 20, 15, 24, 24),   // a crop, as for R-Net
            (36, 22, 1, 1, 3, 2),     // one pixel, repeated
            (0, 0, 37, 23, 37, 23),   // identity
        ])
    }

    func testTablesBuiltInPartsEqualDirectPooling() {
        // 300 × 250 is large enough for the table to be built in one part per thread; windows
        // on either side of and across the middle row must still be exact.
        assertEqualsPooling(randomImage(width: 300, height: 250, format: .rgb, seed: 11), [
            (0, 100, 300, 50, 24, 24), (17, 124, 60, 3, 7, 3), (250, 240, 50, 10, 5, 5), (0, 0, 300, 250, 61, 43),
        ])
    }

    func testPyramidInOneSweepEqualsEachSizeAlone() {
        let image = randomImage(width: 320, height: 240, format: .rgb, seed: 5)
        let r = AreaResampler(image)
        let sizes: [(height: Int, width: Int)] = [(144, 192), (102, 136), (72, 97), (13, 17), (240, 320), (1, 1)]
        let planes = sizes.map { UnsafeMutablePointer<Float>.allocate(capacity: 3 * $0.height * $0.width) }
        defer { planes.forEach { $0.deallocate() } }
        r.resampleLevels(sizes, into: planes)
        for (size, plane) in zip(sizes, planes) {
            let alone = resampled(r, x0: 0, y0: 0, w: 320, h: 240, ow: size.width, oh: size.height)
            XCTAssertEqual(Array(UnsafeBufferPointer(start: plane, count: alone.count)), alone, "\(size)")
        }
    }

    func testGrayImageGivesThreeEqualPlanes() {
        let image = randomImage(width: 19, height: 13, format: .gray, seed: 3)
        let got = resampled(AreaResampler(image), x0: 2, y0: 1, w: 15, h: 11, ow: 7, oh: 5)
        let want = pooled(image, channel: 0, x0: 2, y0: 1, w: 15, h: 11, ow: 7, oh: 5)
        XCTAssertEqual(Array(got[0..<35]), want)
        XCTAssertEqual(Array(got[35..<70]), want)
        XCTAssertEqual(Array(got[70..<105]), want)
    }

    func testWindowsStayExactWhenTheTableWraps() {
        // 4,200 × 4,100 white pixels sum to 4.39e9 > 2³², so the UInt32 table wraps; a corner
        // crop past that point must still average exactly 255 (normalised 0.99609375), and a
        // black square inside it must show.
        let (w, h) = (4200, 4100)
        var pixels = [UInt8](repeating: 255, count: w * h)
        for y in 4000..<4050 { for x in 4100..<4150 { pixels[y * w + x] = 0 } }
        let r = AreaResampler(Image(width: w, height: h, format: .gray, pixels: pixels))
        let white = resampled(r, x0: 4150, y0: 4050, w: 50, h: 50, ow: 5, oh: 5)
        XCTAssertEqual(Set(white), [0.99609375])
        let black = resampled(r, x0: 4100, y0: 4000, w: 50, h: 50, ow: 2, oh: 2)
        XCTAssertEqual(Set(black), [-0.99609375])
        let half = resampled(r, x0: 4100, y0: 4000, w: 100, h: 50, ow: 1, oh: 1)
        XCTAssertEqual(half, [0, 0, 0])
    }
}
