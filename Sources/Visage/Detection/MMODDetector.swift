import Foundation
import VisageFormats
import VisageImage
import VisageModels
import VisageNN

/// One detection of dlib's MMOD detector: its integer rectangle and confidence, as
/// `cnn_face_detection_model_v1` returns them.
public struct MMODDetection: Sendable, Equatable {
    /// The face box, inclusive bounds (dlib's `rectangle`), in the input image's pixels. It may
    /// extend past the image.
    public var rect: PixelRect
    /// The detector's raw score (above the threshold; about 1 for clear faces).
    public var confidence: Double

    /// Creates a detection.
    public init(rect: PixelRect, confidence: Double) {
        self.rect = rect
        self.confidence = confidence
    }
}

/// dlib's CNN face detector (`mmod_human_face_detector.dat`) run exactly as dlib 20.0.1 runs it
/// through `cnn_face_detection_model_v1(img, upsample)`: optional 2× upsampling with
/// `pyramid_up`, a tiled 5/6 image pyramid, the network, every score above the threshold as an
/// 80 × 80 window mapped back to the image, non-maximum suppression with dlib's overlap test, and
/// the boxes mapped back through the upsampling.
public struct MMODDetector: FaceDetector {
    /// The network and its options.
    public let net: MMODNet
    /// How many times the image is doubled before detection (finds faces down to about 40 px
    /// at 1, 80 px at 0).
    public var upsample: Int
    /// How many times the image is doubled for a second pass, run only when the first pass
    /// (``upsample``) finds no face or more than one, whose answer then replaces the first's;
    /// `nil`: no second pass. `upsample` 0 with fallback 1 costs one upsample-0 pass (about a
    /// quarter of an upsample-1 pass) for a photo with one face of 80 px or more, and gives the
    /// upsample-1 answer for every other photo: the 40–80 px faces of photos without a larger
    /// one, and in group photos the small faces and the finer boxes that rank faces by size
    /// (upsample 0's boxes come in 20 % steps, so a bystander can tie with the main face). Faces
    /// under 80 px beside a single larger one are not looked for.
    public var fallbackUpsample: Int?
    /// Scores above this are detections (dlib's `adjust_threshold`, 0 in dlib's Python API).
    public var adjustThreshold: Double
    /// The largest upsampled image accepted, in pixels (memory grows about 30 floats a pixel).
    public var maxPixels: Int

    /// The largest upsampling count accepted.
    public static let maxUpsample = 4

    /// Wraps a loaded network.
    /// - Parameters:
    ///   - net: the network.
    ///   - upsample: times the image is doubled first (face_recognition's default is 1).
    ///   - fallbackUpsample: times the image is doubled for a second pass when the first finds
    ///     no face or several (`nil`, the default: none).
    ///   - adjustThreshold: the score threshold (dlib's default 0).
    ///   - maxPixels: the size limit after upsampling (default 24 M pixels).
    public init(net: MMODNet, upsample: Int = 1, fallbackUpsample: Int? = nil, adjustThreshold: Double = 0,
                maxPixels: Int = 24_000_000) {
        self.net = net
        self.upsample = upsample
        self.fallbackUpsample = fallbackUpsample
        self.adjustThreshold = adjustThreshold
        self.maxPixels = maxPixels
    }

    /// Loads `mmod_human_face_detector.dat`.
    /// - Parameters:
    ///   - url: the model file.
    ///   - upsample: times the image is doubled first.
    ///   - fallbackUpsample: times it is doubled for a second pass when the first finds no face
    ///     or several.
    /// - Throws: `DlibFormatError` or `ModelLoadError` for a corrupt file.
    public init(contentsOf url: URL, upsample: Int = 1, fallbackUpsample: Int? = nil) throws {
        self.init(net: try MMODNet(contentsOf: url), upsample: upsample, fallbackUpsample: fallbackUpsample)
    }

    /// Detections as ``FaceDetection`` values (box edges hold dlib's integer bounds), by
    /// decreasing confidence.
    public func detect(_ image: Image) throws -> [FaceDetection] {
        try detections(in: image).map { d in
            FaceDetection(left: Double(d.rect.left), top: Double(d.rect.top), right: Double(d.rect.right),
                          bottom: Double(d.rect.bottom), score: Float(d.confidence))
        }
    }

    /// dlib's detections, by decreasing confidence: those of the ``upsample`` pass, or, when it
    /// finds no face or several and ``fallbackUpsample`` is set, those of the second pass. A
    /// second pass whose upsampled image would exceed ``maxPixels`` is not run (the first pass's
    /// answer stands).
    /// - Parameter image: a gray (replicated to RGB) or RGB image.
    /// - Throws: ``DetectionError`` for a bad upsampling count or an image too large for the
    ///   first pass.
    public func detections(in image: Image) throws -> [MMODDetection] {
        if let fallback = fallbackUpsample, !(0...Self.maxUpsample).contains(fallback) {
            throw DetectionError.invalidUpsample(fallback)
        }
        let first = try detections(in: image, upsample: upsample)
        guard first.count != 1, let fallback = fallbackUpsample, fallback != upsample,
              fitsLimit(image, upsample: fallback) else { return first }
        return try detections(in: image, upsample: fallback)
    }

    /// Whether `image` doubled `upsample` times stays within ``maxPixels``.
    private func fitsLimit(_ image: Image, upsample: Int) -> Bool {
        let factor = 1 << upsample
        return image.width * factor * image.height * factor <= maxPixels
    }

    /// dlib's `cnn_face_detection_model_v1(img, upsample)`.
    private func detections(in image: Image, upsample: Int) throws -> [MMODDetection] {
        guard (0...Self.maxUpsample).contains(upsample) else { throw DetectionError.invalidUpsample(upsample) }
        guard fitsLimit(image, upsample: upsample) else {
            throw DetectionError.imageTooLarge(width: image.width, height: image.height, upsample: upsample,
                                               maxPixels: maxPixels)
        }
        var input = image.format == .rgb ? image : image.converted(to: .rgb)
        for _ in 0..<upsample { input = input.dlibPyramidUp() }
        let kept = detectionsAtScale(input)
        guard upsample > 0 else { return kept.map { MMODDetection(rect: $0.rect, confidence: $0.score) } }
        return kept.map { d in
            // pyramid_down<2>::rect_down, `upsample` times in double, then lround.
            var l = Double(d.rect.left), t = Double(d.rect.top), r = Double(d.rect.right), b = Double(d.rect.bottom)
            for _ in 0..<upsample {
                l = l / 2 - 1.25; r = r / 2 - 1.25
                t = t / 2 - 0.75; b = b / 2 - 0.75
            }
            return MMODDetection(rect: PixelRect(left: lround(l), top: lround(t), right: lround(r), bottom: lround(b)),
                                 confidence: d.score)
        }
    }

    /// The network's detections on an RGB image, after non-maximum suppression.
    private func detectionsAtScale(_ image: Image) -> [(rect: PixelRect, score: Double)] {
        let pyramid = TiledPyramid(height: image.height, width: image.width, padding: net.pyramidPadding,
                                   outerPadding: net.pyramidOuterPadding)
        guard !pyramid.levels.isEmpty else { return [] }
        let scores = net.forward(height: pyramid.rows, width: pyramid.cols) { pyramid.fill($0, for: image, mean: net.mean) }
        let window = net.options.detectorWindows[0]
        let halfW = Double(window.width - 1) / 2, halfH = Double(window.height - 1) / 2
        var candidates: [(rect: RealRect, score: Double, index: Int)] = []
        let (rows, cols) = (scores.h, scores.w)
        for r in 0..<rows {
            for c in 0..<cols {
                let score = Double(scores.storage[r * cols + c])
                guard score > adjustThreshold else { continue }
                let x = Double(net.outputStride * c + net.outputOffset)
                let y = Double(net.outputStride * r + net.outputOffset)
                let window = RealRect(left: x - halfW, top: y - halfH, right: x + halfW, bottom: y + halfH)
                candidates.append((pyramid.imageRect(fromTensorRect: window), score, r * cols + c))
            }
        }
        // Highest score first (ties: later cells first, like dlib's reversed sort).
        candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.index > $1.index }
        var kept: [(rect: PixelRect, score: Double)] = []
        for candidate in candidates {
            let r = candidate.rect
            let rect = PixelRect(left: lround(r.left), top: lround(r.top), right: lround(r.right), bottom: lround(r.bottom))
            if kept.contains(where: { net.options.overlapsNMS.overlaps($0.rect, rect) }) { continue }
            kept.append((rect, candidate.score))
        }
        return kept
    }
}
