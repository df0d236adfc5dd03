import VisageImage
import VisageRecognition
import XCTest

/// Hand-computable quality measurements.
final class FaceQualityTests: XCTestCase {
    func testFlatGreyIsNotSharp() {
        let q = FaceQuality(chip: Image(width: 50, height: 50, format: .rgb, fill: 128))
        XCTAssertEqual(q.sharpness, 0)
        XCTAssertEqual(q.brightness, 128, accuracy: 0.5)
        XCTAssertEqual(q.clippedFraction, 0)
    }

    func testCheckerboardIsSharp() {
        // Alternating 0 / 200: every interior Laplacian is ±800, so the variance is 640,000.
        var image = Image(width: 50, height: 50, format: .gray, fill: 0)
        for y in 0..<50 { for x in 0..<50 where (x + y) % 2 == 0 { image.pixels[y * 50 + x] = 200 } }
        let q = FaceQuality(chip: image)
        XCTAssertEqual(q.sharpness, 640_000, accuracy: 1)
        XCTAssertEqual(q.brightness, 100, accuracy: 1)
        XCTAssertEqual(q.clippedFraction, 0.5, accuracy: 0.01)
    }

    func testBlackAndWhiteAreClipped() {
        XCTAssertEqual(FaceQuality(chip: Image(width: 20, height: 20, format: .gray, fill: 0)).clippedFraction, 1)
        XCTAssertEqual(FaceQuality(chip: Image(width: 20, height: 20, format: .gray, fill: 255)).clippedFraction, 1)
        XCTAssertEqual(FaceQuality(chip: Image(width: 20, height: 20, format: .gray, fill: 255)).brightness, 255)
    }

    func testTinyChipMeasuresZero() {
        XCTAssertEqual(FaceQuality(chip: Image(width: 2, height: 2, format: .gray, fill: 9)),
                       FaceQuality(sharpness: 0, brightness: 0, clippedFraction: 0))
    }

    func testPolicyValidation() {
        XCTAssertNoThrow(try EnrolmentPolicy().validate())
        XCTAssertThrowsError(try EnrolmentPolicy(minimumFaceSize: -1).validate())
        XCTAssertThrowsError(try EnrolmentPolicy(maximumClippedFraction: 2).validate())
        XCTAssertEqual(RejectionReason.allCases.map(\.rawValue),
                       ["unreadable_image", "no_face", "multiple_faces", "face_too_small", "blurry", "bad_exposure", "duplicate_image"])
    }
}
