import Foundation
import VisageImage
import VisageTestSupport
import XCTest

/// The files of the hostile-input catalogue, made at run time from one reference photo (never
/// committed) or from bytes written here.
struct HostileFiles {
    let folder: URL
    /// A 250×250 LFW photo with exactly one face (shared/data/reference/dlib/images).
    let face: Image

    init(folder: URL) throws {
        self.folder = folder
        face = try Image.load(path: try TestData.shared("reference/dlib/images/Tony_Blair_0002.png").path)
    }

    /// Writes `bytes` under `name` and returns the path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The face photo's RGB samples widened to 16 bits (v · 257).
    var face16: [UInt16] { face.pixels.map { UInt16($0) &* 257 } }

    /// `columns × rows` copies of the photo's central 150×150 region, side by side.
    func tiled(columns: Int, rows: Int) throws -> Image {
        let tile = 150, offset = 50
        var out = Image(width: columns * tile, height: rows * tile, format: .rgb)
        for ty in 0..<rows {
            for tx in 0..<columns {
                for y in 0..<tile {
                    let src = ((offset + y) * face.width + offset) * 3
                    let dst = ((ty * tile + y) * out.width + tx * tile) * 3
                    out.pixels.replaceSubrange(dst..<(dst + tile * 3), with: face.pixels[src..<(src + tile * 3)])
                }
            }
        }
        return out
    }

    /// A smooth gradient with no face in it.
    static func gradient(width: Int, height: Int) -> Image {
        var image = Image(width: width, height: height, format: .rgb)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                image.pixels[i] = UInt8(x * 255 / width)
                image.pixels[i + 1] = UInt8(y * 255 / height)
                image.pixels[i + 2] = 128
            }
        }
        return image
    }

    /// An 8×8 CMYK (Adobe) JPEG written by Pillow (the same bytes as VisageImageTests' fixture).
    static let cmykJPEG = "/9j/7gAOQWRvYmUAZAAAAAAA/9sAQwADAgIDAgIDAwMDBAMDBAUIBQUEBAUKBwcGCAwKDAwLCgsLDQ4SEA0OEQ4LCxAWEBETFBUVFQwPFxgWFBgSFBUU/8AAFAgACAAIBEMRAE0RAFkRAEsRAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAA4EQwBNAFkASwAAPwDuNPjb4q+OPDl1458JXEXxBuLS61CO3E119u0zT5IYreO6ntAqArLJexwkhXWLZKzuHiuUXH1z4I3yeHviBHH42t9f03V7SBp7hrJrebVJYjL5aLHvYRqivKWYuCSqALL5pLc14E/aE+F2gXNhHDp2saH4e0G+RdHuItY8+G3tbuQf2g4ja2eV1REuCVkd3cXk4jYE25X7Q/aA/aA/4VZ9p/0nyfLz/Fiv/9k="
}

/// A temporary folder removed after the test.
func temporaryFolder(_ test: XCTestCase) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-hostile-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
}
