import VisageImage
import VisageTestSupport
import XCTest

/// Decodes the 18 course images and compares them byte for byte with the libjpeg-turbo decodings
/// in shared/data/reference/pixels (see that folder's README: Pillow 13 on libjpeg-turbo).
final class ReferenceDecodeTests: XCTestCase {
    static let names = ["andrew", "arnaud", "benoit", "bertrand", "camera_0", "camera_1", "camera_2",
                        "camera_3", "camera_4", "camera_5", "dan", "danielle", "felix", "kevin", "kian",
                        "sebastiano", "tian", "younes"]

    func testCourseImagesMatchLibjpegTurboReference() throws {
        var exact = 0
        var worst = 0
        var report: [String] = []
        for name in Self.names {
            let file = name == "danielle" ? "danielle.png" : "\(name).jpg"
            let url = try TestData.shared("coursera-facenet-images/\(file)")
            let image = try Image.load(path: url.path)
            let reference = try Image.load(path: try TestData.shared("reference/pixels/libjpeg-turbo/\(name).ppm").path)
            XCTAssertEqual(image.format, .rgb, name)
            XCTAssertEqual(image.width, reference.width, name)
            XCTAssertEqual(image.height, reference.height, name)
            guard image.pixels.count == reference.pixels.count else { continue }
            let diff = zip(image.pixels, reference.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
            if diff == 0 { exact += 1 }
            worst = max(worst, diff)
            report.append("\(name): max |diff| \(diff)")
        }
        XCTAssertEqual(exact, Self.names.count, "exact matches \(exact)/\(Self.names.count), worst \(worst)\n" + report.joined(separator: "\n"))
    }
}
