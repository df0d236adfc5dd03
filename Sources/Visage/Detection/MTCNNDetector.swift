import Foundation
import VisageImage
import VisageModels
import VisageNN

/// MTCNN face detection (P-Net → R-Net → O-Net) with five landmarks, behaving as
/// facenet-pytorch 2.6.0's `MTCNN.detect` on CPU.
///
/// Stage 1 runs P-Net on an image pyramid (area-resampled, smallest face `minFaceSize`), keeps
/// cells with probability ≥ `pnetThreshold`, suppresses overlaps per scale (IoU 0.5) and across
/// scales (IoU 0.7), regresses and squares the boxes. Stage 2 crops each box (clipped to the
/// image) to 24×24 for R-Net, keeps scores > `rnetThreshold`, suppresses (IoU 0.7), regresses and
/// squares. Stage 3 crops to 48×48 for O-Net, keeps scores > `onetThreshold`, places the
/// landmarks, regresses the boxes and suppresses with intersection-over-minimum 0.7.
public struct MTCNNDetector: FaceDetector {
    /// The three networks.
    public let networks: MTCNN
    /// Thresholds and pyramid settings.
    public let options: MTCNNOptions

    /// The most crops R-Net or O-Net takes in one batch (bounds memory on busy images; the
    /// networks run a batch a few crops at a time per thread).
    private static let batchLimit = 64

    /// Keeps the pyramid's memory between photos (fresh pages cost faults and clearing).
    private let pool = BufferPool(limitBytes: 64 << 20)

    /// Creates a detector.
    /// - Throws: ``DetectionError/invalidOption(name:value:valid:)`` for bad options.
    public init(networks: MTCNN, options: MTCNNOptions = MTCNNOptions()) throws {
        try options.validate()
        self.networks = networks
        self.options = options
    }

    /// Loads facenet-pytorch's weights from the model cache (checking their SHA-256 once).
    /// - Throws: ``ModelStoreError`` when a file is missing or altered, `ModelLoadError` or a
    ///   PyTorch format error when it cannot be read, ``DetectionError`` for bad options.
    public init(store: ModelStore, options: MTCNNOptions = MTCNNOptions()) throws {
        let networks = try MTCNN(pnet: try store.url(for: .mtcnnPNet, verify: true),
                                 rnet: try store.url(for: .mtcnnRNet, verify: true),
                                 onet: try store.url(for: .mtcnnONet, verify: true))
        try self.init(networks: networks, options: options)
    }

    /// The largest image ``detect(_:)`` accepts, in pixels (the pyramid holds about 4 floats a pixel).
    public static let maxPixels = 40_000_000

    /// Finds the faces in an image (``FaceDetector``): as ``detect(in:)``, with a size limit.
    /// - Throws: ``DetectionError/imageTooLarge(width:height:upsample:maxPixels:)`` above ``maxPixels``.
    public func detect(_ image: Image) throws -> [FaceDetection] {
        guard image.width.multipliedReportingOverflow(by: image.height).partialValue <= Self.maxPixels,
              image.width <= Self.maxPixels, image.height <= Self.maxPixels else {
            throw DetectionError.imageTooLarge(width: image.width, height: image.height, upsample: 0, maxPixels: Self.maxPixels)
        }
        return detect(in: image)
    }

    /// Finds the faces in an image (gray images are read as RGB with equal channels).
    /// - Returns: the detections, highest score first; empty when the image is smaller than
    ///   `minFaceSize` or holds no face.
    public func detect(in image: Image) -> [FaceDetection] {
        var trace = MTCNNTrace()
        return detect(in: image, trace: &trace)
    }

    /// Finds the faces in an image and reports how many candidates each stage kept and how
    /// long it took.
    /// - Parameters:
    ///   - image: the photo.
    ///   - trace: filled with the stage counts and times.
    /// - Returns: as ``detect(in:)``.
    public func detect(in image: Image, trace: inout MTCNNTrace) -> [FaceDetection] {
        trace = MTCNNTrace()
        guard image.width > 0, image.height > 0 else { return [] }
        var clock = MTCNNTrace.Clock()
        let source = AreaResampler(image)
        var boxes = proposals(source)
        trace.proposals = boxes.count
        trace.stageSeconds[0] = clock.lap()
        guard !boxes.isEmpty else { return [] }
        boxes = refine(boxes, source)
        trace.refined = boxes.count
        trace.stageSeconds[1] = clock.lap()
        guard !boxes.isEmpty else { return [] }
        let faces = output(boxes, source)
        trace.stageSeconds[2] = clock.lap()
        return faces
    }

    // MARK: - Stage 1

    private func proposals(_ source: AreaResampler) -> [MTCNNCandidate] {
        let scales = MTCNNPyramid.scales(width: source.width, height: source.height, options: options)
        let sizes = scales.map { scale -> (height: Int, width: Int) in
            let (ws, hs) = MTCNNPyramid.levelSize(width: source.width, height: source.height, scale: scale)
            return (hs, ws)
        }
        // The whole pyramid in one sweep down the resampler's tables, into one block.
        let counts = sizes.map { 3 * $0.height * $0.width }
        let block = pool.allocate(counts.reduce(0, +))
        defer { pool.release(block) }
        var planes: [UnsafeMutablePointer<Float>] = []
        var offset = 0
        for n in counts {
            planes.append(block + offset)
            offset += n
        }
        source.resampleLevels(sizes, into: planes)
        let outputs = networks.pnet(levelPlanes: planes.map { UnsafePointer($0) }, sizes: sizes)
        var all: [MTCNNCandidate] = []
        for (scale, out) in zip(scales, outputs) {
            let level = cells(out, scale: Float(scale))
            all += NonMaximumSuppression.keep(level, threshold: 0.5, overlap: .union).map { level[$0] }
        }
        var boxes = NonMaximumSuppression.keep(all, threshold: 0.7, overlap: .union).map { all[$0] }
        for i in boxes.indices {
            boxes[i].regressWithoutPlusOne()
            boxes[i].square()
        }
        return boxes
    }

    /// Candidates for the cells of one P-Net output whose face probability reaches the threshold.
    private func cells(_ out: MTCNNOutput, scale: Float) -> [MTCNNCandidate] {
        let (h, w) = (out.probability.h, out.probability.w)
        let plane = h * w
        let threshold = options.pnetThreshold
        var found: [MTCNNCandidate] = []
        out.probability.storage.withUnsafeBufferPointer { p in
            out.regression.storage.withUnsafeBufferPointer { r in
                for y in 0..<h {
                    for x in 0..<w {
                        let i = y * w + x
                        let score = p[plane + i]
                        guard score >= threshold else { continue }
                        let offsets = SIMD4(r[i], r[plane + i], r[2 * plane + i], r[3 * plane + i])
                        found.append(.cell(x: x, y: y, scale: scale, score: score, offsets: offsets))
                    }
                }
            }
        }
        return found
    }

    // MARK: - Stages 2 and 3

    /// Crops the boxes' regions to `side`² network inputs; boxes with nothing inside the image
    /// are dropped (facenet-pytorch would fail on them).
    private func crops(_ boxes: [MTCNNCandidate], side: Int, _ source: AreaResampler)
        -> (boxes: [MTCNNCandidate], batches: [Tensor]) {
        var kept: [MTCNNCandidate] = []
        var regions: [(x0: Int, y0: Int, w: Int, h: Int)] = []
        for box in boxes {
            guard let region = box.cropRegion(width: source.width, height: source.height) else { continue }
            kept.append(box)
            regions.append(region)
        }
        var batches: [Tensor] = []
        var start = 0
        while start < regions.count {
            let count = min(Self.batchLimit, regions.count - start)
            var input = Tensor(shape: [count, 3, side, side])
            let per = 3 * side * side
            input.storage.withUnsafeMutableBufferPointer { buf in
                // Spread over the threads: the crops' table reads mostly miss the caches.
                let base = buf.baseAddress!
                Backend.parallelFor(count) { k in
                    let r = regions[start + k]
                    source.resample(x0: r.x0, y0: r.y0, w: r.w, h: r.h, outWidth: side, outHeight: side,
                                    into: base + k * per)
                }
            }
            batches.append(input)
            start += count
        }
        return (kept, batches)
    }

    /// Runs a network on the boxes' crops and keeps the boxes scoring above `threshold`, with
    /// their new score and offsets; `visit` sees each kept box with its network output and row.
    private func rescore(_ boxes: [MTCNNCandidate], side: Int, threshold: Float, _ source: AreaResampler,
                         network: (Tensor) -> MTCNNOutput,
                         visit: (MTCNNCandidate, MTCNNOutput, Int) -> Void = { _, _, _ in }) -> [MTCNNCandidate] {
        let (inputs, batches) = crops(boxes, side: side, source)
        var passed: [MTCNNCandidate] = []
        var index = 0
        for batch in batches {
            let out = network(batch)
            for k in 0..<batch.n {
                defer { index += 1 }
                let score = out.probability.storage[2 * k + 1]
                guard score > threshold else { continue }
                var box = inputs[index]
                box.score = score
                box.offsets = SIMD4(out.regression.storage[(4 * k)..<(4 * k + 4)])
                visit(box, out, k)
                passed.append(box)
            }
        }
        return passed
    }

    private func refine(_ boxes: [MTCNNCandidate], _ source: AreaResampler) -> [MTCNNCandidate] {
        let passed = rescore(boxes, side: MTCNNRNet.inputSize, threshold: options.rnetThreshold, source,
                             network: networks.rnet.callAsFunction)
        var kept = NonMaximumSuppression.keep(passed, threshold: 0.7, overlap: .union).map { passed[$0] }
        for i in kept.indices {
            kept[i].regress()
            kept[i].square()
        }
        return kept
    }

    private func output(_ boxes: [MTCNNCandidate], _ source: AreaResampler) -> [FaceDetection] {
        var points: [[SIMD2<Double>]] = []
        var passed = rescore(boxes, side: MTCNNONet.inputSize, threshold: options.onetThreshold, source,
                             network: networks.onet.callAsFunction) { box, out, k in
            // Landmarks are placed in the box O-Net saw, before its regression.
            let marks = out.landmarks!.storage
            let w = box.x2 - box.x1 + 1, h = box.y2 - box.y1 + 1
            points.append((0..<5).map { j in
                SIMD2(Double(w * marks[10 * k + j] + box.x1 - 1), Double(h * marks[10 * k + 5 + j] + box.y1 - 1))
            })
        }
        for i in passed.indices { passed[i].regress() }
        return NonMaximumSuppression.keep(passed, threshold: 0.7, overlap: .minimum).map { i in
            let b = passed[i]
            return FaceDetection(left: Double(b.x1), top: Double(b.y1), right: Double(b.x2), bottom: Double(b.y2),
                                 score: b.score, landmarks: points[i])
        }
    }
}
