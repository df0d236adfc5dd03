import Foundation
import VisageNN

extension Safetensors {
    /// Writes tensors as F32 safetensors, atomically: the bytes go to a temporary file in the
    /// same folder, which is flushed to disk and then renamed over `url`.
    /// - Parameters:
    ///   - tensors: names and tensors, stored in this order.
    ///   - metadata: the `__metadata__` string map (omitted from the header when empty).
    ///   - url: the destination file; an existing file is replaced only when writing succeeded.
    /// - Throws: ``SafetensorsError/duplicateName(name:)``, ``SafetensorsError/reservedName(name:)``
    ///   or ``SafetensorsError/writeFailed(file:reason:)``.
    public static func write(tensors: [(String, Tensor)], metadata: [String: String] = [:], to url: URL) throws {
        let bytes = try encode(tensors: tensors, metadata: metadata)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw SafetensorsError.writeFailed(file: url.path, reason: "cannot create \(temporary.path)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                try handle.write(contentsOf: bytes)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            guard rename(temporary.path, url.path) == 0 else {
                throw SafetensorsError.writeFailed(file: url.path, reason: String(cString: strerror(errno)))
            }
        } catch let error as SafetensorsError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw SafetensorsError.writeFailed(file: url.path, reason: error.localizedDescription)
        }
    }

    /// Writes tensors as F32 safetensors, sorted by name, atomically like the list form.
    /// - Parameters:
    ///   - tensors: tensors by name.
    ///   - metadata: the `__metadata__` string map.
    ///   - url: the destination file.
    /// - Throws: ``SafetensorsError``.
    public static func write(tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try write(tensors: tensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, metadata: metadata, to: url)
    }

    /// The bytes of an F32 safetensors file: the header (keys in the given order, padded with
    /// spaces so the data starts 8-byte aligned) followed by the little-endian data.
    /// - Parameters:
    ///   - tensors: names and tensors, stored in this order.
    ///   - metadata: the `__metadata__` string map (omitted when empty).
    /// - Throws: ``SafetensorsError/duplicateName(name:)`` or ``SafetensorsError/reservedName(name:)``.
    public static func encode(tensors: [(String, Tensor)], metadata: [String: String] = [:]) throws -> Data {
        var seen = Set<String>()
        var json = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            fields.append("\(jsonString(metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, tensor) in tensors {
            guard name != metadataKey else { throw SafetensorsError.reservedName(name: name) }
            guard seen.insert(name).inserted else { throw SafetensorsError.duplicateName(name: name) }
            let end = offset + 4 * tensor.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        json += fields.joined(separator: ",") + "}"
        var header = Array(json.utf8)
        while (8 + header.count) % 8 != 0 { header.append(0x20) }
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for (_, tensor) in tensors {
            #if _endian(little)
            tensor.storage.withUnsafeBytes { data.append(contentsOf: $0) }
            #else
            for value in tensor.storage { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            #endif
        }
        return data
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    private static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
