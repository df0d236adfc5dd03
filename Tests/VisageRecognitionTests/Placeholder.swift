import XCTest

/// Placeholder so the test target builds; delete it with the first real test.
final class VisageRecognitionPlaceholderTests: XCTestCase {
    func testModuleBuilds() { XCTAssertTrue(true) }
}
