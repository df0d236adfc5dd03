import Foundation
import VisageNN
import XCTest

/// The back end loads OpenBLAS itself, choosing its settings before the library reads them.
final class BackendTests: XCTestCase {
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
