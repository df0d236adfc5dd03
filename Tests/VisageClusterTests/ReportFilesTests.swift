import Foundation
import VisageCluster
import VisageImage
import VisageStore
import XCTest

/// The cache, contact sheets, index page, gallery labels and enrolment, without models.
final class ReportFilesTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func thumbnail(_ value: UInt8) throws -> Data {
        Data(try Image(width: 96, height: 96, format: .rgb, fill: value).encoded(as: .jpeg()))
    }

    private func face(_ sha: String, _ embedding: [Float]) throws -> CachedImage {
        CachedImage(sha256: sha, pipeline: "p1", width: 100, height: 80,
                    faces: [CachedFace(box: FaceBox(left: 10, top: 5, right: 50, bottom: 45), score: 0.9,
                                       embedding: embedding, thumbnail: try thumbnail(200))])
    }

    func testCacheRoundTripsExactlyAndSkipsBrokenLines() throws {
        let path = folder.appendingPathComponent("c.jsonl").path
        let tricky: [Float] = [0.1, -1e-30, 3.4e38, .leastNonzeroMagnitude]
        do {
            let cache = try FaceCache(path: path, pipeline: "p1")
            try cache.store(try face("aa", tricky))
            try cache.store(CachedImage(sha256: "bb", pipeline: "p1", width: 1, height: 1, faces: []))
        }
        // A run killed mid-line, then an entry of another pipeline.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"sha256\":\"cc\",\"pipe".utf8))
        try handle.close()
        let other = try FaceCache(path: path, pipeline: "p2")
        XCTAssertEqual(other.count, 0)
        XCTAssertEqual(other.skippedLines, 1)
        var p2 = try face("aa", [1, 2, 3, 4])
        p2.pipeline = "p2"
        try other.store(p2)
        let reread = try FaceCache(path: path, pipeline: "p1")
        XCTAssertEqual(reread.count, 2)
        XCTAssertEqual(reread.skippedLines, 1)
        XCTAssertEqual(reread.lookup(sha256: "aa")?.faces.first?.embedding.map(\.bitPattern), tricky.map(\.bitPattern))
        XCTAssertEqual(reread.lookup(sha256: "bb")?.faces, [])
        XCTAssertEqual(try FaceCache(path: path, pipeline: "p2").lookup(sha256: "aa")?.faces.first?.embedding, [1, 2, 3, 4])
    }

    func testContactSheetLaysOutTilesAndFramesTheRepresentative() throws {
        let sheet = try ContactSheet.render([try thumbnail(250), try thumbnail(10), Data([1, 2, 3])], framedFirst: true)
        let gap = ContactSheet.gap, side = FaceThumbnail.side
        XCTAssertEqual(sheet.width, gap + 3 * (side + gap))
        XCTAssertEqual(sheet.height, gap + side + gap)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(sheet.pixels[(y * sheet.width + x) * 3 ..< (y * sheet.width + x) * 3 + 3]) }
        XCTAssertEqual(pixel(gap - 2, gap - 2), [255, 191, 0], "amber frame")
        XCTAssertGreaterThan(pixel(gap + 40, gap + 40)[0], 240)
        XCTAssertLessThan(pixel(gap + side + gap + 40, gap + 40)[0], 20)
        XCTAssertEqual(pixel(gap + 2 * (side + gap) + 40, gap + 40), [110, 110, 110], "undecodable tile is grey")
        let many = try ContactSheet.render(Array(repeating: try thumbnail(9), count: 250), framedFirst: false)
        XCTAssertEqual(many.height, gap + 10 * (side + gap), "capped at 100 faces in rows of 10")
    }

    func testReportSheetsPageAndEnrolment() throws {
        let cachePath = folder.appendingPathComponent("c.jsonl").path
        let cache = try FaceCache(path: cachePath, pipeline: "p1")
        let vectors: [[Float]] = [[0, 0], [0.1, 0], [0, 0.1], [3, 3], [3.1, 3], [9, 9]]
        var harvest = Harvest()
        for (i, v) in vectors.enumerated() {
            let sha = String(repeating: String(i), count: 64)
            let entry = try face(sha, v)
            try cache.store(entry)
            harvest.faces.append(HarvestedFace(image: "photos/<p\(i)>.jpg", sha256: sha, index: 0, face: entry.faces[0]))
        }
        harvest.images = 6
        let m = try EmbeddingMatrix(rows: vectors)
        let options = ClusterOptions(threshold: 0.5)
        let grouping = try FaceClusterer(options: options).cluster(m)

        // A gallery that knows the second group's person.
        let galleryPath = folder.appendingPathComponent("g.sqlite").path
        let gallery = try Gallery.open(path: galleryPath, model: GalleryModel(id: "toy", preprocessingVersion: 1, dimension: 2), create: true)
        try gallery.enroll(personName: "Bo", createIfMissing: true,
                           faces: [NewFace(imageSHA256: String(repeating: "a", count: 64), box: FaceBox(left: 0, top: 0, right: 1, bottom: 1),
                                           quality: 1, embedding: [3.05, 3])])
        let known = GalleryMatcher.match(m, gallery: try gallery.allEmbeddings(), threshold: 0.5)
        XCTAssertEqual(known.map { $0?.name }, [nil, nil, nil, "Bo", "Bo", nil])
        XCTAssertEqual(known[3]?.distance ?? 0, 0.05, accuracy: 1e-4)

        var report = ClusterReport(harvest: harvest, grouping: grouping, representatives: grouping.representatives(in: m),
                                   known: known, options: options, pipeline: "p1", cache: cachePath, gallery: galleryPath)
        XCTAssertEqual(report.groups.map(\.size), [3, 2])
        XCTAssertEqual(report.groups.map(\.name), [nil, "Bo"])
        XCTAssertEqual(report.unassigned.map(\.image), ["photos/<p5>.jpg"])
        try ContactSheetWriter(folder: folder) { cache.lookup(sha256: $0.sha256)?.faces[$0.face].thumbnail }.write(&report)
        XCTAssertEqual(report.groups.map(\.sheet), ["group-0001.png", "group-0002.png"])
        for name in ["group-0001.png", "group-0002.png", "unassigned.png"] {
            let image = try Image.load(path: folder.appendingPathComponent(name).path)
            XCTAssertEqual(image.height, ContactSheet.gap * 2 + FaceThumbnail.side, name)
        }
        let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("src=\"group-0002.png\""))
        XCTAssertTrue(html.contains("photos/&lt;p5&gt;.jpg"))
        XCTAssertFalse(html.contains("<p5>"))

        let reportPath = folder.appendingPathComponent("report.json").path
        try report.write(to: reportPath)
        var loaded = try ClusterReport.load(path: reportPath)
        XCTAssertEqual(loaded, report)
        XCTAssertThrowsError(try GroupEnrolment.enrol(group: 7, as: "Al", report: &loaded, cache: cache, gallery: gallery)) {
            XCTAssertEqual($0 as? ClusterError, .unknownGroup(id: 7, available: 2))
        }
        let outcome = try GroupEnrolment.enrol(group: 1, as: "Al", report: &loaded, cache: cache, gallery: gallery)
        XCTAssertEqual(outcome.enrolled.count, 3)
        XCTAssertEqual(loaded.groups[0].name, "Al")
        XCTAssertEqual(try gallery.faces(of: "Al").map(\.imageSHA256), ["0", "1", "2"].map { String(repeating: $0, count: 64) })
        // Faces known as someone else are left out.
        XCTAssertThrowsError(try GroupEnrolment.enrol(group: 2, as: "Cy", report: &loaded, cache: cache, gallery: gallery)) {
            XCTAssertEqual($0 as? ClusterError, .nothingToEnrol(group: 2))
        }
        XCTAssertNil(try gallery.person(named: "Cy"))
        try gallery.close()

        try Data("{\"version\": 1}".utf8).write(to: URL(fileURLWithPath: reportPath))
        XCTAssertThrowsError(try ClusterReport.load(path: reportPath)) {
            guard case .badReport = $0 as? ClusterError else { return XCTFail("\($0)") }
        }
    }
}
