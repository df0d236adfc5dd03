// Reading the regression forests of a shape predictor file into flat arrays.
extension ShapePredictorModel {
    /// One cascade's trees before its feature pixels are known.
    struct Forest {
        var splitStart: [Int32] = [0]
        var splitFeatures: [Int32] = []
        var thresholds: [Float] = []
        var leaves: [Float] = []
    }

    /// Reads `forests`: a vector (cascades) of vectors (trees) of `regression_tree`
    /// (splits: idx1, idx2, thresh; leaf_values: 2N × 1 float matrices, splits + 1 of them).
    static func readForests(_ d: inout DlibDeserializer, landmarks n: Int) throws -> [Forest] {
        let cascadeCount = try d.readCount("forests", elementBytes: 2)
        var forests = [Forest]()
        for _ in 0..<cascadeCount {
            let treeCount = try d.readCount("trees", elementBytes: 4)
            var forest = Forest()
            forest.splitStart.reserveCapacity(treeCount + 1)
            // The usual depth-4 trees: 15 splits and 16 leaves each.
            forest.leaves.reserveCapacity(min(treeCount * 16 * 2 * n, d.remaining / 4))
            for _ in 0..<treeCount {
                let splitCount = try d.readCount("splits", elementBytes: 8)
                for _ in 0..<splitCount {
                    forest.splitFeatures.append(Int32(try d.readUnsigned("split idx1", in: 0...Int64(Int32.max))))
                    forest.splitFeatures.append(Int32(try d.readUnsigned("split idx2", in: 0...Int64(Int32.max))))
                    forest.thresholds.append(try d.readFloat("split threshold"))
                }
                let leafStart = d.offset
                let leafCount = try d.readCount("leaf_values", elementBytes: 4)
                guard leafCount == splitCount + 1 else {
                    throw DlibFormatError.shapeMismatch(offset: leafStart, what: "leaf count (splits + 1)",
                                                        expected: [splitCount + 1], found: [leafCount])
                }
                for _ in 0..<leafCount {
                    try d.readFloatMatrix(rows: 2 * n, cols: 1, into: &forest.leaves, "leaf value")
                }
                guard forest.thresholds.count < Int(Int32.max) else {
                    throw DlibFormatError.sizeTooLarge(offset: leafStart, what: "splits", count: Int64(forest.thresholds.count),
                                                       limit: Int64(Int32.max))
                }
                forest.splitStart.append(Int32(forest.thresholds.count))
            }
            forests.append(forest)
        }
        return forests
    }
}
