import Foundation

/// The data of a dlib shape predictor (`shape_predictor_*_face_landmarks.dat`): an ensemble of
/// regression trees in a cascade (Kazemi & Sullivan 2014), stored in flat arrays for fast inference.
///
/// Coordinates are box-normalised: (0, 0) is the face box's top-left corner, (1, 1) its
/// bottom-right. Shapes are interleaved `x0, y0, x1, y1, …`.
public struct ShapePredictorModel: Sendable {
    /// One stage of the cascade: feature pixels, then trees that vote shape increments.
    public struct Cascade: Sendable {
        /// The landmark each feature pixel is anchored to (one per feature pixel).
        public let anchors: [Int32]
        /// The offset of each feature pixel from its anchor in the mean shape, interleaved `dx, dy`.
        public let deltas: [Float]
        /// For tree `t`, its splits are `splitStart[t] ..< splitStart[t + 1]` (count = trees + 1).
        /// Tree `t` has `splitStart[t + 1] − splitStart[t] + 1` leaves starting at leaf
        /// `splitStart[t] + t`.
        public let splitStart: [Int32]
        /// The two feature-pixel indices compared by each split, interleaved `idx1, idx2`.
        public let splitFeatures: [Int32]
        /// The threshold of each split: go left when `feature[idx1] − feature[idx2] > threshold`.
        public let thresholds: [Float]
        /// Every leaf's shape increment (2 · landmarkCount floats per leaf), trees in order.
        public let leaves: [Float]

        /// The number of trees.
        public var treeCount: Int { splitStart.count - 1 }
        /// The number of feature pixels.
        public var featureCount: Int { anchors.count }
    }

    /// The number of landmarks N.
    public let landmarkCount: Int
    /// The mean shape the cascade starts from (2N floats).
    public let initialShape: [Float]
    /// The cascade stages, applied in order.
    public let cascades: [Cascade]

    /// Reads a shape predictor file.
    /// - Parameter url: a dlib `shape_predictor` file.
    /// - Throws: ``DlibFormatError`` when the file is unreadable, truncated or inconsistent.
    public init(contentsOf url: URL) throws {
        try self.init(data: try DlibFile.read(url))
    }

    /// Reads a shape predictor from the contents of its file.
    /// - Parameter data: the complete file.
    /// - Throws: ``DlibFormatError``.
    public init(data: Data) throws {
        self = try DlibDeserializer.withDeserializer(over: data) { try Self(reading: &$0) }
    }

    private init(reading d: inout DlibDeserializer) throws {
        _ = try d.expectVersion("shape_predictor", [1])
        let shapeStart = d.offset
        let shape = try d.readMatrixShape("initial_shape")
        guard shape.cols == 1, shape.rows >= 2, shape.rows % 2 == 0 else {
            throw DlibFormatError.invalidValue(offset: shapeStart, what: "initial_shape",
                                               detail: "\(shape.rows) × \(shape.cols) is not a 2N × 1 column")
        }
        var initial = [Float]()
        try d.readFloats(count: shape.rows, into: &initial, "initial_shape")
        let n = shape.rows / 2

        let forests = try Self.readForests(&d, landmarks: n)
        let anchorStart = d.offset
        let anchorCascades = try d.readCount("anchor_idx", elementBytes: 2)
        guard anchorCascades == forests.count else {
            throw DlibFormatError.shapeMismatch(offset: anchorStart, what: "anchor_idx cascades",
                                                expected: [forests.count], found: [anchorCascades])
        }
        var anchors = [[Int32]]()
        for _ in 0..<anchorCascades {
            let count = try d.readCount("anchor_idx", elementBytes: 2)
            var list = [Int32]()
            list.reserveCapacity(count)
            for _ in 0..<count {
                list.append(Int32(try d.readUnsigned("anchor index", in: 0...Int64(n - 1))))
            }
            anchors.append(list)
        }
        let deltaStart = d.offset
        let deltaCascades = try d.readCount("deltas", elementBytes: 2)
        guard deltaCascades == forests.count else {
            throw DlibFormatError.shapeMismatch(offset: deltaStart, what: "deltas cascades",
                                                expected: [forests.count], found: [deltaCascades])
        }
        var cascades = [Cascade]()
        for c in 0..<deltaCascades {
            let start = d.offset
            let count = try d.readCount("deltas", elementBytes: 8)
            guard count == anchors[c].count else {
                throw DlibFormatError.shapeMismatch(offset: start, what: "deltas of cascade \(c)",
                                                    expected: [anchors[c].count], found: [count])
            }
            var deltas = [Float]()
            try d.readFloats(count: 2 * count, into: &deltas, "deltas")
            let f = forests[c]
            if let bad = f.splitFeatures.first(where: { $0 >= count }) {
                throw DlibFormatError.invalidValue(offset: start, what: "split feature index",
                                                   detail: "\(bad) ≥ \(count) feature pixels in cascade \(c)")
            }
            cascades.append(Cascade(anchors: anchors[c], deltas: deltas, splitStart: f.splitStart,
                                    splitFeatures: f.splitFeatures, thresholds: f.thresholds, leaves: f.leaves))
        }
        try d.expectEnd()
        self.landmarkCount = n
        self.initialShape = initial
        self.cascades = cascades
    }
}
