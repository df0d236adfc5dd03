import XCTest
import VisageNN
import VisageTraining

final class TripletMiningTests: XCTestCase {
    /// 1-D embeddings (D = 1) make every distance easy to work out by hand.
    private func line(_ values: [Float]) -> Tensor { Tensor(shape: [values.count, 1], storage: values) }

    func testEveryAnchorPositivePairWithSemiHardNegatives() {
        // Identity 0 at 0 and 0.3; identity 1 at 0.5 and 2.0; identity 2 at 0.45.
        let e = line([0, 0.3, 0.5, 2.0, 0.45])
        let labels = [0, 0, 1, 1, 2]
        var g = SystemRandomNumberGenerator()
        let triplets = TripletMiner(alpha: 0.2, selection: .semiHard).mine(embeddings: e, labels: labels, using: &g)
        // Ordered anchor–positive pairs: (0,1), (1,0), (2,3), (3,2); identity 2 has none.
        XCTAssertEqual(triplets.map { [$0.anchor, $0.positive] }, [[0, 1], [1, 0], [2, 3], [3, 2]])
        // Anchor 0: d(a,p) = 0.09; negatives 0.25 (row 2), 4 (row 3), 0.2025 (row 4) → nearest farther is row 4.
        XCTAssertEqual(triplets[0].negative, 4)
        // Anchor 1 (0.3): d(a,p) = 0.09; negatives 0.04, 2.89, 0.0225 → nearest farther than 0.09 is row 3.
        XCTAssertEqual(triplets[1].negative, 3)
        // Anchor 3 (2.0): d(a,p) = 2.25; negatives 4, 2.89, 2.4025 → nearest farther is row 4.
        XCTAssertEqual(triplets[3].negative, 4)
        // Anchor 2 (0.5): d(a,p) = 2.25; negatives 0.25, 0.04, 0.0025 — none farther → the farthest (row 0).
        XCTAssertEqual(triplets[2].negative, 0)
    }

    func testHardestAndRandom() {
        let e = line([0, 0.3, 0.5, 2.0, 0.45])
        let labels = [0, 0, 1, 1, 2]
        var g = SystemRandomNumberGenerator()
        let hardest = TripletMiner(selection: .hardest).mine(embeddings: e, labels: labels, using: &g)
        XCTAssertEqual(hardest.map(\.negative), [4, 4, 4, 4])
        for _ in 0..<20 {
            for t in TripletMiner(selection: .random).mine(embeddings: e, labels: labels, using: &g) {
                XCTAssertNotEqual(labels[t.negative], labels[t.anchor])
            }
        }
    }

    func testTripletCountAndActiveFraction() throws {
        let e = Tensor(shape: [6, 2], storage: [1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9, -1, 0, -0.9, -0.1])
        let labels = [0, 0, 1, 1, 2, 2]
        var g = SystemRandomNumberGenerator()
        let miner = TripletMiner(alpha: 0.2)
        let triplets = miner.mine(embeddings: e, labels: labels, using: &g)
        XCTAssertEqual(triplets.count, 6)  // 3 identities × 2 × 1
        let (terms, _) = miner.lossAndGradient(embeddings: e, triplets: triplets)
        XCTAssertEqual(terms.activeFraction, 0)  // well separated clusters
        let mixed = miner.lossAndGradient(embeddings: e, triplets: [Triplet(anchor: 0, positive: 2, negative: 1)])
        XCTAssertEqual(mixed.terms.activeFraction, 1)
    }

    func testMeanLossGradientMatchesCentralDifferences() {
        var e = Tensor(shape: [6, 3], storage: (0..<18).map { Float(($0 * 37) % 11) / 10 - 0.5 })
        let labels = [0, 0, 0, 1, 1, 2]
        var g = SystemRandomNumberGenerator()
        let miner = TripletMiner(alpha: 0.5, selection: .hardest)
        let triplets = miner.mine(embeddings: e, labels: labels, using: &g)
        let (terms, gradient) = miner.lossAndGradient(embeddings: e, triplets: triplets)
        XCTAssertTrue(terms.basic.allSatisfy { abs($0) > 0.02 }, "\(terms.basic)")
        let error = GradientCheck.maxError(
            analytic: gradient.storage, indices: Array(0..<e.count), step: 1e-3,
            nudge: { e.storage[$0] += $1 },
            loss: { Double(miner.lossAndGradient(embeddings: e, triplets: triplets).terms.loss) / Double(triplets.count) })
        XCTAssertLessThan(error, 1e-2)
    }
}
