import VisageEval
import XCTest

/// Text in HTML pages and SVG plots: markup characters become character references.
final class MarkupEscapingTests: XCTestCase {
    func testMarkupCharactersAreReplaced() {
        XCTAssertEqual(MarkupEscaping.escaped(#"<a href="x">O'Brien & Co</a>"#),
                       "&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; Co&lt;/a&gt;")
        XCTAssertEqual(MarkupEscaping.escaped("Zoë — 東京"), "Zoë — 東京")
        XCTAssertEqual(MarkupEscaping.escaped(""), "")
        // Already escaped text is escaped again (the input is text, not markup).
        XCTAssertEqual(MarkupEscaping.escaped("&amp;"), "&amp;amp;")
    }
}
