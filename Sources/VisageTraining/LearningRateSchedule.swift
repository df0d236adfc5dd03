import Foundation

/// How the learning rate changes over training, as a multiple of the base rate.
public enum LearningRateSchedule: Sendable, Equatable {
    /// The base rate throughout.
    case constant
    /// Multiplied by `factor` every `epochs` epochs.
    case step(epochs: Int, factor: Float)
    /// Cosine decay from the base rate to `floor` × base at the end of training.
    case cosine(floor: Float)

    /// The multiplier at a point of training, after an optional linear warm-up.
    /// - Parameters:
    ///   - step: updates done so far (0-based).
    ///   - stepsPerEpoch: updates per epoch.
    ///   - totalSteps: updates in the whole run.
    ///   - warmupSteps: updates over which the rate rises linearly from 0.
    public func multiplier(step: Int, stepsPerEpoch: Int, totalSteps: Int, warmupSteps: Int = 0) -> Float {
        let warm: Float = step < warmupSteps ? Float(step + 1) / Float(warmupSteps) : 1
        switch self {
        case .constant:
            return warm
        case .step(let epochs, let factor):
            let epoch = step / max(stepsPerEpoch, 1)
            return warm * Foundation.pow(factor, Float(epoch / max(epochs, 1)))
        case .cosine(let floor):
            let progress = Double(step) / Double(max(totalSteps, 1))
            return warm * (floor + (1 - floor) * Float(0.5 * (1 + cos(Double.pi * min(progress, 1)))))
        }
    }
}
