import CVisageBLAS

/// The numerical back end: OpenBLAS, loaded at first use with the right kernels for this CPU.
///
/// OpenBLAS chooses its kernels when the library loads. Visage loads it itself (after setting
/// `OPENBLAS_CORETYPE` from the CPU's features and `OPENBLAS_THREAD_TIMEOUT` to 4 unless the
/// user set them), so no environment variable is needed. Without OpenBLAS a portable built-in
/// kernel keeps results correct.
///
/// Threads: one team of Visage's own worker threads (`CVisageBLAS/pool.c`) runs the parallel
/// loops and the blocks of large matrix products, with OpenBLAS on one thread inside each
/// block. The workers spin for 0.2 ms after each loop before they sleep, so the back-to-back
/// layers of a single-image forward pass do not wait for a thread to wake.
public enum Backend {
    /// A description of the back end in use.
    public struct Info: Sendable, CustomStringConvertible {
        /// `true` when OpenBLAS is in use, `false` for the built-in kernel.
        public let openBLAS: Bool
        /// OpenBLAS's kernel family, e.g. `"Haswell"`, `"Zen"`, `"SkylakeX"`, or `"builtin"`.
        public let coreName: String
        /// The `OPENBLAS_CORETYPE` Visage chose, or `nil` when it kept the user's or needed none.
        public let chosenCoreType: String?
        /// Threads used by matrix products and by Visage's own parallel loops.
        public let threads: Int

        /// A one-line summary.
        public var description: String {
            let origin = chosenCoreType.map { "chosen by Visage: \($0)" } ?? "as detected"
            return openBLAS ? "OpenBLAS \(coreName) (\(origin)), \(threads) thread(s)"
                : "built-in sgemm (OpenBLAS not found), \(threads) thread(s)"
        }
    }

    /// Loads the back end if needed and describes it.
    public static var info: Info {
        let ok = visage_blas_init() == 0
        let chosen = String(cString: visage_blas_chosen_coretype())
        return Info(openBLAS: ok, coreName: String(cString: visage_blas_corename()),
                    chosenCoreType: chosen.isEmpty ? nil : chosen, threads: threads)
    }

    /// Sets the number of threads for matrix products and parallel loops.
    /// - Parameter count: the thread count; 0 or less means one per core.
    public static func setThreads(_ count: Int) {
        visage_blas_set_threads(Int32(clamping: count))
    }

    /// The number of threads in use.
    public static var threads: Int { max(1, Int(visage_blas_threads())) }

    /// Runs `body(i)` for `i` in `0..<count`, spread over the back end's threads when
    /// `count` is above one and the work is worth splitting.
    /// - Parameters:
    ///   - count: the number of iterations.
    ///   - body: the work for one iteration; must be safe to run concurrently.
    public static func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        let t = min(threads, count)
        if t <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        // Visage's worker team (CVisageBLAS/pool.c), shared with the split matrix products: one
        // job per thread, each running every t-th iteration (the closure is loaded once per
        // thread, not retained and released per iteration from two cores).
        withoutActuallyEscaping(body) { body in
            var job = Job(body: body, count: count, stride: t)
            withUnsafeMutablePointer(to: &job) { context in
                visage_parallel_for(t, { context, worker in
                    let job = context!.assumingMemoryBound(to: Job.self)
                    let body = job.pointee.body, count = job.pointee.count, stride = job.pointee.stride
                    var i = worker
                    while i < count {
                        body(i)
                        i += stride
                    }
                }, context)
            }
        }
    }

    /// A parallel loop as the worker team's callback sees it.
    private struct Job {
        let body: (Int) -> Void
        let count: Int
        let stride: Int
    }

    /// ``parallelFor(_:_:)`` for a loop touching `elements` floats in all: below about 32 K of
    /// them waking a second thread costs more than it saves, so the loop runs on the caller.
    public static func parallelFor(_ count: Int, elements: Int, _ body: (Int) -> Void) {
        if elements < 1 << 15 {
            for i in 0..<count { body(i) }
            return
        }
        parallelFor(count, body)
    }
}
