import CVisageKernels
import VisageFormats

extension ShapePredictor {
    /// Walks every tree of `cascade` on `features` and adds the reached leaves to `shape`.
    ///
    /// The leaves are summed tree by tree for every element, exactly as dlib does, but a group
    /// of trees is added per block of elements so their (cache-missing) leaf loads overlap.
    func apply(_ cascade: ShapePredictorModel.Cascade, features: [Float], to shape: inout [Float],
               offsets: inout [Int]) {
        let width = shape.count
        offsets.removeAll(keepingCapacity: true)
        cascade.leaves.withUnsafeBufferPointer { leafBuffer in
            guard let leaves = leafBuffer.baseAddress else { return }
            features.withUnsafeBufferPointer { f in
                cascade.splitStart.withUnsafeBufferPointer { starts in
                    cascade.splitFeatures.withUnsafeBufferPointer { pairs in
                        cascade.thresholds.withUnsafeBufferPointer { thresholds in
                            for t in 0..<(starts.count - 1) {
                                let first = Int(starts[t])
                                let splits = Int(starts[t + 1]) - first
                                var node = 0
                                while node < splits {
                                    let k = first + node
                                    let diff: Float = f[Int(pairs[2 * k])] - f[Int(pairs[2 * k + 1])]
                                    node = 2 &* node &+ (diff > thresholds[k] ? 1 : 2)
                                }
                                let offset = (first + t + node - splits) * width
                                // The leaf is a cache miss on a cold model: start loading it now,
                                // while the next trees are walked.
                                visage_prefetch(leaves + offset)
                                visage_prefetch(leaves + offset + width - 1)
                                offsets.append(offset)
                            }
                        }
                    }
                }
            }
            shape.withUnsafeMutableBufferPointer { curBuffer in
                guard let cur = curBuffer.baseAddress else { return }
                offsets.withUnsafeBufferPointer { accumulate(leaves, $0, into: cur, width: width) }
            }
        }
    }

    /// `cur[j] += leaves[o + j]` for every offset `o` in order, `groupSize` trees per pass.
    @inline(__always)
    private func accumulate(_ leaves: UnsafePointer<Float>, _ offsets: UnsafeBufferPointer<Int>,
                            into cur: UnsafeMutablePointer<Float>, width: Int) {
        let groupSize = 16
        var t = 0
        while t < offsets.count {
            let end = min(t + groupSize, offsets.count)
            var j = 0
            while j + 8 <= width {
                var acc = UnsafeRawPointer(cur + j).loadUnaligned(as: SIMD8<Float>.self)
                for k in t..<end {
                    acc += UnsafeRawPointer(leaves + offsets[k] + j).loadUnaligned(as: SIMD8<Float>.self)
                }
                UnsafeMutableRawPointer(cur + j).storeBytes(of: acc, as: SIMD8<Float>.self)
                j += 8
            }
            while j < width {
                var acc = cur[j]
                for k in t..<end { acc += leaves[offsets[k] + j] }
                cur[j] = acc
                j += 1
            }
            t = end
        }
    }
}
