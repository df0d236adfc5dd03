import Foundation
import VisageNN

extension Safetensors {
    /// Reads every tensor of a safetensors file as Float tensors, with the file's metadata.
    ///
    /// F32, F16, BF16 and F64 tensors are converted to Float (F64 rounds to nearest). The file
    /// is memory-mapped; all header checks run before any tensor memory is allocated.
    /// - Parameter url: the `.safetensors` file.
    /// - Returns: the tensors by name, and the `__metadata__` map (empty if absent).
    /// - Throws: ``SafetensorsError`` naming the file and the entry at fault.
    public static func read(_ url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SafetensorsError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try decode(data, label: url.path)
    }

    /// Decodes safetensors bytes held in memory; see ``read(_:)``.
    /// - Parameters:
    ///   - bytes: the whole file's contents.
    ///   - label: the name used in error messages.
    /// - Throws: ``SafetensorsError``.
    public static func decode<Bytes: ContiguousBytes>(_ bytes: Bytes, label: String = "<memory>") throws
        -> (tensors: [String: Tensor], metadata: [String: String]) {
        try bytes.withUnsafeBytes { raw in
            guard raw.count >= 8 else { throw SafetensorsError.truncated(file: label, fileSize: raw.count, needed: 8) }
            let headerLength = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            guard headerLength <= UInt64(maxHeaderBytes) else {
                throw SafetensorsError.headerTooLarge(file: label, length: headerLength, limit: maxHeaderBytes)
            }
            guard 8 + headerLength <= UInt64(raw.count) else {
                throw SafetensorsError.truncated(file: label, fileSize: raw.count, needed: 8 + headerLength)
            }
            let dataStart = 8 + Int(headerLength)
            let (entries, metadata) = try parseHeader(UnsafeRawBufferPointer(rebasing: raw[8..<dataStart]), label: label)
            let section = UnsafeRawBufferPointer(rebasing: raw[dataStart...])
            let layouts = try validate(entries, dataSize: UInt64(section.count), label: label)
            var tensors: [String: Tensor] = [:]
            tensors.reserveCapacity(layouts.count)
            for layout in layouts {
                let storage = [Float](unsafeUninitializedCapacity: layout.count) { buffer, initialized in
                    if layout.count > 0 {
                        layout.dtype.convert(section.baseAddress! + layout.begin, count: layout.count,
                                             into: buffer.baseAddress!)
                    }
                    initialized = layout.count
                }
                tensors[layout.name] = Tensor(shape: layout.shape, storage: storage)
            }
            return (tensors, metadata)
        }
    }

    /// A checked entry: where its bytes are and how to convert them.
    private struct Layout {
        let name: String
        let dtype: SafetensorsDType
        let shape: [Int]
        let count: Int
        let begin: Int
    }

    /// Checks dtypes, shapes, bounds, overlaps and coverage of all entries.
    private static func validate(_ entries: [Entry], dataSize: UInt64, label: String) throws -> [Layout] {
        var layouts: [Layout] = []
        for entry in entries {
            guard let dtype = SafetensorsDType(rawValue: entry.dtype) else {
                throw SafetensorsError.unsupportedDType(file: label, tensor: entry.name, dtype: entry.dtype)
            }
            guard entry.begin <= entry.end, entry.end <= dataSize else {
                throw SafetensorsError.offsetsOutOfBounds(file: label, tensor: entry.name, begin: entry.begin,
                                                          end: entry.end, dataSize: dataSize)
            }
            let byteCount = entry.end - entry.begin
            let mismatch = SafetensorsError.shapeMismatch(file: label, tensor: entry.name, shape: entry.shape,
                                                          dtype: entry.dtype, byteCount: byteCount)
            var elements: UInt64 = 1
            for extent in entry.shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: extent)
                guard !overflow, Int(exactly: extent) != nil else { throw mismatch }
                elements = product
            }
            let (bytes, overflow) = elements.multipliedReportingOverflow(by: UInt64(dtype.byteCount))
            guard !overflow, bytes == byteCount else { throw mismatch }
            layouts.append(Layout(name: entry.name, dtype: dtype, shape: entry.shape.map { Int($0) },
                                  count: Int(elements), begin: Int(entry.begin)))
        }
        // Sorted by range, every range must start where the previous one ended.
        let sorted = entries.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var position: UInt64 = 0
        var previous: String?
        for entry in sorted {
            if entry.begin < position, let previous {
                throw SafetensorsError.overlappingTensors(file: label, first: previous, second: entry.name)
            }
            if entry.begin > position {
                throw SafetensorsError.uncoveredBytes(file: label, offset: position, count: entry.begin - position)
            }
            position = entry.end
            previous = entry.name
        }
        if position < dataSize {
            throw SafetensorsError.uncoveredBytes(file: label, offset: position, count: dataSize - position)
        }
        return layouts
    }
}
