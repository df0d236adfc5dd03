// The two suppressions MTCNN uses, each as its reference computes it:
//   .union: torchvision's `nms` — areas (x2 − x1)(y2 − y1), stable sort by score descending,
//           drop a box when IoU > threshold (IoU in Float32, compared in Double).
//   .minimum: facenet-pytorch's `nms_numpy(…, "Min")` — areas with +1, overlap divided by the
//           smaller area, keep a box when overlap ≤ threshold (Float32).

/// Non-maximum suppression over candidates.
enum NonMaximumSuppression {
    /// How overlap is measured.
    enum Overlap {
        /// Intersection over union (torchvision).
        case union
        /// Intersection over the smaller area, +1 pixel extents (facenet-pytorch's "Min").
        case minimum
    }

    /// The indices of the boxes kept, highest score first.
    static func keep(_ boxes: [MTCNNCandidate], threshold: Double, overlap: Overlap) -> [Int] {
        let n = boxes.count
        guard n > 0 else { return [] }
        let plusOne: Float = overlap == .union ? 0 : 1
        let areas = boxes.map { ($0.x2 - $0.x1 + plusOne) * ($0.y2 - $0.y1 + plusOne) }
        // Highest score first; among equal scores torchvision keeps the original order, numpy's
        // argsort (read from the end) the reverse one.
        let order = (0..<n).sorted { a, b in
            let (sa, sb) = (boxes[a].score, boxes[b].score)
            if sa != sb { return sa > sb }
            return overlap == .union ? a < b : a > b
        }
        let floatThreshold = Float(threshold)
        var suppressed = [Bool](repeating: false, count: n)
        var kept: [Int] = []
        for (rank, i) in order.enumerated() where !suppressed[i] {
            kept.append(i)
            let bi = boxes[i]
            for j in order[(rank + 1)...] where !suppressed[j] {
                let bj = boxes[j]
                let w = max(0, min(bi.x2, bj.x2) - max(bi.x1, bj.x1) + plusOne)
                let h = max(0, min(bi.y2, bj.y2) - max(bi.y1, bj.y1) + plusOne)
                let inter = w * h
                switch overlap {
                case .union:
                    if Double(inter / (areas[i] + areas[j] - inter)) > threshold { suppressed[j] = true }
                case .minimum:
                    if !(inter / min(areas[i], areas[j]) <= floatThreshold) { suppressed[j] = true }
                }
            }
        }
        return kept
    }
}
