import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import VisageEval
import VisageImage
import XCTest

final class ROCPlotTests: XCTestCase {
    private func plot(_ axis: ROCPlot.FARAxis) throws -> ROCPlot {
        var generator = SeededGenerator(seed: 11)
        let genuine = SyntheticScores.normal(300, mean: 0.7, sd: 0.12, generator: &generator)
        let impostor = SyntheticScores.normal(3000, mean: 1.15, sd: 0.1, generator: &generator)
        let roc = try ROCCurve(genuine: genuine, impostor: impostor)
        return ROCPlot(series: [ROCPlot.Series(label: "synthetic <a&b>", curve: roc, marker: roc.operatingPoint(maxFAR: 1e-2))],
                       title: "ROC test", farAxis: axis)
    }

    func testSVGIsWellFormedXML() throws {
        for axis in [ROCPlot.FARAxis.linear, .logarithmic(minimum: nil)] {
            let svg = try plot(axis).svg()
            let parser = XMLParser(data: Data(svg.utf8))
            XCTAssertTrue(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
            XCTAssertTrue(svg.contains("<polyline"))
            XCTAssertTrue(svg.contains("synthetic &lt;a&amp;b&gt;: AUC"))
            XCTAssertTrue(svg.contains(">ROC test</text>"))
        }
    }

    func testPNGShowsTheCurveInsideTheFrame() throws {
        let p = try plot(.logarithmic(minimum: nil))
        let image = try Image.decode(data: p.pngData())
        XCTAssertEqual(image.width, 720)
        XCTAssertEqual(image.height, 540)
        XCTAssertEqual(image.format, .rgb)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(image.pixels[(3 * (y * 720 + x))..<(3 * (y * 720 + x) + 3)]) }
        XCTAssertEqual(pixel(2, 2), [255, 255, 255])
        XCTAssertEqual(pixel(78, 200), [0, 0, 0])  // the frame's left edge at x = 78
        // The curve's colour (series 0: 31, 119, 180) fills a few thousand pixels.
        var blue = 0
        for i in stride(from: 0, to: image.pixels.count, by: 3)
        where image.pixels[i] == 31 && image.pixels[i + 1] == 119 && image.pixels[i + 2] == 180 { blue += 1 }
        XCTAssertGreaterThan(blue, 800)
        XCTAssertLessThan(blue, 20000)
        // The rendering is deterministic.
        XCTAssertEqual(try p.pngData(), try p.pngData())
        // Left in the temporary folder for a look.
        let linear = try plot(.linear)
        try Data(p.pngData()).write(to: FileManager.default.temporaryDirectory.appendingPathComponent("visage-roc-log.png"))
        try Data(linear.pngData()).write(to: FileManager.default.temporaryDirectory.appendingPathComponent("visage-roc-linear.png"))
    }
}
