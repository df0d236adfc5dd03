/// Why faces could not be encoded.
public enum EncodingError: Error, Equatable, CustomStringConvertible {
    /// The encoder needs inputs of one exact size (dlib's ResNet: 150 × 150 aligned chips).
    case wrongInputSize(width: Int, height: Int, expected: Int)

    /// A message that says what to change.
    public var description: String {
        switch self {
        case let .wrongInputSize(width, height, expected):
            return "the encoder needs \(expected)×\(expected) aligned face chips, got \(width)×\(height) "
                + "(make chips with FaceChipDetails and Image.extractChip)"
        }
    }
}
