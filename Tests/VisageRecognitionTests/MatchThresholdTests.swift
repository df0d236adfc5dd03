import Foundation
import VisageEval
import VisageModels
import VisageRecognition
import VisageStore
import XCTest

/// Thresholds from the registry, overrides, and calibrated probabilities stored in the gallery.
final class MatchThresholdTests: XCTestCase {
    let dlib = GalleryModel.encoder(.of(.dlibResNet))

    func testDlibGalleryBindingAndRegistryThreshold() async throws {
        XCTAssertEqual(dlib, GalleryModel(id: "dlib-resnet", preprocessingVersion: 1, dimension: 128))
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: dlib, create: true)
        let rule = try await MatchThreshold.forGallery(gallery)
        XCTAssertEqual(rule.value, 0.6)
        XCTAssertEqual(rule.source, .registry)
        XCTAssertNil(rule.calibration)
        XCTAssertNil(rule.probability(of: 0.3))
        XCTAssertNil(rule.falseAcceptRate)
        XCTAssertTrue(rule.matches(0.5999))
        XCTAssertFalse(rule.matches(0.6))
        // Identify: the registry's gallery-size rule; 1:1 stays at 0.6.
        XCTAssertEqual(rule.openSet, .dlibResNet)
        XCTAssertEqual(rule.value(people: 1), 0.6)
        XCTAssertEqual(rule.value(people: 20), 0.5676, accuracy: 0.0005)
        XCTAssertEqual(rule.value(people: 20), OpenSetThreshold.dlibResNet.threshold(people: 20, verification: 0.6))
        let override = try await MatchThreshold.forGallery(gallery, override: 0.5)
        XCTAssertEqual(override.value, 0.5)
        XCTAssertEqual(override.source, .override)
        // A threshold given by the caller is used as it is, whatever the gallery size.
        XCTAssertNil(override.openSet)
        XCTAssertEqual(override.value(people: 10_000), 0.5)
        XCTAssertThrowsError(try MatchThreshold(value: .nan, source: .override))
        XCTAssertThrowsError(try MatchThreshold(value: 0, source: .override))
    }

    func testUnknownModelNeedsAnOverride() async throws {
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: GalleryModel(id: "custom", preprocessingVersion: 1, dimension: 4), create: true)
        await assertThrows(RecognitionError.invalidArgument("model custom has no registry threshold; pass one explicitly")) {
            try await MatchThreshold.forGallery(gallery)
        }
        let rule = try await MatchThreshold.forGallery(gallery, override: 1.1)
        XCTAssertEqual(rule.value, 1.1)
    }

    func testStoredCalibrationGivesProbabilityAndFAR() async throws {
        var random = TestRandom(state: 42)
        // Genuine distances around 0.4, impostors around 0.8 (2,000 pairs: enough for FAR 1e-3).
        let genuine = (0..<500).map { _ in 0.4 + 0.08 * Double(random.float()) }
        let impostor = (0..<2000).map { _ in 0.8 + 0.15 * Double(random.float()) }
        let calibration = try Calibration(genuine: genuine, impostor: impostor, targetFAR: 1e-3, model: "dlib-resnet mmod")
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: dlib, create: true)
        try gallery.setCalibration(String(decoding: try calibration.jsonData(), as: UTF8.self))
        let rule = try await MatchThreshold.forGallery(gallery)
        XCTAssertEqual(rule.calibration, calibration)
        let near = try XCTUnwrap(rule.probability(of: 0.35)), far = try XCTUnwrap(rule.probability(of: 0.9))
        XCTAssertGreaterThan(near, 0.95)
        XCTAssertLessThan(far, 0.05)
        // Threshold 0.6 lies between the two populations: (almost) no impostor is accepted
        // (the rate is interpolated between stored operating points).
        XCTAssertLessThan(try XCTUnwrap(rule.falseAcceptRate), 1e-3)
        // A threshold deep in the impostors accepts many of them.
        let loose = try await MatchThreshold.forGallery(gallery, override: 0.85)
        XCTAssertGreaterThan(try XCTUnwrap(loose.falseAcceptRate), 0.3)
    }

    func testUnreadableCalibrationIsAnError() async throws {
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: dlib, create: true)
        try gallery.setCalibration("{\"not\": \"a calibration\"}")
        do {
            _ = try await MatchThreshold.forGallery(gallery)
            XCTFail("expected badCalibration")
        } catch let error as RecognitionError {
            guard case .badCalibration = error else { return XCTFail("\(error)") }
        }
    }
}
