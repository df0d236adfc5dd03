import Foundation
import VisageCluster
import VisageEval

/// Random clusters of known structure: per person a random centre, about `separation` from every
/// other centre, and faces scattered around it so that two faces of one person are about
/// `spread` apart (Gaussian noise; both distances concentrate in high dimension).
struct SyntheticFaces {
    let embeddings: EmbeddingMatrix
    let truth: [Int]

    init(people: Int, facesPerPerson: Int, dimension: Int, separation: Float = 1.0, spread: Float = 0.4,
         seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        func gaussian() -> Float {
            let u1 = (Float(random.next() >> 40) + 1) / Float(1 << 24), u2 = Float(random.next() >> 40) / Float(1 << 24)
            return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
        let centreScale = separation / Float(2 * dimension).squareRoot()
        let noiseScale = spread / Float(2 * dimension).squareRoot()
        var values: [Float] = [], truth: [Int] = []
        values.reserveCapacity(people * facesPerPerson * dimension)
        for p in 0..<people {
            let centre = (0..<dimension).map { _ in gaussian() * centreScale }
            for _ in 0..<facesPerPerson {
                values.append(contentsOf: centre.map { $0 + gaussian() * noiseScale })
                truth.append(p)
            }
        }
        embeddings = try EmbeddingMatrix(values: values, dimension: dimension)
        self.truth = truth
    }
}
