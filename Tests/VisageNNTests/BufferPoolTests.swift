import VisageNN
import XCTest

/// `BufferPool`: large blocks come back for reuse, small ones bypass it, the idle limit holds.
final class BufferPoolTests: XCTestCase {
    private let big = (BufferPool.minimumBytes / MemoryLayout<Float>.stride) * 3 / 2   // 3 MiB of floats

    func testReleasedBlockIsReusedForAnyRequestItHolds() {
        let pool = BufferPool()
        let a = pool.allocate(big)
        a[big - 1] = 7
        pool.release(a)
        XCTAssertEqual(pool.idleByteCount, big * 4)
        let b = pool.allocate(big - 1000)
        XCTAssertEqual(b, a, "the idle block holds the smaller request")
        XCTAssertEqual(pool.idleByteCount, 0)
        let c = pool.allocate(big)   // the only idle block is lent: a new one
        XCTAssertNotEqual(c, b)
        pool.release(b)
        pool.release(c)
        XCTAssertEqual(pool.idleByteCount, 2 * big * 4)
        let larger = pool.allocate(2 * big)   // nothing idle is large enough
        XCTAssertNotEqual(larger, b)
        XCTAssertNotEqual(larger, c)
        pool.release(larger)
    }

    func testSmallestFittingBlockIsChosen() {
        let pool = BufferPool()
        let large = pool.allocate(2 * big), small = pool.allocate(big)
        pool.release(large)
        pool.release(small)
        XCTAssertEqual(pool.allocate(big), small)
        XCTAssertEqual(pool.allocate(big), large)
    }

    func testSmallBlocksBypassAndTheLimitHolds() {
        let pool = BufferPool(limitBytes: big * 4 + 100)
        let tiny = pool.allocate(100)
        pool.release(tiny)
        XCTAssertEqual(pool.idleByteCount, 0, "small blocks are freed, not kept")
        let a = pool.allocate(big), b = pool.allocate(big)
        pool.release(a)
        pool.release(b)   // over the limit: freed
        XCTAssertEqual(pool.idleByteCount, big * 4)
    }
}
