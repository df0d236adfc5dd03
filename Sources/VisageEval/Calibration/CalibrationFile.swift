import Foundation

extension Calibration {
    /// The largest calibration file ``load(from:)`` reads (1 MiB; a calibration is ~10 kB).
    public static let maxFileBytes = 1 << 20

    /// The calibration as pretty-printed JSON with sorted keys.
    /// - Throws: ``EvalError/badCalibration(_:)`` if a value cannot be encoded.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            return try encoder.encode(self)
        } catch {
            throw EvalError.badCalibration("cannot encode: \(error)")
        }
    }

    /// Decodes and checks a calibration.
    /// - Parameter data: JSON written by ``jsonData()``.
    /// - Throws: ``EvalError/badCalibration(_:)`` for invalid JSON, another format version, or
    ///   values out of range.
    public init(jsonData data: Data) throws {
        do {
            self = try JSONDecoder().decode(Calibration.self, from: data)
        } catch let error as DecodingError {
            throw EvalError.badCalibration("not a calibration file: \(error)")
        }
        guard formatVersion == Self.currentFormatVersion else {
            throw EvalError.badCalibration("format version \(formatVersion); this build reads version \(Self.currentFormatVersion)")
        }
        let numbers = [targetFAR, threshold, expectedFAR, calibrationFAR, calibrationTAR, auc, eer, mapping.intercept, mapping.slope]
            + operatingPoints.flatMap { [$0.threshold, $0.far, $0.tar] }
        guard numbers.allSatisfy(\.isFinite), targetFAR > 0, targetFAR < 1, !operatingPoints.isEmpty,
              genuinePairs > 0, impostorPairs > 0,
              zip(operatingPoints, operatingPoints.dropFirst()).allSatisfy({ $0.threshold < $1.threshold }) else {
            throw EvalError.badCalibration("values out of range (non-finite numbers, unsorted operating points or empty counts)")
        }
    }

    /// Writes the calibration as JSON (atomically).
    /// - Throws: ``EvalError/io(path:reason:)``.
    public func write(to url: URL) throws {
        try BoundedFile.write(try jsonData(), to: url)
    }

    /// Reads a calibration file.
    /// - Throws: ``EvalError/io(path:reason:)``, ``EvalError/fileTooLarge(path:bytes:limit:)``
    ///   or ``EvalError/badCalibration(_:)``.
    public static func load(from url: URL) throws -> Calibration {
        try Calibration(jsonData: try BoundedFile.read(url, maxBytes: maxFileBytes))
    }
}
