import Foundation
import VisageFormats
import XCTest

/// Inputs found by scripts/fuzz.sh, each of which once crashed a reader: they must now give a
/// typed error.
final class FuzzRegressionTests: XCTestCase {
    /// The libhdf5 over-read cannot be fixed in Visage (it is inside libhdf5 1.10.8, and only
    /// AddressSanitizer sees it): this checks that in a normal build the reader still ends in a
    /// typed error. Under `--sanitize=address` the over-read is reported, so the ASan run skips
    /// this test (docs/robustness.md).
    func testKerasFileWithUnterminatedAttributeNameGivesATypedError() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("visage-fuzz-\(UUID().uuidString).h5")
        try Data(FuzzFindings.kerasUnterminatedAttributeName).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try KerasWeights(contentsOf: url)) { error in
            XCTAssertTrue(error is KerasFormatError, "untyped \(error)")
        }
    }
}
