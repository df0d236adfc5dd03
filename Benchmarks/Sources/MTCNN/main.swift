// bench-mtcnn: milliseconds per photo of Visage's MTCNN (release build), and facenet-pytorch's
// MTCNN on CPU measured in the same run (Benchmarks/reference/mtcnn_reference.py bench).
//
//   swift run -c release bench-mtcnn [--runs N] [--python /opt/mtcnn-venv/bin/python | --no-reference]
//
// Photos: LFW AJ_Cook_0001 (250×250, one face) and a 4×4 mosaic of LFW images (1000×1000 = 1 MP,
// 16 faces), both from ../shared/data (or $VISAGE_SHARED_DATA). Models from the model cache.
import Foundation
import Visage
import VisageImage
import VisageNN

let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
let runs = Int(option("--runs") ?? "") ?? 20
let python = option("--python") ?? "/opt/mtcnn-venv/bin/python"
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let data = ProcessInfo.processInfo.environment["VISAGE_SHARED_DATA"].map { URL(fileURLWithPath: $0) }
    ?? repository.deletingLastPathComponent().appendingPathComponent("shared/data")
let mosaicPeople = [
    "AJ_Cook", "Aaron_Peirsol", "Aaron_Pena", "Abba_Eban", "Abdul_Majeed_Shobokshi", "Abdulaziz_Kamilov",
    "Abdullah_Ahmad_Badawi", "Abdullah_Gul", "Abdullah_al-Attiyah", "Abdullatif_Sener", "Abel_Aguilar",
    "Abel_Pacheco", "Aby_Har-Even", "Adam_Herbert", "Adel_Al-Jubeir", "Adelina_Avila",
]

func firstImage(_ person: String) throws -> Image {
    let folder = data.appendingPathComponent("lfw-dev/lfw-deepfunneled/\(person)")
    let name = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()[0]
    return try Image.load(path: folder.appendingPathComponent(name).path).converted(to: .rgb)
}

func mosaic() throws -> Image {
    let tiles = try mosaicPeople.map(firstImage)
    let side = 250
    var pixels = [UInt8](repeating: 0, count: 16 * side * side * 3)
    for (t, tile) in tiles.enumerated() {
        for y in 0..<side {
            let dst = (((t / 4) * side + y) * 4 * side + (t % 4) * side) * 3
            pixels.replaceSubrange(dst..<(dst + side * 3), with: tile.pixels[(y * side * 3)..<((y + 1) * side * 3)])
        }
    }
    return Image(width: 4 * side, height: 4 * side, format: .rgb, pixels: pixels)
}

func milliseconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

func report(_ label: String, _ body: () -> Void) {
    body()  // warm-up
    let times = (0..<runs).map { _ in milliseconds(body) }.sorted()
    print(String(format: "Visage %@: median %.1f ms, min %.1f ms over %d runs", label, times[runs / 2], times[0], runs))
}

do {
    print("Visage MTCNN, \(Backend.info)")
    let detector = try MTCNNDetector(store: ModelStore())
    let small = try firstImage("AJ_Cook")
    let big = try mosaic()
    print("faces found: 250×250 \(detector.detect(in: small).count), 1 MP mosaic \(detector.detect(in: big).count)")
    report("250x250") { _ = detector.detect(in: small) }
    report("1000x1000 (1 MP)") { _ = detector.detect(in: big) }

    // Stage 1 alone on the 1 MP photo: the pyramid and P-Net.
    let scales = MTCNNPyramid.scales(width: big.width, height: big.height, options: detector.options)
    let pnetOnly = (0..<5).map { _ in
        milliseconds {
            for scale in scales {
                let (w, h) = MTCNNPyramid.levelSize(width: big.width, height: big.height, scale: scale)
                _ = detector.networks.pnet(Tensor(shape: [1, 3, h, w]))
            }
        }
    }.sorted()
    print(String(format: "  of which P-Net on the %d pyramid levels: %.1f ms (median of 5)", scales.count, pnetOnly[2]))

    if !arguments.contains("--no-reference") {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repository.appendingPathComponent("Benchmarks/reference/mtcnn_reference.py").path,
                             "bench", "--runs", String(runs)]
        try process.run()
        process.waitUntilExit()
    }
} catch {
    print("bench-mtcnn: \(error)")
    exit(1)
}
