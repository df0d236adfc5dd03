import Foundation
import VisageFormats
import VisageImage
import VisageModels
import VisageNN
import VisageTestSupport
import XCTest

/// dlib's face ResNet against dlib 20.0.1: the descriptors in shared/data/reference/dlib were made
/// with `compute_face_descriptor` on the chips stored beside them (get_face_chip of each
/// upsample-1 detection, 5- and 68-point landmarks).
final class DlibResNetTests: XCTestCase {
    private struct Chip {
        let path: String
        let descriptor: [Float]
    }

    private func referenceChips() throws -> [Chip] {
        let json = try TestData.json(try TestData.shared("reference/dlib/dlib_reference.json"))
        let images = try XCTUnwrap((json as? [String: Any])?["images"] as? [[String: Any]])
        var chips = [Chip]()
        for image in images {
            for face in try XCTUnwrap(image["faces_upsample1"] as? [[String: Any]]) {
                for (chip, descriptor) in [("chip_sp5", "descriptor_sp5"), ("chip_sp68", "descriptor_sp68")] {
                    chips.append(Chip(path: try XCTUnwrap(face[chip] as? String),
                                      descriptor: try XCTUnwrap(face[descriptor] as? [Double]).map(Float.init)))
                }
            }
        }
        return chips
    }

    /// `(pixel − mean) / 256` planes, as dlib's `input_rgb_image_sized`.
    private func input(_ paths: [String], mean: [Float]) throws -> Tensor {
        var t = Tensor(shape: [paths.count, 3, 150, 150])
        for (s, path) in paths.enumerated() {
            let png = try TestPNG.decodeRGB(try TestData.shared("reference/dlib/" + path))
            XCTAssertEqual(png.width, 150)
            XCTAssertEqual(png.height, 150)
            for c in 0..<3 {
                for i in 0..<(150 * 150) {
                    t.storage[(s * 3 + c) * 22_500 + i] = (Float(png.rgb[3 * i + c]) - mean[c]) / 256
                }
            }
        }
        return t
    }

    private func loadModel() throws -> DlibResNet {
        try DlibResNet(contentsOf: try TestData.model("dlib_face_recognition_resnet_model_v1.dat"))
    }

    func testStructureAndCost() throws {
        let file = try DlibNetwork(contentsOf: try TestData.model("dlib_face_recognition_resnet_model_v1.dat"),
                                   architecture: .faceRecognitionResNet)
        let model = try DlibResNet(file)
        XCTAssertEqual(model.mean, [122.782, 117.001, 104.298])
        XCTAssertEqual(model.multiplyAdds, 270_854_144)
        XCTAssertEqual(model.network.outputShape(for: [4, 3, 150, 150]), [4, 128])
        // The 29 affines are folded into the convolutions; 14 residual blocks remain.
        let affineParameters = file.layers.reduce(0) { sum, layer in
            if case let .affine(gamma, beta) = layer { return sum + gamma.count + beta.count }
            return sum
        }
        XCTAssertEqual(file.parameterCount, 5_614_592)
        XCTAssertEqual(model.network.parameterCount, 5_614_592 - affineParameters)
        XCTAssertEqual(model.network.layers.filter { $0 is Residual }.count, 14)
    }

    func testDescriptorsMatchDlib() throws {
        let model = try loadModel()
        let chips = try referenceChips()
        XCTAssertEqual(chips.count, 18)
        let out = model.forward(try input(chips.map(\.path), mean: model.mean))
        XCTAssertEqual(out.shape, [18, 128])
        var worst: Float = 0
        for (i, chip) in chips.enumerated() {
            for j in 0..<128 { worst = max(worst, abs(out.storage[i * 128 + j] - chip.descriptor[j])) }
        }
        XCTAssertLessThanOrEqual(worst, 1e-4, "max |Δ| = \(worst)")
        // The compiled plan and VisageNN's layer-by-layer forward agree.
        XCTAssertTrue(model.usesCompiledPlan)
        let reference = model.network.forward(try input(Array(chips.prefix(4)).map(\.path), mean: model.mean))
        for i in 0..<reference.count { XCTAssertEqual(reference.storage[i], out.storage[i], accuracy: 1e-5) }
        // A batch of one gives the same numbers as the batch (no batch-dependent behaviour).
        let single = model.forward(try input([chips[3].path], mean: model.mean))
        for j in 0..<128 { XCTAssertEqual(single.storage[j], out.storage[3 * 128 + j], accuracy: 1e-6) }
    }

    func testCorruptAndTruncatedFilesGiveTypedErrors() throws {
        let data = try Data(contentsOf: try TestData.model("dlib_face_recognition_resnet_model_v1.dat"))
        XCTAssertThrowsError(try DlibResNet(DlibNetwork(data: data.prefix(data.count / 2),
                                                        architecture: .faceRecognitionResNet))) { error in
            guard case DlibFormatError.truncated = error else { return XCTFail("\(error)") }
        }
        var corrupt = data
        corrupt[2] = 0x7F  // the loss record's version-string length
        XCTAssertThrowsError(try DlibNetwork(data: corrupt, architecture: .faceRecognitionResNet)) { error in
            XCTAssertTrue(error is DlibFormatError, "\(error)")
        }
        // The detector's file is not a ResNet.
        let mmod = try Data(contentsOf: try TestData.model("mmod_human_face_detector.dat"))
        XCTAssertThrowsError(try DlibNetwork(data: mmod, architecture: .faceRecognitionResNet)) { error in
            XCTAssertTrue(error is DlibFormatError, "\(error)")
        }
    }
}
