extension Image {
    /// Returns the image resized to `width`×`height`, pixel-identical to Pillow's
    /// `Image.resize((width, height), filter)`.
    ///
    /// `.nearest` is the Keras `load_img(target_size:)` resize; the other filters widen their
    /// support when shrinking, so downscales are antialiased.
    /// - Parameters:
    ///   - width: the new width (> 0).
    ///   - height: the new height (> 0).
    ///   - filter: the resampling filter (bilinear by default).
    /// - Returns: the resized image (a copy when the size is unchanged).
    /// - Throws: ``ImageError/invalidArgument(_:)`` for a non-positive or overflowing size or
    ///   an empty source.
    public func resized(width: Int, height: Int, filter: ResizeFilter = .bilinear) throws -> Image {
        guard width > 0, height > 0 else {
            throw ImageError.invalidArgument("resize target \(width)x\(height) must be at least 1x1")
        }
        _ = try Image.byteCount(width: width, height: height, format: format)
        guard self.width > 0, self.height > 0 else {
            throw ImageError.invalidArgument("cannot resize an empty \(self.width)x\(self.height) image")
        }
        if width == self.width && height == self.height { return self }
        switch filter {
        case .nearest: return resizedNearest(width: width, height: height)
        default: return resizedConvolution(width: width, height: height, filter: filter)
        }
    }
}
