import CVisageKernels
import VisageFormats

extension ShapePredictor {
    /// Walks every tree of `cascade` on `features` and adds the reached leaves to `shape`.
    ///
    /// The trees are walked four at a time (independent load chains overlap) with the next
    /// trees' splits and the reached leaves prefetched. The leaves are summed tree by tree for
    /// every element, exactly as dlib does, but a group of trees is added per block of elements
    /// so their leaf loads overlap.
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
                            let trees = starts.count - 1
                            var t = 0
                            // Four trees at a time, level by level: their walks are independent
                            // chains of dependent loads, so interleaving overlaps the latencies.
                            // Needs four complete trees of the same depth (dlib's are).
                            while t + 4 <= trees {
                                let first = Int(starts[t]), splits = Int(starts[t + 1]) - first
                                guard splits > 0, splits & (splits + 1) == 0,
                                      Int(starts[t + 4]) - first == 4 * splits else { break }
                                if t + 8 <= trees {
                                    let ahead = Int(starts[t + 8])
                                    visage_prefetch(pairs.baseAddress! + 2 * ahead)
                                    visage_prefetch(thresholds.baseAddress! + ahead)
                                }
                                var n0 = 0, n1 = 0, n2 = 0, n3 = 0
                                let (b0, b1, b2, b3) = (first, first + splits, first + 2 * splits, first + 3 * splits)
                                while n0 < splits {
                                    @inline(__always) func step(_ base: Int, _ node: Int) -> Int {
                                        let k = base + node
                                        let diff: Float = f[Int(pairs[2 * k])] - f[Int(pairs[2 * k + 1])]
                                        return 2 &* node &+ (diff > thresholds[k] ? 1 : 2)
                                    }
                                    n0 = step(b0, n0)
                                    n1 = step(b1, n1)
                                    n2 = step(b2, n2)
                                    n3 = step(b3, n3)
                                }
                                @inline(__always) func reached(_ j: Int, _ node: Int) {
                                    let offset = (first + j * splits + t + j + node - splits) * width
                                    // The leaf is a cache miss on a cold model: start loading it now.
                                    visage_prefetch(leaves + offset)
                                    visage_prefetch(leaves + offset + width - 1)
                                    offsets.append(offset)
                                }
                                reached(0, n0)
                                reached(1, n1)
                                reached(2, n2)
                                reached(3, n3)
                                t += 4
                            }
                            while t < trees {
                                let first = Int(starts[t])
                                let splits = Int(starts[t + 1]) - first
                                var node = 0
                                while node < splits {
                                    let k = first + node
                                    let diff: Float = f[Int(pairs[2 * k])] - f[Int(pairs[2 * k + 1])]
                                    node = 2 &* node &+ (diff > thresholds[k] ? 1 : 2)
                                }
                                let offset = (first + t + node - splits) * width
                                visage_prefetch(leaves + offset)
                                visage_prefetch(leaves + offset + width - 1)
                                offsets.append(offset)
                                t += 1
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
