import VisageNN

// Layout: CNHW in and out (see PlaneBuffer). Output tiles of m × m pixels over all samples are
// numbered t = (sample · tilesY + ty) · tilesX + tx and processed in chunks of whole tile rows:
//   V[ξ][c][t] = (Bᵀ d B)[ξ]            input transform of each α × α input tile
//   M[ξ] = U[ξ] · V[ξ]                   α² sgemms [O × C] · [C × T]
//   Y = Aᵀ M A + bias (→ ReLU)           output transform, clipped to the output
// A stride-1 r × r convolution costs α²/m² instead of r² multiplies per output (F(2×2, 3×3):
// 4 instead of 9; F(2×2, 5×5): 9 instead of 25).

/// A stride-1 3 × 3 or 5 × 5 convolution computed with Winograd's minimal filtering F(2 × 2, r × r).
struct WinogradConvolution: Sendable {
    private let transform: WinogradTransform
    /// Transformed filters [α²][O][C].
    private let u: [Float]
    private let bias: [Float]
    private let outChannels: Int
    private let inChannels: Int
    private let padding: PaddingMode
    private let relu: Bool
    /// Bᵀ (α × α) and Aᵀ (m × α) in Float, row-major.
    private let bt: [Float], at: [Float]

    /// The largest transformed chunk, in floats (each of V and M): large, so that the α² sgemms
    /// are few and wide, yet below glibc's 32 MB limit for reusing freed blocks without page faults.
    private static let chunkBudget = 6 << 20

    /// Tiles below which the α² small sgemms cost more than one im2col sgemm.
    static let minimumTiles = 128

    /// The number of output tiles for an input of `n` samples of `h` × `w`.
    func tileCount(n: Int, h: Int, w: Int) -> Int {
        let r = transform.r, m = transform.m
        let pad = padding.resolve(h: h, w: w, kh: r, kw: r, sy: 1, sx: 1)
        let ho = max(h + pad.top + pad.bottom - r + 1, 0), wo = max(w + pad.left + pad.right - r + 1, 0)
        return n * ((ho + m - 1) / m) * ((wo + m - 1) / m)
    }

    /// Wraps a convolution when it is stride 1 with a square 3 × 3 or 5 × 5 kernel; else `nil`.
    init?(_ conv: Conv2D) {
        guard conv.stride == (1, 1), conv.kernel.h == conv.kernel.w,
              let transform = WinogradTransform(r: conv.kernel.h) else { return nil }
        let (o, c) = (conv.outChannels, conv.inChannels)
        let u = conv.weight.storage.withUnsafeBufferPointer { w in
            transform.transformFilters(w.baseAddress!, outChannels: o, inChannels: c)
        }
        self.transform = transform
        self.u = u
        bias = conv.bias?.storage ?? [Float](repeating: 0, count: o)
        outChannels = o
        inChannels = c
        padding = conv.padding
        relu = conv.activation == .relu
        bt = transform.bt.map(Float.init)
        at = transform.at.map(Float.init)
    }

    /// Runs the convolution on a CNHW buffer, returning a new one.
    func run(_ x: PlaneBuffer) -> PlaneBuffer {
        let r = transform.r, m = transform.m, a = transform.alpha
        let pad = padding.resolve(h: x.h, w: x.w, kh: r, kw: r, sy: 1, sx: 1)
        let ho = max(x.h + pad.top + pad.bottom - r + 1, 0), wo = max(x.w + pad.left + pad.right - r + 1, 0)
        let out = x.sibling(c: outChannels, n: x.n, h: ho, w: wo)
        guard ho > 0, wo > 0 else { return out }
        let grid = Grid(n: x.n, tilesY: (ho + m - 1) / m, tilesX: (wo + m - 1) / m)
        // Chunks of whole tile rows (tile row R = sample · tilesY + ty).
        let perRow = a * a * max(inChannels, outChannels) * grid.tilesX
        let rowsPerChunk = max(1, min(grid.rows, Self.chunkBudget / max(perRow, 1)))
        let capacity = rowsPerChunk * grid.tilesX
        let v = x.pool.allocate(a * a * inChannels * capacity)
        let mm = x.pool.allocate(a * a * outChannels * capacity)
        defer { x.pool.release(v); x.pool.release(mm) }
        var r0 = 0
        while r0 < grid.rows {
            let rows = r0..<min(grid.rows, r0 + rowsPerChunk)
            let count = rows.count * grid.tilesX
            inputTransform(x, pad: pad, grid: grid, rows: rows, into: v)
            u.withUnsafeBufferPointer { up in
                for xi in 0..<(a * a) {
                    Gemm.sgemm(m: outChannels, n: count, k: inChannels, a: up.baseAddress! + xi * outChannels * inChannels,
                               lda: inChannels, b: v + xi * inChannels * count, ldb: count,
                               c: mm + xi * outChannels * count, ldc: count)
                }
            }
            outputTransform(mm, grid: grid, rows: rows, into: out)
            r0 = rows.upperBound
        }
        return out
    }

    /// The tile grid over all samples; tile (R, tx) of tile row R = sample · tilesY + ty.
    private struct Grid {
        let n: Int, tilesY: Int, tilesX: Int
        var rows: Int { n * tilesY }
    }

    /// V[ξ][c][t] = (Bᵀ d B)[ξ] for every tile of the tile rows `rows` (t counted from the first).
    ///
    /// Per channel and tile row: the α input rows (zero-padded) are combined by Bᵀ as whole rows,
    /// split into even and odd columns, and combined again by Bᵀ across tiles, so every loop runs
    /// over contiguous memory (tiles advance by m = 2 columns).
    private func inputTransform(_ x: PlaneBuffer, pad: Padding, grid: Grid, rows: Range<Int>,
                                into v: UnsafeMutablePointer<Float>) {
        let (a, m, h, w, n) = (transform.alpha, transform.m, x.h, x.w, x.n)
        let tilesX = grid.tilesX, count = rows.count * tilesX, channels = inChannels
        let width = m * tilesX + a - m  // padded input columns the tile row reads
        let half = (width + 1) / 2
        let vBits = UInt(bitPattern: v), xBits = UInt(bitPattern: x.data)
        let bt = self.bt
        Backend.parallelFor(channels) { c in
            let v = UnsafeMutablePointer<Float>(bitPattern: vBits)!
            let src = UnsafePointer<Float>(bitPattern: xBits)!
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * a * width + 2 * half) { scratch in
                let padded = scratch.baseAddress!, combined = padded + a * width
                let even = combined + a * width, odd = even + half
                for row in rows {
                    let s = row / grid.tilesY, ty = row % grid.tilesY
                    let plane = src + (c * n + s) * h * w
                    // The α input rows of this tile row, zero outside the plane.
                    for i in 0..<a {
                        let dst = padded + i * width
                        let y = ty * m - pad.top + i
                        dst.update(repeating: 0, count: width)
                        guard y >= 0, y < h else { continue }
                        let lo = max(0, pad.left), hi = min(width, w + pad.left)
                        if hi > lo { (dst + lo).update(from: plane + y * w + lo - pad.left, count: hi - lo) }
                    }
                    // Bᵀ across rows: combined_i = Σ_k Bᵀ[i][k] · padded_k.
                    for i in 0..<a {
                        let dst = combined + i * width
                        dst.update(repeating: 0, count: width)
                        for k in 0..<a {
                            let coef = bt[i * a + k]
                            if coef == 0 { continue }
                            let srcRow = padded + k * width
                            for q in 0..<width { dst[q] += coef * srcRow[q] }
                        }
                    }
                    // Bᵀ across each tile's α columns 2·tx + k: column k is even[tx + k/2] or odd[tx + k/2].
                    let base = (row - rows.lowerBound) * tilesX
                    for i in 0..<a {
                        let line = combined + i * width
                        for q in 0..<half {
                            even[q] = line[2 * q]
                            odd[q] = 2 * q + 1 < width ? line[2 * q + 1] : 0
                        }
                        for j in 0..<a {
                            let dst = v + ((i * a + j) * channels + c) * count + base
                            dst.update(repeating: 0, count: tilesX)
                            for k in 0..<a {
                                let coef = bt[j * a + k]
                                if coef == 0 { continue }
                                let srcCol = (k % 2 == 0 ? even : odd) + k / 2
                                for tx in 0..<tilesX { dst[tx] += coef * srcCol[tx] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Y = Aᵀ M A (+ bias, ReLU) for every tile of the tile rows `rows`, clipped to the output.
    private func outputTransform(_ mm: UnsafeMutablePointer<Float>, grid: Grid, rows: Range<Int>,
                                 into out: PlaneBuffer) {
        let (a, m) = (transform.alpha, transform.m)
        let tilesX = grid.tilesX, count = rows.count * tilesX, channels = outChannels
        let (n, ho, wo) = (out.n, out.h, out.w)
        let mBits = UInt(bitPattern: mm), oBits = UInt(bitPattern: out.data)
        let at = self.at, relu = self.relu, bias = self.bias
        Backend.parallelFor(channels) { o in
            let mm = UnsafePointer<Float>(bitPattern: mBits)!
            let dst = UnsafeMutablePointer<Float>(bitPattern: oBits)!
            let b = bias[o]
            withUnsafeTemporaryAllocation(of: Float.self, capacity: (m * a + m * m) * tilesX) { scratch in
                let tmp = scratch.baseAddress!, y = tmp + m * a * tilesX
                for row in rows {
                    let s = row / grid.tilesY, ty = row % grid.tilesY
                    let base = (row - rows.lowerBound) * tilesX
                    // tmp[i][j] = Σ_k Aᵀ[i][k] · M[k][j], over the tiles of the row.
                    for i in 0..<m {
                        for j in 0..<a {
                            let d = tmp + (i * a + j) * tilesX
                            d.update(repeating: 0, count: tilesX)
                            for k in 0..<a {
                                let coef = at[i * a + k]
                                if coef == 0 { continue }
                                let src = mm + ((k * a + j) * channels + o) * count + base
                                for tx in 0..<tilesX { d[tx] += coef * src[tx] }
                            }
                        }
                    }
                    // y[i][j] = Σ_k tmp[i][k] · Aᵀ[j][k] + bias.
                    for i in 0..<m {
                        for j in 0..<m {
                            let d = y + (i * m + j) * tilesX
                            d.update(repeating: b, count: tilesX)
                            for k in 0..<a {
                                let coef = at[j * a + k]
                                if coef == 0 { continue }
                                let src = tmp + (i * a + k) * tilesX
                                for tx in 0..<tilesX { d[tx] += coef * src[tx] }
                            }
                            if relu { for tx in 0..<tilesX { d[tx] = max(d[tx], 0) } }
                        }
                    }
                    let plane = dst + (o * n + s) * ho * wo
                    for i in 0..<m where ty * m + i < ho {
                        let line = plane + (ty * m + i) * wo
                        for j in 0..<m {
                            let src = y + (i * m + j) * tilesX
                            var tx = 0
                            while tx < tilesX && tx * m + j < wo {
                                line[tx * m + j] = src[tx]
                                tx += 1
                            }
                        }
                    }
                }
            }
        }
    }
}
