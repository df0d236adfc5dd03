import Foundation
import VisageImage
import VisageTestSupport
import XCTest

/// `visage detect / embed / compare --detector mtcnn` through the real binary; boxes and scores
/// against facenet-pytorch 2.6.0's MTCNN (the golden values of MTCNNGoldenData, AJ_Cook_0001).
final class MTCNNCLITests: XCTestCase {
    private func dlibImage(_ name: String) throws -> String {
        try TestData.shared("reference/dlib/images/\(name).png").path
    }

    private func box(_ face: [String: Any]) -> [Double] {
        let b = face["box"] as? [String: Any] ?? [:]
        return ["left", "top", "right", "bottom"].map { (b[$0] as? NSNumber)?.doubleValue ?? .nan }
    }

    func testDetectGivesFacenetPytorchBoxAndFiveLandmarks() throws {
        let path = try TestData.shared("lfw-dev/lfw-deepfunneled/AJ_Cook/AJ_Cook_0001.jpg").path
        let r = try CLI.run(["detect", "--json", "--detector", "mtcnn", path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let faces = try XCTUnwrap(try r.jsonLines().first?["faces"] as? [[String: Any]])
        XCTAssertEqual(faces.count, 1)
        let face = try XCTUnwrap(faces.first)
        // facenet-pytorch: box (86.2314, 62.6282, 180.1021, 198.1066), score 0.99994277.
        for (a, b) in zip(box(face), [86.2314, 62.6282, 180.1021, 198.1066]) { XCTAssertEqual(a, b, accuracy: 0.02) }
        XCTAssertEqual((face["score"] as? NSNumber)?.doubleValue ?? 0, 0.9999428, accuracy: 1e-3)
        // MTCNN's own five points, rounded: eyes, nose tip, mouth corners.
        let landmarks = try XCTUnwrap(face["landmarks"] as? [[Int]])
        XCTAssertEqual(landmarks, [[104, 115], [148, 114], [118, 139], [105, 161], [147, 162]])

        let text = try CLI.run(["detect", "--detector", "mtcnn", path])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("face 1: box (86.23, 62.63, 180.10, 198.11)"), text.stdout)
    }

    func testBenchGalleryTimesIdentifyWithMTCNN() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let lfw = "lfw-dev/lfw-deepfunneled/"
        let r = try CLI.run(["bench", "gallery", "--gallery", dir.appendingPathComponent("g.sqlite").path, "--people", "30",
                             "--query", try TestData.shared(lfw + "Abdullah_Gul/Abdullah_Gul_0003.jpg").path, "--repeats", "2",
                             "--detector", "mtcnn",
                             "--enroll", try TestData.shared(lfw + "Abdullah_Gul/Abdullah_Gul_0002.jpg").path,
                             try TestData.shared(lfw + "Aaron_Peirsol/Aaron_Peirsol_0002.jpg").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try XCTUnwrap(try r.jsonLines().first)
        XCTAssertEqual(report["detector"] as? String, "mtcnn")
        XCTAssertEqual(report["enrolled_photos"] as? Int, 2)
        XCTAssertEqual(report["people"] as? Int, 32)
        XCTAssertGreaterThan((report["warm_identify_ms_median"] as? NSNumber)?.doubleValue ?? 0, 0)
        XCTAssertEqual(report["answer"] as? String, "photo 0")  // Abdullah Gul's other photo, enrolled first
    }

    func testShapePredictorLandmarksInTheMTCNNBox() throws {
        let r = try CLI.run(["detect", "--json", "--detector", "mtcnn", "--landmark-source", "shape-predictor",
                             try dlibImage("George_W_Bush_0001")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let face = try XCTUnwrap((try r.jsonLines().first?["faces"] as? [[String: Any]])?.first)
        // dlib's 5 points: two corners of each eye, then the nose base (below the eyes).
        let points = try XCTUnwrap(face["landmarks"] as? [[Int]])
        XCTAssertEqual(points.count, 5)
        XCTAssertGreaterThan(points[4][1], points[0][1] + 10)
        let b = box(face)
        for p in points { XCTAssertTrue(b[0] <= Double(p[0]) && Double(p[0]) <= b[2] && b[1] <= Double(p[1]) && Double(p[1]) <= b[3]) }
    }

    func testEmbedAndCompareWithMTCNN() throws {
        let r = try CLI.run(["embed", "--json", "--detector", "mtcnn", try dlibImage("George_W_Bush_0001")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let face = try XCTUnwrap((try r.jsonLines().first?["faces"] as? [[String: Any]])?.first)
        let embedding = try XCTUnwrap(face["embedding"] as? [Double])
        XCTAssertEqual(embedding.count, 128)
        // The same person through MMOD's pipeline is close (dlib's threshold is 0.6).
        let expected = try XCTUnwrap(((try TestData.json(try TestData.shared("reference/dlib/dlib_reference.json")) as? [String: Any])?["images"]
            as? [[String: Any]])?.first { ($0["png"] as? String) == "images/George_W_Bush_0001.png" })
        let dlib = try XCTUnwrap((expected["faces_upsample1"] as? [[String: Any]])?.first?["descriptor_sp5"] as? [Double])
        let distance = zip(embedding, dlib).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        XCTAssertLessThan(distance, 0.3)

        let same = try CLI.run(["compare", "--json", "--detector", "mtcnn", try dlibImage("Tony_Blair_0001"), try dlibImage("Tony_Blair_0002")])
        XCTAssertEqual(same.status, 0, same.stderr)
        XCTAssertEqual(try same.jsonLines().first?["match"] as? Bool, true)
        let other = try CLI.run(["compare", "--detector", "mtcnn", try dlibImage("Tony_Blair_0001"), try dlibImage("Serena_Williams_0002")])
        XCTAssertEqual(other.status, 1, other.stderr)
        XCTAssertTrue(other.stdout.contains("different people"), other.stdout)
    }

    func testNoFaceAndBadDetectorName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-mtcnn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let flat = dir.appendingPathComponent("flat.png").path
        try Image(width: 160, height: 120, format: .gray, fill: 128).write(to: flat, as: .png())
        let r = try CLI.run(["detect", "--detector", "mtcnn", flat])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no face found in \(flat)"), r.stderr)
        let bad = try CLI.run(["detect", "--detector", "haar", flat])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("mtcnn"), bad.stderr)
    }
}
