import XCTest
import VisageFormats
import VisageNN
import VisageTestSupport

/// facenet-pytorch 2.6.0's MTCNN weights (legacy format), checked tensor by tensor against
/// davidsandberg/facenet's det1-3.npy, from which they were converted.
final class PyTorchMTCNNTests: XCTestCase {
    /// How a facenet-pytorch tensor relates to a davidsandberg npy file.
    enum Layout {
        /// Same shape and order (biases, PReLU slopes).
        case same
        /// torch [O, I, KH, KW] = TF [KW, KH, I, O] permuted: the nets were trained on transposed images.
        case convolution
        /// torch [O, I] = TF [I, O] transposed.
        case dense
    }

    /// (torch key, shape, npy file under mtcnn-facenet-npy/per-tensor/<net>/, layout)
    typealias Row = (name: String, shape: [Int], npy: String, layout: Layout)

    static let pnet: [Row] = [
        ("conv1.weight", [10, 3, 3, 3], "conv1.weights", .convolution), ("conv1.bias", [10], "conv1.biases", .same),
        ("prelu1.weight", [10], "PReLU1.alpha", .same),
        ("conv2.weight", [16, 10, 3, 3], "conv2.weights", .convolution), ("conv2.bias", [16], "conv2.biases", .same),
        ("prelu2.weight", [16], "PReLU2.alpha", .same),
        ("conv3.weight", [32, 16, 3, 3], "conv3.weights", .convolution), ("conv3.bias", [32], "conv3.biases", .same),
        ("prelu3.weight", [32], "PReLU3.alpha", .same),
        ("conv4_1.weight", [2, 32, 1, 1], "conv4-1.weights", .convolution), ("conv4_1.bias", [2], "conv4-1.biases", .same),
        ("conv4_2.weight", [4, 32, 1, 1], "conv4-2.weights", .convolution), ("conv4_2.bias", [4], "conv4-2.biases", .same),
    ]

    static let rnet: [Row] = [
        ("conv1.weight", [28, 3, 3, 3], "conv1.weights", .convolution), ("conv1.bias", [28], "conv1.biases", .same),
        ("prelu1.weight", [28], "prelu1.alpha", .same),
        ("conv2.weight", [48, 28, 3, 3], "conv2.weights", .convolution), ("conv2.bias", [48], "conv2.biases", .same),
        ("prelu2.weight", [48], "prelu2.alpha", .same),
        ("conv3.weight", [64, 48, 2, 2], "conv3.weights", .convolution), ("conv3.bias", [64], "conv3.biases", .same),
        ("prelu3.weight", [64], "prelu3.alpha", .same),
        ("dense4.weight", [128, 576], "conv4.weights", .dense), ("dense4.bias", [128], "conv4.biases", .same),
        ("prelu4.weight", [128], "prelu4.alpha", .same),
        ("dense5_1.weight", [2, 128], "conv5-1.weights", .dense), ("dense5_1.bias", [2], "conv5-1.biases", .same),
        ("dense5_2.weight", [4, 128], "conv5-2.weights", .dense), ("dense5_2.bias", [4], "conv5-2.biases", .same),
    ]

    static let onet: [Row] = [
        ("conv1.weight", [32, 3, 3, 3], "conv1.weights", .convolution), ("conv1.bias", [32], "conv1.biases", .same),
        ("prelu1.weight", [32], "prelu1.alpha", .same),
        ("conv2.weight", [64, 32, 3, 3], "conv2.weights", .convolution), ("conv2.bias", [64], "conv2.biases", .same),
        ("prelu2.weight", [64], "prelu2.alpha", .same),
        ("conv3.weight", [64, 64, 3, 3], "conv3.weights", .convolution), ("conv3.bias", [64], "conv3.biases", .same),
        ("prelu3.weight", [64], "prelu3.alpha", .same),
        ("conv4.weight", [128, 64, 2, 2], "conv4.weights", .convolution), ("conv4.bias", [128], "conv4.biases", .same),
        ("prelu4.weight", [128], "prelu4.alpha", .same),
        ("dense5.weight", [256, 1152], "conv5.weights", .dense), ("dense5.bias", [256], "conv5.biases", .same),
        ("prelu5.weight", [256], "prelu5.alpha", .same),
        ("dense6_1.weight", [2, 256], "conv6-1.weights", .dense), ("dense6_1.bias", [2], "conv6-1.biases", .same),
        ("dense6_2.weight", [4, 256], "conv6-2.weights", .dense), ("dense6_2.bias", [4], "conv6-2.biases", .same),
        ("dense6_3.weight", [10, 256], "conv6-3.weights", .dense), ("dense6_3.bias", [10], "conv6-3.biases", .same),
    ]

    /// The npy tensor rearranged to PyTorch's layout.
    private func torchLayout(_ t: Tensor, _ layout: Layout) -> Tensor {
        switch layout {
        case .same:
            return t
        case .dense:
            let (i, o) = (t.shape[0], t.shape[1])
            var out = Tensor(shape: [o, i])
            for a in 0..<i { for b in 0..<o { out[b, a] = t[a, b] } }
            return out
        case .convolution:
            let (kw, kh, ci, co) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
            var out = Tensor(shape: [co, ci, kh, kw])
            for o in 0..<co { for i in 0..<ci { for a in 0..<kh { for b in 0..<kw {
                out[o, i, a, b] = t[b, a, i, o]
            } } } }
            return out
        }
    }

    private func check(_ net: String, _ rows: [Row]) throws {
        let checkpoint = try PyTorchCheckpoint(contentsOf: try TestData.model("mtcnn_\(net).pt"))
        XCTAssertEqual(checkpoint.format, .legacy)
        XCTAssertEqual(checkpoint.entries.map(\.name), rows.map(\.name), net)
        for (entry, row) in zip(checkpoint.entries, rows) {
            XCTAssertEqual(entry.dataType, .float32)
            XCTAssertEqual(entry.tensor.shape, row.shape, "\(net) \(row.name)")
            let npy = try PyTorchNPY.read(try TestData.shared("mtcnn-facenet-npy/per-tensor/\(net)/\(row.npy).npy"))
            XCTAssertEqual(entry.tensor, torchLayout(npy, row.layout), "\(net) \(row.name) differs from \(row.npy).npy")
        }
    }

    func testPNetMatchesDavidsandbergWeights() throws { try check("pnet", Self.pnet) }
    func testRNetMatchesDavidsandbergWeights() throws { try check("rnet", Self.rnet) }
    func testONetMatchesDavidsandbergWeights() throws { try check("onet", Self.onet) }

    func testCorruptedRealCheckpoint() throws {
        let bytes = [UInt8](try Data(contentsOf: try TestData.model("mtcnn_pnet.pt")))
        // The first storage's element count (1440 floats of conv2.weight) sits at byte 1938.
        let countAt = 1938
        XCTAssertEqual(Array(bytes[countAt..<(countAt + 8)]), [0xA0, 0x05, 0, 0, 0, 0, 0, 0])
        var huge = bytes
        huge.replaceSubrange(countAt..<(countAt + 8), with: [0, 0, 0, 0, 0, 0, 0, 0x40])
        XCTAssertThrowsError(try PyTorchCheckpoint(bytes: huge)) { error in
            guard case .storageSizeExceedsFile(_, Int.max, _)? = error as? PyTorchFormatError else {
                return XCTFail("\(error)")
            }
        }
        for length in [0, 1, 14, 100, 1000, countAt, countAt + 8, bytes.count / 2, bytes.count - 1] {
            XCTAssertThrowsError(try PyTorchCheckpoint(bytes: Array(bytes.prefix(length))), "prefix \(length)") { error in
                XCTAssertTrue(error is PyTorchFormatError, "prefix \(length): \(error)")
            }
        }
    }
}
