import VisageNN

// Layout: CNHW — channel-major batches. Element (c, n, y, x) is at ((c·N + n)·H + y)·W + x, so a
// convolution's sgemm output [O, N·Ho·Wo] is already the next layer's input.

/// An uninitialised CNHW activation buffer owned by one forward pass.
struct PlaneBuffer {
    /// Channels.
    let c: Int
    /// Samples.
    let n: Int
    /// Rows.
    let h: Int
    /// Columns.
    let w: Int
    /// The elements; `count` of them.
    let data: UnsafeMutablePointer<Float>
    /// Where the memory comes from and returns to (the plan's pool).
    let pool: BufferPool

    /// Allocates (without zeroing) a buffer of the given shape from `pool`.
    init(c: Int, n: Int, h: Int, w: Int, pool: BufferPool) {
        self.c = c
        self.n = n
        self.h = h
        self.w = w
        self.pool = pool
        data = pool.allocate(c * n * h * w)
    }

    /// Elements in one (channel, sample) plane.
    var plane: Int { h * w }
    /// All elements.
    var count: Int { c * n * h * w }

    /// Returns the memory to the pool; the buffer must not be used afterwards.
    func free() { pool.release(data) }

    /// A new buffer from the same pool.
    func sibling(c: Int, n: Int, h: Int, w: Int) -> PlaneBuffer {
        PlaneBuffer(c: c, n: n, h: h, w: w, pool: pool)
    }

    /// Copies an NCHW tensor's storage into a new CNHW buffer from `pool`.
    static func fromNCHW(_ src: UnsafePointer<Float>, n: Int, c: Int, h: Int, w: Int, pool: BufferPool) -> PlaneBuffer {
        let b = PlaneBuffer(c: c, n: n, h: h, w: w, pool: pool)
        let plane = h * w
        for s in 0..<n {
            for ch in 0..<c {
                (b.data + (ch * n + s) * plane).update(from: src + (s * c + ch) * plane, count: plane)
            }
        }
        return b
    }

    /// Writes the buffer as NCHW into `dst`.
    func toNCHW(_ dst: UnsafeMutablePointer<Float>) {
        for s in 0..<n {
            for ch in 0..<c {
                (dst + (s * c + ch) * plane).update(from: data + (ch * n + s) * plane, count: plane)
            }
        }
    }
}
