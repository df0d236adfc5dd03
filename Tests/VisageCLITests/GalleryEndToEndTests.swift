import Foundation
import VisageTestSupport
import XCTest

/// The end-to-end check through the real binary: enrol 20 LFW dev people from one photo
/// each, identify their other photos (rank-1 ≥ 95 %), and people never enrolled come back
/// unknown at the default threshold (≥ 90 %).
///
/// The strangers are every LFW-dev person with a single photo (1,648 people, none enrolled):
/// no sample is drawn, so the rate is this gallery's own. Until session 16 the test used every
/// 32nd of them (50 people), whose rate moves by ±3 points with the draw; that subset is still
/// counted and printed, with a floor at its measured 43/50.
final class GalleryEndToEndTests: XCTestCase {
    func testEnrolTwentyIdentifyOthersAndRejectStrangers() throws {
        let dir = try GalleryFixture.temporaryDirectory(self)
        let gallery = dir.appendingPathComponent("lfw.sqlite").path
        let people = try GalleryFixture.people()
        let candidates = people.filter { $0.1 >= 4 }
        let enrolled = stride(from: 0, to: candidates.count, by: candidates.count / 20).prefix(20).map { candidates[$0] }
        let strangers = people.filter { $0.1 == 1 }
        let unknown = strangers.map(\.0)
        let sample = Set(stride(from: 0, to: strangers.count, by: strangers.count / 50).prefix(50).map { strangers[$0].0 })
        XCTAssertEqual(enrolled.count, 20)
        XCTAssertGreaterThanOrEqual(unknown.count, 1600)
        XCTAssertEqual(sample.count, 50)
        XCTAssertTrue(Set(enrolled.map(\.0)).isDisjoint(with: unknown))

        // Enrol each person from their first photo (one process per person, as a user would).
        var truth: [String: String] = [:]   // probe path -> name
        for (name, count) in enrolled {
            let r = try CLI.run(["enroll", name, try GalleryFixture.photo(name, 1), "--face", "largest", "--gallery", gallery, "--json"])
            XCTAssertEqual(r.status, 0, "enrol \(name): \(r.stdout) \(r.stderr)")
            let outcome = try XCTUnwrap(try r.jsonLines().first)
            XCTAssertEqual(outcome["status"] as? String, "accepted", "\(name): \(r.stdout)")
            for n in 2...min(count, 5) { truth[try GalleryFixture.photo(name, n)] = name }
        }
        let strangerPaths = try unknown.map { try GalleryFixture.photo($0, 1) }
        let samplePaths = Set(try sample.map { try GalleryFixture.photo($0, 1) })
        let strangerSet = Set(strangerPaths)
        let stats = try CLI.run(["gallery", "stats", "--json", "--gallery", gallery]).jsonLines()[0]
        XCTAssertEqual(stats["people"] as? Int, 20)
        XCTAssertEqual(stats["faces"] as? Int, 20)

        // Identify every probe and every stranger in one process (batched).
        let probes = truth.keys.sorted()
        let start = Date()
        let r = try CLI.run(["identify"] + probes + strangerPaths + ["--gallery", gallery, "--json", "--top", "3"])
        let seconds = Date().timeIntervalSince(start)
        XCTAssertTrue(r.status == 0, "identify: \(r.stderr)")
        let lines = try r.jsonLines()
        XCTAssertEqual(lines.count, probes.count + strangerPaths.count)
        var correct = 0, unknownCorrect = 0, sampleUnknown = 0, noFace = 0
        // The nearest person's name and distance for every probe and stranger, for the sweep below.
        var probeNearest: [(right: Bool, distance: Double)] = [], strangerNearest: [Double] = []
        for line in lines {
            let image = try XCTUnwrap(line["image"] as? String)
            let faces = try XCTUnwrap(line["faces"] as? [[String: Any]])
            if faces.isEmpty { noFace += 1 }
            let first = faces.first
            let nearest = (first?["candidates"] as? [[String: Any]])?.first
            let nearestDistance = nearest?["distance"] as? Double ?? .infinity
            if let expected = truth[image] {
                probeNearest.append((nearest?["name"] as? String == expected, nearestDistance))
            } else {
                strangerNearest.append(nearestDistance)
            }
            if let expected = truth[image] {
                let top = (first?["candidates"] as? [[String: Any]])?.first?["name"] as? String
                if top == expected && first?["identity"] as? String == expected { correct += 1 }
            } else {
                XCTAssertTrue(strangerSet.contains(image))
                if first == nil || first?["identity"] is NSNull {
                    unknownCorrect += 1
                    if samplePaths.contains(image) { sampleUnknown += 1 }
                }
            }
            if let face = first {
                for key in ["box", "identity", "distance", "threshold", "candidates", "margin", "probability"] {
                    XCTAssertNotNil(face[key], "key \(key) missing in \(line)")
                }
                // Identify's threshold for a gallery of 20 (the registry's open-set rule), not 0.6.
                XCTAssertEqual(face["threshold"] as? Double ?? 0, 0.5676, accuracy: 0.0005)
                let box = try XCTUnwrap(face["box"] as? [String: Int])
                XCTAssertEqual(Set(box.keys), ["left", "top", "right", "bottom"])
            }
        }
        let rank1 = Double(correct) / Double(probes.count)
        let rejected = Double(unknownCorrect) / Double(strangerPaths.count)
        print(String(format: "gallery e2e: rank-1 %d/%d = %.1f%%, strangers unknown %d/%d = %.1f%% (the former 50-person sample: %d/50), no face in %d images, identify %.1f s for %d images",
                     correct, probes.count, rank1 * 100, unknownCorrect, strangerPaths.count, rejected * 100, sampleUnknown,
                     noFace, seconds, probes.count + strangerPaths.count))
        for t in [0.45, 0.5, 0.55, 0.5676, 0.6] {
            let hits = probeNearest.filter { $0.right && $0.distance < t }.count
            let unknown = strangerNearest.filter { $0 >= t }.count
            print(String(format: "gallery e2e sweep: threshold %.4f: rank-1 %d/%d, strangers unknown %d/%d",
                         t, hits, probeNearest.count, unknown, strangerNearest.count))
        }
        XCTAssertGreaterThanOrEqual(rank1, 0.95)
        // The target: ≥ 90 % of strangers unknown at the default threshold (0.5676 for 20
        // people, docs/cli.md). Measured 1,526 / 1,648 = 92.6 % (session 16). This gallery is
        // harder than the held-out random ones (95.5 %): two of its people, Kim Ryong-sung and
        // Thaksin Shinawatra, are each other's nearest neighbour at 0.43 and together take 61 of
        // the 122 strangers named — dlib's model packs East Asian faces closer together.
        XCTAssertGreaterThanOrEqual(rejected, 0.90)
        // The former sample of 50 (every 32nd stranger): 43/50 with `--upsample auto`.
        XCTAssertGreaterThanOrEqual(sampleUnknown, 43)
    }
}
