// Layout: every 4-D activation tensor in Visage is NCHW —
//   N = batch, C = channels, H = rows, W = columns — stored row-major (W fastest).
// Convolution weights are [O, I, KH, KW] (O = output channels, I = input channels).
// Dense weights are [O, I] (y = W x + b).

/// A dense, row-major Float32 tensor with value semantics.
///
/// Four-dimensional activations are NCHW. The storage is a Swift array, so copies are
/// copy-on-write and a tensor can be passed between threads freely.
public struct Tensor: Sendable, Equatable {
    /// The extent of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `storage.count == shape.reduce(1, *)`.
    public var storage: [Float]

    /// Creates a tensor filled with one value.
    /// - Parameters:
    ///   - shape: the extent of each axis; every extent must be ≥ 0.
    ///   - value: the value of every element.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in \(shape)")
        self.shape = shape
        self.storage = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// Creates a tensor whose elements are not initialised, for outputs that a kernel overwrites
    /// completely (saves a pass over memory).
    /// - Parameter shape: the extent of each axis; every extent must be ≥ 0.
    public init(uninitializedShape shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in \(shape)")
        let n = shape.reduce(1, *)
        self.shape = shape
        self.storage = [Float](unsafeUninitializedCapacity: n) { _, count in count = n }
    }

    /// Creates a tensor from its elements.
    /// - Parameters:
    ///   - shape: the extent of each axis.
    ///   - storage: row-major elements; the count must equal the product of `shape`.
    public init(shape: [Int], storage: [Float]) {
        precondition(storage.count == shape.reduce(1, *),
                     "storage has \(storage.count) elements, shape \(shape) needs \(shape.reduce(1, *))")
        self.shape = shape
        self.storage = storage
    }

    /// The number of elements.
    @inlinable public var count: Int { storage.count }
    /// The number of axes.
    @inlinable public var rank: Int { shape.count }

    /// Batch size of an NCHW tensor.
    @inlinable public var n: Int { shape[0] }
    /// Channels of an NCHW tensor.
    @inlinable public var c: Int { shape[1] }
    /// Rows of an NCHW tensor.
    @inlinable public var h: Int { shape[2] }
    /// Columns of an NCHW tensor.
    @inlinable public var w: Int { shape[3] }

    /// The same elements under another shape with the same element count.
    /// - Parameter newShape: the new extents; their product must equal `count`.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }

    /// Sample `i` of the batch (axis 0) as a tensor with a batch of one.
    public func sample(_ i: Int) -> Tensor {
        let per = count / max(shape[0], 1)
        var s = shape
        s[0] = 1
        return Tensor(shape: s, storage: Array(storage[(i * per)..<((i + 1) * per)]))
    }

    /// Stacks tensors of equal shape (each with a leading batch axis) along axis 0.
    /// - Parameter parts: tensors whose shapes agree on every axis but the first.
    public static func batch(_ parts: [Tensor]) -> Tensor {
        guard let first = parts.first else { return Tensor(shape: [0]) }
        var shape = first.shape
        shape[0] = parts.reduce(0) { $0 + $1.shape[0] }
        var storage = [Float]()
        storage.reserveCapacity(shape.reduce(1, *))
        for p in parts {
            precondition(Array(p.shape.dropFirst()) == Array(first.shape.dropFirst()),
                         "cannot batch \(p.shape) with \(first.shape)")
            storage.append(contentsOf: p.storage)
        }
        return Tensor(shape: shape, storage: storage)
    }

    /// Element access by a full multi-index (slow; for tests and small work).
    public subscript(_ index: Int...) -> Float {
        get { storage[flatIndex(index)] }
        set { storage[flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) for shape \(shape)")
        var flat = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "index \(index) out of range for shape \(shape)")
            flat = flat * extent + i
        }
        return flat
    }
}
