extension Image {
    /// Returns the image mirrored left to right.
    public func flippedHorizontally() -> Image { oriented(.upMirrored) }

    /// Returns the image mirrored top to bottom.
    public func flippedVertically() -> Image { oriented(.downMirrored) }
}
