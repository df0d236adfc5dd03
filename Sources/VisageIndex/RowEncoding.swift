/// Encoding rows into a segment's arrays.
enum RowEncoding {
    /// Writes the compact codes of one vector (if any) and returns the squared norm of the
    /// representation the scan reads (the decoded codes for compact precisions, so that the
    /// scan's partial distances are exact for the decoded vectors).
    static func encode(_ v: UnsafePointer<Float>, dimension d: Int, precision: VectorPrecision,
                       quantizer: ScalarQuantizer?, halves: UnsafeMutablePointer<UInt16>?,
                       codes: UnsafeMutablePointer<UInt8>?) -> Float {
        var norm: Float = 0
        switch precision {
        case .float32:
            for j in 0..<d { norm += v[j] * v[j] }
        case .float16:
            guard let halves else { return 0 }
            for j in 0..<d {
                halves[j] = HalfConversion.half(from: Swift.min(Swift.max(v[j], -65504), 65504))  // largest finite half
                let x = HalfConversion.float(fromHalf: halves[j])
                norm += x * x
            }
        case .int8:
            guard let codes, let quantizer else { return 0 }
            quantizer.encode(v, into: codes)
            for j in 0..<d {
                let x = quantizer.decode(codes[j], dimension: j)
                norm += x * x
            }
        }
        return norm
    }

    /// Copies `rows` rows starting at local row `start` of a segment into fresh slots.
    static func copy(from v: SegmentView, start: Int, rows: Int, into slot: SegmentSlots, dimension d: Int) {
        let n = rows * d
        slot.vectors.update(from: v.vectors + start * d, count: n)
        if let dst = slot.halves, let src = v.halves { dst.update(from: src + start * d, count: n) }
        if let dst = slot.codes, let src = v.codes { dst.update(from: src + start * d, count: n) }
        slot.norms.update(from: v.norms + start, count: rows)
        slot.labels.update(from: v.labels + start, count: rows)
        slot.ids.update(from: v.ids + start, count: rows)
    }
}
