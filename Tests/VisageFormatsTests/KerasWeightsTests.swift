import Foundation
import VisageFormats
import VisageNN
import VisageTestSupport
import XCTest

/// Golden tests of the Keras HDF5 reader against `reference/facenet160/h5_weights.json`.
final class KerasWeightsTests: XCTestCase {
    /// The FaceNet file is read once for all tests of this class (92 MB).
    private static var cached: KerasWeights?

    private func facenet() throws -> KerasWeights {
        if let cached = Self.cached { return cached }
        let weights = try KerasWeights(contentsOf: try TestData.model("facenet_keras.h5"))
        Self.cached = weights
        return weights
    }

    private func reference() throws -> [String: Any] {
        try XCTUnwrap(TestData.json(TestData.shared("reference/facenet160/h5_weights.json")) as? [String: Any])
    }

    func testRootAttributes() throws {
        let weights = try facenet()
        XCTAssertEqual(weights.kerasVersion, "2.1.2")
        XCTAssertEqual(weights.backend, "tensorflow")
        let config = try XCTUnwrap(weights.modelConfig)
        XCTAssertEqual(config.count, 224_494)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any])
        XCTAssertEqual(json["class_name"] as? String, "Model")
        XCTAssertEqual((json["config"] as? [String: Any])?["name"] as? String, "inception_resnet_v1")
    }

    func testLayerNamesAndWeightCounts() throws {
        let weights = try facenet()
        let layers = try XCTUnwrap(try reference()["layer_names_in_order"] as? [[String: Any]])
        XCTAssertEqual(weights.layerNames.count, 426)
        XCTAssertEqual(weights.layerNames, layers.map { $0["name"] as? String ?? "?" })
        for (layer, expected) in zip(weights.layers, layers) {
            XCTAssertEqual(layer.weights.count, expected["n_weights"] as? Int, layer.name)
        }
        XCTAssertEqual(weights.layers.filter { !$0.weights.isEmpty }.count, 245)
        XCTAssertEqual(weights.layer(named: "Bottleneck")?["kernel"]?.shape, [1792, 128])
        XCTAssertNil(weights.layer(named: "Bottleneck")?["bias"])
        XCTAssertNil(weights.layer(named: "no such layer"))
    }

    func testAll490TensorsInOrderWithShapes() throws {
        let weights = try facenet()
        let tensors = try XCTUnwrap(try reference()["tensors_in_order"] as? [[String: Any]])
        let flat = weights.layers.flatMap { layer in layer.weights.map { ("/model_weights/\(layer.name)/\($0.name)", $0) } }
        XCTAssertEqual(flat.count, 490)
        XCTAssertEqual(weights.tensorCount, 490)
        XCTAssertEqual(weights.parameterCount, 22_808_144)
        for (index, (path, expected)) in zip(flat.map(\.0), tensors).enumerated() {
            XCTAssertEqual(path, expected["h5_path"] as? String, "tensor \(index)")
            XCTAssertEqual(flat[index].1.tensor.shape, expected["shape"] as? [Int], path)
            XCTAssertEqual(flat[index].1.tensor.count * 4, expected["nbytes"] as? Int, path)
        }
        XCTAssertEqual(flat.first?.1.variableName, "kernel")
        XCTAssertEqual(flat[1].1.variableName, "beta")
    }

    func testRawBytesSHA256OfSampledTensors() throws {
        let weights = try facenet()
        let tensors = try XCTUnwrap(try reference()["tensors_in_order"] as? [[String: Any]])
        let flat = weights.layers.flatMap { $0.weights }
        let largest = tensors.indices.max { (tensors[$0]["nbytes"] as? Int ?? 0) < (tensors[$1]["nbytes"] as? Int ?? 0) }!
        for index in Array(stride(from: 0, to: 490, by: 37)) + [489, largest] {
            let digest = flat[index].tensor.storage.withUnsafeBytes { SHA256.hexString($0) }
            XCTAssertEqual(digest, tensors[index]["sha256"] as? String, tensors[index]["h5_path"] as? String ?? "")
        }
    }

    func testTruncatedCopiesThrow() throws {
        let source = try Data(contentsOf: try TestData.model("facenet_keras.h5"))
        let directory = try temporaryDirectory()
        // Cut inside the superblock, inside the metadata, inside the weight data, and one byte short.
        for length in [40, 4096, 300_000, source.count / 2, source.count - 1] {
            let url = directory.appendingPathComponent("truncated-\(length).h5")
            try source.prefix(length).write(to: url)
            XCTAssertThrowsError(try KerasWeights(contentsOf: url), "length \(length)") { error in
                XCTAssertTrue(error is KerasFormatError, "\(error)")
                XCTAssertTrue("\(error)".contains(url.path), "\(error)")
            }
        }
    }

    /// Three flipped metadata bytes (found by fuzzing) make a group address point far outside the
    /// file: libhdf5 reports it, and the reader must turn that into a typed error.
    func testCorruptMetadataGivesTypedError() throws {
        var bytes = try Data(contentsOf: try TestData.model("facenet_keras.h5"))
        for (offset, mask) in [(44_527_299, UInt8(6)), (6_085_023, 110), (31_448_114, 12)] { bytes[offset] ^= mask }
        let url = try temporaryDirectory().appendingPathComponent("corrupt.h5")
        try bytes.write(to: url)
        XCTAssertThrowsError(try KerasWeights(contentsOf: url)) { error in
            guard case let .hdf5Failure(file, object, operation, detail)? = error as? KerasFormatError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(file, url.path)
            XCTAssertEqual(object, "/model_weights/Mixed_6a_Branch_1_Conv2d_0b_3x3_Activation")
            XCTAssertEqual(operation, "H5Gopen2")
            XCTAssertTrue(detail.contains("addr overflow"), detail)
        }
    }

    func testRandomBytesAndMissingFile() throws {
        let directory = try temporaryDirectory()
        let url = directory.appendingPathComponent("random.h5")
        var state: UInt64 = 12345
        let bytes = (0..<100_000).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        try Data(bytes).write(to: url)
        XCTAssertThrowsError(try KerasWeights(contentsOf: url)) { error in
            XCTAssertEqual(error as? KerasFormatError, .notHDF5(file: url.path))
        }
        let missing = directory.appendingPathComponent("missing.h5")
        XCTAssertThrowsError(try KerasWeights(contentsOf: missing)) { error in
            XCTAssertEqual(error as? KerasFormatError, .fileNotFound(file: missing.path))
        }
        XCTAssertThrowsError(try KerasWeights(contentsOf: directory)) { error in
            XCTAssertEqual(error as? KerasFormatError, .fileNotFound(file: directory.path))
        }
    }

    func testConcurrentReadsAreSerialisedSafely() throws {
        let url = try KerasH5Fixture.write(in: temporaryDirectory(), name: "small.h5", layers: KerasH5Fixture.standardLayers)
        let results = ConcurrentResults()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            results.append(Result { try KerasWeights(contentsOf: url) })
        }
        let all = try results.values.map { try $0.get() }
        XCTAssertEqual(all.count, 8)
        XCTAssertTrue(all.allSatisfy { $0 == all[0] })
    }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("visage-keras-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

/// A lock-protected list for collecting results from concurrent work in tests.
final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<KerasWeights, Error>] = []
    func append(_ value: Result<KerasWeights, Error>) { lock.lock(); storage.append(value); lock.unlock() }
    var values: [Result<KerasWeights, Error>] { lock.lock(); defer { lock.unlock() }; return storage }
}
