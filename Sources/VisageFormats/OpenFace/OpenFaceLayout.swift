// The tensors of OpenFace nn4.small2.v1 as exported to per-layer CSV files (Keras-OpenFace,
// used by the Coursera "faceRecoModel"). Shapes are in Torch order, as the CSVs hold them:
//   conv kernel [O, I, KH, KW], conv bias [O]; batch norm gamma/beta/mean/variance [C];
//   dense kernel [O, I] = [128, 736], dense bias [128].

/// One layer of the OpenFace nn4.small2.v1 CSV export and the tensors (files) it owns.
public enum OpenFaceLayer: Sendable, Equatable {
    /// A convolution: files `<name>_w` [out, in, kernel, kernel] and `<name>_b` [out].
    case conv(String, out: Int, in: Int, kernel: Int)
    /// A batch normalisation: files `<name>_w` (gamma), `_b` (beta), `_m` (mean), `_v` (variance), each [channels].
    case batchNorm(String, channels: Int)
    /// A fully connected layer: files `<name>_w` [out, in] and `<name>_b` [out].
    case dense(String, out: Int, in: Int)

    /// The layer name, the file-name prefix of its tensors.
    public var name: String {
        switch self {
        case let .conv(name, _, _, _), let .batchNorm(name, _), let .dense(name, _, _): return name
        }
    }

    /// The layer's tensors as (CSV file stem, Torch-order shape), in file-suffix order.
    public var tensors: [(name: String, shape: [Int])] {
        switch self {
        case let .conv(name, out, inputs, kernel):
            return [(name + "_w", [out, inputs, kernel, kernel]), (name + "_b", [out])]
        case let .batchNorm(name, channels):
            return ["_w", "_b", "_m", "_v"].map { (name + $0, [channels]) }
        case let .dense(name, out, inputs):
            return [(name + "_w", [out, inputs]), (name + "_b", [out])]
        }
    }

    /// Whether a missing tensor of this layer may be synthesised under
    /// ``MissingTensorPolicy/fillDeterministic``: only conv and dense kernels (`_w`).
    func isFillable(_ tensorName: String) -> Bool {
        switch self {
        case .conv, .dense: return tensorName == name + "_w"
        case .batchNorm: return false
        }
    }
}

/// The layer table of OpenFace nn4.small2.v1 (the Coursera `faceRecoModel`), in network order.
public enum OpenFaceNN4Small2 {
    /// Every layer with weights: 75 layers, 224 tensors, 3,743,280 parameters.
    public static let layers: [OpenFaceLayer] = [
        .conv("conv1", out: 64, in: 3, kernel: 7),
        .batchNorm("bn1", channels: 64),
        .conv("conv2", out: 64, in: 64, kernel: 1),
        .batchNorm("bn2", channels: 64),
        .conv("conv3", out: 192, in: 64, kernel: 3),
        .batchNorm("bn3", channels: 192),
        .conv("inception_3a_1x1_conv", out: 64, in: 192, kernel: 1),
        .batchNorm("inception_3a_1x1_bn", channels: 64),
        .conv("inception_3a_3x3_conv1", out: 96, in: 192, kernel: 1),
        .batchNorm("inception_3a_3x3_bn1", channels: 96),
        .conv("inception_3a_3x3_conv2", out: 128, in: 96, kernel: 3),
        .batchNorm("inception_3a_3x3_bn2", channels: 128),
        .conv("inception_3a_5x5_conv1", out: 16, in: 192, kernel: 1),
        .batchNorm("inception_3a_5x5_bn1", channels: 16),
        .conv("inception_3a_5x5_conv2", out: 32, in: 16, kernel: 5),
        .batchNorm("inception_3a_5x5_bn2", channels: 32),
        .conv("inception_3a_pool_conv", out: 32, in: 192, kernel: 1),
        .batchNorm("inception_3a_pool_bn", channels: 32),
        .conv("inception_3b_1x1_conv", out: 64, in: 256, kernel: 1),
        .batchNorm("inception_3b_1x1_bn", channels: 64),
        .conv("inception_3b_3x3_conv1", out: 96, in: 256, kernel: 1),
        .batchNorm("inception_3b_3x3_bn1", channels: 96),
        .conv("inception_3b_3x3_conv2", out: 128, in: 96, kernel: 3),
        .batchNorm("inception_3b_3x3_bn2", channels: 128),
        .conv("inception_3b_5x5_conv1", out: 32, in: 256, kernel: 1),
        .batchNorm("inception_3b_5x5_bn1", channels: 32),
        .conv("inception_3b_5x5_conv2", out: 64, in: 32, kernel: 5),
        .batchNorm("inception_3b_5x5_bn2", channels: 64),
        .conv("inception_3b_pool_conv", out: 64, in: 256, kernel: 1),
        .batchNorm("inception_3b_pool_bn", channels: 64),
        .conv("inception_3c_3x3_conv1", out: 128, in: 320, kernel: 1),
        .batchNorm("inception_3c_3x3_bn1", channels: 128),
        .conv("inception_3c_3x3_conv2", out: 256, in: 128, kernel: 3),
        .batchNorm("inception_3c_3x3_bn2", channels: 256),
        .conv("inception_3c_5x5_conv1", out: 32, in: 320, kernel: 1),
        .batchNorm("inception_3c_5x5_bn1", channels: 32),
        .conv("inception_3c_5x5_conv2", out: 64, in: 32, kernel: 5),
        .batchNorm("inception_3c_5x5_bn2", channels: 64),
        .conv("inception_4a_1x1_conv", out: 256, in: 640, kernel: 1),
        .batchNorm("inception_4a_1x1_bn", channels: 256),
        .conv("inception_4a_3x3_conv1", out: 96, in: 640, kernel: 1),
        .batchNorm("inception_4a_3x3_bn1", channels: 96),
        .conv("inception_4a_3x3_conv2", out: 192, in: 96, kernel: 3),
        .batchNorm("inception_4a_3x3_bn2", channels: 192),
        .conv("inception_4a_5x5_conv1", out: 32, in: 640, kernel: 1),
        .batchNorm("inception_4a_5x5_bn1", channels: 32),
        .conv("inception_4a_5x5_conv2", out: 64, in: 32, kernel: 5),
        .batchNorm("inception_4a_5x5_bn2", channels: 64),
        .conv("inception_4a_pool_conv", out: 128, in: 640, kernel: 1),
        .batchNorm("inception_4a_pool_bn", channels: 128),
        .conv("inception_4e_3x3_conv1", out: 160, in: 640, kernel: 1),
        .batchNorm("inception_4e_3x3_bn1", channels: 160),
        .conv("inception_4e_3x3_conv2", out: 256, in: 160, kernel: 3),
        .batchNorm("inception_4e_3x3_bn2", channels: 256),
        .conv("inception_4e_5x5_conv1", out: 64, in: 640, kernel: 1),
        .batchNorm("inception_4e_5x5_bn1", channels: 64),
        .conv("inception_4e_5x5_conv2", out: 128, in: 64, kernel: 5),
        .batchNorm("inception_4e_5x5_bn2", channels: 128),
        .conv("inception_5a_1x1_conv", out: 256, in: 1024, kernel: 1),
        .batchNorm("inception_5a_1x1_bn", channels: 256),
        .conv("inception_5a_3x3_conv1", out: 96, in: 1024, kernel: 1),
        .batchNorm("inception_5a_3x3_bn1", channels: 96),
        .conv("inception_5a_3x3_conv2", out: 384, in: 96, kernel: 3),
        .batchNorm("inception_5a_3x3_bn2", channels: 384),
        .conv("inception_5a_pool_conv", out: 96, in: 1024, kernel: 1),
        .batchNorm("inception_5a_pool_bn", channels: 96),
        .conv("inception_5b_1x1_conv", out: 256, in: 736, kernel: 1),
        .batchNorm("inception_5b_1x1_bn", channels: 256),
        .conv("inception_5b_3x3_conv1", out: 96, in: 736, kernel: 1),
        .batchNorm("inception_5b_3x3_bn1", channels: 96),
        .conv("inception_5b_3x3_conv2", out: 384, in: 96, kernel: 3),
        .batchNorm("inception_5b_3x3_bn2", channels: 384),
        .conv("inception_5b_pool_conv", out: 96, in: 736, kernel: 1),
        .batchNorm("inception_5b_pool_bn", channels: 96),
        .dense("dense", out: 128, in: 736),
    ]
}
