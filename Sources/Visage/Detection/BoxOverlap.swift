import VisageFormats
import VisageImage

extension DlibMMODOptions.BoxOverlap {
    /// dlib's `test_box_overlap`: whether two integer rectangles overlap enough for non-maximum
    /// suppression to drop the weaker one. The "IoU" divides the intersection by the area of the
    /// smallest rectangle containing both (not by the union).
    /// - Parameters:
    ///   - a: one rectangle (inclusive bounds).
    ///   - b: the other.
    public func overlaps(_ a: PixelRect, _ b: PixelRect) -> Bool {
        let inner = Double(a.intersection(b).area)
        if inner == 0 { return false }
        let hull = PixelRect(left: min(a.left, b.left), top: min(a.top, b.top),
                             right: max(a.right, b.right), bottom: max(a.bottom, b.bottom))
        let outer = Double(hull.area)
        return inner / outer > iouThreshold
            || inner / Double(a.area) > percentCoveredThreshold
            || inner / Double(b.area) > percentCoveredThreshold
    }
}
