import Foundation
import VisageIndex

/// Seeded random unit vectors and a brute-force reference for the index tests.
struct RandomVectors {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal sample (Box–Muller).
    mutating func gaussian() -> Double {
        let u = (Double(next() >> 11) + 1) / 9_007_199_254_740_992  // (0, 1]
        let v = Double(next() >> 11) / 9_007_199_254_740_992
        return (-2 * Foundation.log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// `count` unit vectors of `dimension` components, row-major.
    mutating func unitVectors(_ count: Int, dimension: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count * dimension)
        for r in 0..<count {
            var norm = 0.0
            var row = [Double](repeating: 0, count: dimension)
            for j in 0..<dimension {
                row[j] = gaussian()
                norm += row[j] * row[j]
            }
            for j in 0..<dimension { out[r * dimension + j] = Float(row[j] / norm.squareRoot()) }
        }
        return out
    }
}

/// Exact nearest neighbours in double precision.
enum BruteForce {
    /// The `k` nearest (id, distance) of each query; ids are row numbers of `base`, or labels'
    /// closest rows when `labels` is given.
    static func search(base: [Float], queries: [Float], dimension d: Int, k: Int,
                       labels: [Int64]? = nil) -> [[(id: Int64, label: Int64, distance: Double)]] {
        let n = base.count / d, m = queries.count / d
        return (0..<m).map { qi in
            var all: [(id: Int64, label: Int64, distance: Double)] = (0..<n).map { r in
                var s = 0.0
                for j in 0..<d {
                    let t = Double(queries[qi * d + j]) - Double(base[r * d + j])
                    s += t * t
                }
                return (Int64(r), labels?[r] ?? Int64(r), s.squareRoot())
            }
            all.sort { ($0.distance, $0.id) < ($1.distance, $1.id) }
            guard labels != nil else { return Array(all.prefix(k)) }
            var seen = Set<Int64>()
            return Array(all.filter { seen.insert($0.label).inserted }.prefix(k))
        }
    }
}
