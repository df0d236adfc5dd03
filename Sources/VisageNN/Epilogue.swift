/// Per-channel bias and activation applied in place to an NCHW tensor.
public enum Epilogue {
    /// Adds `bias[c]` to every element of channel `c` and applies `activation`.
    /// - Parameters:
    ///   - t: an NCHW tensor (or N × C, treated as H = W = 1).
    ///   - bias: one value per channel, or `nil`.
    ///   - activation: the activation to apply.
    public static func apply(_ t: inout Tensor, bias: [Float]?, activation: Activation) {
        if bias == nil && activation == .identity { return }
        let n = t.shape[0], c = t.shape[1]
        let plane = t.count / max(n * c, 1)
        let relu = activation == .relu
        t.storage.withUnsafeMutableBufferPointer { buf in
            let bits = UInt(bitPattern: buf.baseAddress!)
            Backend.parallelFor(n * c) { i in
                let p = UnsafeMutablePointer<Float>(bitPattern: bits)! + i * plane
                let b = bias?[i % c] ?? 0
                if relu {
                    for j in 0..<plane { p[j] = max(p[j] + b, 0) }
                } else {
                    for j in 0..<plane { p[j] += b }
                }
            }
        }
    }
}
