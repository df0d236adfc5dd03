import VisageNN

extension TrainableLayer {
    /// Sets every parameter (statistics included) from the tensor stored under its key.
    ///
    /// Strict like the inference builders: call ``WeightSource/finish(ignoring:)`` afterwards to
    /// reject tensors the layer did not use.
    /// - Parameter source: the named tensors; the keys used are marked as taken.
    /// - Throws: ``ModelLoadError`` naming a missing or misshapen tensor.
    public func load(from source: inout WeightSource) throws {
        for p in parameters {
            p.value = try source.take(p.key, shape: p.value.shape)
        }
    }

    /// Every parameter's key and current value, statistics included, in parameter order.
    public var namedTensors: [(String, Tensor)] { parameters.map { ($0.key, $0.value) } }
}
