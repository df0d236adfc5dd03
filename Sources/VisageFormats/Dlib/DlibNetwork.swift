import VisageNN

/// A dlib DNN read from a `.dat` file: the loss, the input layer and the layers input → output.
///
/// This is a neutral description for an inference engine; nothing here runs the network.
/// Tensor layouts follow dlib: convolution filters `[O, I, KH, KW]` (cross-correlation, no flip),
/// fully connected weights `[in, out]` as stored.
public struct DlibNetwork: Sendable {
    /// The loss layer (outermost in dlib's type).
    public let loss: DlibLoss
    /// The input layer (innermost in dlib's type).
    public let input: DlibInput
    /// The layers from the one nearest the input to the one nearest the loss, including
    /// tag / skip markers (evaluate in order, remembering the latest output per tag id).
    public let layers: [DlibLayer]

    /// Creates a description from its parts.
    public init(loss: DlibLoss, input: DlibInput, layers: [DlibLayer]) {
        self.loss = loss
        self.input = input
        self.layers = layers
    }

    /// The number of learned scalars: convolution weights and biases, affine γ/β (after batch-norm
    /// folding), fully connected weights and biases.
    public var parameterCount: Int {
        layers.reduce(0) { $0 + $1.parameterCount }
    }
}

/// One layer of a ``DlibNetwork``, evaluated input → output.
public enum DlibLayer: Sendable {
    /// Convolution: `out[f] = bias[f] + Σ filters[f][c][y][x] · in[c][r·sy − py + y][col·sx − px + x]`,
    /// zero outside the input. `filters` is `[O, I, KH, KW]`; `bias` is `[O]` (zeros when the
    /// file has no bias).
    case conv(filters: Tensor, bias: Tensor, stride: (y: Int, x: Int), padding: (y: Int, x: Int))
    /// Per-channel `γ·x + β` with `gamma`, `beta` of shape `[C]` (batch-norm records already folded).
    case affine(gamma: Tensor, beta: Tensor)
    /// `max(x, 0)`.
    case relu
    /// Max pooling over the window clipped to the input.
    case maxPool(window: (rows: Int, cols: Int), stride: (y: Int, x: Int), padding: (y: Int, x: Int))
    /// Average pooling over the window clipped to the input (dividing by the in-range count).
    /// `window` 0 × 0 means the whole plane (dlib's `avg_pool_everything`).
    case avgPool(window: (rows: Int, cols: Int), stride: (y: Int, x: Int), padding: (y: Int, x: Int))
    /// Adds the output of the nearest `tag(tag)` below to this layer's input; on a shape mismatch
    /// the result has the element-wise max shape, each operand zero-extended top-left aligned.
    case addPrev(tag: Int)
    /// Identity that remembers its output under the id.
    case tag(Int)
    /// Replaces its input by the remembered output of the nearest `tag(tag)` below.
    case skip(tag: Int)
    /// Fully connected on the input flattened in (k, row, col) order:
    /// `y[o] = Σ_i x[i] · weights[i][o] (+ bias[o])`; `weights` is `[in, out]`, `bias` `[out]`.
    case fc(weights: Tensor, bias: Tensor?)

    /// The number of learned scalars in this layer.
    public var parameterCount: Int {
        switch self {
        case let .conv(filters, bias, _, _): return filters.count + bias.count
        case let .affine(gamma, beta): return gamma.count + beta.count
        case let .fc(weights, bias): return weights.count + (bias?.count ?? 0)
        case .relu, .maxPool, .avgPool, .addPrev, .tag, .skip: return 0
        }
    }
}

/// The loss layer of a ``DlibNetwork``.
public enum DlibLoss: Sendable, Equatable {
    /// `loss_metric`: the output is the embedding as is. `margin` and `distanceThreshold` are the
    /// training values (0.04 and 0.6 in dlib's face ResNet).
    case metric(margin: Float, distanceThreshold: Float)
    /// `loss_mmod`: max-margin object detection with its options.
    case mmod(DlibMMODOptions)
}

/// The options of dlib's `loss_mmod` that matter at inference time (and the training ones, kept).
public struct DlibMMODOptions: Sendable, Equatable {
    /// One sliding-window shape the detector was trained for.
    public struct DetectorWindow: Sendable, Equatable {
        /// Window width in pixels.
        public let width: Int
        /// Window height in pixels.
        public let height: Int
        /// The window's class label (empty for single-class detectors).
        public let label: String

        /// Creates a window description.
        public init(width: Int, height: Int, label: String) {
            self.width = width
            self.height = height
            self.label = label
        }
    }

    /// dlib's `test_box_overlap`: two boxes overlap when `area(a∩b) / area(bounding box of a∪b)`
    /// exceeds `iouThreshold`, or `area(a∩b)` divided by either box's area exceeds
    /// `percentCoveredThreshold`.
    public struct BoxOverlap: Sendable, Equatable {
        /// The intersection-over-bounding-box threshold.
        public let iouThreshold: Double
        /// The percent-covered threshold.
        public let percentCoveredThreshold: Double

        /// Creates an overlap test.
        public init(iouThreshold: Double, percentCoveredThreshold: Double) {
            self.iouThreshold = iouThreshold
            self.percentCoveredThreshold = percentCoveredThreshold
        }
    }

    /// The detector windows (one for the face detector: 80 × 80).
    public let detectorWindows: [DetectorWindow]
    /// Training loss per false alarm.
    public let lossPerFalseAlarm: Double
    /// Training loss per missed target.
    public let lossPerMissedTarget: Double
    /// Training IoU for matching truth boxes.
    public let truthMatchIOUThreshold: Double
    /// The non-maximum-suppression overlap test.
    public let overlapsNMS: BoxOverlap
    /// The overlap test for ignored boxes (training only).
    public let overlapsIgnore: BoxOverlap
    /// Whether the input is a tiled image pyramid.
    public let assumeImagePyramid: Bool
    /// Whether the network predicts bounding-box regression channels.
    public let useBoundingBoxRegression: Bool
    /// The bounding-box regression weight (training only).
    public let bbrLambda: Double

    /// Creates the options from their values.
    public init(detectorWindows: [DetectorWindow], lossPerFalseAlarm: Double, lossPerMissedTarget: Double,
                truthMatchIOUThreshold: Double, overlapsNMS: BoxOverlap, overlapsIgnore: BoxOverlap,
                assumeImagePyramid: Bool, useBoundingBoxRegression: Bool, bbrLambda: Double) {
        self.detectorWindows = detectorWindows
        self.lossPerFalseAlarm = lossPerFalseAlarm
        self.lossPerMissedTarget = lossPerMissedTarget
        self.truthMatchIOUThreshold = truthMatchIOUThreshold
        self.overlapsNMS = overlapsNMS
        self.overlapsIgnore = overlapsIgnore
        self.assumeImagePyramid = assumeImagePyramid
        self.useBoundingBoxRegression = useBoundingBoxRegression
        self.bbrLambda = bbrLambda
    }
}

/// The input layer of a ``DlibNetwork``. Pixels are normalised as `(value − mean) / 256` per channel.
public struct DlibInput: Sendable, Equatable {
    /// How the input image becomes a tensor.
    public enum Kind: Sendable, Equatable {
        /// `input_rgb_image_sized<rows, cols>`: an RGB image of exactly this size.
        case rgbImageSized(rows: Int, cols: Int)
        /// `input_rgb_image_pyramid<pyramid_down<6>>`: a tiled image pyramid with the given padding
        /// between levels and around the whole tiling.
        case rgbImagePyramid(padding: Int, outerPadding: Int)
    }

    /// The layout.
    public let kind: Kind
    /// The red mean subtracted from every pixel.
    public let meanRed: Float
    /// The green mean.
    public let meanGreen: Float
    /// The blue mean.
    public let meanBlue: Float

    /// Creates an input description.
    public init(kind: Kind, meanRed: Float, meanGreen: Float, meanBlue: Float) {
        self.kind = kind
        self.meanRed = meanRed
        self.meanGreen = meanGreen
        self.meanBlue = meanBlue
    }
}
