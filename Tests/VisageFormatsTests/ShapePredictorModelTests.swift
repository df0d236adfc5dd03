import VisageFormats
import VisageTestSupport
import XCTest

/// Reads dlib's two shape predictor files and checks their structure and corruption handling.
final class ShapePredictorModelTests: XCTestCase {
    func testFivePointModel() throws {
        let model = try ShapePredictorModel(contentsOf: try TestData.model("shape_predictor_5_face_landmarks.dat"))
        XCTAssertEqual(model.landmarkCount, 5)
        // First values read independently with numpy from the same file.
        XCTAssertEqual(Array(model.initialShape.prefix(4)),
                       [0.7762516736984253, 0.3455355763435364, 0.6186244487762451, 0.35377517342567444])
        try checkStructure(model, featurePixels: 800)
    }

    func testSixtyEightPointModel() throws {
        let model = try ShapePredictorModel(contentsOf: try TestData.model("shape_predictor_68_face_landmarks.dat"))
        XCTAssertEqual(model.landmarkCount, 68)
        XCTAssertEqual(model.initialShape.count, 136)
        try checkStructure(model, featurePixels: 500)
    }

    private func checkStructure(_ model: ShapePredictorModel, featurePixels: Int) throws {
        XCTAssertEqual(model.cascades.count, 15)
        for cascade in model.cascades {
            XCTAssertEqual(cascade.treeCount, 500)
            XCTAssertEqual(cascade.featureCount, featurePixels)
            XCTAssertEqual(cascade.deltas.count, 2 * featurePixels)
            XCTAssertEqual(cascade.splitStart, (0...500).map { Int32($0 * 15) })
            XCTAssertEqual(cascade.leaves.count, 500 * 16 * 2 * model.landmarkCount)
            XCTAssertTrue(cascade.splitFeatures.allSatisfy { $0 >= 0 && $0 < featurePixels })
            XCTAssertTrue(cascade.anchors.allSatisfy { $0 >= 0 && $0 < model.landmarkCount })
        }
    }

    func testCorruptFilesThrow() throws {
        let bytes = try Data(contentsOf: try TestData.model("shape_predictor_5_face_landmarks.dat"))
        for length in [0, 3, 1_000, bytes.count / 2, bytes.count - 1] {
            XCTAssertThrowsError(try ShapePredictorModel(data: bytes.prefix(length))) {
                guard case .truncated? = $0 as? DlibFormatError else { return XCTFail("\(length): \($0)") }
            }
        }
        var version = bytes
        version[1] = 2
        XCTAssertThrowsError(try ShapePredictorModel(data: version)) {
            XCTAssertEqual($0 as? DlibFormatError,
                           .unexpectedVersion(offset: 0, what: "shape_predictor", expected: [1], found: 2))
        }
        var rows = bytes  // initial_shape of 11 rows: not 2N
        XCTAssertEqual(Array(rows[2..<6]), [0x81, 0x0A, 0x81, 0x01])
        rows[3] = 0x0B
        XCTAssertThrowsError(try ShapePredictorModel(data: rows)) {
            guard case .invalidValue? = $0 as? DlibFormatError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try ShapePredictorModel(data: bytes + Data([1]))) {
            XCTAssertEqual($0 as? DlibFormatError, .trailingBytes(offset: bytes.count, count: 1))
        }
    }
}
