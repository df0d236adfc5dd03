import XCTest

/// Placeholder so the test target builds; delete it with the first real test.
final class VisageServerPlaceholderTests: XCTestCase {
    func testModuleBuilds() { XCTAssertTrue(true) }
}
