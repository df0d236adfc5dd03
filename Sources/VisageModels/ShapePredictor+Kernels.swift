import CVisageKernels
import VisageFormats
import VisageImage

extension ShapePredictor {
    /// Which code predicts the landmarks. Both give identical landmarks (dlib's).
    public enum Kernels: Sendable, Equatable {
        /// The AVX2 kernels (C, `CVisageKernels`) when the CPU has AVX2 and FMA and every tree
        /// has depth 4 (dlib's models); otherwise the portable code.
        case automatic
        /// Swift only: trees walked node by node (any CPU, any tree depth).
        case portable
    }

    /// One cascade laid out for the AVX2 kernels (`visage_forest.h`).
    struct PackedCascade: Sendable {
        /// 2 × the anchor landmark of each feature pixel, padded to a multiple of 8.
        var anchors2: [Int32]
        /// The feature pixels' offsets, padded like `anchors2`.
        var dx: [Float]
        var dy: [Float]
        /// Per tree: its 15 splits in heap order and an unused 16th.
        var splits: [visage_split]
    }

    /// The model in the AVX2 kernels' layout, or nil when the CPU lacks AVX2, a tree is not a
    /// complete depth-4 tree or a cascade has more than 65,536 feature pixels.
    static func pack(_ model: ShapePredictorModel) -> [PackedCascade]? {
        guard visage_cpu_has_avx2() == 1 else { return nil }
        var packed = [PackedCascade]()
        for cascade in model.cascades {
            let trees = cascade.treeCount
            guard cascade.splitStart.count == trees + 1,
                  (0..<trees).allSatisfy({ cascade.splitStart[$0 + 1] - cascade.splitStart[$0] == 15 }),
                  cascade.leaves.count == trees * 16 * 2 * model.landmarkCount else { return nil }
            let features = cascade.featureCount, padded = (features + 7) & ~7
            guard features <= 1 << 16 else { return nil }
            var anchors2 = [Int32](repeating: 0, count: padded)
            var dx = [Float](repeating: 0, count: padded), dy = dx
            for i in 0..<features {
                anchors2[i] = 2 * cascade.anchors[i]
                dx[i] = cascade.deltas[2 * i]
                dy[i] = cascade.deltas[2 * i + 1]
            }
            // The loader checked every split index against the feature count.
            var splits = [visage_split](repeating: visage_split(idx1: 0, idx2: 0, threshold: 0), count: 16 * trees)
            for t in 0..<trees {
                for s in 0..<15 {
                    let k = 15 * t + s
                    splits[16 * t + s] = visage_split(idx1: UInt16(cascade.splitFeatures[2 * k]),
                                                      idx2: UInt16(cascade.splitFeatures[2 * k + 1]),
                                                      threshold: cascade.thresholds[k])
                }
            }
            packed.append(PackedCascade(anchors2: anchors2, dx: dx, dy: dy, splits: splits))
        }
        return packed
    }

    /// `predict(image:box:)` with the AVX2 kernels: the same arithmetic in the same order.
    func predictPacked(_ packed: [PackedCascade], image: Image, box: PixelRect) -> [PixelPoint] {
        let n = model.landmarkCount
        var shape = model.initialShape
        let maxFeatures = packed.map(\.anchors2.count).max() ?? 0
        var features = [Float](repeating: 0, count: maxFeatures)
        var offsets = [Int32](repeating: 0, count: model.cascades.map(\.treeCount).max() ?? 0)
        let frame = [Double(box.left), Double(box.top), Double(box.right - box.left), Double(box.bottom - box.top)]
        let channels: Int32 = image.format == .gray ? 1 : 3
        var m = [Float](repeating: 0, count: 4)
        image.pixels.withUnsafeBufferPointer { pixels in
            for (cascade, layout) in zip(model.cascades, packed) {
                let s = similarity(from: model.initialShape, to: shape, count: n)
                (m[0], m[1], m[2], m[3]) = (s.m00, s.m01, s.m10, s.m11)
                visage_shape_features_avx2(pixels.baseAddress, Int32(image.width), Int32(image.height), channels,
                                           shape, layout.anchors2, layout.dx, layout.dy,
                                           Int32(layout.anchors2.count), m, frame, &features)
                visage_forest_depth4_avx2(features, layout.splits, Int32(cascade.treeCount), cascade.leaves,
                                          Int32(2 * n), &offsets, &shape)
            }
        }
        return pixelPoints(shape, box: box)
    }
}
