// Layout: CNHW ("channel-major") — element (c, n, y, x) of a view is at base[((c·N + n)·H + y)·W + x].
// A batch of vectors [N, F] is held as C = F, H = W = 1. Channel c of every sample is one
// contiguous run of N·H·W floats, so
//   - a convolution's sgemm product [O, N·Ho·Wo] *is* its output, for the whole batch at once;
//   - a 1×1 stride-1 convolution reads its input as the column matrix, with no im2col;
//   - the channels c0..<c1 of a concatenation are one contiguous block (a branch writes its
//     output straight into its slice).

/// Uninitialised floats owned by one forward pass; returned to their pool when the last view goes.
final class FloatStorage: @unchecked Sendable {
    /// The first element.
    let base: UnsafeMutablePointer<Float>
    /// Where the memory comes from and returns to (the plan's pool).
    let pool: BufferPool

    /// Takes `count` uninitialised floats from `pool`.
    init(count: Int, pool: BufferPool) {
        self.pool = pool
        base = pool.allocate(count)
    }

    deinit { pool.release(base) }
}

/// A CNHW activation (or a channel slice of a larger one) inside an inference plan.
struct ChannelMajor {
    /// Channels (features for a vector batch).
    let c: Int
    /// Samples.
    let n: Int
    /// Rows (1 for vectors).
    let h: Int
    /// Columns (1 for vectors).
    let w: Int
    /// 4 for images, 2 for vectors (what the NCHW tensor at this point would have).
    let rank: Int
    /// Keeps the memory alive.
    let storage: FloatStorage
    /// The first element of this view.
    let base: UnsafeMutablePointer<Float>

    /// A new, uninitialised activation from `pool`.
    init(c: Int, n: Int, h: Int, w: Int, rank: Int = 4, pool: BufferPool) {
        let storage = FloatStorage(count: c * n * h * w, pool: pool)
        self.init(c: c, n: n, h: h, w: w, rank: rank, storage: storage, base: storage.base)
    }

    private init(c: Int, n: Int, h: Int, w: Int, rank: Int, storage: FloatStorage, base: UnsafeMutablePointer<Float>) {
        self.c = c; self.n = n; self.h = h; self.w = w
        self.rank = rank
        self.storage = storage
        self.base = base
    }

    /// The pool this activation's memory came from.
    var pool: BufferPool { storage.pool }
    /// Elements in one (channel, sample) plane.
    var plane: Int { h * w }
    /// Elements in one channel over the batch: the row length of the channel-major matrix.
    var row: Int { n * h * w }
    /// All elements.
    var count: Int { c * n * h * w }
    /// The NCHW shape of the same activation.
    var nchwShape: [Int] { rank == 2 ? [n, c] : [n, c, h, w] }

    /// Channels `lo..<lo + count` of this activation, sharing its memory.
    func channels(_ lo: Int, _ count: Int) -> ChannelMajor {
        ChannelMajor(c: count, n: n, h: h, w: w, rank: rank, storage: storage, base: base + lo * row)
    }

    /// The same memory read as another shape with as many elements (a reshape).
    func reshaped(c: Int, h: Int, w: Int, rank: Int) -> ChannelMajor {
        ChannelMajor(c: c, n: n, h: h, w: w, rank: rank, storage: storage, base: base)
    }

    /// Whether `other` has the same shape.
    func sameShape(_ other: ChannelMajor) -> Bool {
        c == other.c && n == other.n && h == other.h && w == other.w
    }

    /// Copies all elements of `src` (same shape) into this view.
    func copy(from src: ChannelMajor) {
        let (d, s) = (UInt(bitPattern: base), UInt(bitPattern: src.base))
        let len = row
        Backend.parallelFor(c, elements: count) { ch in
            (UnsafeMutablePointer<Float>(bitPattern: d)! + ch * len)
                .update(from: UnsafePointer<Float>(bitPattern: s)! + ch * len, count: len)
        }
    }

    /// Converts an NCHW tensor (rank 4, or rank 2 for vectors) into memory from `pool`.
    static func from(_ t: Tensor, pool: BufferPool) -> ChannelMajor {
        let rank = t.rank
        let (n, c) = (t.shape[0], t.shape[1])
        let plane = rank == 4 ? t.shape[2] * t.shape[3] : 1
        let x = ChannelMajor(c: c, n: n, h: rank == 4 ? t.shape[2] : 1, w: rank == 4 ? t.shape[3] : 1, rank: rank, pool: pool)
        t.storage.withUnsafeBufferPointer { src in
            let (s, d) = (UInt(bitPattern: src.baseAddress!), UInt(bitPattern: x.base))
            // One job per plane: an image's three channels would leave one of two threads a third.
            Backend.parallelFor(c * n, elements: x.count) { job in
                let (ch, i) = (job / n, job % n)
                let sp = UnsafePointer<Float>(bitPattern: s)!, dp = UnsafeMutablePointer<Float>(bitPattern: d)!
                (dp + (ch * n + i) * plane).update(from: sp + (i * c + ch) * plane, count: plane)
            }
        }
        return x
    }

    /// The NCHW tensor with these values, under `shape` (whose element count must match).
    func tensor(shape: [Int]) -> Tensor {
        var t = Tensor(uninitializedShape: shape)
        let (c, n, plane) = (self.c, self.n, self.plane)
        t.storage.withUnsafeMutableBufferPointer { dst in
            let (s, d) = (UInt(bitPattern: base), UInt(bitPattern: dst.baseAddress!))
            Backend.parallelFor(n, elements: count) { i in
                let sp = UnsafePointer<Float>(bitPattern: s)!, dp = UnsafeMutablePointer<Float>(bitPattern: d)!
                for ch in 0..<c { (dp + (i * c + ch) * plane).update(from: sp + (ch * n + i) * plane, count: plane) }
            }
        }
        return t
    }
}
