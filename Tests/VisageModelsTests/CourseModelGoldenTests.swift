import Foundation
import XCTest
import VisageFormats
import VisageImage
import VisageModels
import VisageNN
import VisageTestSupport

/// The course's two encoders against the Keras reference outputs, on the notebook's own pixels.
final class CourseModelGoldenTests: XCTestCase {
    /// The 18 images as the notebook decoded them (PPM), as an NCHW batch in [0, 1].
    private func batch(decoder: String, names: [String], size: Int) throws -> Tensor {
        let dir = try TestData.shared("reference/pixels/\(decoder)")
        let images = try names.map { name -> Image in
            let base = (name as NSString).deletingPathExtension
            let image = try Image.load(path: dir.appendingPathComponent(base + ".ppm").path)
            return try image.resized(width: size, height: size, filter: .nearest)
        }
        var t = Tensor(shape: [images.count, 3, size, size])
        for (s, image) in images.enumerated() {
            for c in 0..<3 {
                for i in 0..<(size * size) {
                    t.storage[(s * 3 + c) * size * size + i] = Float(image.pixels[i * 3 + c]) / 255
                }
            }
        }
        return t
    }

    private func maxDiff(_ a: ArraySlice<Float>, _ b: [Double]) -> Double {
        zip(a, b).map { abs(Double($0) - $1) }.max() ?? .infinity
    }

    func testFaceNet160RawEmbeddingsMatchKeras() throws {
        let json = try TestData.json(TestData.shared("reference/facenet160/embeddings.json")) as! [String: Any]
        let images = (json["images"] as! [String: Any])["libjpeg9"] as! [String: Any]
        let names = images.keys.sorted()
        let keras = try KerasWeights(contentsOf: TestData.model("facenet_keras.h5"))
        var weights = [String: Tensor]()
        for layer in keras.layers { for w in layer.weights { weights[layer.name + "/" + w.variableName] = w.tensor } }
        let model = try InceptionResNetV1(weights: WeightSource(weights))
        let out = model.forward(try batch(decoder: "libjpeg9", names: names, size: 160))
        XCTAssertEqual(out.shape, [names.count, 128])
        var worst = 0.0
        for (i, name) in names.enumerated() {
            let raw = (images[name] as! [String: Any])["raw"] as! [Double]
            worst = max(worst, maxDiff(out.storage[(i * 128)..<((i + 1) * 128)], raw))
        }
        // The reference's own float32-vs-float64 spread is 5.9e-6; a good port stays within 5e-5.
        XCTAssertLessThan(worst, 5e-5, "max |raw − Keras raw| = \(worst)")
    }

    func testNN4Small2MatchesReferenceWithDeterministicFill() throws {
        let json = try TestData.json(TestData.shared("reference/nn4small2/embeddings_partially_random.json")) as! [String: Any]
        let images = ((json["embeddings"] as! [String: Any])["splitmix"] as! [String: Any])["libjpeg9"] as! [String: Any]
        let names = images.keys.sorted()
        let csv = try OpenFaceCSV.load(directory: TestData.shared("openface-nn4.small2.v1-csv"), missing: .fillDeterministic)
        let model = try OpenFaceNN4Small2(weights: WeightSource(csv.tensors))
        XCTAssertEqual(model.storedParameterCount, 3_743_280)
        let out = model.forward(try batch(decoder: "libjpeg9", names: names, size: 96))
        var worstL2 = 0.0
        for (i, name) in names.enumerated() {
            let l2 = (images[name] as! [String: Any])["l2"] as! [Double]
            worstL2 = max(worstL2, maxDiff(out.storage[(i * 128)..<((i + 1) * 128)], l2))
        }
        // Embeddings of different images are ~0.03 apart with these weights: 1e-5 discriminates.
        XCTAssertLessThan(worstL2, 1e-5, "max |l2 − reference| = \(worstL2)")
    }

    func testNN4Small2RefusesTheIncompleteFolderNamingTheMissingTensors() throws {
        XCTAssertThrowsError(try OpenFaceCSV.load(directory: TestData.shared("openface-nn4.small2.v1-csv"))) { error in
            let message = "\(error)"
            for name in ["inception_3c_3x3_conv2_w", "inception_4e_3x3_conv2_w", "inception_5a_1x1_conv_w",
                         "inception_5a_3x3_conv2_w", "inception_5b_3x3_conv2_w"] {
                XCTAssertTrue(message.contains(name), "\(name) not named in: \(message)")
            }
        }
    }

    func testWeightSourceIsStrict() throws {
        var source = WeightSource(["a": Tensor(shape: [2]), "b": Tensor(shape: [3])])
        XCTAssertThrowsError(try source.take("a", shape: [3])) { error in
            XCTAssertEqual(error as? ModelLoadError, .shapeMismatch(key: "a", expected: [3], found: [2]))
        }
        XCTAssertThrowsError(try source.take("zzz", shape: [1])) { error in
            XCTAssertEqual(error as? ModelLoadError, .missingTensor(key: "zzz"))
        }
        _ = try source.take("a", shape: [2])
        XCTAssertThrowsError(try source.finish()) { error in
            XCTAssertEqual(error as? ModelLoadError, .unusedTensors(keys: ["b"]))
        }
    }
}
