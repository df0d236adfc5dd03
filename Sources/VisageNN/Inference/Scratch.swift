/// Uninitialised working memory for one call: from a layer's ``BufferPool`` when it has one
/// (memory already touched on earlier calls), freshly allocated otherwise.
enum Scratch {
    /// Runs `body` with room for `count` uninitialised floats, returned afterwards.
    static func with<R>(_ count: Int, from pool: BufferPool?, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        if let pool {
            let p = pool.allocate(count)
            defer { pool.release(p) }
            return body(p)
        }
        let p = WorkingMemory.allocateFloats(max(count, 1))
        defer { WorkingMemory.free(p) }
        return body(p)
    }
}
