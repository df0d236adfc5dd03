import Foundation
import VisageNN

/// One tensor of a checkpoint, converted to Float32.
public struct PyTorchTensorEntry: Sendable {
    /// The state-dict key, e.g. `"conv1.weight"` (nested dicts joined with dots).
    public let name: String
    /// The element type stored in the file, before conversion.
    public let dataType: PyTorchDataType
    /// The values as a dense row-major Float32 tensor with PyTorch's shape.
    public let tensor: Tensor
}

/// A PyTorch checkpoint (`torch.save` of a state dict) read without executing anything.
///
/// Both formats are supported: the zip format of PyTorch ≥ 1.6 (stored entries, checked
/// with CRC-32) and the legacy single-file format (for example facenet-pytorch's MTCNN
/// weights `pnet.pt`, `rnet.pt`, `onet.pt`). The pickle may only name the globals in
/// ``allowedGlobals``; anything else, such as a pickled model class or `os.system`, is a
/// ``PyTorchFormatError/forbiddenGlobal(module:name:offset:)`` raised before it is used.
///
/// Every tensor is returned as Float32 (see ``PyTorchDataType`` for the conversions) in
/// row-major order, whatever its strides in the file. Sizes are checked against the file
/// before anything is allocated, and the tensors together may hold at most two elements per
/// byte of the file, so a hostile checkpoint cannot make the loader allocate more than the
/// file could plausibly hold.
public struct PyTorchCheckpoint: Sendable {
    /// The two on-disk layouts of `torch.save`.
    public enum Format: Sendable, Equatable {
        /// The zip archive of PyTorch 1.6 and later.
        case zip
        /// The single-file pickle format of older PyTorch (or `_use_new_zipfile_serialization=False`).
        case legacy
    }

    /// The layout the checkpoint was read from.
    public let format: Format
    /// The tensors in the order the state dict lists them.
    public let entries: [PyTorchTensorEntry]

    /// The globals a state-dict pickle may name: `collections.OrderedDict`, the tensor and
    /// parameter rebuild functions of `torch._utils`, and the storage classes of `torch` and
    /// `torch.cuda` (unconvertible ones only so that they fail with a clear message).
    public static let allowedGlobals: Set<PickleGlobal> = {
        var globals: Set<PickleGlobal> = [
            .orderedDict,
            PyTorchTensorSpec.rebuildTensorV2, PyTorchTensorSpec.rebuildTensor,
            PyTorchTensorSpec.rebuildParameter, PyTorchTensorSpec.rebuildParameterWithState,
        ]
        let storageNames = PyTorchDataType.allCases.map(\.storageTypeName) + PyTorchDataType.unsupportedStorageTypeNames
        for module in ["torch", "torch.cuda"] {
            for name in storageNames { globals.insert(PickleGlobal(module: module, name: name)) }
        }
        return globals
    }()

    /// Reads a checkpoint file.
    /// - Parameter url: a `.pt` / `.pth` file written by `torch.save`.
    /// - Throws: the file system's error when the file cannot be read, otherwise
    ///   ``PyTorchFormatError``.
    public init(contentsOf url: URL) throws {
        try self.init(bytes: try Self.readFile(url))
    }

    /// Reads a checkpoint held in memory.
    /// - Parameter bytes: the whole file.
    /// - Throws: ``PyTorchFormatError`` when the data is truncated, corrupt, hostile or not a
    ///   state dict of convertible tensors.
    public init(bytes: [UInt8]) throws {
        let parsed: (specs: [PyTorchTensorSpec], storages: [String: PyTorchStorageData])
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            format = .zip
            parsed = try PyTorchZipFormat.read(bytes)
        } else if bytes.first == 0x80 {
            format = .legacy
            parsed = try PyTorchLegacyFormat.read(bytes)
        } else {
            throw PyTorchFormatError.unrecognizedCheckpointFormat(firstBytes: Array(bytes.prefix(8)))
        }
        var builder = PyTorchTensorBuilder(bytes: bytes, storages: parsed.storages, budget: 2 * bytes.count)
        entries = try parsed.specs.map {
            PyTorchTensorEntry(name: $0.name, dataType: $0.storage.dataType, tensor: try builder.tensor(for: $0))
        }
    }

    /// The whole file, read straight into an array (no intermediate `Data` copy, no mapping
    /// that a concurrent truncation could turn into a crash).
    private static func readFile(_ url: URL) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            while initialized < size, let base = buffer.baseAddress {
                let n = read(handle.fileDescriptor, base + initialized, size - initialized)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failed = true }
                // End of file early: the file shrank; the parsers will report truncation.
                guard n > 0 else { break }
                initialized += n
            }
        }
        if failed { throw CocoaError(.fileReadUnknown, userInfo: [NSURLErrorKey: url]) }
        return bytes
    }

    /// The tensors as `(name, tensor)` pairs, in state-dict order.
    public var namedTensors: [(name: String, tensor: Tensor)] {
        entries.map { ($0.name, $0.tensor) }
    }

    /// The tensor stored under `name`, if any.
    public subscript(name: String) -> Tensor? {
        entries.first { $0.name == name }?.tensor
    }

    /// Reads the named Float32 tensors of a checkpoint file.
    /// - Parameter url: a `.pt` / `.pth` file written by `torch.save`.
    /// - Returns: `(name, tensor)` pairs in state-dict order, e.g. `("conv1.weight", [10, 3, 3, 3])`.
    /// - Throws: the file system's error when the file cannot be read, otherwise ``PyTorchFormatError``.
    public static func load(contentsOf url: URL) throws -> [(name: String, tensor: Tensor)] {
        try PyTorchCheckpoint(contentsOf: url).namedTensors
    }

    /// Reads the named Float32 tensors of a checkpoint held in memory.
    /// - Parameter bytes: the whole file.
    /// - Returns: `(name, tensor)` pairs in state-dict order.
    /// - Throws: ``PyTorchFormatError``.
    public static func load(bytes: [UInt8]) throws -> [(name: String, tensor: Tensor)] {
        try PyTorchCheckpoint(bytes: bytes).namedTensors
    }
}
