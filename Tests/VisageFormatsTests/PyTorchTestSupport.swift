import Foundation
import VisageNN

/// Builds pickle byte streams by hand, opcode by opcode.
enum PyTorchPickleBytes {
    static let proto2: [UInt8] = [0x80, 0x02]
    static let mark: [UInt8] = [0x28]
    static let stop: [UInt8] = [0x2E]
    static let none: [UInt8] = [0x4E]
    static let emptyTuple: [UInt8] = [0x29]
    static let emptyList: [UInt8] = [0x5D]
    static let emptyDict: [UInt8] = [0x7D]
    static let tuple: [UInt8] = [0x74]
    static let tuple1: [UInt8] = [0x85]
    static let tuple2: [UInt8] = [0x86]
    static let append: [UInt8] = [0x61]
    static let appends: [UInt8] = [0x65]
    static let setItem: [UInt8] = [0x73]
    static let setItems: [UInt8] = [0x75]
    static let reduce: [UInt8] = [0x52]
    static let build: [UInt8] = [0x62]
    static let binPersID: [UInt8] = [0x51]
    static let stackGlobal: [UInt8] = [0x93]
    static let newTrue: [UInt8] = [0x88]

    static func int(_ v: Int32) -> [UInt8] {
        if (0...255).contains(v) { return [0x4B, UInt8(v)] }
        return [0x4A] + withUnsafeBytes(of: v.littleEndian, Array.init)
    }

    static func long1(_ bytes: [UInt8]) -> [UInt8] { [0x8A, UInt8(bytes.count)] + bytes }

    static func float(_ v: Double) -> [UInt8] { [0x47] + withUnsafeBytes(of: v.bitPattern.bigEndian, Array.init) }

    static func string(_ s: String) -> [UInt8] {
        let utf8 = Array(s.utf8)
        return [0x58] + withUnsafeBytes(of: UInt32(utf8.count).littleEndian, Array.init) + utf8
    }

    static func global(_ module: String, _ name: String) -> [UInt8] {
        [0x63] + Array("\(module)\n\(name)\n".utf8)
    }

    static func put(_ i: UInt8) -> [UInt8] { [0x71, i] }
    static func get(_ i: UInt8) -> [UInt8] { [0x68, i] }

    /// `torch._utils._rebuild_tensor_v2(pid, offset, size, stride, False, OrderedDict())`.
    static func tensor(storageType: String = "FloatStorage", key: String, count: Int32,
                       offset: Int32 = 0, shape: [Int32], strides: [Int32]) -> [UInt8] {
        var b = global("torch._utils", "_rebuild_tensor_v2") + mark
        b += mark + string("storage") + global("torch", storageType) + string(key) + string("cpu")
            + int(count) + tuple + binPersID
        b += int(offset)
        b += mark + shape.flatMap(int) + tuple
        b += mark + strides.flatMap(int) + tuple
        b += [0x89] + global("collections", "OrderedDict") + emptyTuple + reduce + tuple + reduce
        return b
    }

    /// A protocol-2 pickle of `OrderedDict(items)` where each item is (name, value bytes).
    static func stateDict(_ items: [(String, [UInt8])]) -> [UInt8] {
        proto2 + global("collections", "OrderedDict") + emptyTuple + reduce + mark
            + items.flatMap { string($0.0) + $0.1 } + setItems + stop
    }
}

/// Writes a zip archive of stored entries (what torch.save writes), for hostile-zip tests.
enum PyTorchZipBytes {
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }

    /// - Parameter method: the compression method to record (0 = stored); the data is stored as given.
    static func archive(_ files: [(name: String, data: [UInt8])], method: UInt16 = 0) -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        for (name, data) in files {
            let nameBytes = Array(name.utf8)
            let crc = crc32(data)
            let common = le(UInt16(20)) + le(UInt16(0)) + le(method) + le(UInt32(0)) + le(crc)
                + le(UInt32(data.count)) + le(UInt32(data.count)) + le(UInt16(nameBytes.count)) + le(UInt16(0))
            directory += le(UInt32(0x0201_4B50)) + le(UInt16(20)) + common + le(UInt16(0)) + le(UInt16(0))
                + le(UInt16(0)) + le(UInt32(0)) + le(UInt32(out.count)) + nameBytes
            out += le(UInt32(0x0403_4B50)) + common + nameBytes + data
        }
        let end = le(UInt32(0x0605_4B50)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(files.count))
            + le(UInt16(files.count)) + le(UInt32(directory.count)) + le(UInt32(out.count)) + le(UInt16(0))
        return out + directory + end
    }
}

/// Reads a little-endian float32 C-order `.npy` file (format 1.0) into a tensor.
enum PyTorchNPY {
    struct Invalid: Error, CustomStringConvertible { let description: String }

    static func read(_ url: URL) throws -> Tensor {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count > 10, bytes.starts(with: [0x93] + Array("NUMPY".utf8)), bytes[6] == 1 else {
            throw Invalid(description: "\(url.path) is not an NPY 1.x file")
        }
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        guard header.contains("'descr': '<f4'"), header.contains("'fortran_order': False"),
              let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw Invalid(description: "\(url.path): unsupported header \(header)")
        }
        let shape = header[open.upperBound..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        let start = 10 + headerLength
        let count = shape.reduce(1, *)
        guard bytes.count == start + 4 * count else { throw Invalid(description: "\(url.path): wrong data size") }
        let values = (0..<count).map { i -> Float in
            let o = start + 4 * i
            let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
            return Float(bitPattern: bits)
        }
        return Tensor(shape: shape, storage: values)
    }
}
