import Foundation

/// Saving and memory-mapped opening.
extension VectorIndex {
    /// Opens an index file, memory-mapping its rows read-only (shared with other processes that
    /// open the same file). Opening reads only the header, the quantiser and the ids (to check
    /// they increase), so it takes milliseconds even for millions of rows.
    /// - Parameters:
    ///   - url: the file written by ``save(to:)``.
    ///   - verifyingChecksums: also check every section's checksum (reads the whole file).
    /// - Throws: ``VectorIndexError`` when the file cannot be read, is not an index, is of
    ///   another version, is truncated or inconsistent, or (when verifying) damaged.
    public static func open(contentsOf url: URL, verifyingChecksums: Bool = false) throws -> VectorIndex {
        let path = url.path
        #if _endian(big)
        throw VectorIndexError.corruptFile(path: path, reason: "index files are little-endian; this machine is big-endian")
        #else
        let file = try MappedFile(path: path, minimumLength: IndexFileLayout.headerSize)
        let (header, layout) = try IndexFileLayout.decode(
            UnsafeRawBufferPointer(start: file.base, count: IndexFileLayout.headerSize), fileLength: file.length, path: path)
        let segment = MappedSegment(file: file, layout: layout)
        if verifyingChecksums {
            for s in IndexFileLayout.Section.allCases where Checksum64.of(segment.bytes(s)) != header.checksums[s.rawValue] {
                throw VectorIndexError.checksumMismatch(path: path, section: s.name)
            }
        }
        let ids = segment.view.ids
        var previous: Int64 = -1
        for r in 0..<layout.count {
            guard ids[r] > previous, ids[r] < header.nextID else {
                throw VectorIndexError.corruptFile(path: path, reason: "ids are not increasing below the next id at row \(r)")
            }
            previous = ids[r]
        }
        var quantizer: ScalarQuantizer?
        if layout.precision == .int8 {
            let q = segment.bytes(.quantizer).bindMemory(to: Float.self)
            do {
                quantizer = try ScalarQuantizer(minimums: Array(q[0..<layout.dimension]),
                                                maximums: Array(q[layout.dimension...]))
            } catch {
                throw VectorIndexError.corruptFile(path: path, reason: "invalid quantiser: \(error)")
            }
        }
        return VectorIndex(mapped: segment, quantizer: quantizer, nextID: header.nextID)
        #endif
    }

    /// Writes the live rows to a file (removed rows are dropped; ids are kept), atomically: the
    /// data goes to a temporary file in the same folder, which then replaces `url`. Processes
    /// that have the old file open keep reading the old rows.
    /// - Throws: ``VectorIndexError/io(path:operation:errno:)`` when writing fails.
    public func save(to url: URL) throws {
        let path = url.path
        let temporary = path + ".tmp-\(Posix.processID)-\(UInt32.random(in: 0...UInt32.max))"
        let writer = try FileWriter(path: temporary)
        var finished = false
        defer { if !finished { writer.discard() } }

        let n = count, d = dimension
        guard let layout = IndexFileLayout(precision: precision, dimension: d, count: n) else {
            throw VectorIndexError.tooManyVectors(n)
        }
        var checksums: [UInt64] = []
        for section in IndexFileLayout.Section.allCases {
            try writer.pad(to: layout.ranges[section.rawValue].offset)
            var sum = Checksum64()
            try writeSection(section, to: writer, checksum: &sum)
            checksums.append(sum.value)
        }
        let header = IndexFileLayout.encode(IndexFileLayout.Header(precision: precision, dimension: d, count: n,
                                                                    nextID: nextID, checksums: checksums))
        try writer.finish(header: header)
        guard rename(temporary, path) == 0 else { throw VectorIndexError.io(path: path, operation: "replace", errno: errno) }
        finished = true
    }

    private func writeSection(_ section: IndexFileLayout.Section, to w: FileWriter, checksum: inout Checksum64) throws {
        func emit<T>(_ p: UnsafePointer<T>, _ count: Int) throws {
            let bytes = UnsafeRawBufferPointer(start: p, count: count * MemoryLayout<T>.stride)
            checksum.update(bytes)
            try w.write(bytes)
        }
        if section == .quantizer {
            guard let q = quantizer, precision == .int8 else { return }
            try q.minimums.withUnsafeBufferPointer { try emit($0.baseAddress!, $0.count) }
            try q.maximums.withUnsafeBufferPointer { try emit($0.baseAddress!, $0.count) }
            return
        }
        let d = dimension
        for v in views {
            var failure: Error?
            forEachLiveRun(of: v) { start, rows in
                guard failure == nil else { return }
                do {
                    switch section {
                    case .quantizer: break
                    case .vectors: try emit(v.vectors + start * d, rows * d)
                    case .codes:
                        if let h = v.halves { try emit(h + start * d, rows * d) }
                        if let c = v.codes { try emit(c + start * d, rows * d) }
                    case .norms: try emit(v.norms + start, rows)
                    case .labels: try emit(v.labels + start, rows)
                    case .ids: try emit(v.ids + start, rows)
                    }
                } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }
}
