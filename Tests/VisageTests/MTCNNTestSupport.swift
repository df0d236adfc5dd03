import Foundation
import Visage
import VisageImage
import VisageTestSupport
import XCTest

/// Shared set-up of the MTCNN tests: the detector from the model cache and the test images.
enum MTCNNTestSupport {
    /// The detector with facenet-pytorch's default options.
    static func detector(_ options: MTCNNOptions = MTCNNOptions()) throws -> MTCNNDetector {
        try MTCNNDetector(store: ModelStore(directory: TestData.modelDirectory), options: options)
    }

    /// The 16 people whose first LFW image makes up the 1000×1000 mosaic (as in
    /// Benchmarks/reference/mtcnn_reference.py).
    static let mosaicPeople = [
        "AJ_Cook", "Aaron_Peirsol", "Aaron_Pena", "Abba_Eban", "Abdul_Majeed_Shobokshi", "Abdulaziz_Kamilov",
        "Abdullah_Ahmad_Badawi", "Abdullah_Gul", "Abdullah_al-Attiyah", "Abdullatif_Sener", "Abel_Aguilar",
        "Abel_Pacheco", "Aby_Har-Even", "Adam_Herbert", "Adel_Al-Jubeir", "Adelina_Avila",
    ]

    /// An image of ../shared/data as RGB, or the mosaic for the path "4x4 LFW mosaic".
    static func image(_ path: String) throws -> Image {
        if path == "4x4 LFW mosaic" { return try mosaic() }
        return try Image.load(path: TestData.shared(path).path).converted(to: .rgb)
    }

    /// 4×4 first images of ``mosaicPeople``, 250×250 each, row by row.
    static func mosaic() throws -> Image {
        var tiles: [Image] = []
        for person in mosaicPeople {
            let folder = try TestData.shared("lfw-dev/lfw-deepfunneled/\(person)")
            let first = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()[0]
            tiles.append(try Image.load(path: folder.appendingPathComponent(first).path).converted(to: .rgb))
        }
        let side = 250
        var pixels = [UInt8](repeating: 0, count: 4 * side * 4 * side * 3)
        for (t, tile) in tiles.enumerated() {
            XCTAssertEqual(tile.width, side)
            XCTAssertEqual(tile.height, side)
            let (ty, tx) = (t / 4, t % 4)
            for y in 0..<side {
                let dst = ((ty * side + y) * 4 * side + tx * side) * 3
                pixels.replaceSubrange(dst..<(dst + side * 3), with: tile.pixels[(y * side * 3)..<((y + 1) * side * 3)])
            }
        }
        return Image(width: 4 * side, height: 4 * side, format: .rgb, pixels: pixels)
    }
}
