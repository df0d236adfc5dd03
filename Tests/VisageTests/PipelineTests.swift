import Foundation
import Visage
import VisageImage
import VisageModels
import VisageTestSupport
import XCTest

/// The whole pipeline against dlib 20.0.1 (shared/data/reference/dlib): MMOD at upsample 1, 5- and
/// 68-point landmarks from each box, `get_face_chip(img, shape, 150, 0.25)`, and the ResNet
/// descriptor of each chip — boxes and landmarks identical, chips byte-identical, descriptors
/// within 1e-4. Tony_Blair_0001 holds two faces.
final class PipelineTests: XCTestCase {
    private struct ReferenceFace {
        let box: PixelRect
        let confidence: Double
        let landmarks: [LandmarkModel: [PixelPoint]]
        let chips: [LandmarkModel: String]
        let descriptors: [LandmarkModel: [Float]]
    }

    private func references() throws -> [(png: String, faces: [ReferenceFace])] {
        let json = try TestData.json(try TestData.shared("reference/dlib/dlib_reference.json"))
        let images = try XCTUnwrap((json as? [String: Any])?["images"] as? [[String: Any]])
        return try images.map { image in
            let detections = try XCTUnwrap((image["detections"] as? [String: Any])?["upsample1"] as? [[String: Any]])
            let faces = try XCTUnwrap(image["faces_upsample1"] as? [[String: Any]])
            XCTAssertEqual(detections.count, faces.count)
            let parsed = try zip(detections, faces).map { detection, face -> ReferenceFace in
                let b = try XCTUnwrap(face["box"] as? [Int])
                func points(_ key: String) throws -> [PixelPoint] {
                    try XCTUnwrap(face[key] as? [[Int]]).map { PixelPoint(x: $0[0], y: $0[1]) }
                }
                func floats(_ key: String) throws -> [Float] { try XCTUnwrap(face[key] as? [Double]).map(Float.init) }
                return ReferenceFace(
                    box: PixelRect(left: b[0], top: b[1], right: b[2], bottom: b[3]),
                    confidence: try XCTUnwrap(detection["confidence"] as? Double),
                    landmarks: [.five: try points("landmarks5"), .sixtyEight: try points("landmarks68")],
                    chips: [.five: try XCTUnwrap(face["chip_sp5"] as? String), .sixtyEight: try XCTUnwrap(face["chip_sp68"] as? String)],
                    descriptors: [.five: try floats("descriptor_sp5"), .sixtyEight: try floats("descriptor_sp68")])
            }
            return (try XCTUnwrap(image["png"] as? String), parsed)
        }
    }

    private var store: ModelStore { ModelStore(directory: TestData.modelDirectory) }

    func testPipelineMatchesDlib() throws {
        let refs = try references()
        let detector = try MMODDetector(contentsOf: try TestData.model("mmod_human_face_detector.dat"), upsample: 1)
        let encoder = try DlibResNetEncoder(contentsOf: try TestData.model("dlib_face_recognition_resnet_model_v1.dat"))
        var faces = 0, worst: Float = 0
        for model in LandmarkModel.allCases {
            let predictor = try ShapePredictor(contentsOf: try TestData.model(model.file.fileName))
            let pipeline = FacePipeline(detector: detector, landmarks: predictor, encoder: encoder)
            XCTAssertEqual(pipeline.chipRecipe, .dlibAligned(size: 150, padding: 0.25))
            for (png, expected) in refs {
                let image = try MMODDetectorTests.load(png)
                let found = try pipeline.faces(in: image)
                // Largest box first; dlib orders by confidence.
                let ordered = expected.sorted { $0.box.area > $1.box.area }
                XCTAssertEqual(found.map(\.detection.pixelRect), ordered.map(\.box), png)
                for (face, ref) in zip(found, ordered) {
                    XCTAssertEqual(Double(face.detection.score), ref.confidence, accuracy: 1e-4)
                    XCTAssertEqual(face.landmarks, ref.landmarks[model], "\(png) \(model)")
                    let chip = try MMODDetectorTests.load(try XCTUnwrap(ref.chips[model]))
                    XCTAssertTrue(face.chip == chip, "\(png) \(model) chip")
                    let descriptor = try XCTUnwrap(ref.descriptors[model])
                    XCTAssertEqual(face.embedding.count, 128)
                    for j in 0..<128 { worst = max(worst, abs(face.embedding[j] - descriptor[j])) }
                    faces += 1
                }
            }
        }
        XCTAssertEqual(faces, 18)
        XCTAssertLessThanOrEqual(worst, 1e-4)
        print("pipeline: max |Δdescriptor| = \(worst)")
    }

    func testTwoFacesLargestFirstAndDistances() throws {
        let pipeline = try FacePipeline(store: store)
        let faces = try pipeline.faces(in: try MMODDetectorTests.load("images/Tony_Blair_0001.png"))
        XCTAssertEqual(faces.count, 2)
        XCTAssertGreaterThan(faces[0].detection.pixelRect.area, faces[1].detection.pixelRect.area)
        // The same person in another photo is within face_recognition's 0.6; another person is not.
        let same = try pipeline.faces(in: try MMODDetectorTests.load("images/Tony_Blair_0002.png"))
        let other = try pipeline.faces(in: try MMODDetectorTests.load("images/Serena_Williams_0002.png"))
        XCTAssertLessThan(euclideanDistance(faces[0].embedding, same[0].embedding), 0.6)
        XCTAssertGreaterThan(euclideanDistance(faces[0].embedding, other[0].embedding), 0.6)
        XCTAssertEqual(ModelDescriptor.of(.dlibResNet).defaultThreshold, 0.6)
    }

    func testGrayImagesWork() throws {
        let pipeline = try FacePipeline(store: store, options: PipelineOptions(upsample: 0))
        let rgb = try MMODDetectorTests.load("images/Colin_Powell_0001.png")
        let gray = rgb.converted(to: .gray)
        let faces = try pipeline.faces(in: gray)
        XCTAssertEqual(faces.count, 1)
        XCTAssertEqual(faces[0].chip.format, .gray)
        // dlib replicates gray to RGB: the same as running on the replicated image.
        let replicated = try pipeline.faces(in: gray.converted(to: .rgb))
        XCTAssertEqual(faces[0].landmarks, replicated[0].landmarks)
        XCTAssertEqual(faces[0].embedding, replicated[0].embedding)
    }

    func testNoFaceGivesNoFaces() throws {
        let pipeline = try FacePipeline(store: store)
        XCTAssertEqual(try pipeline.faces(in: Image(width: 200, height: 160, format: .rgb, fill: 127)), [])
        XCTAssertEqual(try pipeline.locate(in: Image(width: 64, height: 64, format: .gray, fill: 0)), [])
    }

    func testJitterMatchesDlib() throws {
        // compute_face_descriptor(chip, num_jitters=4) on a freshly loaded dlib model
        // (scripts/fixtures/make_dlib_jitter_fixture.py).
        let expected: [Float] = [
        -0.0274778, 0.1557782, 0.0238703, -0.0077086, -0.1412597, 0.0953365, -0.0622950, -0.1097679,
        0.0439010, 0.0619471, 0.2061182, -0.0844627, -0.2735872, -0.0679114, -0.0505919, 0.1298896,
        -0.0651008, -0.0676650, -0.2143081, -0.0965246, -0.0893231, 0.0215317, 0.1078375, -0.0219012,
        -0.1128404, -0.3135222, -0.0048272, -0.1023436, 0.1157743, -0.0931049, -0.0407270, 0.0596201,
        -0.2524325, -0.0982115, 0.0266358, 0.0744259, -0.0813115, -0.0441355, 0.2579284, -0.0127172,
        -0.1217782, 0.0929987, 0.1350996, 0.2030909, 0.1755493, 0.0260049, 0.0404137, 0.0031330,
        0.0805868, -0.2404426, 0.0601571, 0.1469254, 0.1589813, 0.0711785, 0.0989172, -0.1205720,
        -0.0039703, 0.1583226, -0.1407810, 0.0856448, 0.0090147, -0.0164942, -0.0962900, -0.0828277,
        0.1748941, 0.0892037, -0.0096971, -0.1656591, 0.1666828, -0.0998468, -0.0470095, 0.0818455,
        -0.0549248, -0.1111044, -0.2725163, 0.0874377, 0.2998512, 0.1210729, -0.2488354, 0.0292277,
        -0.0254926, -0.1025101, -0.0219396, -0.0616315, -0.0658801, -0.0534874, -0.0807375, -0.0326497,
        0.2419419, -0.0940973, 0.0384525, 0.2140312, 0.0595252, -0.0282025, 0.0240703, 0.0144209,
        -0.1289443, -0.0320131, -0.1772521, -0.0218203, 0.0776131, -0.1354034, -0.0091626, 0.0282910,
        -0.2273383, 0.1011189, -0.0132099, -0.0886595, 0.0171685, 0.0061736, -0.0931049, -0.0253560,
        0.2524659, -0.2686272, 0.2619984, 0.1982080, -0.0213691, 0.0602758, 0.1507344, 0.0671195,
        0.0742832, 0.0835655, -0.0877267, -0.2344216, 0.0649245, -0.0883397, -0.0713517, 0.0935267,
        ]
        let chip = try MMODDetectorTests.load("chips/George_W_Bush_0001_face0_sp5.png")
        let encoder = try DlibResNetEncoder(contentsOf: try TestData.model("dlib_face_recognition_resnet_model_v1.dat"),
                                            jitters: 4)
        let jittered = try encoder.encode(chip)
        var worst: Float = 0
        for j in 0..<128 { worst = max(worst, abs(jittered[j] - expected[j])) }
        XCTAssertLessThanOrEqual(worst, 1e-4)
        // Each call starts from dlib's seed; one jitter means none, as in dlib.
        XCTAssertEqual(try encoder.encode(chip), jittered)
        var one = encoder
        one.jitters = 1
        XCTAssertEqual(try one.encode(chip), try DlibResNetEncoder(model: encoder.model).encode(chip))
        XCTAssertThrowsError(try encoder.encode(Image(width: 160, height: 160, format: .rgb))) { error in
            XCTAssertEqual(error as? EncodingError, .wrongInputSize(width: 160, height: 160, expected: 150))
        }
    }
}
