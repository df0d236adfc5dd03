import Foundation
import VisageImage
import VisageTestSupport
import XCTest

/// `visage detect / embed / compare` through the real binary, on the dlib reference photos
/// (shared/data/reference/dlib, dlib 20.0.1's numbers).
final class PipelineCLITests: XCTestCase {
    private func image(_ name: String) throws -> String {
        try TestData.shared("reference/dlib/images/\(name).png").path
    }

    private func reference(_ name: String) throws -> [String: Any] {
        let json = try TestData.json(try TestData.shared("reference/dlib/dlib_reference.json"))
        let images = try XCTUnwrap((json as? [String: Any])?["images"] as? [[String: Any]])
        return try XCTUnwrap(images.first { ($0["png"] as? String) == "images/\(name).png" })
    }

    /// A temporary folder removed after the test.
    private func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    private func box(_ face: [String: Any]) -> [Int] {
        let b = face["box"] as? [String: Any] ?? [:]
        return ["left", "top", "right", "bottom"].map { b[$0] as? Int ?? .min }
    }

    func testDetectJSONMatchesDlib() throws {
        let r = try CLI.run(["detect", "--json", try image("Tony_Blair_0001"), try image("George_W_Bush_0001")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try r.jsonLines()
        XCTAssertEqual(lines.count, 2)
        for (line, name) in zip(lines, ["Tony_Blair_0001", "George_W_Bush_0001"]) {
            XCTAssertEqual(line["image"] as? String, try image(name))
            XCTAssertEqual(line["width"] as? Int, 250)
            XCTAssertEqual(line["height"] as? Int, 250)
            let faces = try XCTUnwrap(line["faces"] as? [[String: Any]])
            let expected = try XCTUnwrap(reference(name)["faces_upsample1"] as? [[String: Any]])
                .sorted { ($0["box"] as! [Int]).area > ($1["box"] as! [Int]).area }
            XCTAssertEqual(faces.map(box), expected.map { $0["box"] as! [Int] }, name)
            XCTAssertEqual(faces.map { $0["landmarks"] as? [[Int]] ?? [] }, expected.map { $0["landmarks5"] as! [[Int]] })
            XCTAssertNotNil(faces.first?["score"] as? Double)
            XCTAssertNil(faces.first?["embedding"])
        }
        // 68 points, upsample 0: dlib's upsample-0 box.
        let r68 = try CLI.run(["detect", "--json", "--upsample", "0", "--landmarks", "68", try image("George_W_Bush_0001")])
        XCTAssertEqual(r68.status, 0, r68.stderr)
        let face = try XCTUnwrap((try r68.jsonLines().first?["faces"] as? [[String: Any]])?.first)
        XCTAssertEqual(box(face), [81, 77, 176, 171])
        XCTAssertEqual((face["landmarks"] as? [[Int]])?.count, 68)
        XCTAssertEqual(face["score"] as? Double ?? 0, 1.0430442094802856, accuracy: 1e-4)
        // auto: the upsample-0 pass found this face, so its box is upsample 0's.
        let auto = try CLI.run(["detect", "--json", "--upsample", "auto", try image("George_W_Bush_0001")])
        XCTAssertEqual(auto.status, 0, auto.stderr)
        XCTAssertEqual((try auto.jsonLines().first?["faces"] as? [[String: Any]])?.map(box), [[81, 77, 176, 171]])
    }

    func testDetectText() throws {
        let r = try CLI.run(["detect", try image("Tony_Blair_0001")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("(250×250): 2 faces"), r.stdout)
        XCTAssertTrue(r.stdout.contains("face 1: box (86, 82, 185, 180)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("face 2: box (-33, 42, 65, 140)"), r.stdout)
    }

    func testEmbedJSONGivesDlibDescriptors() throws {
        let r = try CLI.run(["embed", "--json", try image("George_W_Bush_0001")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let face = try XCTUnwrap((try r.jsonLines().first?["faces"] as? [[String: Any]])?.first)
        let embedding = try XCTUnwrap(face["embedding"] as? [Double])
        let expected = try XCTUnwrap((reference("George_W_Bush_0001")["faces_upsample1"] as? [[String: Any]])?
            .first?["descriptor_sp5"] as? [Double])
        XCTAssertEqual(embedding.count, 128)
        for (a, b) in zip(embedding, expected) { XCTAssertEqual(a, b, accuracy: 1e-4) }
        XCTAssertEqual((face["landmarks"] as? [[Int]])?.count, 5)
        // 68-point alignment gives the 68-point chip's descriptor.
        let r68 = try CLI.run(["embed", "--json", "--landmarks", "68", try image("George_W_Bush_0001")])
        let face68 = try XCTUnwrap((try r68.jsonLines().first?["faces"] as? [[String: Any]])?.first)
        let expected68 = try XCTUnwrap((reference("George_W_Bush_0001")["faces_upsample1"] as? [[String: Any]])?
            .first?["descriptor_sp68"] as? [Double])
        for (a, b) in zip(try XCTUnwrap(face68["embedding"] as? [Double]), expected68) { XCTAssertEqual(a, b, accuracy: 1e-4) }
    }

    func testCompareMatchAndNoMatch() throws {
        let same = try CLI.run(["compare", "--json", try image("Tony_Blair_0001"), try image("Tony_Blair_0002")])
        XCTAssertEqual(same.status, 0, same.stderr)
        let s = try XCTUnwrap(try same.jsonLines().first)
        XCTAssertEqual(s["match"] as? Bool, true)
        XCTAssertEqual(s["threshold"] as? Double, 0.6)
        XCTAssertLessThan(s["distance"] as? Double ?? 9, 0.6)
        let other = try CLI.run(["compare", try image("Tony_Blair_0001"), try image("Serena_Williams_0002")])
        XCTAssertEqual(other.status, 1, other.stderr)
        XCTAssertTrue(other.stdout.contains("different people"), other.stdout)
        // A threshold above the distance turns it into a match.
        let loose = try CLI.run(["compare", "--threshold", "1.5", try image("Tony_Blair_0001"), try image("Serena_Williams_0002")])
        XCTAssertEqual(loose.status, 0, loose.stderr)
    }

    func testNoFaceAndUnreadableImages() throws {
        let dir = try temporaryFolder()
        let flat = dir.appendingPathComponent("flat.png").path
        try Image(width: 160, height: 120, format: .gray, fill: 128).write(to: flat, as: .png())
        let detect = try CLI.run(["detect", "--json", flat])
        XCTAssertEqual(detect.status, 1)
        XCTAssertTrue(detect.stderr.contains("no face found in \(flat)"), detect.stderr)
        XCTAssertEqual((try detect.jsonLines().first?["faces"] as? [Any])?.count, 0)
        let embed = try CLI.run(["embed", flat])
        XCTAssertEqual(embed.status, 1)
        XCTAssertTrue(embed.stdout.contains("no face"), embed.stdout)
        let compare = try CLI.run(["compare", flat, try image("Tony_Blair_0001")])
        XCTAssertEqual(compare.status, 2)
        XCTAssertTrue(compare.stderr.contains("no face found in \(flat)"), compare.stderr)

        let garbage = dir.appendingPathComponent("garbage.jpg")
        try Data("not an image".utf8).write(to: garbage)
        let missing = dir.appendingPathComponent("missing.png").path
        for path in [garbage.path, missing] {
            let r = try CLI.run(["detect", path])
            XCTAssertEqual(r.status, 2, path)
            XCTAssertTrue(r.stderr.contains("cannot read image \(path)"), r.stderr)
        }
        // The other images are still processed; the error decides the exit code.
        let mixed = try CLI.run(["detect", "--json", missing, try image("George_W_Bush_0001")])
        XCTAssertEqual(mixed.status, 2)
        XCTAssertEqual(try mixed.jsonLines().count, 1)
    }

    func testCorruptOrTruncatedModelIsAnError() throws {
        let dir = try temporaryFolder()
        let models = TestData.modelDirectory
        for name in ["shape_predictor_5_face_landmarks.dat", "dlib_face_recognition_resnet_model_v1.dat"] {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(name),
                                                       withDestinationURL: models.appendingPathComponent(name))
        }
        let detector = try Data(contentsOf: try TestData.model("mmod_human_face_detector.dat"))
        let file = dir.appendingPathComponent("mmod_human_face_detector.dat")
        try detector.prefix(detector.count - 1000).write(to: file)
        let truncated = try CLI.run(["detect", try image("George_W_Bush_0001")], environment: ["VISAGE_MODELS": dir.path])
        XCTAssertEqual(truncated.status, 2)
        XCTAssertTrue(truncated.stderr.contains("mmod_human_face_detector.dat"), truncated.stderr)
        XCTAssertTrue(truncated.stderr.contains("incomplete or corrupt"), truncated.stderr)
        var corrupt = detector
        corrupt[5000] ^= 0xFF
        try corrupt.write(to: file)
        let flipped = try CLI.run(["embed", try image("George_W_Bush_0001")], environment: ["VISAGE_MODELS": dir.path])
        XCTAssertEqual(flipped.status, 2)
        XCTAssertTrue(flipped.stderr.contains("is corrupt"), flipped.stderr)
        try detector.write(to: file)
        let missing = try CLI.run(["embed", "--landmarks", "68", try image("George_W_Bush_0001")],
                                  environment: ["VISAGE_MODELS": dir.path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("is missing"), missing.stderr)
    }

    func testBadOptionsAreUsageErrors() throws {
        let r = try CLI.run(["detect", "--landmarks", "7", try image("George_W_Bush_0001")])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertNotEqual(r.status, 1)
        let u = try CLI.run(["detect", "--upsample", "9", try image("George_W_Bush_0001")])
        XCTAssertEqual(u.status, 2)
        XCTAssertTrue(u.stderr.contains("--upsample"), u.stderr)
        let word = try CLI.run(["identify", "--upsample", "often", try image("George_W_Bush_0001")])
        XCTAssertEqual(word.status, 2)
        XCTAssertTrue(word.stderr.contains("--upsample"), word.stderr)
    }
}

private extension Array where Element == Int {
    /// The area of an inclusive [left, top, right, bottom] box.
    var area: Int { (self[2] - self[0] + 1) * (self[3] - self[1] + 1) }
}
