import XCTest
import VisageNN
import VisageTraining

/// Embedding validation images, with and without test-time flip averaging.
final class ValidationSetTests: XCTestCase {
    /// Two 2 × 2 images: one mirror-symmetric, one not.
    private func set() -> ValidationSet {
        let symmetric: [UInt8] = [10, 10, 200, 200, 10, 10, 200, 200, 10, 10, 200, 200]
        let lopsided: [UInt8] = [250, 0, 0, 0, 250, 0, 0, 0, 250, 0, 0, 0]
        return ValidationSet(inputSize: 2, images: [symmetric, lopsided], pairs: [.init(first: 0, second: 1, same: false)])
    }

    func testFlipAveragingIsTheNormalisedMeanOfBothEmbeddings() throws {
        // The network is the image itself, flattened and scaled to unit length.
        let network = Sequential([Flatten(), L2Normalize()])
        var validation = set()
        let plain = validation.embed(network)
        validation.averagesFlips = true
        let averaged = validation.embed(network)
        // The symmetric image is its own mirror image: nothing changes.
        for (a, b) in zip(plain[0], averaged[0]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        // The lopsided one: the mean of it and its mirror image, at unit length.
        let image = plain[1]
        var mirrored = image
        for row in 0..<(image.count / 2) { mirrored.swapAt(2 * row, 2 * row + 1) }
        let sum = zip(image, mirrored).map { $0 + $1 }
        let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        XCTAssertNotEqual(plain[1], averaged[1])
        for (a, b) in zip(sum.map { $0 / norm }, averaged[1]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertEqual(averaged[1].reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-5)
    }
}
