/// A heap array of trivial values that grows by doubling, exposing a stable pointer between
/// growths (the index never searches while it grows).
final class GrowableBuffer<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = Swift.max(capacity, 1)
        pointer = .allocate(capacity: self.capacity)
    }

    deinit { pointer.deallocate() }

    /// Makes room for `extra` more elements and returns where they go; the caller fills them.
    func append(uninitialized extra: Int) -> UnsafeMutablePointer<Element> {
        let needed = count + extra
        if needed > capacity {
            let grown = Swift.max(capacity * 2, needed)  // one bulk add allocates exactly
            let bigger = UnsafeMutablePointer<Element>.allocate(capacity: grown)
            bigger.moveInitialize(from: pointer, count: count)
            pointer.deallocate()
            pointer = bigger
            capacity = grown
        }
        let slot = pointer + count
        count = needed
        return slot
    }

    /// Bytes allocated.
    var allocatedBytes: Int { capacity * MemoryLayout<Element>.stride }
}

/// Rows appended in memory: the mutable part of an index.
final class GrowableSegment {
    let dimension: Int
    let precision: VectorPrecision
    let vectors: GrowableBuffer<Float>
    let halves: GrowableBuffer<UInt16>?
    let codes: GrowableBuffer<UInt8>?
    let norms = GrowableBuffer<Float>()
    let labels = GrowableBuffer<Int64>()
    let ids = GrowableBuffer<Int64>()

    init(dimension: Int, precision: VectorPrecision, reservingRows rows: Int = 16) {
        self.dimension = dimension
        self.precision = precision
        vectors = GrowableBuffer(capacity: rows * dimension)
        halves = precision == .float16 ? GrowableBuffer(capacity: rows * dimension) : nil
        codes = precision == .int8 ? GrowableBuffer(capacity: rows * dimension) : nil
    }

    var count: Int { ids.count }

    /// Appends rows already encoded by the caller's closure.
    /// - Parameter fill: receives the destinations for `rows` rows of every array.
    func append(rows: Int, _ fill: (SegmentSlots) -> Void) {
        let n = rows * dimension
        fill(SegmentSlots(vectors: vectors.append(uninitialized: n), halves: halves?.append(uninitialized: n),
                          codes: codes?.append(uninitialized: n), norms: norms.append(uninitialized: rows),
                          labels: labels.append(uninitialized: rows), ids: ids.append(uninitialized: rows)))
    }

    /// The view of the rows, numbered from `firstRow`.
    func view(firstRow: Int) -> SegmentView {
        SegmentView(count: count, firstRow: firstRow, vectors: vectors.pointer,
                    halves: halves.map { UnsafePointer($0.pointer) }, codes: codes.map { UnsafePointer($0.pointer) },
                    norms: norms.pointer, labels: labels.pointer, ids: ids.pointer)
    }

    /// Heap bytes per array group: (scanned, metadata, float32 re-rank copy).
    var allocatedBytes: (scanned: Int, metadata: Int, rerank: Int) {
        let codeBytes = (halves?.allocatedBytes ?? 0) + (codes?.allocatedBytes ?? 0)
        let meta = labels.allocatedBytes + ids.allocatedBytes
        if precision == .float32 { return (vectors.allocatedBytes + norms.allocatedBytes, meta, 0) }
        return (codeBytes + norms.allocatedBytes, meta, vectors.allocatedBytes)
    }
}

/// Destinations for freshly appended rows.
struct SegmentSlots {
    let vectors: UnsafeMutablePointer<Float>
    let halves: UnsafeMutablePointer<UInt16>?
    let codes: UnsafeMutablePointer<UInt8>?
    let norms: UnsafeMutablePointer<Float>
    let labels: UnsafeMutablePointer<Int64>
    let ids: UnsafeMutablePointer<Int64>
}
