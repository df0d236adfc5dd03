import Foundation
import VisageTestSupport
import XCTest

/// `visage eval pairs` and `visage calibrate` through the real binary, on small data.
final class EvalCLITests: XCTestCase {
    private func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// The first `perFold` same and different pairs of the first two folds of the dev file.
    private func smallPairsFile(in dir: URL, perFold: Int = 3) throws -> URL {
        let lines = try String(contentsOf: TestData.shared("lfw-dev/pairs_dev_generated_10x30.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        var out = ["2\t\(perFold)"]
        for fold in 0..<2 {
            let base = 1 + fold * 60
            out += lines[base..<(base + perFold)] + lines[(base + 30)..<(base + 30 + perFold)]
        }
        let url = dir.appendingPathComponent("pairs.txt")
        try out.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testEvalPairsWritesJSONAndPlots() throws {
        let dir = try temporaryDirectory()
        let pairs = try smallPairsFile(in: dir)
        let images = try TestData.shared("lfw-dev/lfw-deepfunneled")
        let svg = dir.appendingPathComponent("roc.svg"), png = dir.appendingPathComponent("roc.png")
        let r = try CLI.run(["eval", "pairs", "--pairs", pairs.path, "--images", images.path, "--json",
                             "--roc-svg", svg.path, "--roc-png", png.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try r.jsonLines().first)
        for key in ["accuracy_mean", "accuracy_std", "thresholds", "val_at_far_1e-3", "auc", "eer", "no_face_images"] {
            XCTAssertNotNil(json[key], key)
        }
        XCTAssertEqual(json["pairs"] as? Int, 12)
        XCTAssertEqual((json["thresholds"] as? [Double])?.count, 2)
        // The default model detects faces (MMOD): every one of these LFW photos has one.
        XCTAssertEqual(json["no_face_images"] as? Int, 0)
        XCTAssertEqual(json["model"] as? String, "dlib-resnet mmod upsample 1")
        let accuracy = try XCTUnwrap(json["accuracy_mean"] as? Double)
        XCTAssertTrue((0...1).contains(accuracy))
        XCTAssertTrue(try String(contentsOf: svg, encoding: .utf8).hasPrefix("<?xml"))
        XCTAssertEqual(try Data(contentsOf: png).prefix(4), Data([0x89, 0x50, 0x4E, 0x47]))
    }

    func testEvalPairsReportsBadInput() throws {
        let dir = try temporaryDirectory()
        let bad = dir.appendingPathComponent("bad.txt")
        try "1\t1\nAnn\t1\t2\nAnn\t1\tBob\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try CLI.run(["eval", "pairs", "--pairs", bad.path, "--images", dir.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("line 3"), r.stderr)
        let missing = try CLI.run(["eval", "pairs", "--pairs", try smallPairsFile(in: dir).path, "--images", dir.path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("image(s) of the pairs file are missing"), missing.stderr)
    }

    func testCalibrateWritesACalibrationFile() throws {
        // Four ORL people (40 images): 180 genuine and 600 impostor pairs.
        let dir = try temporaryDirectory()
        let people = dir.appendingPathComponent("people")
        try FileManager.default.createDirectory(at: people, withIntermediateDirectories: true)
        for person in ["s1", "s2", "s3", "s4"] {
            try FileManager.default.createSymbolicLink(at: people.appendingPathComponent(person),
                                                       withDestinationURL: TestData.shared("att-orl-faces/\(person)"))
        }
        let output = dir.appendingPathComponent("calibration.json")
        let r = try CLI.run(["calibrate", people.path, "--target-far", "0.01", "--output", output.path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("pairs: 180 of 180 genuine, 600 of 600 impostor"), r.stdout)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
        XCTAssertEqual(json["formatVersion"] as? Int, 1)
        XCTAssertEqual(json["impostorPairs"] as? Int, 600)
        XCTAssertEqual(json["targetFAR"] as? Double, 0.01)
        XCTAssertNotNil((json["mapping"] as? [String: Any])?["slope"])
        // Too few impostor pairs for 1e-3 (999 needed): a clear error.
        let strict = try CLI.run(["calibrate", people.path, "--output", output.path, "--quiet"])
        XCTAssertEqual(strict.status, 2)
        XCTAssertTrue(strict.stderr.contains("needs at least 999 impostor pairs"), strict.stderr)
    }
}
