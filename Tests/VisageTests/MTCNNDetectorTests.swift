import Foundation
import Visage
import VisageImage
import VisageTestSupport
import XCTest

/// MTCNN options, the pyramid, edge cases, and recall on LFW and AT&T faces.
final class MTCNNDetectorTests: XCTestCase {
    func testInvalidOptionsAreRejected() {
        let bad: [(MTCNNOptions, String)] = [
            (MTCNNOptions(minFaceSize: 0), "minFaceSize"), (MTCNNOptions(minFaceSize: .nan), "minFaceSize"),
            (MTCNNOptions(scaleFactor: 1), "scaleFactor"), (MTCNNOptions(scaleFactor: 0), "scaleFactor"),
            (MTCNNOptions(pnetThreshold: 1.5), "pnetThreshold"), (MTCNNOptions(onetThreshold: -0.1), "onetThreshold"),
        ]
        for (options, name) in bad {
            XCTAssertThrowsError(try options.validate(), name) { error in
                guard case .invalidOption(let reported, _, _)? = error as? DetectionError else { return XCTFail("\(error)") }
                XCTAssertEqual(reported, name)
            }
        }
        XCTAssertNoThrow(try MTCNNOptions().validate())
    }

    func testPyramidMatchesFacenetPyTorch() {
        // facenet-pytorch for 250×250: m = 0.6, then × 0.709 while 250 · scale ≥ 12.
        let scales = MTCNNPyramid.scales(width: 250, height: 250, options: MTCNNOptions())
        XCTAssertEqual(scales.count, 8)
        XCTAssertEqual(scales[0], 0.6)
        XCTAssertEqual(scales[1], 0.6 * 0.709)
        XCTAssertEqual(MTCNNPyramid.levelSize(width: 250, height: 250, scale: scales[0]).width, 151)
        XCTAssertEqual(MTCNNPyramid.levelSize(width: 92, height: 112, scale: 0.6).height, 68)
        XCTAssertTrue(MTCNNPyramid.scales(width: 19, height: 500, options: MTCNNOptions()).isEmpty)
    }

    func testTinyAndBlankImagesHaveNoFaces() throws {
        let detector = try MTCNNTestSupport.detector()
        XCTAssertEqual(detector.detect(in: Image(width: 0, height: 0, format: .rgb)).count, 0)
        XCTAssertEqual(detector.detect(in: Image(width: 15, height: 300, format: .rgb, fill: 128)).count, 0)
        var trace = MTCNNTrace()
        XCTAssertEqual(detector.detect(in: Image(width: 200, height: 150, format: .gray, fill: 90), trace: &trace).count, 0)
        XCTAssertEqual(trace.refined, 0)
    }

    func testGrayImageIsReadAsRGB() throws {
        let detector = try MTCNNTestSupport.detector()
        let gray = try Image.load(path: TestData.shared("att-orl-faces/s2/3.pgm").path)
        XCTAssertEqual(gray.format, .gray)
        let a = detector.detect(in: gray), b = detector.detect(in: gray.converted(to: .rgb))
        XCTAssertEqual(a.count, 1)
        XCTAssertEqual(a, b)
    }

    func testLargerMinimumFaceFindsFewerCandidates() throws {
        let image = try MTCNNTestSupport.image("lfw-dev/lfw-deepfunneled/AJ_Cook/AJ_Cook_0001.jpg")
        var small = MTCNNTrace(), large = MTCNNTrace()
        let a = try MTCNNTestSupport.detector().detect(in: image, trace: &small)
        let b = try MTCNNTestSupport.detector(MTCNNOptions(minFaceSize: 80)).detect(in: image, trace: &large)
        XCTAssertEqual(a.count, 1)
        XCTAssertEqual(b.count, 1)
        XCTAssertLessThan(large.proposals, small.proposals)
        XCTAssertTrue(a.allSatisfy { $0.score >= 0.7 && $0.landmarks.count == 5 })
    }

    /// Every 16th LFW development image (257 of 4,104; `bench-mtcnn --recall` runs them all): a
    /// detection must contain the image centre, where LFW puts the face.
    func testRecallOnLFWSample() throws {
        let detector = try MTCNNTestSupport.detector()
        let root = try TestData.shared("lfw-dev/lfw-deepfunneled")
        var files: [URL] = []
        for person in try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() {
            let folder = root.appendingPathComponent(person)
            files += try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { folder.appendingPathComponent($0) }
        }
        XCTAssertEqual(files.count, 4104)
        let sample = stride(from: 0, to: files.count, by: 16).map { files[$0] }
        var found = 0
        for url in sample {
            let image = try Image.load(path: url.path)
            let centre = SIMD2(Double(image.width) / 2, Double(image.height) / 2)
            if detector.detect(in: image).contains(where: { $0.left <= centre.x && centre.x <= $0.right && $0.top <= centre.y && centre.y <= $0.bottom }) {
                found += 1
            }
        }
        let recall = Double(found) / Double(sample.count)
        print("MTCNN recall on \(sample.count) LFW images: \(found) (\(recall * 100)%)")
        XCTAssertGreaterThanOrEqual(recall, 0.995)
    }

    /// All 400 AT&T faces (92×112 gray, the face filling most of the frame).
    func testRecallOnATTFaces() throws {
        let detector = try MTCNNTestSupport.detector()
        var found = 0
        for subject in 1...40 {
            for k in 1...10 {
                let image = try Image.load(path: TestData.shared("att-orl-faces/s\(subject)/\(k).pgm").path)
                if !detector.detect(in: image).isEmpty { found += 1 }
            }
        }
        print("MTCNN recall on 400 AT&T faces: \(found) (\(Double(found) / 4)%)")
        XCTAssertGreaterThanOrEqual(found, 396)
    }
}
