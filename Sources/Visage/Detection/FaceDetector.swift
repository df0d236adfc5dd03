import VisageImage

/// Finds faces in an image.
///
/// Boxes are in pixel coordinates of the image given (x to the right, y down).
public protocol FaceDetector: Sendable {
    /// Every face found, in the detector's own order (usually by decreasing confidence).
    /// - Parameter image: a gray or RGB image.
    /// - Throws: when the image cannot be processed (for example too large).
    func detect(_ image: Image) throws -> [FaceDetection]
}
