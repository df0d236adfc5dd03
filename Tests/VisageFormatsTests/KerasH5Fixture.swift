import CHDF5
import Foundation

/// Writes small Keras-layout HDF5 files with libhdf5 for the reader's tests.
///
/// Tests run serially in one process, so these calls do not race with the reader's lock.
enum KerasH5Fixture {
    /// The element type stored in the file.
    enum StoredType { case float32LE, float32BE, float64LE }

    /// One dataset of a layer.
    struct Weight {
        var name: String               // relative to the layer group, e.g. "conv/kernel:0"
        var shape: [UInt64]
        var type: StoredType = .float32LE
        var writeData = true           // false: create the dataset but never write it
        var values: [Float] { (0..<Int(shape.reduce(1, *))).map { Float($0) * 0.5 - 1 } }
    }

    /// One layer group.
    struct Layer {
        var name: String
        var weights: [Weight] = []
        var extraListedNames: [String] = []  // listed in weight_names without a dataset
        var writeWeightNames = true
        var createGroup = true
    }

    static let standardLayers: [Layer] = [
        Layer(name: "input_1"),
        Layer(name: "conv", weights: [Weight(name: "conv/kernel:0", shape: [3, 3, 2, 4]),
                                      Weight(name: "conv/bias:0", shape: [4])]),
        Layer(name: "dense", weights: [Weight(name: "dense/kernel:0", shape: [4, 2])]),
    ]

    struct Failure: Error, CustomStringConvertible { let description: String }

    @discardableResult
    private static func ok<T: BinaryInteger>(_ value: T, _ what: String) throws -> T {
        if value < 0 { throw Failure(description: "fixture: \(what) failed") }
        return value
    }

    /// Writes a file and returns its URL.
    static func write(in directory: URL, name: String, layers: [Layer], underModelWeights: Bool = true,
                      modelConfig: String? = "{\"class_name\": \"Model\"}", layerNamesAsIntegers: Bool = false) throws -> URL {
        let url = directory.appendingPathComponent(name)
        _ = H5dont_atexit()  // as the reader does: no teardown at exit
        _ = H5open()
        let file = try ok(H5Fcreate(url.path, 2 /* H5F_ACC_TRUNC */, 0, 0), "H5Fcreate")
        defer { _ = H5Fclose(file) }
        if let modelConfig { try writeVariableString(file, "model_config", modelConfig) }
        try writeVariableString(file, "keras_version", "2.1.2")
        let root = underModelWeights ? try ok(H5Gcreate2(file, "model_weights", 0, 0, 0), "H5Gcreate2") : file
        defer { if underModelWeights { _ = H5Gclose(root) } }
        if layerNamesAsIntegers {
            try writeDoubles(root, "layer_names", count: 3)
        } else {
            try writeFixedStrings(root, "layer_names", layers.map(\.name))
        }
        for layer in layers where layer.createGroup {
            let group = try ok(H5Gcreate2(root, layer.name, 0, 0, 0), "H5Gcreate2 \(layer.name)")
            defer { _ = H5Gclose(group) }
            let listed = layer.weights.map(\.name) + layer.extraListedNames
            if layer.writeWeightNames {
                if listed.isEmpty { try writeDoubles(group, "weight_names", count: 0) }
                else { try writeFixedStrings(group, "weight_names", listed) }
            }
            for weight in layer.weights { try writeDataset(group, weight) }
        }
        return url
    }

    /// Writes an HDF5 file with nothing in it.
    static func writeEmpty(in directory: URL, name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        _ = H5dont_atexit()  // as the reader does: no teardown at exit
        _ = H5open()
        _ = H5Fclose(try ok(H5Fcreate(url.path, 2 /* H5F_ACC_TRUNC */, 0, 0), "H5Fcreate"))
        return url
    }

    private static func writeDataset(_ group: hid_t, _ weight: Weight) throws {
        let parts = weight.name.split(separator: "/")
        var parent = group
        var opened: [hid_t] = []
        defer { for g in opened.reversed() { _ = H5Gclose(g) } }
        for part in parts.dropLast() {
            let exists = H5Lexists(parent, String(part), 0) > 0
            parent = try ok(exists ? H5Gopen2(parent, String(part), 0) : H5Gcreate2(parent, String(part), 0, 0, 0), "group \(part)")
            opened.append(parent)
        }
        let fileType: hid_t
        switch weight.type {
        case .float32LE: fileType = H5T_IEEE_F32LE_g
        case .float32BE: fileType = H5T_IEEE_F32BE_g
        case .float64LE: fileType = H5T_IEEE_F64LE_g
        }
        let space = try ok(H5Screate_simple(Int32(weight.shape.count), weight.shape, nil), "H5Screate_simple")
        defer { _ = H5Sclose(space) }
        let dataset = try ok(H5Dcreate2(parent, String(parts.last!), fileType, space, 0, 0, 0), "H5Dcreate2")
        defer { _ = H5Dclose(dataset) }
        if weight.writeData {
            let values = weight.values
            try ok(values.withUnsafeBytes { H5Dwrite(dataset, H5T_NATIVE_FLOAT_g, 0, 0, 0, $0.baseAddress) }, "H5Dwrite")
        }
    }

    private static func writeVariableString(_ location: hid_t, _ name: String, _ value: String) throws {
        let type = try ok(H5Tcopy(H5T_C_S1_g), "H5Tcopy")
        defer { _ = H5Tclose(type) }
        try ok(H5Tset_size(type, -1), "H5Tset_size")
        let space = try ok(H5Screate(H5S_SCALAR), "H5Screate")
        defer { _ = H5Sclose(space) }
        let attr = try ok(H5Acreate2(location, name, type, space, 0, 0), "H5Acreate2")
        defer { _ = H5Aclose(attr) }
        try value.withCString { cString in
            var pointer: UnsafePointer<CChar>? = cString
            try ok(withUnsafeMutablePointer(to: &pointer) { H5Awrite(attr, type, $0) }, "H5Awrite")
        }
    }

    private static func writeFixedStrings(_ location: hid_t, _ name: String, _ values: [String]) throws {
        let width = max(1, values.map(\.utf8.count).max() ?? 1)
        let type = try ok(H5Tcopy(H5T_C_S1_g), "H5Tcopy")
        defer { _ = H5Tclose(type) }
        try ok(H5Tset_size(type, width), "H5Tset_size")
        try ok(H5Tset_strpad(type, H5T_STR_NULLPAD), "H5Tset_strpad")
        var dims = [UInt64(values.count)]
        let space = try ok(H5Screate_simple(1, &dims, nil), "H5Screate_simple")
        defer { _ = H5Sclose(space) }
        let attr = try ok(H5Acreate2(location, name, type, space, 0, 0), "H5Acreate2")
        defer { _ = H5Aclose(attr) }
        var buffer = [UInt8](repeating: 0, count: width * values.count)
        for (i, value) in values.enumerated() { buffer.replaceSubrange((i * width)..<(i * width + value.utf8.count), with: value.utf8) }
        try ok(buffer.withUnsafeBytes { H5Awrite(attr, type, $0.baseAddress) }, "H5Awrite")
    }

    private static func writeDoubles(_ location: hid_t, _ name: String, count: Int) throws {
        var dims = [UInt64(count)]
        let space = try ok(H5Screate_simple(1, &dims, nil), "H5Screate_simple")
        defer { _ = H5Sclose(space) }
        let attr = try ok(H5Acreate2(location, name, H5T_IEEE_F64LE_g, space, 0, 0), "H5Acreate2")
        defer { _ = H5Aclose(attr) }
        let values = [Double](repeating: 1, count: count)
        try ok(values.withUnsafeBytes { H5Awrite(attr, H5T_NATIVE_DOUBLE_g, $0.baseAddress) }, "H5Awrite")
    }
}
