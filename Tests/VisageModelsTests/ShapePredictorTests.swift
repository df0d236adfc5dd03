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
