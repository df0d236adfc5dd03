import Foundation
import Visage
import VisageImage
import VisageModels
import VisageRecognition
import VisageStore
import VisageTestSupport
import XCTest

/// The recognizer's identify threshold follows the gallery size (the registry's open-set rule);
/// verify keeps the 1:1 threshold; a given threshold is used as it is.
final class RecognizerTests: XCTestCase {
    private let model = GalleryModel.encoder(.of(.dlibResNet))

    /// A face whose embedding is `base` moved by `distance` along the first axis.
    private func probe(_ base: [Float], distance: Float) -> Face {
        var e = base
        e[0] += distance
        return Face(detection: FaceDetection(left: 0, top: 0, right: 100, bottom: 100, score: 1), landmarks: [],
                    chip: Image(width: 1, height: 1, format: .rgb), embedding: e)
    }

    func testIdentifyThresholdTightensAsPeopleAreEnrolled() async throws {
        let pipeline = try FacePipeline(store: ModelStore(directory: TestData.modelDirectory))
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: model, create: true)
        // Person 0 at the origin; the others far away (distance 10 from it and from each other).
        let origin = [Float](repeating: 0, count: 128)
        try gallery.enroll(personName: "person 0", createIfMissing: true, faces: [face(origin, seed: 0)])
        let recognizer = try await Recognizer.open(pipeline: pipeline, store: gallery)
        let query = [[probe(origin, distance: 0.58)]]

        var one = try await recognizer.identify(faces: query)[0][0]
        XCTAssertEqual(one.threshold, 0.6)
        XCTAssertEqual(one.identity, "person 0", "0.58 < 0.6 with one person")
        let oneThreshold = try await recognizer.identifyThreshold()
        XCTAssertEqual(oneThreshold, 0.6)

        for p in 1..<20 {
            var e = origin
            e[p] = 10
            try gallery.enroll(personName: "person \(p)", createIfMissing: true, faces: [face(e, seed: p)])
        }
        let twenty = try await recognizer.identify(faces: query)[0][0]
        let expected = OpenSetThreshold.dlibResNet.threshold(people: 20, verification: 0.6)
        XCTAssertEqual(twenty.threshold, expected)
        XCTAssertEqual(twenty.threshold, 0.5676, accuracy: 0.0005)
        XCTAssertNil(twenty.identity, "0.58 is above the threshold for 20 people")
        XCTAssertEqual(twenty.candidates.first?.name, "person 0")
        let twentyThreshold = try await recognizer.identifyThreshold()
        XCTAssertEqual(twentyThreshold, expected)
        one = try await recognizer.identify(faces: [[probe(origin, distance: 0.5)]])[0][0]
        XCTAssertEqual(one.identity, "person 0")

        // Verify is 1:1: the 0.6 threshold whatever the gallery size.
        let verdictThreshold = recognizer.threshold.value
        XCTAssertEqual(verdictThreshold, 0.6)

        // A given threshold is used for every gallery size.
        let fixed = try await Recognizer.open(pipeline: pipeline, store: gallery, threshold: 0.59)
        let answer = try await fixed.identify(faces: query)[0][0]
        XCTAssertEqual(answer.threshold, 0.59)
        XCTAssertEqual(answer.identity, "person 0")
    }
}
