import Foundation
import VisageFormats
import VisageNN
import XCTest

/// The Keras reader on small hand-built files: layouts, values and every error path.
final class KerasWeightsFixtureTests: XCTestCase {
    private typealias Fixture = KerasH5Fixture

    private func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("visage-kerasfx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func assertError(_ layers: [Fixture.Layer], limits: KerasReadLimits = KerasReadLimits(),
                             underModelWeights: Bool = true, layerNamesAsIntegers: Bool = false,
                             _ check: (KerasFormatError, String) -> Void, line: UInt = #line) throws {
        let url = try Fixture.write(in: directory(), name: "f.h5", layers: layers, underModelWeights: underModelWeights,
                                    layerNamesAsIntegers: layerNamesAsIntegers)
        XCTAssertThrowsError(try KerasWeights(contentsOf: url, limits: limits), line: line) { error in
            guard let error = error as? KerasFormatError else { return XCTFail("untyped \(error)", line: line) }
            check(error, url.path)
        }
    }

    func testReadsValuesShapesAndOrder() throws {
        for underModelWeights in [true, false] {
            let url = try Fixture.write(in: directory(), name: "ok.h5", layers: Fixture.standardLayers,
                                        underModelWeights: underModelWeights)
            let weights = try KerasWeights(contentsOf: url)
            XCTAssertEqual(weights.layerNames, ["input_1", "conv", "dense"])
            XCTAssertEqual(weights.layers[0].weights, [])
            XCTAssertEqual(weights.layers[1].weights.map(\.name), ["conv/kernel:0", "conv/bias:0"])
            XCTAssertEqual(weights.layers[1].weights.map(\.variableName), ["kernel", "bias"])
            let kernel = try XCTUnwrap(weights.layer(named: "conv")?["kernel"])
            XCTAssertEqual(kernel.shape, [3, 3, 2, 4])
            XCTAssertEqual(kernel.storage, Fixture.Weight(name: "", shape: [3, 3, 2, 4]).values)
            XCTAssertEqual(weights.layer(named: "dense")?["kernel"]?.storage, [-1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5])
            XCTAssertEqual(weights.modelConfig, "{\"class_name\": \"Model\"}")
            XCTAssertEqual(weights.kerasVersion, "2.1.2")
            XCTAssertNil(weights.backend)
            XCTAssertEqual(weights.parameterCount, 72 + 4 + 8)
        }
    }

    func testRejectsNonFloat32LittleEndian() throws {
        for (type, found) in [(Fixture.StoredType.float64LE, "64-bit little-endian float"),
                              (.float32BE, "32-bit big-endian float")] {
            let layers = [Fixture.Layer(name: "d", weights: [Fixture.Weight(name: "d/kernel:0", shape: [2, 2], type: type)])]
            try assertError(layers) { error, path in
                XCTAssertEqual(error, .unsupportedDataType(file: path, object: "/model_weights/d/d/kernel:0", found: found))
            }
        }
    }

    func testMissingObjectsAndAttributes() throws {
        var layers = Fixture.standardLayers
        layers[2].extraListedNames = ["dense/bias:0"]
        try assertError(layers) { error, path in
            XCTAssertEqual(error, .missingObject(file: path, object: "/model_weights/dense/dense/bias:0"))
        }
        layers = Fixture.standardLayers
        layers[2].extraListedNames = ["nowhere/bias:0"]
        try assertError(layers) { error, path in
            XCTAssertEqual(error, .missingObject(file: path, object: "/model_weights/dense/nowhere/bias:0"))
        }
        layers = Fixture.standardLayers
        layers[1].createGroup = false
        try assertError(layers) { error, path in
            XCTAssertEqual(error, .missingObject(file: path, object: "/model_weights/conv"))
        }
        layers = Fixture.standardLayers
        layers[1].writeWeightNames = false
        try assertError(layers) { error, path in
            XCTAssertEqual(error, .missingAttribute(file: path, object: "/model_weights/conv", attribute: "weight_names"))
        }
        try assertError(Fixture.standardLayers, underModelWeights: true, layerNamesAsIntegers: true) { error, path in
            guard case let .unexpectedAttribute(file, object, attribute, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual([file, object, attribute], [path, "/model_weights", "layer_names"])
        }
    }

    func testUnwrittenDatasetIsAnError() throws {
        let layers = [Fixture.Layer(name: "d", weights: [Fixture.Weight(name: "d/kernel:0", shape: [8], writeData: false)])]
        try assertError(layers) { error, path in
            XCTAssertEqual(error, .unallocatedData(file: path, object: "/model_weights/d/d/kernel:0"))
        }
    }

    func testLimitsAreCheckedBeforeAllocating() throws {
        try assertError(Fixture.standardLayers, limits: KerasReadLimits(maxTensorBytes: 200)) { error, path in
            XCTAssertEqual(error, .tensorTooLarge(file: path, object: "/model_weights/conv/conv/kernel:0",
                                                  shape: [3, 3, 2, 4], limitBytes: 200))
            XCTAssertTrue(error.description.contains("maxTensorBytes"))
        }
        try assertError(Fixture.standardLayers, limits: KerasReadLimits(maxRank: 2)) { error, path in
            guard case let .unsupportedShape(file, object, found) = error else { return XCTFail("\(error)") }
            XCTAssertEqual([file, object], [path, "/model_weights/conv/conv/kernel:0"])
            XCTAssertTrue(found.contains("rank 4"), found)
        }
        // A hostile shape whose byte count overflows 64 bits.
        let huge = [Fixture.Layer(name: "d", weights: [Fixture.Weight(name: "d/k:0", shape: [1 << 40, 1 << 40], writeData: false)])]
        try assertError(huge) { error, path in
            XCTAssertEqual(error, .tensorTooLarge(file: path, object: "/model_weights/d/d/k:0",
                                                  shape: [1 << 40, 1 << 40], limitBytes: 1 << 30))
        }
    }

    func testFileWithoutLayerNamesIsNotKerasWeights() throws {
        let empty = try Fixture.writeEmpty(in: directory(), name: "empty.h5")
        XCTAssertThrowsError(try KerasWeights(contentsOf: empty)) { error in
            XCTAssertEqual(error as? KerasFormatError, .notKerasWeights(file: empty.path))
        }
    }
}
