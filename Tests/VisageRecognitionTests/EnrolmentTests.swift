import Foundation
import Visage
import VisageImage
import VisageRecognition
import VisageStore
import VisageTestSupport
import XCTest

/// Enrolment gating on a real LFW photo and doctored copies of it, with the real pipeline.
final class EnrolmentTests: XCTestCase {
    static let photo = "lfw-dev/lfw-deepfunneled/Colin_Powell/Colin_Powell_0001.jpg"

    private func pipeline() throws -> FacePipeline {
        try FacePipeline(store: ModelStore(directory: TestData.modelDirectory))
    }

    /// A box blur of the given radius (separable, clamped edges).
    private func blurred(_ image: Image, radius: Int) -> Image {
        var out = image
        let c = image.channels, w = image.width, h = image.height
        for pass in 0..<2 {
            let source = out.pixels
            for y in 0..<h {
                for x in 0..<w {
                    for k in 0..<c {
                        var sum = 0
                        for d in -radius...radius {
                            let xx = pass == 0 ? min(max(x + d, 0), w - 1) : x
                            let yy = pass == 1 ? min(max(y + d, 0), h - 1) : y
                            sum += Int(source[(yy * w + xx) * c + k])
                        }
                        out.pixels[(y * w + x) * c + k] = UInt8(sum / (2 * radius + 1))
                    }
                }
            }
        }
        return out
    }

    /// Two copies of an image side by side.
    private func sideBySide(_ a: Image, _ b: Image) -> Image {
        var out = Image(width: a.width + b.width, height: a.height, format: .rgb)
        for y in 0..<a.height {
            for x in 0..<a.width { for k in 0..<3 { out.pixels[(y * out.width + x) * 3 + k] = a.pixels[(y * a.width + x) * 3 + k] } }
            for x in 0..<b.width where y < b.height { for k in 0..<3 { out.pixels[(y * out.width + a.width + x) * 3 + k] = b.pixels[(y * b.width + x) * 3 + k] } }
        }
        return out
    }

    func testGatingReasonsAndOneTransaction() async throws {
        let bytes = [UInt8](try Data(contentsOf: try TestData.shared(Self.photo)))
        let photo = try Image.decode(data: bytes).converted(to: .rgb)
        var dark = photo
        for i in dark.pixels.indices { dark.pixels[i] = UInt8(Double(dark.pixels[i]) * 0.15) }
        let half = try photo.resized(width: 125, height: 125, filter: .bilinear)
        let images: [EnrolmentImage] = [
            EnrolmentImage(source: "original", data: bytes),
            EnrolmentImage(source: "corrupt", data: Array(bytes.prefix(300))),
            EnrolmentImage(source: "blank", data: try Image(width: 200, height: 200, format: .rgb, fill: 128).pngData()),
            EnrolmentImage(source: "blurred", data: try blurred(photo, radius: 4).pngData()),
            EnrolmentImage(source: "dark", data: try dark.pngData()),
            EnrolmentImage(source: "two", data: try sideBySide(photo, half).pngData()),
            EnrolmentImage(source: "again", data: bytes),
        ]
        let dir = try TemporaryDirectory()
        let pipeline = try pipeline()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: .encoder(pipeline.encoder.descriptor), create: true)
        let recognizer = try await Recognizer.open(pipeline: pipeline, store: gallery)
        let before = try gallery.version()
        let report = try await recognizer.enroll("Colin Powell", images: images)
        let reasons = report.outcomes.map { $0.rejection?.rawValue ?? "accepted" }
        print("enrolment outcomes: \(zip(images.map(\.source), reasons).map { "\($0)=\($1)" }.joined(separator: ", "))")
        for o in report.outcomes { if let q = o.quality { print("  \(o.source): \(q)") } }
        XCTAssertEqual(reasons, ["accepted", "unreadable_image", "no_face", "blurry", "bad_exposure", "multiple_faces", "duplicate_image"])
        XCTAssertTrue(report.createdPerson)
        XCTAssertEqual(report.acceptedCount, 1)
        XCTAssertEqual(try gallery.version(), before + 1, "one transaction for the whole enrolment")
        XCTAssertEqual(try gallery.faces(of: "Colin Powell").count, 1)
        XCTAssertNotNil(try gallery.crop(of: try XCTUnwrap(report.outcomes[0].faceID)))

        // The largest face of the two-face photo is accepted with --face largest; a high size bar rejects it.
        let two = [images[5]]
        let small = try await recognizer.enroll("Colin Powell", images: two, policy: EnrolmentPolicy(minimumFaceSize: 150, faceSelection: .largest))
        XCTAssertEqual(small.outcomes.map(\.rejection), [.faceTooSmall])
        let largest = try await recognizer.enroll("Colin Powell", images: two, policy: EnrolmentPolicy(faceSelection: .largest, keepCrops: false))
        XCTAssertNotNil(largest.outcomes[0].faceID)
        XCTAssertEqual(try gallery.faces(of: "Colin Powell").count, 2)

        // Identification sees both enrolments without a reload (kept in step), and verify agrees.
        let query = try Image.decode(data: [UInt8](try Data(contentsOf: try TestData.shared("lfw-dev/lfw-deepfunneled/Colin_Powell/Colin_Powell_0002.jpg"))))
        let found = try await recognizer.identify([query], topK: 3)
        XCTAssertEqual(found[0].first?.identity, "Colin Powell")
        let verdict = try await recognizer.verify(query, as: "Colin Powell")
        XCTAssertTrue(verdict.match)
        XCTAssertEqual(verdict.distance, try XCTUnwrap(found[0].first?.distance), accuracy: 1e-5)
        XCTAssertLessThan(verdict.distance, 0.6)
        let version = await recognizer.identifier.version
        XCTAssertEqual(version, try gallery.version())

        // Errors: a new person that already exists, a missing person, no face in a verified photo.
        await assertThrows(GalleryError.duplicateName(name: "Colin Powell")) {
            try await recognizer.enroll("Colin Powell", images: [images[0]], target: .newPerson)
        }
        await assertThrows(GalleryError.unknownPerson(name: "Nobody")) {
            try await recognizer.enroll("Nobody", images: [images[0]], target: .existingPerson)
        }
        await assertThrows(RecognitionError.unknownPerson(name: "Nobody")) { try await recognizer.verify(query, as: "Nobody") }
        await assertThrows(RecognitionError.noFace(source: "blank")) {
            try await recognizer.verify(Image(width: 100, height: 100, format: .rgb, fill: 128), as: "Colin Powell", source: "blank")
        }
        XCTAssertEqual(try gallery.faces(of: "Colin Powell").count, 2)
    }
}
