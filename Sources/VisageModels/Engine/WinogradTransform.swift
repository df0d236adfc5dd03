import Foundation
// Winograd minimal filtering F(m, r) (Lavin & Gray 2015), built from interpolation points: with
// α = m + r − 1 and points p_0 … p_{α−2} plus ∞,
//   Aᵀ[i][j] = p_jⁱ (m × α),  G[j][k] = p_jᵏ (α × r),  Bᵀ = (V⁻¹)ᵀ with V[j][k] = p_jᵏ (α × α),
// the ∞ point contributing the leading coefficient. Then the 1-D correlation of a filter g (r
// taps) with α inputs d is y = Aᵀ[(G g) ⊙ (Bᵀ d)], and in 2-D Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A.
// Each row of Bᵀ is scaled to small integers and G's row divided by the same factor.

/// The transform matrices of F(m × m, r × r).
struct WinogradTransform: Sendable {
    /// Output tile side m.
    let m: Int
    /// Filter side r.
    let r: Int
    /// Input tile side α = m + r − 1.
    var alpha: Int { m + r - 1 }
    /// Aᵀ, m × α, row-major.
    let at: [Double]
    /// G, α × r, row-major.
    let g: [Double]
    /// Bᵀ, α × α, row-major.
    let bt: [Double]

    /// F(2 × 2, r × r) for r = 3 (points 0, ±1) or r = 5 (points 0, ±1, ±2); `nil` for other r.
    init?(r: Int) {
        let points: [Double]
        switch r {
        case 3: points = [0, 1, -1]
        case 5: points = [0, 1, -1, 2, -2]
        default: return nil
        }
        let m = 2, alpha = m + r - 1
        var at = [Double](repeating: 0, count: m * alpha)
        var g = [Double](repeating: 0, count: alpha * r)
        var v = [Double](repeating: 0, count: alpha * alpha)
        for (j, p) in points.enumerated() {
            for i in 0..<m { at[i * alpha + j] = pow(p, Double(i)) }
            for k in 0..<r { g[j * r + k] = pow(p, Double(k)) }
            for k in 0..<alpha { v[j * alpha + k] = pow(p, Double(k)) }
        }
        at[(m - 1) * alpha + alpha - 1] = 1
        g[(alpha - 1) * r + r - 1] = 1
        v[(alpha - 1) * alpha + alpha - 1] = 1
        guard let inverse = Self.inverse(v, alpha) else { return nil }
        var bt = [Double](repeating: 0, count: alpha * alpha)
        for i in 0..<alpha { for j in 0..<alpha { bt[i * alpha + j] = inverse[j * alpha + i] } }
        // Scale each Bᵀ row so its smallest non-zero entry is ±1; G's row takes the inverse.
        for j in 0..<alpha {
            let row = bt[(j * alpha)..<((j + 1) * alpha)].filter { abs($0) > 1e-12 }.map(abs)
            guard let smallest = row.min() else { continue }
            for k in 0..<alpha { bt[j * alpha + k] = (bt[j * alpha + k] / smallest).rounded() }
            for k in 0..<r { g[j * r + k] *= smallest }
        }
        self.m = m
        self.r = r
        self.at = at
        self.g = g
        self.bt = bt
    }

    /// Gauss–Jordan inverse of an n × n matrix (tiny, well conditioned here).
    private static func inverse(_ a: [Double], _ n: Int) -> [Double]? {
        var m = a
        var inv = [Double](repeating: 0, count: n * n)
        for i in 0..<n { inv[i * n + i] = 1 }
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(m[$0 * n + col]) < abs(m[$1 * n + col]) }),
                  abs(m[pivot * n + col]) > 1e-12 else { return nil }
            for k in 0..<n {
                m.swapAt(col * n + k, pivot * n + k)
                inv.swapAt(col * n + k, pivot * n + k)
            }
            let d = m[col * n + col]
            for k in 0..<n { m[col * n + k] /= d; inv[col * n + k] /= d }
            for row in 0..<n where row != col {
                let f = m[row * n + col]
                if f == 0 { continue }
                for k in 0..<n { m[row * n + k] -= f * m[col * n + k]; inv[row * n + k] -= f * inv[col * n + k] }
            }
        }
        return inv
    }

    /// U = G g Gᵀ for every r × r filter of an [O, C, r, r] weight, in double, stored as
    /// [α²][O][C] floats (the layout of the α² sgemms' left operands).
    func transformFilters(_ weight: UnsafePointer<Float>, outChannels o: Int, inChannels c: Int) -> [Float] {
        let a = alpha, r = self.r
        var u = [Float](repeating: 0, count: a * a * o * c)
        var tmp = [Double](repeating: 0, count: a * r)  // G g
        g.withUnsafeBufferPointer { g in
            for oc in 0..<o {
                for ic in 0..<c {
                    let filter = weight + (oc * c + ic) * r * r
                    for i in 0..<a {
                        for k in 0..<r {
                            var s = 0.0
                            for j in 0..<r { s += g[i * r + j] * Double(filter[j * r + k]) }
                            tmp[i * r + k] = s
                        }
                    }
                    for i in 0..<a {
                        for k in 0..<a {
                            var s = 0.0
                            for j in 0..<r { s += tmp[i * r + j] * g[k * r + j] }
                            u[((i * a + k) * o + oc) * c + ic] = Float(s)
                        }
                    }
                }
            }
        }
        return u
    }
}
