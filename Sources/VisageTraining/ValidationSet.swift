import Foundation
import VisageNN

/// Images and the pairs to verify among them, evaluated at the end of every epoch.
public struct ValidationSet: Sendable {
    /// One pair: two image indices and whether they show one person.
    public struct Pair: Sendable, Equatable {
        /// The first image.
        public var first: Int
        /// The second image.
        public var second: Int
        /// Whether the two images show one person.
        public var same: Bool

        /// Creates a pair.
        public init(first: Int, second: Int, same: Bool) {
            self.first = first
            self.second = second
            self.same = same
        }
    }

    /// The image side length.
    public let inputSize: Int
    /// Preprocessed images, 8-bit planes [3, S, S] each (as ``FaceDataset`` stores them).
    public let images: [[UInt8]]
    /// The pairs.
    public let pairs: [Pair]
    /// Whether each image's embedding is the mean of its own and its mirror image's, scaled back
    /// to unit length (test-time flip averaging; off by default).
    public var averagesFlips = false
    /// When positive, each image is also embedded shifted by this many pixels left, right, up
    /// and down (edge pixels repeat), and its embedding is the mean of all five views (with
    /// ``averagesFlips``: of all ten, each view and its mirror image), scaled back to unit
    /// length (test-time shift averaging; 0, off, by default).
    public var shiftAverage = 0

    /// Creates a validation set.
    public init(inputSize: Int, images: [[UInt8]], pairs: [Pair]) {
        self.inputSize = inputSize
        self.images = images
        self.pairs = pairs
    }

    /// Every pair of images of a dataset: same-person pairs within each identity and
    /// different-person pairs across identities.
    public init(allPairsOf dataset: FaceDataset) {
        var images: [[UInt8]] = [], owner: [Int] = []
        for (i, identity) in dataset.identities.enumerated() {
            images += identity.images
            owner += Array(repeating: i, count: identity.images.count)
        }
        var pairs: [Pair] = []
        for a in 0..<images.count {
            for b in (a + 1)..<max(images.count, a + 1) { pairs.append(Pair(first: a, second: b, same: owner[a] == owner[b])) }
        }
        self.init(inputSize: dataset.inputSize, images: images, pairs: pairs)
    }

    /// Embeds every image with `network` (batches of `batchSize`) and scores the pairs by
    /// Euclidean distance.
    /// - Parameters:
    ///   - network: the inference network, [N, 3, S, S] → [N, D].
    ///   - batchSize: images per forward pass.
    ///   - farTarget: the false-accept rate of the VAL figure.
    public func evaluate(_ network: any Layer, batchSize: Int = 60, farTarget: Double = 1e-3) -> VerificationMetrics? {
        let embeddings = embed(network, batchSize: batchSize)
        let distances = pairs.map { pair -> Float in
            var sum: Float = 0
            for (a, b) in zip(embeddings[pair.first], embeddings[pair.second]) { sum += (a - b) * (a - b) }
            return sum.squareRoot()
        }
        return VerificationMetrics.evaluate(distances: distances, same: pairs.map(\.same), farTarget: farTarget)
    }

    /// The embedding of every image.
    public func embed(_ network: any Layer, batchSize: Int = 60) -> [[Float]] {
        var out: [[Float]] = []
        var generator = SystemRandomNumberGenerator()
        let plane = 3 * inputSize * inputSize
        var start = 0
        while start < images.count {
            let chunk = images[start..<min(start + max(batchSize, 1), images.count)]
            var x = Tensor(shape: [chunk.count, 3, inputSize, inputSize])
            x.storage.withUnsafeMutableBufferPointer { p in
                for (i, image) in chunk.enumerated() {
                    Augmentation.none.apply(image, size: inputSize, into: p.baseAddress! + i * plane, using: &generator)
                }
            }
            let y = network.forward(x)
            let d = y.count / chunk.count
            // Every other view (the mirror image, the shifted images and their mirror images) is
            // embedded as it is made and summed onto the plain embeddings.
            var sum = y.storage, views = 1
            func add(_ view: Tensor) {
                let other = network.forward(view)
                for k in sum.indices { sum[k] += other.storage[k] }
                views += 1
            }
            if averagesFlips { add(Self.mirrored(x)) }
            if shiftAverage > 0 {
                let s = shiftAverage
                for (dx, dy) in [(s, 0), (-s, 0), (0, s), (0, -s)] {
                    let shifted = Self.shifted(x, dx: dx, dy: dy)
                    add(shifted)
                    if averagesFlips { add(Self.mirrored(shifted)) }
                }
            }
            for i in 0..<chunk.count {
                var e = Array(sum[(i * d)..<((i + 1) * d)])
                if views > 1 {
                    let norm = e.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    if norm > 0 { e = e.map { $0 / norm } }
                }
                out.append(e)
            }
            start += chunk.count
        }
        return out
    }

    /// Every plane of an NCHW batch moved so that output pixel (x, y) is input pixel
    /// (x + dx, y + dy), edge pixels repeating outside the plane.
    static func shifted(_ x: Tensor, dx: Int, dy: Int) -> Tensor {
        var out = x
        let (w, h) = (x.w, x.h)
        x.storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                for plane in 0..<(x.count / (w * h)) {
                    let base = plane * w * h
                    for row in 0..<h {
                        let from = base + min(max(row + dy, 0), h - 1) * w, to = base + row * w
                        for col in 0..<w { dst[to + col] = src[from + min(max(col + dx, 0), w - 1)] }
                    }
                }
            }
        }
        return out
    }

    /// Every plane of an NCHW batch reversed left to right.
    static func mirrored(_ x: Tensor) -> Tensor {
        var out = x
        let w = x.w
        out.storage.withUnsafeMutableBufferPointer { p in
            for row in 0..<(x.count / w) { p[(row * w)..<((row + 1) * w)].reverse() }
        }
        return out
    }
}
