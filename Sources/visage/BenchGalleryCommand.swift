import ArgumentParser
import Foundation
import Visage
import VisageImage
import VisageRecognition
import VisageStore

/// `visage bench gallery`: warm identification latency against a large gallery, and enrolment
/// throughput (scripts/bench-gallery.sh adds the cold, process-start-to-answer time).
struct GalleryBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Time enrolment and warm identification with a large gallery.",
        discussion: """
        Builds a gallery of --people synthetic people (seeded random 128-d vectors, imported through \
        the library in one transaction), enrols the --enroll photos (one person each, through the \
        full pipeline: decode, detect, align, embed, write), then identifies --query --repeats times \
        after one warm-up. Prints one JSON object.
        """)

    @Option(name: .long, help: "The gallery file to create (must not exist).")
    var gallery: String

    @Option(name: .long, help: "Synthetic people to import.")
    var people = 10_000

    @Option(name: .long, parsing: .upToNextOption, help: "Photos to enrol (one person each).")
    var enroll: [String] = []

    @Option(name: .long, help: "The photo to identify.")
    var query: String

    @Option(name: .long, help: "Timed identifications.")
    var repeats = 20

    @Option(name: .long, help: "Face detector for enrolment and identification: \(DetectorKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var detector: DetectorKind = .mmod

    @Option(name: .long, help: "Times the image is doubled before MMOD detection, as identify's --upsample (default auto).")
    var upsample: UpsampleChoice = .auto

    func run() throws {
        guard !FileManager.default.fileExists(atPath: gallery) else { throw ValidationError("\(gallery) exists") }
        guard people >= 0, repeats >= 1 else { throw ValidationError("--people ≥ 0 and --repeats ≥ 1") }
        let options = try GalleryOptions.parse(["--gallery", gallery, "--detector", detector.rawValue,
                                                "--upsample", upsample.description])
        let store = try options.openOrCreate(encoder: .dlibResNet)
        defer { try? store.close() }
        let importSeconds = try time { try importSynthetic(into: store) }
        let pipeline = try options.pipeline(for: store.model)
        let recognizer = try runBlocking { try await Recognizer.open(pipeline: pipeline, store: store) }
        let photos = try enroll.map { EnrolmentImage(source: $0, data: try readBytes($0)) }
        var accepted = 0
        let enrolSeconds = try time {
            for (i, photo) in photos.enumerated() {
                let report = try runBlocking { try await recognizer.enroll("photo \(i)", images: [photo]) }
                accepted += report.acceptedCount
            }
        }
        let bytes = try readBytes(query)
        _ = try runBlocking { try await recognizer.identify([try Recognizer.decode(bytes, source: "query")]) }  // warm-up (loads the matrix)
        var total: [Double] = [], search: [Double] = [], found: String?
        for _ in 0..<repeats {
            var faces: [[Face]] = []
            let t = try time { faces = [try pipeline.faces(in: try Recognizer.decode(bytes, source: "query"))] }
            var result: [[FaceIdentification]] = []
            let batch = faces
            let s = try time { result = try runBlocking { try await recognizer.identify(faces: batch, topK: 3) } }
            total.append(t + s)
            search.append(s)
            found = result.first?.first?.identity ?? result.first?.first?.candidates.first.map { "unknown (closest \($0.name))" }
        }
        let counts = try store.stats()
        print(JSON.object([
            ("people", .int(counts.people)), ("faces", .int(counts.faces)),
            ("import_seconds", .number(importSeconds, decimals: 3)),
            ("enrolled_photos", .int(accepted)), ("enrol_seconds", .number(enrolSeconds, decimals: 3)),
            ("enrol_photos_per_second", .number(photos.isEmpty ? 0 : Double(photos.count) / enrolSeconds, decimals: 2)),
            ("warm_identify_ms_median", .number(median(total) * 1000, decimals: 2)),
            ("warm_identify_ms_p90", .number(percentile(total, 0.9) * 1000, decimals: 2)),
            ("warm_search_ms_median", .number(median(search) * 1000, decimals: 3)),
            ("detector", .string(detector.rawValue)), ("upsample", .string(upsample.description)),
            ("query", .string(query)), ("answer", found.map(JSON.string) ?? .null),
        ]).text)
    }

    /// Writes `people` seeded random people as a JSON-lines export and imports it.
    private func importSynthetic(into store: Gallery) throws {
        guard people > 0 else { return }
        var random = SeededVectors(seed: 2026)
        let vectors = random.unitVectors(people, dimension: 128)
        var out = "{\"format\":\"visage-gallery\",\"kind\":\"header\",\"model\":{\"dimension\":128,\"id\":\"dlib-resnet\",\"preprocessingVersion\":1},\"version\":1}\n"
        for p in 0..<people {
            let name = String(format: "synthetic %05d", p)
            out += "{\"kind\":\"person\",\"name\":\"\(name)\"}\n"
            let v = vectors[p * 128 ..< (p + 1) * 128]   // unit vectors (dlib descriptors have norm ≈ 1)
            let sha = String(format: "%064x", p + 1)
            out += "{\"box\":{\"bottom\":150,\"left\":50,\"right\":150,\"top\":50},\"embedding\":[\(v.map { "\($0)" }.joined(separator: ","))],\"imageSHA256\":\"\(sha)\",\"kind\":\"face\",\"person\":\"\(name)\",\"quality\":1}\n"
        }
        let file = URL(fileURLWithPath: gallery + ".synthetic.jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(out.utf8).write(to: file)
        try store.importJSONLines(from: file)
    }

    private func time(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private func median(_ v: [Double]) -> Double { percentile(v, 0.5) }
    private func percentile(_ v: [Double], _ q: Double) -> Double {
        let s = v.sorted()
        return s[min(s.count - 1, Int((Double(s.count - 1) * q).rounded()))]
    }
}
