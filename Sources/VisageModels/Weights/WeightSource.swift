import VisageNN

/// Named tensors that an architecture consumes while it is being built.
///
/// Loading is strict: ``take(_:shape:)`` fails on a missing key or a wrong shape, and
/// ``finish()`` fails when tensors were left unused.
public struct WeightSource: Sendable {
    private var tensors: [String: Tensor]
    private var used: Set<String> = []

    /// Creates a source from a key → tensor table.
    public init(_ tensors: [String: Tensor]) { self.tensors = tensors }

    /// The number of elements in the tensors taken so far (the architecture's stored parameters).
    public var consumedParameterCount: Int { used.reduce(0) { $0 + (tensors[$1]?.count ?? 0) } }

    /// The keys present.
    public var keys: [String] { tensors.keys.sorted() }

    /// Takes the tensor under `key`, checking its shape.
    /// - Parameters:
    ///   - key: the checkpoint key (as in the file's own naming).
    ///   - shape: the shape the architecture needs.
    /// - Throws: ``ModelLoadError/missingTensor(key:)`` or ``ModelLoadError/shapeMismatch(key:expected:found:)``.
    public mutating func take(_ key: String, shape: [Int]) throws -> Tensor {
        guard let t = tensors[key] else { throw ModelLoadError.missingTensor(key: key) }
        guard t.shape == shape else {
            throw ModelLoadError.shapeMismatch(key: key, expected: shape, found: t.shape)
        }
        used.insert(key)
        return t
    }

    /// Takes a 1-D tensor of `count` elements as an array.
    public mutating func vector(_ key: String, count: Int) throws -> [Float] {
        try take(key, shape: [count]).storage
    }

    /// Fails when some tensors were never taken.
    /// - Parameter ignoring: keys that may be left (e.g. optimiser state).
    public func finish(ignoring: Set<String> = []) throws {
        let unused = tensors.keys.filter { !used.contains($0) && !ignoring.contains($0) }.sorted()
        if !unused.isEmpty { throw ModelLoadError.unusedTensors(keys: unused) }
    }
}
