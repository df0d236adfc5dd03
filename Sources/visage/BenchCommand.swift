import ArgumentParser
import Foundation
import VisageIndex
import VisageNN

/// `visage bench …`: measurements on this machine.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure Visage's speed on this machine.",
        subcommands: [SearchBenchCommand.self, GalleryBenchCommand.self])
}

extension VectorPrecision: ExpressibleByArgument {
    /// Parses `fp32`, `fp16` or `int8`.
    public init?(argument: String) {
        guard let p = VectorPrecision.allCases.first(where: { $0.description == argument }) else { return nil }
        self = p
    }
}

/// `visage bench search`: exact top-k search over random unit vectors.
struct SearchBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Time top-k search over random unit vectors (seeded: the same vectors on every run).",
        discussion: """
        Queries run in batches of --batch after one untimed warm-up batch. queries_per_second is \
        queries over total time; p50_ms / p99_ms are batch latencies. memory_bytes counts what \
        stays in memory: the vectors or codes every search scans, their norms, labels and ids, \
        and the float32 re-rank vectors of fp16 / int8 indexes when they are in memory. With \
        --mapped the index is saved, evicted from the page cache and opened cold (open_ms); the \
        re-rank vectors then stay on disk and file_cached_bytes shows how much of the file the \
        run read in. rss_bytes is the process's resident set after the run (file pages mapped \
        from the page cache, possibly as 2 MB folios, count in it).
        """)

    @Option(name: .long, help: "Vectors in the index.")
    var n = 1_000_000

    @Option(name: .long, help: "Components per vector.")
    var dim = 128

    @Option(name: .long, help: "Number of queries.")
    var queries = 1000

    @Option(name: .long, help: "Queries per search call.")
    var batch = 64

    @Option(name: .long, help: "Results per query.")
    var k = 5

    @Option(name: .long, help: "Scanned precision: fp32, fp16 or int8.")
    var precision: VectorPrecision = .float32

    @Option(name: .long, help: "Candidates per result re-ranked in float32 (fp16 / int8).")
    var rerank = 4

    @Option(name: .long, help: "Seed of the random vectors.")
    var seed: UInt64 = 1

    @Flag(name: .long, help: "Scan with the portable kernels and BLAS only (no AVX2 kernels), for comparison.")
    var portableKernels = false

    @Flag(name: .long, help: "Scan int8 with the AVX2 kernel even when the CPU has AVX-512 VNNI, for comparison.")
    var avx2Kernels = false

    @Option(name: .long, help: "Threads (default: one per core).")
    var threads: Int?

    @Flag(name: .long, help: "Save the index to a temporary file and search it memory-mapped (reports the open time).")
    var mapped = false

    @Option(name: .long, help: "Write base.f32 and queries.f32 (raw little-endian float32) to this folder.")
    var vectorsOut: String?

    @Option(name: .long, help: "Write the result ids (queries × k Int64, -1 for missing) to this file.")
    var idsOut: String?

    @Flag(name: .long, help: "Only generate the vectors (with --vectors-out: write them) and build the index.")
    var skipSearch = false

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard n >= 1, dim >= 1, queries >= 1, batch >= 1, k >= 1, rerank >= 1 else {
            throw ValidationError("--n, --dim, --queries, --batch, --k and --rerank must be at least 1")
        }
        guard n.multipliedReportingOverflow(by: dim).partialValue <= 1 << 32 else {
            throw ValidationError("--n × --dim must stay below 2^32 floats")
        }
    }

    func run() throws {
        if let threads { Backend.setThreads(threads) }
        // Base vectors first: the queries are then the same prefix for any --queries.
        var rng = SeededVectors(seed: seed)
        var (index, buildSeconds) = try build(&rng)
        let queryVectors = rng.unitVectors(queries, dimension: dim)
        if let vectorsOut {
            try queryVectors.withUnsafeBytes {
                try Data($0).write(to: URL(fileURLWithPath: vectorsOut).appendingPathComponent("queries.f32"))
            }
        }
        if skipSearch { return }
        var openMs: Double?
        var file: URL?
        if mapped {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("visage-bench-\(UUID().uuidString).vsi")
            file = url
            try index.save(to: url)
            index = try VectorIndex(dimension: 1)  // release the in-memory rows before reopening
            PageCache.drop(path: url.path)  // a cold open, and cold reads of re-ranked rows
            let start = DispatchTime.now()
            index = try VectorIndex.open(contentsOf: url)
            openMs = seconds(since: start) * 1000
        }
        defer { if let file { try? FileManager.default.removeItem(at: file) } }

        let options = searchOptions
        let batches = stride(from: 0, to: queries, by: batch).map { Array(queryVectors[($0 * dim)..<(Swift.min(queries, $0 + batch) * dim)]) }
        _ = try index.search(batches[0], k: k, options: options)  // warm-up
        var latencies: [Double] = []
        var ids: [Int64] = []
        let start = DispatchTime.now()
        for b in batches {
            let t = DispatchTime.now()
            let hits = try index.search(b, k: k, options: options)
            latencies.append(seconds(since: t))
            for h in hits { ids += h.map(\.id) + [Int64](repeating: -1, count: k - h.count) }
        }
        let total = seconds(since: start)
        if let idsOut { try ids.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: idsOut)) } }
        report(index: index, build: buildSeconds, openMs: openMs, total: total, latencies: latencies,
               cached: file.flatMap { PageCache.cachedBytes(path: $0.path) })
    }

    /// Generates the base vectors, writes them if asked, and indexes them.
    private func build(_ rng: inout SeededVectors) throws -> (VectorIndex, Double) {
        let base = rng.unitVectors(n, dimension: dim)
        if let vectorsOut {
            let folder = URL(fileURLWithPath: vectorsOut)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try base.withUnsafeBytes { try Data($0).write(to: folder.appendingPathComponent("base.f32")) }
        }
        let start = DispatchTime.now()
        let index = try VectorIndex(dimension: dim, precision: precision)
        try index.add(base, labels: (0..<Int64(n)).map { $0 })
        return (index, seconds(since: start))
    }

    /// The options every timed search uses.
    private var searchOptions: SearchOptions {
        SearchOptions(rerankFactor: rerank, kernels: portableKernels ? .portable : avx2Kernels ? .avx2 : .automatic)
    }

    private func report(index: VectorIndex, build: Double, openMs: Double?, total: Double, latencies: [Double],
                        cached: Int?) {
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double { sorted[Swift.min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)] * 1000 }
        let usage = index.memoryUsage
        let qps = Double(queries) / total
        let rss = statusBytes("VmRSS")
        if json {
            print(JSON.object([
                ("n", .int(n)), ("dim", .int(dim)), ("queries", .int(queries)), ("batch", .int(batch)), ("k", .int(k)),
                ("precision", .string(precision.description)), ("kernels", .string(searchOptions.kernels.resolved(for: precision))),
                ("threads", .int(Backend.threads)),
                ("mapped", .bool(mapped)), ("build_seconds", .number(build, decimals: 3)),
                ("open_ms", openMs.map { .number($0, decimals: 3) } ?? .null),
                ("queries_per_second", .number(qps, decimals: 2)), ("p50_ms", .number(percentile(0.5), decimals: 3)),
                ("p99_ms", .number(percentile(0.99), decimals: 3)), ("memory_bytes", .int(usage.residentBytes)),
                ("scanned_bytes", .int(usage.scannedBytes)), ("rerank_bytes", .int(usage.rerankBytes)),
                ("rss_bytes", rss.map { .int($0) } ?? .null),
                ("rss_anon_bytes", statusBytes("RssAnon").map { .int($0) } ?? .null),
                ("rss_file_bytes", statusBytes("RssFile").map { .int($0) } ?? .null),
                ("file_cached_bytes", cached.map { .int($0) } ?? .null),
            ]).text)
            return
        }
        print("search \(n) × \(dim) \(precision), \(queries) queries in batches of \(batch), top \(k), "
              + "\(searchOptions.kernels.resolved(for: precision)) kernels, \(Backend.info)")
        print(String(format: "  build %.2f s%@", build, openMs.map { String(format: ", open (mapped) %.1f ms", $0) } ?? ""))
        print(String(format: "  %.1f queries/s, batch latency p50 %.2f ms, p99 %.2f ms", qps, percentile(0.5), percentile(0.99)))
        print("  memory \(usage.residentBytes) bytes (scanned \(usage.scannedBytes), re-rank \(usage.rerankBytes)"
              + (mapped ? " on disk" : "") + ")" + (rss.map { ", resident set \($0) bytes" } ?? ""))
        if let cached { print("  index file in the page cache after the run: \(cached) bytes") }
    }

    private func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// A field of the process's status in bytes (Linux), e.g. `VmRSS`, `RssAnon`, `RssFile`;
    /// `nil` where `/proc` is missing.
    private func statusBytes(_ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kb * 1024
    }
}
