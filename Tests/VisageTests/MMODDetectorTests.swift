import Foundation
import Visage
import VisageFormats
import VisageImage
import VisageModels
import VisageTestSupport
import XCTest

/// dlib's CNN face detector against dlib 20.0.1 (`cnn_face_detection_model_v1(img, upsample)` on
/// the PNG-decoded reference photos, shared/data/reference/dlib): the same boxes in the same
/// order, confidences within 1e-4. Tony_Blair_0001 holds two faces at upsample 1.
final class MMODDetectorTests: XCTestCase {
    private struct Reference {
        let png: String
        let upsample0: [MMODDetection]
        let upsample1: [MMODDetection]
    }

    private func references() throws -> [Reference] {
        let json = try TestData.json(try TestData.shared("reference/dlib/dlib_reference.json"))
        let images = try XCTUnwrap((json as? [String: Any])?["images"] as? [[String: Any]])
        func detections(_ value: Any?) throws -> [MMODDetection] {
            try XCTUnwrap(value as? [[String: Any]]).map { d in
                MMODDetection(rect: PixelRect(left: try XCTUnwrap(d["left"] as? Int), top: try XCTUnwrap(d["top"] as? Int),
                                              right: try XCTUnwrap(d["right"] as? Int), bottom: try XCTUnwrap(d["bottom"] as? Int)),
                              confidence: try XCTUnwrap(d["confidence"] as? Double))
            }
        }
        return try images.map { image in
            let dets = try XCTUnwrap(image["detections"] as? [String: Any])
            return Reference(png: try XCTUnwrap(image["png"] as? String), upsample0: try detections(dets["upsample0"]),
                             upsample1: try detections(dets["upsample1"]))
        }
    }

    static func load(_ relative: String) throws -> Image {
        let png = try TestPNG.decodeRGB(try TestData.shared("reference/dlib/" + relative))
        return Image(width: png.width, height: png.height, format: .rgb, pixels: png.rgb)
    }

    private func assertSame(_ found: [MMODDetection], _ expected: [MMODDetection], _ what: String,
                            file: StaticString = #filePath, line: UInt = #line) -> Double {
        XCTAssertEqual(found.map(\.rect), expected.map(\.rect), what, file: file, line: line)
        var worst = 0.0
        for (f, e) in zip(found, expected) { worst = max(worst, abs(f.confidence - e.confidence)) }
        XCTAssertLessThanOrEqual(worst, 1e-4, what, file: file, line: line)
        return worst
    }

    func testDetectionsMatchDlib() throws {
        let net = try MMODNet(contentsOf: try TestData.model("mmod_human_face_detector.dat"))
        XCTAssertEqual(net.outputStride, 8)
        XCTAssertEqual(net.outputOffset, 14)
        XCTAssertTrue(net.usesCompiledPlan)
        // The compiled plan and VisageNN's layer-by-layer forward agree on a pyramid tensor.
        let sample = try Self.load("images/Colin_Powell_0001.png")
        let pyramid = TiledPyramid(height: sample.height, width: sample.width)
        let tensor = pyramid.tensor(for: sample, mean: net.mean)
        let fast = net.forward(tensor), slow = net.network.forward(tensor)
        XCTAssertEqual(fast.shape, slow.shape)
        var gap: Float = 0
        for i in 0..<fast.count { gap = max(gap, abs(fast.storage[i] - slow.storage[i])) }
        XCTAssertLessThan(gap, 1e-4)
        XCTAssertEqual(net.options.overlapsNMS.iouThreshold, 0.3382761351109955)
        let refs = try references()
        XCTAssertEqual(refs.count, 8)
        var faces = 0, worst = 0.0
        for ref in refs {
            let image = try Self.load(ref.png)
            let d0 = try MMODDetector(net: net, upsample: 0).detections(in: image)
            worst = max(worst, assertSame(d0, ref.upsample0, "\(ref.png) upsample 0"))
            let d1 = try MMODDetector(net: net, upsample: 1).detections(in: image)
            worst = max(worst, assertSame(d1, ref.upsample1, "\(ref.png) upsample 1"))
            faces += d1.count
        }
        XCTAssertEqual(faces, 9)
        XCTAssertTrue(refs.contains { $0.upsample1.count == 2 })
        print("MMOD: max |Δconfidence| = \(worst)")
    }

    func testGrayImageAndFaceDetectionValues() throws {
        let detector = try MMODDetector(contentsOf: try TestData.model("mmod_human_face_detector.dat"), upsample: 0)
        let image = try Self.load("images/George_W_Bush_0001.png")
        let faces = try detector.detect(image)
        XCTAssertEqual(faces.count, 1)
        XCTAssertEqual(faces.first?.left, 81)
        XCTAssertEqual(faces.first?.top, 77)
        XCTAssertEqual(faces.first?.right, 176)
        XCTAssertEqual(faces.first?.bottom, 171)
        XCTAssertEqual(Double(faces.first?.score ?? 0), 1.0430442094802856, accuracy: 1e-4)
        // A gray image is replicated to RGB: identical to detecting on its RGB copy.
        let gray = image.converted(to: .gray)
        XCTAssertEqual(try detector.detections(in: gray), try detector.detections(in: gray.converted(to: .rgb)))
    }

    func testNoFaceTinyImagesAndLimits() throws {
        let net = try MMODNet(contentsOf: try TestData.model("mmod_human_face_detector.dat"))
        let flat = Image(width: 120, height: 90, format: .rgb, fill: 128)
        XCTAssertEqual(try MMODDetector(net: net, upsample: 1).detections(in: flat), [])
        for size in [(0, 0), (1, 1), (3, 40), (40, 3)] {
            let tiny = Image(width: size.0, height: size.1, format: .rgb, fill: 90)
            XCTAssertEqual(try MMODDetector(net: net, upsample: 0).detections(in: tiny), [], "\(size)")
        }
        XCTAssertThrowsError(try MMODDetector(net: net, upsample: 1, maxPixels: 10_000).detections(in: flat)) { error in
            guard case DetectionError.imageTooLarge = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try MMODDetector(net: net, upsample: -1).detections(in: flat)) { error in
            XCTAssertEqual(error as? DetectionError, .invalidUpsample(-1))
        }
    }

    func testFallbackPassRunsUnlessTheFirstFindsExactlyOneFace() throws {
        let net = try MMODNet(contentsOf: try TestData.model("mmod_human_face_detector.dat"))
        let auto = MMODDetector(net: net, upsample: 0, fallbackUpsample: 1)
        // A face of about 95 px: the upsample-0 pass finds it, so its answer is kept as it is.
        let large = try Self.load("images/George_W_Bush_0001.png")
        let at0 = try MMODDetector(net: net, upsample: 0).detections(in: large)
        XCTAssertEqual(at0.count, 1)
        XCTAssertEqual(try auto.detections(in: large), at0)
        // Halved (a face of about 48 px): only upsampling finds it, and the answer is the
        // upsample-1 pass's.
        let small = try large.resized(width: large.width / 2, height: large.height / 2)
        XCTAssertEqual(try MMODDetector(net: net, upsample: 0).detections(in: small), [],
                       "precondition: the halved face is below upsample 0's reach")
        let at1 = try MMODDetector(net: net, upsample: 1).detections(in: small)
        XCTAssertEqual(at1.count, 1)
        XCTAssertEqual(try auto.detections(in: small), at1)
        // Two faces side by side: the second pass's answer (upsample 1's boxes) replaces the first's.
        var pair = [UInt8](repeating: 0, count: large.width * 2 * large.height * 3)
        for y in 0..<large.height {
            for copy in 0..<2 {
                let row = y * large.width * 3
                pair.replaceSubrange((y * 2 + copy) * large.width * 3..<(y * 2 + copy + 1) * large.width * 3,
                                     with: large.pixels[row..<row + large.width * 3])
            }
        }
        let twins = Image(width: large.width * 2, height: large.height, format: .rgb, pixels: pair)
        XCTAssertEqual(try MMODDetector(net: net, upsample: 0).detections(in: twins).count, 2)
        let twinsAt1 = try MMODDetector(net: net, upsample: 1).detections(in: twins)
        XCTAssertEqual(twinsAt1.count, 2)
        XCTAssertEqual(try auto.detections(in: twins), twinsAt1)
        XCTAssertNotEqual(twinsAt1.map(\.rect), try MMODDetector(net: net, upsample: 0).detections(in: twins).map(\.rect))
        // No face anywhere: both passes run, nothing found.
        XCTAssertEqual(try auto.detections(in: Image(width: 120, height: 90, format: .rgb, fill: 128)), [])
        // A second pass too large for the limit is skipped (the first pass's answer stands).
        let limited = MMODDetector(net: net, upsample: 0, fallbackUpsample: 1, maxPixels: small.width * small.height * 2)
        XCTAssertEqual(try limited.detections(in: small), [])
        XCTAssertThrowsError(try MMODDetector(net: net, upsample: 0, fallbackUpsample: 5).detections(in: small)) { error in
            XCTAssertEqual(error as? DetectionError, .invalidUpsample(5))
        }
    }

    func testOverlapTestUsesTheBoundingBox() {
        let nms = DlibMMODOptions.BoxOverlap(iouThreshold: 0.3382761351109955, percentCoveredThreshold: 1)
        let a = PixelRect(left: 0, top: 0, right: 99, bottom: 99)
        // Shifted right by 40: intersection 6000, bounding box 140 × 100 = 14000 → 0.43: overlap.
        XCTAssertTrue(nms.overlaps(a, PixelRect(left: 40, top: 0, right: 139, bottom: 99)))
        // Shifted diagonally by 20: 6400 / 120² = 0.44: overlap.
        XCTAssertTrue(nms.overlaps(a, PixelRect(left: 20, top: 20, right: 119, bottom: 119)))
        // Shifted diagonally by 28: the union IoU 5184 / 14816 = 0.35 would suppress it, but dlib
        // divides by the bounding box, 5184 / 128² = 0.316: kept.
        XCTAssertFalse(nms.overlaps(a, PixelRect(left: 28, top: 28, right: 127, bottom: 127)))
        // A small box inside a big one is not "covered" with the file's threshold 1.0.
        XCTAssertFalse(nms.overlaps(a, PixelRect(left: 10, top: 10, right: 20, bottom: 20)))
        XCTAssertFalse(nms.overlaps(a, PixelRect(left: 200, top: 200, right: 210, bottom: 210)))
    }
}
