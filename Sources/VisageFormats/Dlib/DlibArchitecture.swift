/// The expected structure of a dlib network file, which is not self-describing: the loader walks
/// the file with this in hand and checks every version integer, version string and geometry.
///
/// Nodes are listed input → output, exactly as dlib nests its templates (innermost first).
public struct DlibArchitecture: Sendable, Equatable {
    /// One node between the input layer and the loss.
    public enum Node: Sendable, Equatable {
        /// `con_` with square kernels (bias always present in the files supported).
        case conv(filters: Int, kernel: Int, stride: Int, padding: Int)
        /// `affine_` (also accepts a `bn_con2` batch-norm record, folded at load time).
        case affine
        /// `relu_`.
        case relu
        /// `max_pool_` with a square window.
        case maxPool(size: Int, stride: Int, padding: Int)
        /// `avg_pool_` with a square window; size 0 means the whole plane.
        case avgPool(size: Int, stride: Int, padding: Int)
        /// `add_prev_` with the tag it adds.
        case addPrev(tag: Int)
        /// `add_tag_layer<id>`.
        case tag(Int)
        /// `add_skip_layer<tag>`.
        case skip(tag: Int)
        /// `fc_` (`fc_no_bias` when `bias` is false).
        case fc(inputs: Int, outputs: Int, bias: Bool)

        /// Whether dlib wraps this node in `add_layer` (as opposed to a tag or skip node).
        var isAddLayer: Bool {
            switch self {
            case .tag, .skip: return false
            default: return true
            }
        }
    }

    /// The loss layer kind.
    public enum Loss: Sendable, Equatable {
        /// `loss_metric`.
        case metric
        /// `loss_mmod`.
        case mmod
    }

    /// The input layer kind.
    public enum Input: Sendable, Equatable {
        /// `input_rgb_image_sized<rows, cols>`.
        case rgbImageSized(rows: Int, cols: Int)
        /// `input_rgb_image_pyramid<pyramid_down<6>>`.
        case rgbImagePyramid
    }

    /// A name for error messages.
    public let name: String
    /// The loss layer.
    public let loss: Loss
    /// The input layer.
    public let input: Input
    /// The nodes, input → output.
    public let nodes: [Node]

    /// Creates an architecture description.
    public init(name: String, loss: Loss, input: Input, nodes: [Node]) {
        self.name = name
        self.loss = loss
        self.input = input
        self.nodes = nodes
    }
}

extension DlibArchitecture {
    /// `dlib_face_recognition_resnet_model_v1.dat`: a 29-convolution ResNet, 150×150 RGB → 128-d.
    ///
    /// From dlib's `dnn_face_recognition_ex.cpp`: conv 7×7/2 (32) → affine → relu → max_pool 3×3/2 →
    /// 3× ares(32) → ares_down(64) + 3× ares(64) → ares_down(128) + 2× ares(128) →
    /// ares_down(256) + 2× ares(256) → ares_down(256) → avg_pool_everything → fc_no_bias(128).
    public static var faceRecognitionResNet: DlibArchitecture {
        // conv(stride) → affine → relu → conv(1) → affine; stride-2 convolutions are unpadded.
        func block(_ n: Int, stride: Int) -> [Node] {
            [.conv(filters: n, kernel: 3, stride: stride, padding: stride == 1 ? 1 : 0), .affine, .relu,
             .conv(filters: n, kernel: 3, stride: 1, padding: 1), .affine]
        }
        // relu(block(tag1(x)) + tag1)
        func ares(_ n: Int) -> [Node] {
            [.tag(1)] + block(n, stride: 1) + [.addPrev(tag: 1), .relu]
        }
        // relu(avg_pool(skip1) + tag2(block(tag1(x)))): the shortcut is a pooled block input.
        func aresDown(_ n: Int) -> [Node] {
            [.tag(1)] + block(n, stride: 2)
                + [.tag(2), .skip(tag: 1), .avgPool(size: 2, stride: 2, padding: 0), .addPrev(tag: 2), .relu]
        }
        func repeated(_ count: Int, _ nodes: [Node]) -> [Node] {
            Array([[Node]](repeating: nodes, count: count).joined())
        }
        var nodes: [Node] = [.conv(filters: 32, kernel: 7, stride: 2, padding: 0), .affine, .relu,
                             .maxPool(size: 3, stride: 2, padding: 0)]
        nodes += repeated(3, ares(32))                     // 32 × 35 × 35
        nodes += aresDown(64) + repeated(3, ares(64))      // 64 × 17 × 17
        nodes += aresDown(128) + repeated(2, ares(128))    // 128 × 8 × 8
        nodes += aresDown(256) + repeated(2, ares(256))    // 256 × 4 × 4
        nodes += aresDown(256)                             // 256 × 2 × 2
        nodes += [.avgPool(size: 0, stride: 1, padding: 0), .fc(inputs: 256, outputs: 128, bias: false)]
        return DlibArchitecture(name: "dlib face recognition ResNet v1", loss: .metric,
                                input: .rgbImageSized(rows: 150, cols: 150), nodes: nodes)
    }

    /// `mmod_human_face_detector.dat`: dlib's CNN face detector (max-margin object detection).
    ///
    /// From dlib's `dnn_mmod_face_detection_ex.cpp`: a downsampler of three 5×5/2 convolutions
    /// (16, 32, 32 filters, each → affine → relu), three rcon5 (5×5/1 pad 2, 45 filters → affine →
    /// relu), and a 9×9 convolution to one score channel.
    public static var mmodFaceDetector: DlibArchitecture {
        func unit(_ n: Int, stride: Int) -> [Node] {
            [.conv(filters: n, kernel: 5, stride: stride, padding: stride == 1 ? 2 : 0), .affine, .relu]
        }
        let nodes = unit(16, stride: 2) + unit(32, stride: 2) + unit(32, stride: 2)   // H/8 × W/8
            + unit(45, stride: 1) + unit(45, stride: 1) + unit(45, stride: 1)
            + [Node.conv(filters: 1, kernel: 9, stride: 1, padding: 4)]
        return DlibArchitecture(name: "dlib MMOD face detector", loss: .mmod, input: .rgbImagePyramid,
                                nodes: nodes)
    }
}
