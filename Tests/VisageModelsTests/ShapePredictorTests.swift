import VisageImage
import VisageModels
import VisageTestSupport
import XCTest

/// Landmarks against dlib 20.0.1 (shared/data/reference/dlib/dlib_reference.json): the boxes are
/// dlib's CNN detections at upsample 1, the images PNGs decoded with Pillow.
final class ShapePredictorTests: XCTestCase {
    private struct Face {
        let image: String
        let box: PixelRect
        let landmarks5: [PixelPoint]
        let landmarks68: [PixelPoint]
    }

    private func referenceFaces() throws -> [Face] {
        let json = try TestData.json(try TestData.shared("reference/dlib/dlib_reference.json"))
        let images = try XCTUnwrap((json as? [String: Any])?["images"] as? [[String: Any]])
        func points(_ value: Any?) throws -> [PixelPoint] {
            try XCTUnwrap(value as? [[Int]]).map { PixelPoint(x: $0[0], y: $0[1]) }
        }
        var faces = [Face]()
        for image in images {
            for face in try XCTUnwrap(image["faces_upsample1"] as? [[String: Any]]) {
                let b = try XCTUnwrap(face["box"] as? [Int])
                faces.append(Face(image: try XCTUnwrap(image["png"] as? String),
                                  box: PixelRect(left: b[0], top: b[1], right: b[2], bottom: b[3]),
                                  landmarks5: try points(face["landmarks5"]),
                                  landmarks68: try points(face["landmarks68"])))
            }
        }
        return faces
    }

    private func loadImage(_ relative: String) throws -> Image {
        let png = try TestPNG.decodeRGB(try TestData.shared("reference/dlib/" + relative))
        return Image(width: png.width, height: png.height, format: .rgb, pixels: png.rgb)
    }

    private func grayscale(_ image: Image) -> Image {
        var gray = [UInt8](repeating: 0, count: image.width * image.height)
        for i in gray.indices {
            let sum = Int(image.pixels[3 * i]) + Int(image.pixels[3 * i + 1]) + Int(image.pixels[3 * i + 2])
            gray[i] = UInt8(sum / 3)
        }
        return Image(width: image.width, height: image.height, format: .gray, pixels: gray)
    }

    func testLandmarksMatchDlib() throws {
        let sp5 = try ShapePredictor(contentsOf: try TestData.model("shape_predictor_5_face_landmarks.dat"))
        let sp68 = try ShapePredictor(contentsOf: try TestData.model("shape_predictor_68_face_landmarks.dat"))
        XCTAssertEqual(sp5.landmarkCount, 5)
        XCTAssertEqual(sp68.landmarkCount, 68)
        let faces = try referenceFaces()
        XCTAssertEqual(faces.count, 9)
        for face in faces {
            let image = try loadImage(face.image)
            XCTAssertEqual(sp5.predict(image: image, box: face.box), face.landmarks5, face.image)
            XCTAssertEqual(sp68.predict(image: image, box: face.box), face.landmarks68, face.image)
            // dlib reduces RGB to (R + G + B) / 3, so the gray image gives the same landmarks.
            let gray = grayscale(image)
            XCTAssertEqual(sp5.predict(image: gray, box: face.box), face.landmarks5, face.image)
        }
    }

    /// The AVX2 kernels against the portable code on 30 boxes per reference face (shifted,
    /// scaled, partly or wholly outside the image), RGB and gray, both models: identical landmarks.
    func testKernelsGiveThePortableLandmarks() throws {
        let sp5URL = try TestData.model("shape_predictor_5_face_landmarks.dat")
        let sp68URL = try TestData.model("shape_predictor_68_face_landmarks.dat")
        let fast = [try ShapePredictor(contentsOf: sp5URL), try ShapePredictor(contentsOf: sp68URL)]
        let portable = [try ShapePredictor(contentsOf: sp5URL, kernels: .portable),
                        try ShapePredictor(contentsOf: sp68URL, kernels: .portable)]
        #if arch(x86_64)
        XCTAssertTrue(fast.allSatisfy(\.runsAVX2Kernels), "this x86-64 machine has AVX2: the kernels must run")
        #endif
        XCTAssertFalse(portable.contains(where: \.runsAVX2Kernels))
        var state: UInt64 = 12_345
        func next(_ range: ClosedRange<Int>) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return range.lowerBound + Int((state >> 33) % UInt64(range.count))
        }
        var compared = 0
        for face in try referenceFaces() {
            let image = try loadImage(face.image)
            let gray = grayscale(image)
            let size = face.box.right - face.box.left
            for trial in 0..<30 {
                let scale = next(60...160), dx = next(-size...size) / (trial < 20 ? 4 : 1), dy = next(-size...size) / (trial < 20 ? 4 : 1)
                let side = size * scale / 100
                let box = PixelRect(left: face.box.left + dx, top: face.box.top + dy,
                                    right: face.box.left + dx + side, bottom: face.box.top + dy + side)
                for (a, b) in zip(fast, portable) {
                    XCTAssertEqual(a.predict(image: image, box: box), b.predict(image: image, box: box), "\(face.image) \(box)")
                    XCTAssertEqual(a.predict(image: gray, box: box), b.predict(image: gray, box: box), "\(face.image) \(box) gray")
                    compared += 2
                }
            }
        }
        XCTAssertEqual(compared, 9 * 30 * 4)
    }

    func testBoxesOutsideTheImageDoNotCrash() throws {
        let sp5 = try ShapePredictor(contentsOf: try TestData.model("shape_predictor_5_face_landmarks.dat"))
        let image = Image(width: 20, height: 10, format: .rgb, fill: 128)
        let far = sp5.predict(image: image, box: PixelRect(left: 1_000, top: 1_000, right: 1_100, bottom: 1_100))
        XCTAssertEqual(far.count, 5)
        XCTAssertTrue(far.allSatisfy { $0.x >= 1_000 && $0.y >= 1_000 })
        let empty = Image(width: 0, height: 0, format: .gray, pixels: [])
        XCTAssertEqual(sp5.predict(image: empty, box: PixelRect(left: 0, top: 0, right: 99, bottom: 99)).count, 5)
    }
}
