import Foundation
import VisageTestSupport
import XCTest

/// The real `visage cluster` binary: a cold run, a warm run from the cache, enrolment, and the
/// enrolled name labelling the next run.
final class ClusterCLITests: XCTestCase {
    func testClusterCacheEnrolAndKnownLabel() throws {
        let lfw = try TestData.shared("lfw-dev/lfw-deepfunneled")
        _ = try TestData.model("dlib_face_recognition_resnet_model_v1.dat")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-cli-\(UUID().uuidString)")
        let photos = dir.appendingPathComponent("photos")
        defer { try? FileManager.default.removeItem(at: dir) }
        for person in ["Colin_Powell", "Tony_Blair"] {
            let target = photos.appendingPathComponent(person)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            for i in 1...3 {
                let name = String(format: "%@_%04d.jpg", person, i)
                try FileManager.default.copyItem(at: lfw.appendingPathComponent(person).appendingPathComponent(name),
                                                 to: target.appendingPathComponent(name))
            }
        }
        let out = dir.appendingPathComponent("out").path, gallery = dir.appendingPathComponent("g.sqlite").path
        let args = ["cluster", photos.path, "--out", out, "--gallery", gallery]

        let cold = try CLI.run(args)
        XCTAssertEqual(cold.status, 0, cold.stderr)
        // One photo shows a bystander too: 7 faces, the bystander in no group.
        XCTAssertTrue(cold.stdout.contains("6 photos (0 from the cache), 7 faces, 2 groups, 1 faces in no group"), cold.stdout)
        let warm = try CLI.run(args + ["--json"])
        XCTAssertEqual(warm.status, 0, warm.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(warm.stdout.utf8)) as? [String: Any])
        let groups = try XCTUnwrap(report["groups"] as? [[String: Any]])
        XCTAssertEqual(groups.map { $0["size"] as? Int }, [3, 3])
        let firstImages = (groups[0]["faces"] as? [[String: Any]] ?? []).compactMap { $0["image"] as? String }
        let person = firstImages.first?.contains("Colin_Powell") == true ? "Colin Powell" : "Tony Blair"
        XCTAssertEqual(Set(firstImages.map { $0.contains("Colin_Powell") }).count, 1, "one person per group")
        for file in ["index.html", "group-0001.png", "group-0002.png", "faces-cache.jsonl", "report.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + file), file)
        }

        let enrol = try CLI.run(["cluster", "--enroll", "1", person, "--out", out, "--gallery", gallery])
        XCTAssertEqual(enrol.status, 0, enrol.stderr)
        XCTAssertTrue(enrol.stdout.contains("enrolled 3 faces of group 1 as \(person)"), enrol.stdout)
        let bad = try CLI.run(["cluster", "--enroll", "9", "X", "--out", out, "--gallery", gallery])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("no group 9"), bad.stderr)

        let labelled = try CLI.run(args)
        XCTAssertEqual(labelled.status, 0, labelled.stderr)
        XCTAssertTrue(labelled.stdout.contains("group 1: 3 faces (\(person))"), labelled.stdout)
        XCTAssertTrue(labelled.stdout.contains("6 photos (6 from the cache)"), labelled.stdout)
    }
}
