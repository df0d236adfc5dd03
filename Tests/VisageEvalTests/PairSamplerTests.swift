import VisageEval
import XCTest

final class PairSamplerTests: XCTestCase {
    func testListsAllPairsWhenSmall() {
        let sampler = PairSampler(labels: [0, 0, 0, 1, 1, 2])
        XCTAssertEqual(sampler.genuineCount, 4)
        XCTAssertEqual(sampler.impostorCount, 11)
        XCTAssertEqual(sampler.genuinePairs(), [IndexPair(0, 1), IndexPair(0, 2), IndexPair(1, 2), IndexPair(3, 4)])
        let impostor = sampler.impostorPairs()
        XCTAssertEqual(impostor.count, 11)
        XCTAssertTrue(impostor.allSatisfy { sampler.labels[$0.first] != sampler.labels[$0.second] })
        XCTAssertEqual(sampler.impostorPairs(limit: 11), impostor)
        // A limit above a quarter of the impostor pairs: partial shuffle of the full list.
        let some = sampler.impostorPairs(limit: 5, seed: 9)
        XCTAssertEqual(some.count, 5)
        XCTAssertEqual(Set(some).count, 5)
        XCTAssertTrue(Set(some).isSubset(of: Set(impostor)))
        XCTAssertEqual(sampler.impostorPairs(limit: 5, seed: 9), some)
    }

    func testSamplesUniformlyWithoutReplacementWhenLarge() {
        let labels = (0..<1000).map { $0 / 10 }  // 100 people × 10 images
        let sampler = PairSampler(labels: labels)
        XCTAssertEqual(sampler.genuineCount, 4500)
        XCTAssertEqual(sampler.impostorCount, 499_500 - 4500)
        let genuine = sampler.genuinePairs(limit: 2250, seed: 1)
        XCTAssertEqual(genuine.count, 2250)
        XCTAssertEqual(Set(genuine).count, 2250)
        XCTAssertTrue(genuine.allSatisfy { labels[$0.first] == labels[$0.second] && $0.first < $0.second })
        // Each person has 45 of the 4,500 genuine pairs: about 22.5 drawn (sd ≈ 3.4).
        let perPerson = Dictionary(grouping: genuine, by: { labels[$0.first] }).mapValues(\.count)
        XCTAssertEqual(perPerson.count, 100)
        XCTAssertTrue(perPerson.values.allSatisfy { (8...37).contains($0) }, "\(perPerson.values.sorted())")
        let impostor = sampler.impostorPairs(limit: 3000, seed: 2)
        XCTAssertEqual(impostor.count, 3000)
        XCTAssertEqual(Set(impostor).count, 3000)
        XCTAssertTrue(impostor.allSatisfy { labels[$0.first] != labels[$0.second] })
        XCTAssertEqual(sampler.impostorPairs(limit: 3000, seed: 2), impostor)
        XCTAssertNotEqual(sampler.impostorPairs(limit: 3000, seed: 3), impostor)
        // Each image takes part in about 6 sampled impostor pairs: none should hog them.
        var uses = [Int](repeating: 0, count: 1000)
        for p in impostor { uses[p.first] += 1; uses[p.second] += 1 }
        XCTAssertLessThan(uses.max()!, 20)
    }

    func testSeededGeneratorIsReproducible() {
        var a = SeededGenerator(seed: 1), b = SeededGenerator(seed: 1)
        XCTAssertEqual((0..<5).map { _ in a.next() }, (0..<5).map { _ in b.next() })
        var c = SeededGenerator(seed: 0)
        XCTAssertEqual(c.next(), 0xE220_A839_7B1D_CDAF)  // SplitMix64's first output for seed 0
        for _ in 0..<1000 { XCTAssertLessThan(c.uniform(below: 7), 7) }
    }
}
