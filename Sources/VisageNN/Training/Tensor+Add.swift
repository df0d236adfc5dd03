extension Tensor {
    /// Adds `other` element-wise in place (same element count), in parallel slices.
    mutating func add(_ other: Tensor) {
        precondition(count == other.count, "cannot add \(other.shape) to \(shape)")
        let n = count
        let slices = Swift.max(1, Swift.min(Backend.threads * 4, n / 16_384))
        storage.withUnsafeMutableBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                let (ab, bb) = (UInt(bitPattern: a.baseAddress!), UInt(bitPattern: b.baseAddress!))
                Backend.parallelFor(slices) { i in
                    let x = UnsafeMutablePointer<Float>(bitPattern: ab)!, y = UnsafePointer<Float>(bitPattern: bb)!
                    for j in (i * n / slices)..<((i + 1) * n / slices) { x[j] += y[j] }
                }
            }
        }
    }
}
