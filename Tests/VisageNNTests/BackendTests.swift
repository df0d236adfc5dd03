import Foundation
import VisageNN
import XCTest

/// The back end loads OpenBLAS itself, choosing its settings before the library reads them, and
/// runs parallel loops and split matrix products on its own worker team.
final class BackendTests: XCTestCase {
    override func tearDown() {
        Backend.setThreads(0)
        super.tearDown()
    }

    func testParallelForRunsEveryIterationOnceAtAnyThreadCount() {
        for threads in [1, 2, 3, 8] {
            Backend.setThreads(threads)
            XCTAssertEqual(Backend.threads, threads)
            for count in [0, 1, 2, 3, 7, 1000] {
                let hits = UnsafeMutablePointer<Int32>.allocate(capacity: max(count, 1))
                hits.initialize(repeating: 0, count: max(count, 1))
                defer { hits.deallocate() }
                let bits = UInt(bitPattern: hits)
                Backend.parallelFor(count) { i in
                    // Each index is written by one thread only, so a plain increment suffices.
                    UnsafeMutablePointer<Int32>(bitPattern: bits)![i] += 1
                }
                XCTAssertEqual((0..<count).filter { hits[$0] != 1 }, [], "threads \(threads), count \(count)")
            }
        }
    }

    func testNestedAndConcurrentLoopsComplete() {
        Backend.setThreads(2)
        let total = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * 64)
        total.initialize(repeating: 0, count: 4 * 64)
        defer { total.deallocate() }
        let bits = UInt(bitPattern: total)
        // Four threads start loops at once; each loop nests another (run on the caller).
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for _ in 0..<50 {
                Backend.parallelFor(8) { i in
                    Backend.parallelFor(8) { j in
                        let p = UnsafeMutablePointer<Int32>(bitPattern: bits)! + caller * 64 + i * 8 + j
                        p.pointee += 1
                    }
                }
            }
        }
        XCTAssertEqual((0..<(4 * 64)).filter { total[$0] != 50 }, [])
    }

    func testSplitProductsEqualOneThreadsProduct() {
        // Shapes that split by columns (wide), by rows (tall, few columns) and not at all.
        let shapes = [(m: 64, n: 300, k: 100), (m: 200, n: 20, k: 80), (m: 3, n: 5, k: 7)]
        for (m, n, k) in shapes {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = (0..<(m * k)).map { Float(($0 * 37) % 101) / 50 - 1 }
                let b = (0..<(k * n)).map { Float(($0 * 53) % 97) / 48 - 1 }
                let c0 = (0..<(m * n)).map { Float($0 % 13) / 7 }
                func product(threads: Int) -> [Float] {
                    Backend.setThreads(threads)
                    var c = c0
                    Gemm.sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: a, lda: ta ? m : k, b: b,
                               ldb: tb ? k : n, beta: 2, c: &c, ldc: n)
                    return c
                }
                let one = product(threads: 1), two = product(threads: 2), three = product(threads: 3)
                // OpenBLAS picks its kernels (and so its order of sums) by the block's size, so
                // the blocks agree with one call up to float rounding, not bit for bit.
                let differences = zip(one, two).map { abs($0 - $1) } + zip(one, three).map { abs($0 - $1) }
                XCTAssertLessThanOrEqual(differences.max() ?? 0, 1e-5, "\(m)x\(n)x\(k) transA \(ta) transB \(tb)")
                // And the product is right: one element against a direct sum.
                let (i, j) = (m - 1, n / 2)
                var sum: Double = 0
                for p in 0..<k { sum += Double(ta ? a[p * m + i] : a[i * k + p]) * Double(tb ? b[j * k + p] : b[p * n + j]) }
                XCTAssertEqual(Double(one[i * n + j]), 0.5 * sum + 2 * Double(c0[i * n + j]), accuracy: 1e-3)
            }
        }
    }

    func testOpenBLASSettingsAreChosenBeforeLoading() throws {
        let info = Backend.info
        XCTAssertTrue(info.openBLAS, "OpenBLAS should be installed (scripts/setup.sh): \(info)")
        XCTAssertGreaterThanOrEqual(info.threads, 1)
        // Unless the user set them, the kernel family and the idle-thread timeout come from Visage.
        XCTAssertFalse(String(cString: try XCTUnwrap(getenv("OPENBLAS_THREAD_TIMEOUT"))).isEmpty)
        if let chosen = info.chosenCoreType {
            XCTAssertEqual(String(cString: getenv("OPENBLAS_CORETYPE")), chosen)
            XCTAssertEqual(info.coreName.lowercased(), chosen.lowercased(), "OpenBLAS runs the chosen kernels")
        }
    }
}
