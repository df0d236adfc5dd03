import XCTest
import VisageNN

final class TensorTests: XCTestCase {
    func testIndexingIsRowMajor() {
        var t = Tensor(shape: [1, 2, 2, 3])
        t[0, 1, 1, 2] = 5
        XCTAssertEqual(t.storage[11], 5)
        XCTAssertEqual(t.c, 2)
        XCTAssertEqual(t.w, 3)
    }

    func testBatchAndSampleRoundTrip() {
        let a = Tensor(shape: [1, 2], storage: [1, 2])
        let b = Tensor(shape: [1, 2], storage: [3, 4])
        let ab = Tensor.batch([a, b])
        XCTAssertEqual(ab.shape, [2, 2])
        XCTAssertEqual(ab.sample(1), b)
    }
}
