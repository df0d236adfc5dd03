import Foundation
import VisageFormats
import VisageNN
import VisageTestSupport
import XCTest

/// The OpenFace CSV folder loader against `openface-nn4.small2.v1-csv` and the reference fills.
final class OpenFaceCSVTests: XCTestCase {
    private static let missingFiles = [
        "inception_3c_3x3_conv2_w.csv", "inception_4e_3x3_conv2_w.csv", "inception_5a_1x1_conv_w.csv",
        "inception_5a_3x3_conv2_w.csv", "inception_5b_3x3_conv2_w.csv",
    ]

    private func folder() throws -> URL { try TestData.shared("openface-nn4.small2.v1-csv") }

    func testLayerTable() {
        let tensors = OpenFaceNN4Small2.layers.flatMap(\.tensors)
        XCTAssertEqual(OpenFaceNN4Small2.layers.count, 75)
        XCTAssertEqual(tensors.count, 224)
        XCTAssertEqual(Set(tensors.map(\.name)).count, 224)
        XCTAssertEqual(tensors.reduce(0) { $0 + $1.shape.reduce(1, *) }, 3_743_280)  // the notebook's "Total Params"
    }

    func testFailPolicyListsEveryMissingTensor() throws {
        let url = try folder()
        XCTAssertThrowsError(try OpenFaceCSV.load(directory: url)) { error in
            XCTAssertEqual(error as? OpenFaceFormatError,
                           .missingTensors(directory: url.path, files: Self.missingFiles))
            XCTAssertTrue("\(error)".contains("inception_5b_3x3_conv2_w.csv"))
        }
        let nowhere = url.appendingPathComponent("no-such-folder")
        XCTAssertThrowsError(try OpenFaceCSV.load(directory: nowhere)) { error in
            XCTAssertEqual(error as? OpenFaceFormatError, .directoryNotFound(path: nowhere.path))
        }
    }

    func testFillDeterministicLoadsEverything() throws {
        let weights = try OpenFaceCSV.load(directory: try folder(), missing: .fillDeterministic)
        XCTAssertEqual(weights.tensors.count, 224)
        XCTAssertEqual(weights.synthesized, Self.missingFiles.map { String($0.dropLast(4)) })
        XCTAssertTrue(weights.isPartiallyRandom)
        for layer in OpenFaceNN4Small2.layers {
            for (name, shape) in layer.tensors { XCTAssertEqual(weights[name]?.shape, shape, name) }
        }
        XCTAssertEqual(weights["conv1_w"]?.shape, [64, 3, 7, 7])
        XCTAssertEqual(weights["dense_w"]?.shape, [128, 736])
        XCTAssertEqual(weights.kernelAndBias("dense")?.bias.shape, [128])
        XCTAssertEqual(weights.batchNorm("bn1")?.variance, weights["bn1_v"])
        XCTAssertEqual(weights.batchNorm("bn1")?.gamma, weights["bn1_w"])
        XCTAssertNil(weights.batchNorm("conv1"))
        XCTAssertEqual(weights["conv1_w"]?.storage.prefix(2).map { $0 }, [Float(0.14905615150928), Float(0.031193917617202)])
        XCTAssertEqual(weights["inception_3c_3x3_conv2_w"]?.storage.prefix(2).map { $0 }, [-0.023542747, -0.04194296])
        // sha256 of the float32 LE bytes numpy gives: np.genfromtxt(f, delimiter=',').astype(np.float32).
        let numpy = [
            "conv1_w": "acd356009963d72ceb50572d68210108565185e6cfa364e2e42bbb59417bd80a",
            "dense_w": "6167e3f842ffafe827704ffc839328556c59ec29c3cba4bb52b18cfeac1fcedc",
            "inception_4a_3x3_conv2_w": "b28fb2eecb59e8111dae2a669600546754089ba0646b5efedab0b7ab7cea67d9",
            "bn1_v": "4fd92e2e57bcf7a6192394b5c7da46135fc8d6eec25a50d06003da5f178c890f",
        ]
        for (name, digest) in numpy {
            XCTAssertEqual(weights[name]?.storage.withUnsafeBytes { SHA256.hexString($0) }, digest, name)
        }
    }

    /// The fast parser against the C library's correctly rounded strtod, for every value in every file.
    func testParserMatchesStrtodOnAllFiles() throws {
        let url = try folder()
        let files = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".csv") }
        XCTAssertEqual(files.count, 221)
        var total = 0
        for name in files {
            var bytes = [UInt8](try Data(contentsOf: url.appendingPathComponent(name)))
            bytes.append(0)
            let expected = Self.strtodValues(bytes)
            let parsed = try OpenFaceCSV.parseValues(bytes.dropLast(), file: name, expectedCount: expected.count)
            XCTAssertEqual(parsed.map(\.bitPattern), expected.map(\.bitPattern), name)
            total += parsed.count
        }
        XCTAssertEqual(total, 3_743_280 - 1_589_248 + 192)  // present tensors plus the two stray 96-value files
    }

    /// Every comma- or newline-separated value of a NUL-terminated buffer via strtod, as Floats.
    private static func strtodValues(_ bytes: [UInt8]) -> [Float] {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { text in
                var values: [Float] = []
                var cursor = text.baseAddress!
                let end = cursor + text.count - 1
                while cursor < end {
                    var next: UnsafeMutablePointer<CChar>?
                    values.append(Float(strtod(cursor, &next)))
                    guard let next, UnsafePointer(next) != cursor else { return [] }  // not a number: fail the comparison
                    cursor = UnsafePointer(next)
                    while cursor < end, cursor.pointee == 0x2C || cursor.pointee == 0x0A { cursor += 1 }
                }
                return values
            }
        }
    }
}
