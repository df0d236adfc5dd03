import Foundation
import VisageEval
import VisageModels
import VisageStore

/// The decision rule "same person when distance < threshold", with the calibration that turns
/// a distance into a probability and the threshold into a false-accept rate.
///
/// ``value`` is the 1:1 (verify) threshold. Identify (1:K) uses ``value(people:)``: with the
/// registry's default and an encoder whose impostor curve is known (``OpenSetThreshold``), the
/// threshold tightens as the gallery grows so that the share of strangers falsely named stays
/// at the registry's target; a threshold given by the caller is used as it is.
public struct MatchThreshold: Sendable, Equatable {
    /// Where the threshold value came from.
    public enum Source: String, Sendable, Codable {
        /// The model registry's default (0.6 for dlib-resnet; for identify, by gallery size).
        case registry
        /// Given by the caller (`--threshold`).
        case override
    }

    /// The threshold: a face matches when its distance is strictly below it.
    public var value: Float
    /// Where ``value`` came from.
    public var source: Source
    /// The gallery's stored calibration for its model, if any.
    public var calibration: Calibration?
    /// The gallery-size rule for identify; `nil` when the threshold was given or the encoder
    /// has no measured impostor curve.
    public var openSet: OpenSetThreshold?

    /// Creates a rule.
    /// - Parameters:
    ///   - value: the threshold (finite, > 0).
    ///   - source: registry or override.
    ///   - calibration: the calibration to report probabilities with.
    ///   - openSet: the gallery-size rule for identify (`nil`: ``value`` for every gallery).
    /// - Throws: ``RecognitionError/invalidArgument(_:)`` for a threshold that is not finite and positive.
    public init(value: Float, source: Source, calibration: Calibration? = nil, openSet: OpenSetThreshold? = nil) throws {
        guard value.isFinite, value > 0 else {
            throw RecognitionError.invalidArgument("threshold \(value) must be a positive number")
        }
        self.value = value
        self.source = source
        self.calibration = calibration
        self.openSet = openSet
    }

    /// The rule for a gallery: the override when given, else the registry's default for the
    /// gallery's model and its gallery-size rule for identify; with the gallery's stored calibration.
    /// - Parameters:
    ///   - store: the gallery.
    ///   - override: a threshold given by the caller.
    /// - Throws: ``RecognitionError/invalidArgument(_:)`` when the model is not in the registry
    ///   and no override is given, ``RecognitionError/badCalibration(_:)`` for unreadable stored
    ///   calibration, or the gallery's errors.
    public static func forGallery(_ store: any GalleryStore, override: Float? = nil) async throws -> MatchThreshold {
        let calibration = try await loadCalibration(store)
        if let override { return try MatchThreshold(value: override, source: .override, calibration: calibration) }
        guard let descriptor = store.model.descriptor else {
            throw RecognitionError.invalidArgument("model \(store.model.id) has no registry threshold; pass one explicitly")
        }
        return try MatchThreshold(value: descriptor.defaultThreshold, source: .registry, calibration: calibration,
                                  openSet: descriptor.openSet)
    }

    /// Reads and decodes the calibration stored for the gallery's model.
    /// - Throws: ``RecognitionError/badCalibration(_:)`` or the gallery's errors.
    public static func loadCalibration(_ store: any GalleryStore) async throws -> Calibration? {
        guard let json = try await store.calibration(modelID: nil) else { return nil }
        do {
            return try Calibration(jsonData: Data(json.utf8))
        } catch {
            throw RecognitionError.badCalibration("\(error)")
        }
    }

    /// Whether a distance is a match (1:1).
    public func matches(_ distance: Float) -> Bool { distance < value }

    /// The identify threshold for a gallery of `people` people: ``value`` without a gallery-size
    /// rule, else the rule's threshold (at most ``value``).
    public func value(people: Int) -> Float {
        openSet?.threshold(people: people, verification: value) ?? value
    }

    /// P(same person | distance) from the calibration, or `nil` without one.
    public func probability(of distance: Float) -> Double? {
        calibration.map { $0.probability(distance: Double(distance)) }
    }

    /// The false-accept rate of ``value`` on the calibration pairs, or `nil` without calibration.
    public var falseAcceptRate: Double? { falseAcceptRate(of: value) }

    /// The false-accept rate of a threshold on the calibration pairs, or `nil` without calibration.
    public func falseAcceptRate(of threshold: Float) -> Double? {
        calibration.map { $0.falseAcceptRate(threshold: Double(threshold)) }
    }
}
