import XCTest
import VisageNN

/// The triplet loss's analytic gradient against the shared numerical checker.
final class TripletLossGradientTests: XCTestCase {
    func testGradientMatchesCentralDifferences() {
        var a = randomTensor([6, 8], seed: 1, range: 0.5)
        var p = randomTensor([6, 8], seed: 2, range: 0.5)
        var n = randomTensor([6, 8], seed: 3, range: 0.5)
        let loss = TripletLoss(alpha: 0.2)
        let terms = loss.evaluate(anchor: a, positive: p, negative: n)
        // Both active and inactive triplets, none within reach of the hinge.
        XCTAssertTrue(terms.basic.contains { $0 > 0.05 } && terms.basic.contains { $0 < -0.05 }, "\(terms.basic)")
        XCTAssertTrue(terms.basic.allSatisfy { abs($0) > 0.01 })
        let g = loss.gradient(anchor: a, positive: p, negative: n)
        func value() -> Double { Double(loss(anchor: a, positive: p, negative: n)) }
        let indices = Array(0..<a.count)
        let step: Float = 1e-2  // the loss is piecewise quadratic: central differences are exact but for rounding
        XCTAssertLessThan(GradientCheck.maxError(analytic: g.anchor.storage, indices: indices, step: step,
                                                 nudge: { a.storage[$0] += $1 }, loss: value), 1e-2)
        XCTAssertLessThan(GradientCheck.maxError(analytic: g.positive.storage, indices: indices, step: step,
                                                 nudge: { p.storage[$0] += $1 }, loss: value), 1e-2)
        XCTAssertLessThan(GradientCheck.maxError(analytic: g.negative.storage, indices: indices, step: step,
                                                 nudge: { n.storage[$0] += $1 }, loss: value), 1e-2)
    }
}
