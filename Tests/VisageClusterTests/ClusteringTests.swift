import Foundation
import VisageCluster
import VisageEval
import XCTest

final class ClusteringTests: XCTestCase {
    /// Points on a line: 0, 0.1, 0.2 | 5, 5.1 | 10.
    private func line() throws -> EmbeddingMatrix {
        try EmbeddingMatrix(values: [0, 0.1, 0.2, 5, 5.1, 10], dimension: 1)
    }

    func testGraphLinksExactlyThePairsBelowTheThreshold() throws {
        let graph = try NeighbourGraph(embeddings: try line(), threshold: 0.15)
        XCTAssertEqual(graph.offsets, [0, 1, 3, 4, 5, 6, 6])
        XCTAssertEqual(graph.neighbours, [1, 0, 2, 1, 4, 3])
        XCTAssertEqual(graph.edgeCount, 3)
        XCTAssertEqual(graph.distances[0], 0.1, accuracy: 1e-5)
        let wide = try NeighbourGraph(embeddings: try line(), threshold: 0.25)
        XCTAssertEqual(Array(wide.neighbours(of: 0)), [1, 2])
        XCTAssertEqual(Array(wide.neighbours(of: 2)), [0, 1])
    }

    func testGraphMatchesBruteForceAcrossBlocks() throws {
        var random = SeededGenerator(seed: 7)
        let n = 600, d = 8
        let values = (0..<(n * d)).map { _ in Float(random.next() % 1000) / 1000 }
        let m = try EmbeddingMatrix(values: values, dimension: d)
        let graph = try NeighbourGraph(embeddings: m, threshold: 0.6)
        var expected = 0
        for i in 0..<n {
            let mine = Set(graph.neighbours(of: i).map(Int.init))
            for j in 0..<n where j != i {
                let dist = m.distance(i, j)
                if abs(dist - 0.6) < 1e-4 { continue }
                XCTAssertEqual(mine.contains(j), dist < 0.6, "pair \(i), \(j) at \(dist)")
                if dist < 0.6 { expected += 1 }
            }
            XCTAssertEqual(Array(graph.neighbours(of: i)), graph.neighbours(of: i).sorted())
        }
        XCTAssertEqual(graph.neighbours.count, expected, accuracy: 4)
    }

    func testBadInputGivesTypedErrors() {
        XCTAssertThrowsError(try EmbeddingMatrix(values: [1, 2, 3], dimension: 2)) {
            XCTAssertEqual($0 as? ClusterError, .badMatrix(count: 1, dimension: 2, values: 3))
        }
        XCTAssertThrowsError(try EmbeddingMatrix(values: [1, .nan], dimension: 1)) {
            XCTAssertEqual($0 as? ClusterError, .nonFiniteEmbedding(row: 1))
        }
        XCTAssertThrowsError(try NeighbourGraph(embeddings: try line(), threshold: -1)) {
            XCTAssertEqual($0 as? ClusterError, .badThreshold(-1))
        }
        XCTAssertThrowsError(try NeighbourGraph(embeddings: try line(), threshold: 100, edgeLimit: 5)) {
            XCTAssertEqual($0 as? ClusterError, .tooManyEdges(limit: 5))
        }
        var options = ClusterOptions(method: .chineseWhispers, threshold: 0.5)
        options.whispers.iterations = 0
        XCTAssertThrowsError(try FaceClusterer(options: options).cluster(try line()))
    }

    func testChineseWhispersFindsTheComponentsAndIsDeterministic() throws {
        let clusterer = FaceClusterer(options: ClusterOptions(method: .chineseWhispers, threshold: 0.15))
        let grouping = try clusterer.cluster(try line())
        XCTAssertEqual(grouping.groups, [[0, 1, 2], [3, 4]])
        XCTAssertEqual(grouping.unassigned, [5])
        let single = try FaceClusterer(options: ClusterOptions(method: .chineseWhispers, threshold: 0.15, minSize: 1)).cluster(try line())
        XCTAssertEqual(single.groups, [[0, 1, 2], [3, 4], [5]])
        XCTAssertEqual(try clusterer.cluster(try line()), grouping)
    }

    func testChineseWhispersSplitsTwoCliquesJoinedByOneEdge() throws {
        // Two 6-cliques whose outermost members (0.3 and 0.7) are linked by one bridge.
        var rows: [[Float]] = []
        for i in 0..<5 { rows.append([Float(i) * 0.01, 0]) }
        rows.append([0.3, 0])
        rows.append([0.7, 0])
        for i in 0..<5 { rows.append([0.9 + Float(i) * 0.01, 0]) }
        let m = try EmbeddingMatrix(rows: rows)
        for seed: UInt64 in [0, 1, 2, 3] {
            var options = ClusterOptions(method: .chineseWhispers, threshold: 0.5)
            options.whispers.seed = seed
            let grouping = try FaceClusterer(options: options).cluster(m)
            XCTAssertEqual(grouping.groups, [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]], "seed \(seed)")
        }
        // DBSCAN with 2 points per core chains them; with a dense core it does not.
        let chained = try FaceClusterer(options: ClusterOptions(method: .dbscan, threshold: 0.5, dbscan: DBSCAN(minPoints: 2))).cluster(m)
        XCTAssertEqual(chained.groups.count, 1)
    }

    func testDBSCANLeavesSparseFacesAsNoise() throws {
        let m = try EmbeddingMatrix(values: [0, 0.1, 0.2, 0.3, 3, 3.1, 9], dimension: 1)
        let labels = try DBSCAN(minPoints: 3).labels(for: try NeighbourGraph(embeddings: m, threshold: 0.15))
        XCTAssertEqual(labels, [0, 0, 0, 0, nil, nil, nil])
        let grouping = try FaceClusterer(options: ClusterOptions(method: .dbscan, threshold: 0.15)).cluster(m)
        XCTAssertEqual(grouping.groups, [[0, 1, 2, 3]])
        XCTAssertEqual(grouping.unassigned, [4, 5, 6])
    }

    func testCompleteLinkageDoesNotChain() throws {
        // 0, 0.4, 0.8, 1.2 are a chain of neighbours at 0.5 but no two ends are: DBSCAN (a
        // single-link method) joins all four, complete linkage keeps groups of diameter < 0.5.
        let m = try EmbeddingMatrix(values: [0, 0.4, 0.8, 1.2, 5], dimension: 1)
        let graph = try NeighbourGraph(embeddings: m, threshold: 0.5)
        XCTAssertEqual(try DBSCAN(minPoints: 2).labels(for: graph), [0, 0, 0, 0, nil])
        XCTAssertEqual(CompleteLinkage().labels(for: graph), [0, 0, 1, 1, 2])
        let grouping = try FaceClusterer(options: ClusterOptions(method: .completeLinkage, threshold: 0.5)).cluster(m)
        XCTAssertEqual(grouping.groups, [[0, 1], [2, 3]])
        XCTAssertEqual(grouping.unassigned, [4])
    }

    func testCompleteLinkageMatchesNaiveAgglomeration() throws {
        var random = SeededGenerator(seed: 11)
        for trial in 0..<20 {
            let n = 40 + trial * 3, d = 3
            let values = (0..<(n * d)).map { _ in Float(random.next() % 100_000) / 100_000 }
            let m = try EmbeddingMatrix(values: values, dimension: d)
            let threshold: Float = 0.3 + Float(trial) * 0.01
            let labels = CompleteLinkage().labels(for: try NeighbourGraph(embeddings: m, threshold: threshold))
            XCTAssertEqual(canonical(labels.map { $0! }), naiveCompleteLinkage(m, threshold: threshold), "trial \(trial)")
        }
    }

    /// Textbook agglomeration on the full distance matrix: merge the closest pair of groups by
    /// their farthest faces while that distance is below the threshold.
    private func naiveCompleteLinkage(_ m: EmbeddingMatrix, threshold: Float) -> [Int] {
        var groups = (0..<m.count).map { [$0] }
        while true {
            var best: (Float, Int, Int)?
            for a in groups.indices {
                for b in (a + 1)..<groups.count {
                    var far: Float = 0
                    for i in groups[a] { for j in groups[b] { far = max(far, m.distance(i, j)) } }
                    if far < threshold, best == nil || far < best!.0 { best = (far, a, b) }
                }
            }
            guard let (_, a, b) = best else { break }
            groups[a] += groups[b]
            groups.remove(at: b)
        }
        var labels = [Int](repeating: 0, count: m.count)
        for (g, group) in groups.enumerated() { for i in group { labels[i] = g } }
        return canonical(labels)
    }

    /// Labels renumbered in order of first appearance.
    private func canonical(_ labels: [Int]) -> [Int] {
        var map: [Int: Int] = [:]
        return labels.map { label in
            if let mapped = map[label] { return mapped }
            map[label] = map.count
            return map.count - 1
        }
    }

    func testRepresentativeIsNearestTheMean() throws {
        let m = try EmbeddingMatrix(values: [0, 0.1, 0.5, 0.55], dimension: 1)
        let grouping = Grouping(groups: [[0, 1, 2]], unassigned: [3])
        XCTAssertEqual(grouping.representatives(in: m), [1])
        XCTAssertEqual(grouping.labels(count: 4), [0, 0, 0, 1])
    }

    func testScoresByHand() {
        // Truth: A A A B B; predicted: {0,1} {2,3,4}.
        let scores = ClusterScores(predicted: [0, 0, 1, 1, 1], truth: [0, 0, 0, 1, 1])
        // Grouped pairs: 1 + 3 = 4, of which same person 1 + 1 = 2; same-person pairs 3 + 1 = 4.
        XCTAssertEqual(scores.pairwisePrecision, 0.5, accuracy: 1e-12)
        XCTAssertEqual(scores.pairwiseRecall, 0.5, accuracy: 1e-12)
        // BCubed P: (1 + 1 + 1/3 + 2/3 + 2/3) / 5; R: (2/3 + 2/3 + 1/3 + 1 + 1) / 5.
        XCTAssertEqual(scores.bcubedPrecision, (3 + 2.0 / 3) / 5, accuracy: 1e-12)
        XCTAssertEqual(scores.bcubedRecall, (11.0 / 3) / 5, accuracy: 1e-12)
        let perfect = ClusterScores(predicted: [5, 5, 7], truth: [1, 1, 2])
        XCTAssertEqual(perfect.pairwiseF1, 1)
        XCTAssertEqual(perfect.bcubedF1, 1)
    }

    func testTenThousandSyntheticFacesClusterCorrectlyAndFast() throws {
        let data = try SyntheticFaces(people: 500, facesPerPerson: 20, dimension: 128, seed: 3)
        let start = Date()
        let grouping = try FaceClusterer(options: ClusterOptions()).cluster(data.embeddings)
        let seconds = Date().timeIntervalSince(start)
        let scores = ClusterScores(predicted: grouping.labels(count: data.embeddings.count), truth: data.truth)
        print("10,000 synthetic faces, complete linkage 0.62 (default): \(grouping.groups.count) groups in \(String(format: "%.2f", seconds)) s; \(scores)")
        XCTAssertGreaterThan(scores.pairwiseF1, 0.99)
        XCTAssertLessThan(seconds, 30, "far slower than the 2 s target even for a debug build")
        for method in [ClusterMethod.chineseWhispers, .dbscan] {
            let other = try FaceClusterer(options: ClusterOptions(method: method, threshold: 0.6)).cluster(data.embeddings)
            let otherScores = ClusterScores(predicted: other.labels(count: data.embeddings.count), truth: data.truth)
            print("10,000 synthetic faces, \(method.rawValue) 0.6: \(other.groups.count) groups; \(otherScores)")
            XCTAssertGreaterThan(otherScores.pairwiseF1, 0.99, method.rawValue)
        }
    }
}
