import Foundation
import FuzzSupport
import VisageStore

// A gallery's JSON-lines import: every line is validated before one transaction writes it.
// One gallery (in /dev/shm) serves the whole run; inputs that import add people, and later
// inputs with the same names take the duplicate-name path.

private let model = GalleryModel(id: "fuzz-model", preprocessingVersion: 1, dimension: 4)
private let scratch = ScratchFile(suffix: ".sqlite")
private let gallery: Gallery = {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: scratch.path + suffix) }
    do {
        return try Gallery.open(path: scratch.path, model: model, create: true)
    } catch {
        preconditionFailure("cannot create the fuzzing gallery: \(error)")
    }
}()

private let callback: FuzzCallback = { start, count in
    let data = Data(fuzzBytes(start, count))
    if let summary = try? gallery.importJSONLines(data: data, onConflict: count % 2 == 0 ? .fail : .merge) {
        precondition(summary.people >= 0 && summary.faces >= 0)
    }
    return 0
}

@_cdecl("fuzz_gallery_import_main")
func fuzzGalleryImportMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzzMain(argc, argv, seeds: {
        // Real exports written by Gallery.exportJSONLines, with and without crops.
        let path = NSTemporaryDirectory() + "visage-fuzz-seed-\(getpid()).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let source = try Gallery.open(path: path, model: model, create: true)
        _ = try source.addPerson(name: "Ada", metadata: ["team": "x"])
        let sha = String(repeating: "ab", count: 32)
        try source.enroll(personName: "Ada", faces: [
            NewFace(imageSHA256: sha, box: FaceBox(left: 1, top: 2, right: 30, bottom: 40),
                    landmarks: [FacePoint(x: 5, y: 6), FacePoint(x: 7.5, y: 8)], quality: 0.9,
                    crop: Data([0x89, 0x50, 0x4E, 0x47]), embedding: [0.5, -0.5, 0.5, -0.5]),
        ])
        try source.enroll(personName: "Bob", createIfMissing: true, faces: [
            NewFace(imageSHA256: String(repeating: "0f", count: 32), box: FaceBox(left: 0, top: 0, right: 9, bottom: 9),
                    quality: 0.1, embedding: [1, 0, 0, 0]),
        ])
        var seeds: [(String, [UInt8])] = []
        for crops in [true, false] {
            let out = URL(fileURLWithPath: path + (crops ? ".crops.jsonl" : ".jsonl"))
            try source.exportJSONLines(to: out, includeCrops: crops)
            seeds.append((crops ? "export-crops.jsonl" : "export.jsonl", [UInt8](try Data(contentsOf: out))))
            try? FileManager.default.removeItem(at: out)
        }
        try source.close()
        return seeds
    }, callback: callback)
}
