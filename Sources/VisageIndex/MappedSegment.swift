/// The rows of an index file, memory-mapped read-only.
struct MappedSegment {
    let file: MappedFile
    let layout: IndexFileLayout
    let view: SegmentView

    var dimension: Int { layout.dimension }
    var precision: VectorPrecision { layout.precision }

    /// Views the sections of a validated file.
    init(file: MappedFile, layout: IndexFileLayout) {
        self.file = file
        self.layout = layout
        func at<T>(_ s: IndexFileLayout.Section, _: T.Type) -> UnsafePointer<T> {
            // Sections start on 64-byte boundaries of a page-aligned mapping: aligned for T.
            (file.base + layout.ranges[s.rawValue].offset).assumingMemoryBound(to: T.self)
        }
        view = SegmentView(count: layout.count, firstRow: 0, vectors: at(.vectors, Float.self),
                           halves: layout.precision == .float16 ? at(.codes, UInt16.self) : nil,
                           codes: layout.precision == .int8 ? at(.codes, UInt8.self) : nil,
                           norms: at(.norms, Float.self), labels: at(.labels, Int64.self), ids: at(.ids, Int64.self))
        if layout.precision.isCompact {
            let r = layout.ranges[IndexFileLayout.Section.vectors.rawValue]
            file.adviseRandomAccess(offset: r.offset, length: r.length)
        }
    }

    /// Bytes of one section.
    func bytes(_ s: IndexFileLayout.Section) -> UnsafeRawBufferPointer {
        let r = layout.ranges[s.rawValue]
        return UnsafeRawBufferPointer(start: file.base + r.offset, count: r.length)
    }
}
