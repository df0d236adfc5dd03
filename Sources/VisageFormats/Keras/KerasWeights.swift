import CHDF5
import Foundation
import VisageNN

/// Bounds on what ``KerasWeights/init(contentsOf:limits:)`` will allocate for one object.
public struct KerasReadLimits: Sendable, Equatable {
    /// The largest weight tensor accepted, in bytes (default 1 GiB).
    public var maxTensorBytes: Int
    /// The highest tensor rank accepted (default 8).
    public var maxRank: Int
    /// The largest string attribute accepted, in bytes, e.g. `layer_names` (default 64 MiB).
    public var maxAttributeBytes: Int

    /// Creates limits; the defaults suit any published Keras face model.
    public init(maxTensorBytes: Int = 1 << 30, maxRank: Int = 8, maxAttributeBytes: Int = 64 << 20) {
        self.maxTensorBytes = maxTensorBytes
        self.maxRank = maxRank
        self.maxAttributeBytes = maxAttributeBytes
    }
}

/// The weights of a Keras 2 HDF5 file (a full model saved with `model.save` or weights saved with
/// `save_weights`), in the file's own layer order and tensor layouts.
///
/// Tensors keep the shapes stored in the file, e.g. Conv2D kernels `[kh, kw, in, out]` and Dense
/// kernels `[in, out]`; converting them to Visage's layouts is the model's job.
public struct KerasWeights: Sendable, Equatable {
    /// One stored weight variable.
    public struct Weight: Sendable, Equatable {
        /// The name as listed in the layer's `weight_names`, e.g. `"Conv2d_1a_3x3/kernel:0"`.
        public let name: String
        /// The values, with the dataset's shape.
        public let tensor: Tensor

        /// The variable's short name: the last path component without the `:0` suffix, e.g. `"kernel"`.
        public var variableName: String {
            var last = name.split(separator: "/").last.map(String.init) ?? name
            if let colon = last.lastIndex(of: ":") { last = String(last[..<colon]) }
            return last
        }

        /// Creates a weight from its stored name and values.
        public init(name: String, tensor: Tensor) {
            self.name = name
            self.tensor = tensor
        }
    }

    /// One layer group and its weights in `weight_names` order.
    public struct Layer: Sendable, Equatable {
        /// The layer's name, e.g. `"Conv2d_1a_3x3"`.
        public let name: String
        /// The layer's weights in the stored order (empty for layers without weights).
        public let weights: [Weight]

        /// Creates a layer from its name and weights.
        public init(name: String, weights: [Weight]) {
            self.name = name
            self.weights = weights
        }

        /// The tensor of the weight whose ``Weight/variableName`` is `variable` (e.g. `"kernel"`).
        public subscript(variable: String) -> Tensor? {
            weights.first { $0.variableName == variable }?.tensor
        }
    }

    /// Every layer, in `layer_names` order, including layers without weights.
    public let layers: [Layer]
    /// The root `model_config` attribute (the model's JSON description), if the file has one.
    public let modelConfig: String?
    /// The root `keras_version` attribute, e.g. `"2.1.2"`, if present.
    public let kerasVersion: String?
    /// The root `backend` attribute, e.g. `"tensorflow"`, if present.
    public let backend: String?

    /// The layer names in file order (the `layer_names` attribute).
    public var layerNames: [String] { layers.map(\.name) }
    /// The number of stored tensors over all layers.
    public var tensorCount: Int { layers.reduce(0) { $0 + $1.weights.count } }
    /// The number of stored scalar parameters over all tensors.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.weights.reduce(0) { $0 + $1.tensor.count } } }

    /// Creates weights from parts (for tests and converters).
    public init(layers: [Layer], modelConfig: String? = nil, kerasVersion: String? = nil, backend: String? = nil) {
        self.layers = layers
        self.modelConfig = modelConfig
        self.kerasVersion = kerasVersion
        self.backend = backend
    }

    /// The layer with a given name, if present.
    public func layer(named name: String) -> Layer? {
        layers.first { $0.name == name }
    }

    /// Reads every layer's weights from a Keras HDF5 file.
    ///
    /// Weights live under `/model_weights` (full model files) or the root group (weight-only
    /// files). Each dataset must be 32-bit little-endian float; its rank and size are checked
    /// against `limits` and the file length before memory is allocated. libhdf5 calls are
    /// serialised process-wide, so this is safe to call from several threads.
    ///
    /// Only read files you trust: libhdf5 (1.10 in Debian 12) is not hardened against hostile
    /// files — fuzzing found an over-read inside its attribute decoder (docs/robustness.md).
    /// The model registry's files are checked against their SHA-256 before they get here.
    /// - Parameters:
    ///   - url: the `.h5` file.
    ///   - limits: allocation bounds; the defaults suit any published Keras face model.
    /// - Throws: ``KerasFormatError`` naming the file and the object at fault.
    public init(contentsOf url: URL, limits: KerasReadLimits = KerasReadLimits()) throws {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else {
            throw KerasFormatError.fileNotFound(file: path)
        }
        self = try HDF5Library.withLock {
            let file = try HDF5File(path: path, fileSize: size.uint64Value)
            defer { file.close() }
            return try Self.read(file, limits: limits)
        }
    }

    private static func read(_ file: HDF5File, limits: KerasReadLimits) throws -> KerasWeights {
        func rootString(_ name: String) throws -> String? {
            try file.readStrings(file.id, object: "/", attribute: name, maxBytes: limits.maxAttributeBytes)?.first
        }
        let modelConfig = try rootString("model_config")
        let kerasVersion = try rootString("keras_version")
        let backend = try rootString("backend")

        let hasModelWeights = H5Lexists(file.id, "model_weights", hid_t(0)) > 0
        _ = H5Eclear2(hid_t(0))
        let groupPath = hasModelWeights ? "/model_weights" : "/"
        let group = hasModelWeights ? try file.openGroup(file.id, "model_weights", object: groupPath) : file.id
        defer { if hasModelWeights { _ = H5Gclose(group) } }
        guard let layerNames = try file.readStrings(group, object: groupPath, attribute: "layer_names",
                                                    maxBytes: limits.maxAttributeBytes) else {
            if hasModelWeights {
                throw KerasFormatError.missingAttribute(file: file.path, object: groupPath, attribute: "layer_names")
            }
            throw KerasFormatError.notKerasWeights(file: file.path)
        }
        let prefix = hasModelWeights ? groupPath + "/" : "/"
        var layers: [Layer] = []
        layers.reserveCapacity(layerNames.count)
        for layerName in layerNames {
            let layerPath = prefix + layerName
            let layerGroup = try file.openGroup(group, layerName, object: layerPath)
            defer { _ = H5Gclose(layerGroup) }
            guard let weightNames = try file.readStrings(layerGroup, object: layerPath, attribute: "weight_names",
                                                         maxBytes: limits.maxAttributeBytes) else {
                throw KerasFormatError.missingAttribute(file: file.path, object: layerPath, attribute: "weight_names")
            }
            let weights = try weightNames.map { weightName in
                Weight(name: weightName,
                       tensor: try file.readFloatTensor(layerGroup, weightName, object: layerPath + "/" + weightName,
                                                        limits: limits))
            }
            layers.append(Layer(name: layerName, weights: weights))
        }
        return KerasWeights(layers: layers, modelConfig: modelConfig, kerasVersion: kerasVersion, backend: backend)
    }
}
