import Visage
import VisageImage
import VisageModels
import VisageTestSupport
import XCTest

/// Least-squares similarity, the bilinear warp, templates, and detect → align → detect.
final class FivePointAlignmentTests: XCTestCase {
    private let template = FivePointTemplate.arcFace112

    func testLeastSquaresRecoversAKnownSimilarity() throws {
        let truth = LandmarkSimilarity(a: 1.3 * cos(0.4), b: 1.3 * sin(0.4), tx: -17.5, ty: 42.25)
        let from = template.points
        let fitted = try LandmarkSimilarity.leastSquares(from: from, to: from.map(truth.apply))
        XCTAssertEqual(fitted.a, truth.a, accuracy: 1e-12)
        XCTAssertEqual(fitted.b, truth.b, accuracy: 1e-12)
        XCTAssertEqual(fitted.tx, truth.tx, accuracy: 1e-9)
        XCTAssertEqual(fitted.ty, truth.ty, accuracy: 1e-9)
        XCTAssertEqual(fitted.scale, 1.3, accuracy: 1e-12)
        let back = try XCTUnwrap(fitted.inverse).apply(fitted.apply(SIMD2(3, -8)))
        XCTAssertEqual(back.x, 3, accuracy: 1e-9)
        XCTAssertEqual(back.y, -8, accuracy: 1e-9)
    }

    func testLeastSquaresAveragesNoise() throws {
        // Symmetric errors on the two eyes cancel: the fit is the identity.
        var moved = template.points
        moved[0].y += 2
        moved[1].y -= 2
        moved[3].y -= 2
        moved[4].y += 2
        let t = try LandmarkSimilarity.leastSquares(from: template.points, to: moved)
        XCTAssertEqual(t.scale, 1, accuracy: 0.01)
        XCTAssertNotEqual(t.b, 0)  // a small rotation absorbs part of the tilt
        XCTAssertLessThan(abs(atan2(t.b, t.a)), 0.05)
    }

    func testBadLandmarksAreErrors() throws {
        let image = Image(width: 10, height: 10, format: .rgb)
        XCTAssertThrowsError(try FivePointAlignment.align(image, landmarks: Array(template.points.prefix(4)), template: template)) {
            XCTAssertEqual($0 as? FivePointAlignmentError, .wrongLandmarkCount(4))
        }
        XCTAssertThrowsError(try FivePointAlignment.align(image, landmarks: Array(repeating: SIMD2(5, 5), count: 5), template: template)) {
            XCTAssertEqual($0 as? FivePointAlignmentError, .degenerateLandmarks)
        }
        var nan = template.points
        nan[2].x = .nan
        XCTAssertThrowsError(try FivePointAlignment.align(image, landmarks: nan, template: template)) {
            XCTAssertEqual($0 as? FivePointAlignmentError, .degenerateLandmarks)
        }
        XCTAssertThrowsError(try FivePointTemplate(width: 0, height: 10, points: template.points))
        XCTAssertThrowsError(try FivePointTemplate(width: 10, height: 10, points: []))
    }

    func testIntegerShiftCopiesPixels() throws {
        var pixels: [UInt8] = []
        for y in 0..<200 { for x in 0..<180 { pixels += [UInt8((x * 7 + y) & 255), UInt8((y * 3) & 255), UInt8((x ^ y) & 255)] } }
        let image = Image(width: 180, height: 200, format: .rgb, pixels: pixels)
        let shift = SIMD2<Double>(31, 47)
        let aligned = try FivePointAlignment.align(image, landmarks: template.points.map { $0 + shift }, template: template)
        XCTAssertEqual(aligned.width, 112)
        XCTAssertEqual(aligned.height, 112)
        XCTAssertEqual(aligned, image.cropped(x: 31, y: 47, width: 112, height: 112))
    }

    func testRotatedScaledWarpPutsPixelsWhereTheTransformSays() throws {
        // A bright 3×3 spot at (70, 40); landmarks = S(template) for a rotation + scale S, so the
        // alignment is S⁻¹ and the spot must appear at S⁻¹(70, 40).
        var image = Image(width: 200, height: 160, format: .gray)
        for y in 39...41 { for x in 69...71 { image.pixels[y * 200 + x] = 255 } }
        let s = LandmarkSimilarity(a: 1.5 * cos(0.5), b: 1.5 * sin(0.5), tx: 60, ty: -20)
        let aligned = try FivePointAlignment.align(image, landmarks: template.points.map(s.apply), template: template)
        let expected = try XCTUnwrap(s.inverse).apply(SIMD2(70, 40))
        var sum = 0.0, cx = 0.0, cy = 0.0
        for y in 0..<112 { for x in 0..<112 {
            let v = Double(aligned.pixels[y * 112 + x])
            sum += v
            cx += v * Double(x)
            cy += v * Double(y)
        } }
        XCTAssertGreaterThan(sum, 0)
        XCTAssertEqual(cx / sum, expected.x, accuracy: 0.25)
        XCTAssertEqual(cy / sum, expected.y, accuracy: 0.25)
    }

    func testOutsideTheImageIsBlack() throws {
        let image = Image(width: 60, height: 60, format: .gray, fill: 200)
        let aligned = try FivePointAlignment.align(image, landmarks: template.points.map { $0 - SIMD2(50, 50) }, template: template)
        XCTAssertEqual(aligned.pixels[0], 0)                       // maps to (−50, −50)
        XCTAssertEqual(aligned.pixels[100 * 112 + 100], 200)       // maps to (50, 50)
    }

    func testDlibChipTemplateScalesWithSizeAndPadding() throws {
        let same = try FivePointTemplate.dlibChip(size: 150, padding: 0.25)
        for (a, b) in zip(same.points, FivePointTemplate.dlibChip150.points) {
            XCTAssertEqual(a.x, b.x, accuracy: 1e-9)
            XCTAssertEqual(a.y, b.y, accuracy: 1e-9)
        }
        // No padding, 100 px: unit-face positions × 100 (left eye centre ≈ (0.2011, 0.1941)).
        let tight = try FivePointTemplate.dlibChip(size: 100, padding: 0)
        XCTAssertEqual(tight.width, 100)
        XCTAssertEqual(tight.points[0].x, (47.5492 / 150 * 1.5 - 0.25) * 100, accuracy: 1e-9)
        XCTAssertEqual(tight.points[0].x, 22.5492, accuracy: 1e-4)
        XCTAssertThrowsError(try FivePointTemplate.dlibChip(size: 150, padding: -1))
        XCTAssertThrowsError(try FivePointTemplate.dlibChip(size: 0, padding: 0.25))
    }

    func testEncoderTemplatesMatchInputSizes() {
        for id in EncoderID.allCases {
            let t = FivePointTemplate.forEncoder(id)
            XCTAssertEqual(t.width, ModelDescriptor.of(id).inputSize, "\(id)")
            XCTAssertEqual(t.height, t.width)
            // Left eye left of right eye, eyes above the nose, nose above the mouth.
            XCTAssertLessThan(t.points[0].x, t.points[1].x)
            XCTAssertLessThan(max(t.points[0].y, t.points[1].y), t.points[2].y)
            XCTAssertLessThan(t.points[2].y, min(t.points[3].y, t.points[4].y))
        }
    }

    func testDetectedFaceAlignsOntoTheTemplate() throws {
        let detector = try MTCNNTestSupport.detector()
        let image = try MTCNNTestSupport.image("lfw-dev/lfw-deepfunneled/Abdullah_Gul/Abdullah_Gul_0002.jpg")
        let face = try XCTUnwrap(detector.detect(in: image).first)
        for target in [FivePointTemplate.arcFace112, .faceNet160] {
            let t = try FivePointAlignment.transform(landmarks: face.landmarks, template: target)
            let moved = face.landmarks.map(t.apply)
            // A frontal face fits the template closely.
            let rms = (zip(moved, target.points).map { ($0 - $1).magnitude2 }.reduce(0, +) / 5).squareRoot()
            XCTAssertLessThan(rms, 0.04 * Double(target.width), "\(target.width) px template")
            // Warp with the same transform into a larger canvas (MTCNN needs context around a
            // face) and detect again: the landmarks must be where the transform sent them (within
            // MTCNN's own landmark jitter between framings, a few % of the face).
            let pad = Double(target.width / 2)
            let wide = try FivePointTemplate(width: target.width * 2, height: target.height * 2,
                                             points: target.points.map { $0 + SIMD2(pad, pad) })
            let canvas = try FivePointAlignment.align(image, face: face, template: wide)
            let again = try XCTUnwrap(detector.detect(in: canvas).first, "no face in the \(target.width) px aligned image")
            for (p, q) in zip(again.landmarks, moved) {
                XCTAssertLessThan((p - SIMD2(pad, pad) - q).magnitude2.squareRoot(), 0.06 * Double(target.width),
                                  "\(target.width) px template")
            }
        }
    }
}

private extension SIMD2 where Scalar == Double {
    var magnitude2: Double { x * x + y * y }
}
