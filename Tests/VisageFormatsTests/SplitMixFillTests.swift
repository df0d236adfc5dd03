import Foundation
import VisageFormats
import VisageTestSupport
import XCTest

/// The "splitmix" fill mode against `reference/README.md` and `missing_kernel_fills.splitmix`.
final class SplitMixFillTests: XCTestCase {
    func testSplitMix64KnownOutputs() {
        var zero = SplitMix64(seed: 0)
        XCTAssertEqual(zero.next(), 0xE220_A839_7B1D_CDAF)
        var layer = SplitMix64(seed: DeterministicFill.seed(forLayer: "inception_3c_3x3_conv2"))
        XCTAssertEqual(layer.next(), 0x4FC8_D2C9_59FB_4718)
        XCTAssertEqual(layer.next(), 0x2A19_CF4B_8EE4_0C7F)
        let values = DeterministicFill.values(seed: 0xC4D2_F517, count: 2)
        XCTAssertEqual(values, [-0.023542747, -0.04194296])
    }

    func testFillsMatchReferenceKernels() throws {
        let url = try TestData.shared("reference/nn4small2/embeddings_partially_random.json")
        let root = try XCTUnwrap(TestData.json(url) as? [String: Any])
        let fills = try XCTUnwrap((root["missing_kernel_fills"] as? [String: Any])?["splitmix"] as? [String: [String: Any]])
        XCTAssertEqual(fills.count, 5)
        for (layer, expected) in fills {
            let count = try XCTUnwrap(expected["n"] as? Int)
            XCTAssertEqual(DeterministicFill.seed(forLayer: layer), (expected["seed_crc32"] as? NSNumber)?.uint64Value, layer)
            let values = DeterministicFill.values(seed: DeterministicFill.seed(forLayer: layer), count: count)
            XCTAssertEqual(values.withUnsafeBytes { SHA256.hexString($0) },
                           expected["sha256_float32_le_torch_order"] as? String, layer)
            XCTAssertEqual(Array(values.prefix(8)), (expected["first8"] as? [Double])?.map { Float($0) }, layer)
            XCTAssertEqual(Array(values.suffix(2)), (expected["last2"] as? [Double])?.map { Float($0) }, layer)
            let sum = values.reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(sum, try XCTUnwrap(expected["sum_float64"] as? Double), accuracy: 1e-9, layer)
        }
    }
}
