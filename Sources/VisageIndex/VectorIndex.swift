/// An exact nearest-neighbour index of fixed-dimension vectors (face embeddings) under the
/// Euclidean distance, with stable ids, a label per vector (the person), removal without a
/// rebuild, compact storage, and a memory-mapped on-disk form.
///
/// Searches scan every row: one BLAS product per tile of rows for batches of queries, SIMD
/// kernels otherwise; float16 and int8 indexes scan compact codes and re-rank their best
/// candidates with float32 distances.
///
/// Rows are appended in memory; an index opened from a file keeps its rows memory-mapped
/// (read-only, shared with other processes) and appends new rows in memory. Removal marks
/// rows; ``compact()`` or ``save(to:)`` drops them. Searches may run concurrently with each
/// other, but not with `add`, `remove`, `compact` (the type is not `Sendable`).
public final class VectorIndex {
    /// The largest supported dimension.
    public static let maximumDimension = 65_536
    /// The largest number of rows (live or removed) an index holds.
    public static let maximumCount = 1 << 40
    /// The largest `k` (and re-rank factor) of a search: results are kept in sorted lists
    /// meant for the few best matches.
    public static let maximumK = 10_000

    /// The number of components of every vector.
    public let dimension: Int
    /// How scanned vectors are stored.
    public let precision: VectorPrecision
    /// The int8 quantiser (`nil` for other precisions, and for an int8 index before its first
    /// `add` when none was given).
    public private(set) var quantizer: ScalarQuantizer?
    /// The id the next added vector gets.
    public private(set) var nextID: Int64

    var mapped: MappedSegment?
    var tail: GrowableSegment
    var removed = Tombstones()

    /// Creates an empty index.
    /// - Parameters:
    ///   - dimension: the number of components per vector (1...``maximumDimension``).
    ///   - precision: the scanned representation (default float32).
    ///   - quantizer: for int8, the per-dimension ranges; when `nil` they are fitted to the
    ///     first batch of vectors added (so add a representative batch first).
    /// - Throws: ``VectorIndexError`` for a bad dimension or a quantiser of another dimension.
    public init(dimension: Int, precision: VectorPrecision = .float32, quantizer: ScalarQuantizer? = nil) throws {
        guard dimension >= 1, dimension <= Self.maximumDimension else { throw VectorIndexError.invalidDimension(dimension) }
        if let quantizer, quantizer.dimension != dimension {
            throw VectorIndexError.quantizerMismatch(expected: dimension, actual: quantizer.dimension)
        }
        self.dimension = dimension
        self.precision = precision
        self.quantizer = precision == .int8 ? quantizer : nil
        nextID = 0
        tail = GrowableSegment(dimension: dimension, precision: precision)
    }

    init(mapped: MappedSegment, quantizer: ScalarQuantizer?, nextID: Int64) {
        dimension = mapped.dimension
        precision = mapped.precision
        self.quantizer = quantizer
        self.nextID = nextID
        self.mapped = mapped
        tail = GrowableSegment(dimension: dimension, precision: precision)
    }

    /// The number of rows stored, including removed rows not yet compacted away.
    var storedRows: Int { (mapped?.view.count ?? 0) + tail.count }

    /// The number of live (not removed) vectors.
    public var count: Int { storedRows - removed.count }

    /// Whether part of the index is memory-mapped from a file.
    public var isMapped: Bool { mapped != nil }

    /// The segments' views, numbered globally.
    var views: [SegmentView] {
        var out: [SegmentView] = []
        if let m = mapped, m.view.count > 0 { out.append(m.view) }
        if tail.count > 0 { out.append(tail.view(firstRow: mapped?.view.count ?? 0)) }
        return out
    }

    /// Adds vectors with their labels.
    /// - Parameters:
    ///   - vectors: `n × dimension` floats, row-major.
    ///   - labels: `n` labels (for faces, a person id; several vectors may share one).
    /// - Returns: the new vectors' ids, increasing, never reused.
    /// - Throws: ``VectorIndexError`` for a ragged array, a label count mismatch, or a non-finite
    ///   component (nothing is added then).
    @discardableResult
    public func add(_ vectors: [Float], labels: [Int64]) throws -> [Int64] {
        guard vectors.count % dimension == 0 else {
            throw VectorIndexError.dimensionMismatch(expected: dimension, elementCount: vectors.count)
        }
        let n = vectors.count / dimension
        guard n == labels.count else { throw VectorIndexError.labelCountMismatch(vectors: n, labels: labels.count) }
        guard storedRows + n <= Self.maximumCount else { throw VectorIndexError.tooManyVectors(storedRows + n) }
        if let bad = Self.firstNonFiniteRow(vectors, dimension: dimension) { throw VectorIndexError.nonFiniteVector(index: bad) }
        guard n > 0 else { return [] }
        if precision == .int8 && quantizer == nil {
            quantizer = try ScalarQuantizer.fitted(to: vectors, dimension: dimension)
        }
        let first = nextID
        let d = dimension, q = quantizer, p = precision
        vectors.withUnsafeBufferPointer { src in
            tail.append(rows: n) { slot in
                slot.vectors.update(from: src.baseAddress!, count: n * d)
                for r in 0..<n {
                    let v = src.baseAddress! + r * d
                    slot.labels[r] = labels[r]
                    slot.ids[r] = first + Int64(r)
                    slot.norms[r] = RowEncoding.encode(v, dimension: d, precision: p, quantizer: q,
                                                      halves: slot.halves.map { $0 + r * d },
                                                      codes: slot.codes.map { $0 + r * d })
                }
            }
        }
        nextID += Int64(n)
        return (0..<Int64(n)).map { first + $0 }
    }

    /// Adds one vector.
    /// - Returns: its id.
    /// - Throws: as ``add(_:labels:)``.
    @discardableResult
    public func add(_ vector: [Float], label: Int64) throws -> Int64 {
        try add(vector, labels: [label])[0]
    }

    /// The first row whose squared norm is not finite (NaN, infinity, or too large), if any.
    static func firstNonFiniteRow(_ vectors: [Float], dimension d: Int) -> Int? {
        vectors.withUnsafeBufferPointer { v in
            for r in 0..<(v.count / d) {
                var sum: Float = 0
                for j in 0..<d { sum += v[r * d + j] * v[r * d + j] }
                if !sum.isFinite { return r }
            }
            return nil
        }
    }

    /// Finds the global row of a live id.
    func row(of id: Int64) -> Int? {
        for v in views {
            if let r = v.row(of: id) {
                let row = v.firstRow + r
                return removed.contains(row) ? nil : row
            }
        }
        return nil
    }

    /// Whether a live vector has this id.
    public func contains(id: Int64) -> Bool { row(of: id) != nil }

    /// Removes a vector (marks it; its id is never reused).
    /// - Throws: ``VectorIndexError/unknownID(_:)`` when no live vector has this id.
    public func remove(id: Int64) throws {
        guard let row = row(of: id) else { throw VectorIndexError.unknownID(id) }
        _ = removed.insert(row)
    }

    /// Removes every vector with this label.
    /// - Returns: the number of vectors removed.
    @discardableResult
    public func remove(label: Int64) -> Int {
        var n = 0
        for v in views {
            for r in 0..<v.count where v.labels[r] == label {
                if removed.insert(v.firstRow + r) { n += 1 }
            }
        }
        return n
    }

    /// The stored float32 vector and label of a live id, or `nil`.
    public func entry(id: Int64) -> (vector: [Float], label: Int64)? {
        guard let row = row(of: id) else { return nil }
        let (v, local) = locate(row)
        return (Array(UnsafeBufferPointer(start: v.vectors + local * dimension, count: dimension)), v.labels[local])
    }

    /// The segment view and local row of a global row.
    func locate(_ row: Int) -> (SegmentView, Int) {
        let all = views
        for v in all where row < v.firstRow + v.count { return (v, row - v.firstRow) }
        return (all[all.count - 1], row - all[all.count - 1].firstRow)
    }

    /// Drops removed rows, copying the live rows into memory (a memory-mapped index stops being
    /// mapped). Ids are kept.
    public func compact() {
        let fresh = GrowableSegment(dimension: dimension, precision: precision, reservingRows: count)
        for v in views {
            forEachLiveRun(of: v) { start, n in
                fresh.append(rows: n) { slot in RowEncoding.copy(from: v, start: start, rows: n, into: slot, dimension: dimension) }
            }
        }
        tail = fresh
        mapped = nil
        removed.removeAll()
    }

    /// Calls `body(start, count)` for each maximal run of live local rows of a segment.
    func forEachLiveRun(of v: SegmentView, _ body: (Int, Int) -> Void) {
        var r = 0
        while r < v.count {
            while r < v.count && removed.contains(v.firstRow + r) { r += 1 }
            let start = r
            while r < v.count && !removed.contains(v.firstRow + r) { r += 1 }
            if r > start { body(start, r - start) }
        }
    }
}
