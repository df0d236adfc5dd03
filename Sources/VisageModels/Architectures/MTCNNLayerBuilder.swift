import VisageNN

// Builds MTCNN layers from facenet-pytorch state-dict tensors.
//   conv  "<name>.weight" [O, I, K, K], "<name>.bias" [O]   (already laid out for upright NCHW images)
//   prelu "<name>.weight" [C]
//   dense "<name>.weight" [O, I], "<name>.bias" [O]
// facenet-pytorch flattens the last feature map as [N, W, H, C] (`x.permute(0, 3, 2, 1)`);
// Visage flattens NCHW as [N, C, H, W], so the first dense layer's columns are reordered once,
// at load time.

/// Takes MTCNN tensors from a ``WeightSource`` by state-dict name and turns them into layers.
struct MTCNNLayerBuilder {
    var source: WeightSource

    /// A bias-carrying convolution, stride 1, no padding.
    mutating func conv(_ key: String, in i: Int, out o: Int, kernel k: Int) throws -> Conv2D {
        Conv2D(weight: try source.take(key + ".weight", shape: [o, i, k, k]),
               bias: try source.take(key + ".bias", shape: [o]))
    }

    /// A per-channel PReLU.
    mutating func prelu(_ key: String, channels c: Int) throws -> PReLU {
        PReLU(slope: try source.vector(key + ".weight", count: c))
    }

    /// A fully connected layer on vectors.
    mutating func dense(_ key: String, in i: Int, out o: Int) throws -> Dense {
        Dense(weight: try source.take(key + ".weight", shape: [o, i]),
              bias: try source.take(key + ".bias", shape: [o]))
    }

    /// A fully connected layer on a flattened [C, H, W] feature map whose weight columns follow
    /// facenet-pytorch's [W, H, C] order.
    mutating func denseOnFeatureMap(_ key: String, channels c: Int, height h: Int, width w: Int,
                                    out o: Int) throws -> Dense {
        let torch = try source.take(key + ".weight", shape: [o, w * h * c])
        var weight = Tensor(shape: [o, c * h * w])
        torch.storage.withUnsafeBufferPointer { src in
            weight.storage.withUnsafeMutableBufferPointer { dst in
                for row in 0..<o {
                    for ch in 0..<c {
                        for y in 0..<h {
                            for x in 0..<w {
                                dst[row * c * h * w + (ch * h + y) * w + x] = src[row * w * h * c + (x * h + y) * c + ch]
                            }
                        }
                    }
                }
            }
        }
        return Dense(weight: weight, bias: try source.take(key + ".bias", shape: [o]))
    }

    /// Fails when tensors were left unused.
    func finish() throws { try source.finish() }
}
