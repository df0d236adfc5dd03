import Foundation
import VisageNN

/// What to do when tensor files of an OpenFace CSV folder are missing.
public enum MissingTensorPolicy: Sendable, Equatable {
    /// Throw ``OpenFaceFormatError/missingTensors(directory:files:)`` listing every missing file.
    case fail
    /// FOR TESTS ONLY: replace missing conv and dense kernels (`<layer>_w`) with
    /// ``DeterministicFill`` values seeded by the layer name. The weights are then partially random
    /// and the embeddings are meaningless as face recognition. Missing biases or batch-norm
    /// tensors still fail.
    case fillDeterministic
}

/// The tensors of an OpenFace nn4.small2.v1 CSV folder, keyed by the CSV file stem.
public struct OpenFaceWeights: Sendable, Equatable {
    /// Every tensor, keyed by its file stem (e.g. `"conv1_w"`, `"bn1_v"`, `"dense_b"`), in Torch
    /// order: conv kernels [out, in, kh, kw], dense kernel [128, 736], vectors [channels].
    public let tensors: [String: Tensor]
    /// The keys whose values were synthesised by ``MissingTensorPolicy/fillDeterministic``
    /// instead of read (sorted; empty for a complete folder).
    public let synthesized: [String]

    /// Creates weights from parts.
    public init(tensors: [String: Tensor], synthesized: [String] = []) {
        self.tensors = tensors
        self.synthesized = synthesized
    }

    /// The tensor stored under a file stem, e.g. `"inception_3a_1x1_conv_w"`.
    public subscript(name: String) -> Tensor? { tensors[name] }

    /// Whether any tensor is synthetic (results are then for numerical tests only).
    public var isPartiallyRandom: Bool { !synthesized.isEmpty }

    /// A conv or dense layer's kernel (`<layer>_w`, Torch order) and bias (`<layer>_b`).
    /// - Parameter layer: e.g. `"inception_3a_1x1_conv"` or `"dense"`.
    public func kernelAndBias(_ layer: String) -> (weight: Tensor, bias: Tensor)? {
        guard let weight = tensors[layer + "_w"], let bias = tensors[layer + "_b"] else { return nil }
        return (weight, bias)
    }

    /// A batch-norm layer's parameters: `_w` gamma, `_b` beta, `_m` running mean, `_v` running variance.
    /// - Parameter layer: e.g. `"bn1"` or `"inception_3a_1x1_bn"`.
    public func batchNorm(_ layer: String) -> (gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor)? {
        guard let gamma = tensors[layer + "_w"], let beta = tensors[layer + "_b"],
              let mean = tensors[layer + "_m"], let variance = tensors[layer + "_v"] else { return nil }
        return (gamma, beta, mean, variance)
    }
}

/// Loader for the OpenFace nn4.small2.v1 weights exported as one CSV file per tensor.
public enum OpenFaceCSV {
    /// Reads every tensor of ``OpenFaceNN4Small2/layers`` from `<directory>/<tensor>.csv`.
    ///
    /// Files not in the table (such as stray `_m`/`_v` files of conv layers) are ignored.
    /// All missing files are found before any file is parsed.
    /// - Parameters:
    ///   - directory: the folder holding the CSV files.
    ///   - missing: what to do about missing files; ``MissingTensorPolicy/fail`` unless testing.
    /// - Throws: ``OpenFaceFormatError`` naming the folder or file at fault.
    public static func load(directory: URL, missing: MissingTensorPolicy = .fail) throws -> OpenFaceWeights {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OpenFaceFormatError.directoryNotFound(path: directory.path)
        }
        var jobs: [(name: String, shape: [Int], url: URL)] = []
        var fills: [(name: String, shape: [Int], layer: String)] = []
        var absent: [String] = []
        for layer in OpenFaceNN4Small2.layers {
            for (name, shape) in layer.tensors {
                let url = directory.appendingPathComponent(name + ".csv")
                if FileManager.default.fileExists(atPath: url.path) {
                    jobs.append((name, shape, url))
                } else if missing == .fillDeterministic, layer.isFillable(name) {
                    fills.append((name, shape, layer.name))
                } else {
                    absent.append(name + ".csv")
                }
            }
        }
        guard absent.isEmpty else {
            throw OpenFaceFormatError.missingTensors(directory: directory.path, files: absent)
        }
        var tensors: [String: Tensor] = [:]
        for job in jobs {
            let values = try readValues(contentsOf: job.url, expectedCount: job.shape.reduce(1, *))
            tensors[job.name] = Tensor(shape: job.shape, storage: values)
        }
        for fill in fills {
            let values = DeterministicFill.values(seed: DeterministicFill.seed(forLayer: fill.layer),
                                                  count: fill.shape.reduce(1, *))
            tensors[fill.name] = Tensor(shape: fill.shape, storage: values)
        }
        return OpenFaceWeights(tensors: tensors, synthesized: fills.map(\.name).sorted())
    }

    /// Reads one CSV file of decimal numbers as Floats (parsed as Double, then rounded to Float).
    /// - Parameters:
    ///   - url: the file.
    ///   - expectedCount: how many values the file must hold.
    /// - Throws: ``OpenFaceFormatError`` for unreadable or oversized files, malformed or
    ///   non-finite values, and a wrong value count.
    public static func readValues(contentsOf url: URL, expectedCount: Int) throws -> [Float] {
        let limit = expectedCount * 40 + 4096  // %.14g values take at most ~22 bytes each
        let size: Int
        do {
            size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw OpenFaceFormatError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        guard size <= limit else { throw OpenFaceFormatError.fileTooLarge(file: url.path, bytes: size, limit: limit) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw OpenFaceFormatError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try parseValues(data, file: url.path, expectedCount: expectedCount)
    }

    /// Parses CSV text of decimal numbers (commas or line breaks between values) as Floats.
    /// - Parameters:
    ///   - text: the file's bytes.
    ///   - file: the name used in error messages.
    ///   - expectedCount: how many values the text must hold.
    /// - Throws: ``OpenFaceFormatError/malformedNumber(file:index:byteOffset:text:)``,
    ///   ``OpenFaceFormatError/nonFiniteValue(file:index:text:)`` or
    ///   ``OpenFaceFormatError/wrongCount(file:expected:found:)``.
    public static func parseValues<Bytes: ContiguousBytes>(_ text: Bytes, file: String, expectedCount: Int) throws -> [Float] {
        let parser = CSVFloatParser(file: file, expectedCount: expectedCount)
        return try text.withUnsafeBytes { try parser.parse($0) }
    }
}
