import Dispatch

/// What each MTCNN stage did on one image: for tuning thresholds and for profiling.
public struct MTCNNTrace: Sendable, Equatable {
    /// Boxes P-Net proposed (after its suppressions), which R-Net then scores.
    public var proposals = 0
    /// Boxes R-Net kept, which O-Net then scores.
    public var refined = 0
    /// Wall-clock seconds of stage 1 (pyramid and P-Net), 2 (R-Net) and 3 (O-Net).
    public var stageSeconds: [Double] = [0, 0, 0]

    /// An empty trace.
    public init() {}

    /// A monotonic stopwatch.
    struct Clock {
        private var last = DispatchTime.now().uptimeNanoseconds

        /// Seconds since the previous lap (or since the clock was made).
        mutating func lap() -> Double {
            let now = DispatchTime.now().uptimeNanoseconds
            defer { last = now }
            return Double(now - last) / 1e9
        }
    }
}
