import VisageNN

/// Where a storage's raw little-endian elements lie in the checkpoint buffer.
struct PyTorchStorageData {
    let dataType: PyTorchDataType
    /// Elements in the storage.
    let count: Int
    /// The offset of element 0 in the checkpoint buffer.
    let byteOffset: Int
}

/// Builds Float32 tensors from tensor specs and the storages of one checkpoint.
///
/// Offsets and strides are checked against the storage before anything is read, and every
/// tensor spends `max(elements, elements spanned in the storage, 1)` from an element budget
/// set by the caller, so shared or overlapping views cannot multiply memory without bound.
struct PyTorchTensorBuilder {
    let bytes: [UInt8]
    let storages: [String: PyTorchStorageData]
    /// Elements that may still be produced.
    private(set) var budget: Int
    let initialBudget: Int

    init(bytes: [UInt8], storages: [String: PyTorchStorageData], budget: Int) {
        self.bytes = bytes
        self.storages = storages
        self.budget = budget
        self.initialBudget = budget
    }

    mutating func tensor(for spec: PyTorchTensorSpec) throws -> Tensor {
        let name = spec.name
        guard let data = storages[spec.storage.key] else {
            throw PyTorchFormatError.missingStorage(key: spec.storage.key)
        }
        guard data.dataType == spec.storage.dataType, spec.storage.window.upperBound <= data.count else {
            throw PyTorchFormatError.malformedStorage(
                key: spec.storage.key, reason: "tensor \(name) expects \(spec.storage.count) elements of \(spec.storage.dataType), the file has \(data.count) of \(data.dataType)")
        }
        var count = 1
        var lastIndex = spec.offset
        for (extent, stride) in zip(spec.shape, spec.strides) {
            let (c, o1) = count.multipliedReportingOverflow(by: extent)
            let (span, o2) = max(extent - 1, 0).multipliedReportingOverflow(by: stride)
            let (last, o3) = lastIndex.addingReportingOverflow(span)
            guard !o1, !o2, !o3 else {
                throw PyTorchFormatError.malformedTensor(name: name, reason: "size \(spec.shape) with stride \(spec.strides) overflows")
            }
            count = c
            lastIndex = last
        }
        if count == 0 {
            try spend(1, name)
            return Tensor(shape: spec.shape, storage: [])
        }
        let window = spec.storage.window
        guard lastIndex < window.count else {
            throw PyTorchFormatError.tensorOutOfBounds(name: name, lastIndex: lastIndex, storageCount: window.count)
        }
        let spanned = lastIndex - spec.offset + 1
        try spend(max(count, spanned), name)

        let first = data.byteOffset + (window.lowerBound + spec.offset) * data.dataType.elementSize
        if isRowMajor(shape: spec.shape, strides: spec.strides) {
            return Tensor(shape: spec.shape, storage: try decode(data.dataType, at: first, count: count))
        }
        let span = try decode(data.dataType, at: first, count: spanned)
        return Tensor(shape: spec.shape, storage: gather(span, shape: spec.shape, strides: spec.strides, count: count))
    }

    private mutating func spend(_ cost: Int, _ name: String) throws {
        guard cost <= budget else {
            throw PyTorchFormatError.elementBudgetExceeded(name: name, budget: initialBudget)
        }
        budget -= cost
    }

    private func isRowMajor(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for (extent, stride) in zip(shape, strides).reversed() {
            if extent != 1 && stride != expected { return false }
            expected *= extent
        }
        return true
    }

    /// `count` elements converted to Float32, starting at byte `start` of the buffer.
    private func decode(_ type: PyTorchDataType, at start: Int, count: Int) throws -> [Float] {
        guard start >= 0, count <= (bytes.count - start) / type.elementSize else {
            throw PyTorchFormatError.truncated(offset: start, needed: count * type.elementSize, available: max(bytes.count - start, 0))
        }
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress, let dst = out.baseAddress {
                    type.decode(base + start, count: count, into: dst)
                }
            }
            initialized = count
        }
    }

    /// The elements of a strided view, row-major. `span[0]` is the view's first element.
    private func gather(_ span: [Float], shape: [Int], strides: [Int], count: Int) -> [Float] {
        let rank = shape.count
        let innerExtent = shape[rank - 1]
        let innerStride = strides[rank - 1]
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            span.withUnsafeBufferPointer { src in
                var index = [Int](repeating: 0, count: rank)
                var base = 0
                var o = 0
                outer: while true {
                    var s = base
                    for _ in 0..<innerExtent {
                        out[o] = src[s]
                        o += 1
                        s += innerStride
                    }
                    var d = rank - 2
                    while d >= 0 {
                        index[d] += 1
                        base += strides[d]
                        if index[d] < shape[d] { continue outer }
                        base -= strides[d] * shape[d]
                        index[d] = 0
                        d -= 1
                    }
                    break
                }
            }
            initialized = count
        }
    }
}
