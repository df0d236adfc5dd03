import Foundation
import VisageTestSupport
import XCTest

/// `visage train --best-out` and `visage eval folder` through the real binary, on a few AT&T
/// people: train on six, choose the epoch on three others, test on three more.
final class TrainCLITests: XCTestCase {
    private func people(_ range: ClosedRange<Int>, into folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for i in range {
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("s\(i)"),
                                                       withDestinationURL: try TestData.shared("att-orl-faces/s\(i)"))
        }
    }

    func testBestCheckpointThenEvaluateOnOtherPeople() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-train-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (train, val, test) = (dir.appendingPathComponent("train"), dir.appendingPathComponent("val"), dir.appendingPathComponent("test"))
        try people(1...6, into: train)
        try people(7...9, into: val)
        try people(10...12, into: test)
        let last = dir.appendingPathComponent("last.safetensors").path, best = dir.appendingPathComponent("best.safetensors").path

        let refused = try CLI.run(["train", train.path, "--epochs", "1", "--batch", "3x4", "--out", last, "--best-out", best])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("--best-out needs --val-pairs or --val-dir"), refused.stderr)

        let r = try CLI.run(["train", train.path, "--val-dir", val.path, "--epochs", "3", "--batch", "3x4", "--augment", "none",
                             "--out", last, "--best-out", best, "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: last))
        XCTAssertTrue(FileManager.default.fileExists(atPath: best))
        let kept = try XCTUnwrap(r.stderr.split(separator: "\n").last { $0.hasPrefix("best validation accuracy") }, r.stderr)
        XCTAssertTrue(kept.contains("(epoch "), String(kept))

        let e = try CLI.run(["eval", "folder", test.path, "--weights", best, "--json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let object = try XCTUnwrap(try e.jsonLines().first)
        XCTAssertEqual(object["identities"] as? Int, 3)
        XCTAssertEqual(object["same_pairs"] as? Int, 3 * 45)
        XCTAssertEqual(object["different_pairs"] as? Int, 3 * 10 * 20 / 2)
        let accuracy = try XCTUnwrap(object["accuracy"] as? Double)
        XCTAssertGreaterThanOrEqual(accuracy, 0.5)
        XCTAssertLessThanOrEqual(accuracy, 1)

        // Test-time averaging over flips and 4-pixel shifts embeds every image differently.
        let averaged = try CLI.run(["eval", "folder", test.path, "--weights", best, "--flip-average", "--shift-average", "4", "--json"])
        XCTAssertEqual(averaged.status, 0, averaged.stderr)
        let averagedObject = try XCTUnwrap(try averaged.jsonLines().first)
        XCTAssertEqual(averagedObject["same_pairs"] as? Int, 3 * 45)
        XCTAssertNotEqual(try XCTUnwrap(averagedObject["auc"] as? Double), try XCTUnwrap(object["auc"] as? Double))
        let negative = try CLI.run(["eval", "folder", test.path, "--weights", best, "--shift-average=-1"])
        XCTAssertEqual(negative.status, 2)
        XCTAssertTrue(negative.stderr.contains("--shift-average must be ≥ 0"), negative.stderr)

        let missing = try CLI.run(["eval", "folder", test.path, "--weights", dir.appendingPathComponent("nope.safetensors").path])
        XCTAssertEqual(missing.status, 2)
    }

    func testRandomErasingChangesTrainingAndIsChecked() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-train-erase-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = dir.appendingPathComponent("train")
        try people(1...6, into: train)
        let out = dir.appendingPathComponent("w.safetensors").path
        let refused = try CLI.run(["train", train.path, "--epochs", "1", "--batch", "3x4", "--erase", "1.5", "--out", out])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("--erase must be in [0, 1]"), refused.stderr)
        // One epoch with and without erasing every image, same seed: different losses.
        func loss(_ erase: String) throws -> String {
            let r = try CLI.run(["train", train.path, "--epochs", "1", "--batch", "3x4", "--augment", "none", "--erase", erase,
                                 "--out", out, "--threads", "2"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let line = try XCTUnwrap(r.stderr.split(separator: "\n").last { $0.hasPrefix("epoch 1/1") }, r.stderr)
            return try XCTUnwrap(line.split(separator: " ").drop { $0 != "loss" }.dropFirst().first.map(String.init), String(line))
        }
        XCTAssertNotEqual(try loss("0"), try loss("1"))
    }
}
