/// Where an index's bytes are, for capacity planning.
///
/// For compact precisions the float32 vectors are kept for re-ranking only: each query reads a
/// few of them (`k × rerankFactor` rows). When the index is opened from a file they stay on
/// disk, memory-mapped, and only the pages of re-ranked rows are ever read, so they are not
/// counted as resident.
public struct IndexMemoryUsage: Equatable, Sendable {
    /// Bytes every search reads in full: the scanned vectors (or codes) and their norms.
    public var scannedBytes: Int
    /// Labels, ids and the removal bitmap (read only for candidates and results).
    public var metadataBytes: Int
    /// Float32 vectors kept for re-ranking (compact precisions; 0 for float32).
    public var rerankBytes: Int
    /// The part of the re-rank vectors that is memory-mapped rather than allocated.
    public var mappedRerankBytes: Int
    /// The part of all the bytes above that is memory-mapped from a file (shared between
    /// processes through the page cache).
    public var mappedBytes: Int

    /// Scanned and metadata bytes, plus the re-rank vectors held in allocated memory.
    public var residentBytes: Int { scannedBytes + metadataBytes + rerankBytes - mappedRerankBytes }
}

extension VectorIndex {
    /// The index's memory, split by role (allocated capacity for in-memory rows, section sizes
    /// for mapped rows).
    public var memoryUsage: IndexMemoryUsage {
        let heap = tail.allocatedBytes
        var usage = IndexMemoryUsage(scannedBytes: heap.scanned, metadataBytes: heap.metadata + removed.allocatedBytes,
                                     rerankBytes: heap.rerank, mappedRerankBytes: 0, mappedBytes: 0)
        if let m = mapped {
            func size(_ s: IndexFileLayout.Section) -> Int { m.layout.ranges[s.rawValue].length }
            let vectors = size(.vectors)
            let scanned = size(.norms) + (precision.isCompact ? size(.codes) : vectors)
            let meta = size(.labels) + size(.ids)
            let rerank = precision.isCompact ? vectors : 0
            usage.scannedBytes += scanned
            usage.metadataBytes += meta
            usage.rerankBytes += rerank
            usage.mappedRerankBytes = rerank
            usage.mappedBytes = scanned + meta + rerank + size(.quantizer)
        }
        return usage
    }
}
