import VisageNN
import XCTest

/// `WorkingMemory`: the engine's activation and scratch buffers.
final class WorkingMemoryTests: XCTestCase {
    /// Small blocks are cache-line aligned; blocks of 2 MiB or more start on a 2 MiB boundary
    /// (so that transparent huge pages can back them). Every element can be written and read.
    func testBlocksAreAlignedAndUsable() {
        for count in [0, 1, 1_000, 524_287, 524_288, 3_000_000] {
            let p = WorkingMemory.allocateFloats(count)
            defer { WorkingMemory.free(p) }
            let address = UInt(bitPattern: p)
            let bytes = count * MemoryLayout<Float>.stride
            XCTAssertEqual(address % 64, 0, "\(count) floats")
            if bytes >= 2 << 20 { XCTAssertEqual(address % (2 << 20), 0, "\(count) floats") }
            let n = max(count, 1)
            for i in 0..<n { p[i] = Float(i % 977) }
            var sum: Double = 0
            for i in 0..<n { sum += Double(p[i]) }
            let expected = (0..<n).reduce(0.0) { $0 + Double($1 % 977) }
            XCTAssertEqual(sum, expected, "\(count) floats")
        }
    }
}
