import VisageImage
import VisageModels

/// Turns face images into embeddings: the Siamese encoder f(x) of the course.
///
/// The same weights encode every image, so distances between embeddings compare faces.
public protocol FaceEncoder: Sendable {
    /// What the encoder is and how its distances are read.
    var descriptor: ModelDescriptor { get }
    /// Encodes face images (already cropped or aligned as the model expects).
    /// - Parameter faces: the images; each is prepared with the model's recipe.
    /// - Returns: one embedding per image, in order (unit length when the model says so).
    /// - Throws: an image error when a face cannot be brought to the model's input size.
    func encode(_ faces: [Image]) throws -> [[Float]]
}

extension FaceEncoder {
    /// Encodes one image.
    public func encode(_ face: Image) throws -> [Float] { try encode([face])[0] }
}

/// Euclidean distance ‖a − b‖ (not squared), accumulated in double precision.
public func euclideanDistance(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "embeddings of different sizes: \(a.count) and \(b.count)")
    var sum = 0.0
    for i in 0..<a.count {
        let d = Double(a[i]) - Double(b[i])
        sum += d * d
    }
    return Float(sum.squareRoot())
}

/// `v / ‖v‖` (the zero vector is returned unchanged).
public func l2Normalised(_ v: [Float]) -> [Float] {
    let norm = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    return norm > 0 ? v.map { Float(Double($0) / norm) } : v
}
