/// Why a Keras HDF5 weight file could not be read.
///
/// Every case names the file (`file`) and, where it applies, the object inside it (`object`,
/// an HDF5 path such as `/model_weights/Conv2d_1a_3x3/Conv2d_1a_3x3/kernel:0`).
public enum KerasFormatError: Error, CustomStringConvertible, Equatable {
    /// The path does not exist or is not a regular file.
    case fileNotFound(file: String)
    /// The file is not an HDF5 file (its signature is missing).
    case notHDF5(file: String)
    /// A libhdf5 call returned an error; `detail` is the library's own error message.
    case hdf5Failure(file: String, object: String, operation: String, detail: String)
    /// A group or dataset that `layer_names` or `weight_names` refers to is not in the file.
    case missingObject(file: String, object: String)
    /// A required attribute is not present.
    case missingAttribute(file: String, object: String, attribute: String)
    /// An attribute has a type or shape the reader does not accept.
    case unexpectedAttribute(file: String, object: String, attribute: String, found: String)
    /// A string attribute is not valid UTF-8.
    case invalidString(file: String, object: String, attribute: String)
    /// A weight dataset is not 32-bit little-endian IEEE floating point.
    case unsupportedDataType(file: String, object: String, found: String)
    /// A weight dataset has a dataspace the reader does not accept (null, or rank above the limit).
    case unsupportedShape(file: String, object: String, found: String)
    /// A weight dataset is larger than the configured limit.
    case tensorTooLarge(file: String, object: String, shape: [UInt64], limitBytes: Int)
    /// A contiguous dataset's data would lie (partly) beyond the end of the file.
    case dataOutsideFile(file: String, object: String, offset: UInt64, bytes: UInt64, fileSize: UInt64)
    /// A weight dataset has no stored data (reading it would silently give fill values).
    case unallocatedData(file: String, object: String)
    /// Neither `/model_weights` nor a root `layer_names` attribute exists: not a Keras weight file.
    case notKerasWeights(file: String)

    /// A message naming the file, the object and what to do.
    public var description: String {
        switch self {
        case let .fileNotFound(file):
            return "Keras weight file not found: \(file)"
        case let .notHDF5(file):
            return "\(file) is not an HDF5 file (no HDF5 signature); expected a Keras .h5 model or weight file"
        case let .hdf5Failure(file, object, operation, detail):
            return "\(file): \(operation) failed on \(object): \(detail) (the file may be truncated or corrupt; download it again)"
        case let .missingObject(file, object):
            return "\(file): \(object) is listed in the layer/weight names but does not exist (corrupt or incomplete file)"
        case let .missingAttribute(file, object, attribute):
            return "\(file): \(object) has no attribute '\(attribute)' (not a Keras weight file, or corrupt)"
        case let .unexpectedAttribute(file, object, attribute, found):
            return "\(file): attribute '\(attribute)' of \(object) has an unexpected type or shape: \(found)"
        case let .invalidString(file, object, attribute):
            return "\(file): attribute '\(attribute)' of \(object) is not valid UTF-8"
        case let .unsupportedDataType(file, object, found):
            return "\(file): dataset \(object) has type \(found); only 32-bit little-endian IEEE floats are supported"
        case let .unsupportedShape(file, object, found):
            return "\(file): dataset \(object) has an unsupported dataspace: \(found)"
        case let .tensorTooLarge(file, object, shape, limit):
            return "\(file): dataset \(object) with shape \(shape) exceeds the limit of \(limit) bytes (raise KerasReadLimits.maxTensorBytes if the file is trusted)"
        case let .dataOutsideFile(file, object, offset, bytes, fileSize):
            return "\(file): dataset \(object) claims \(bytes) bytes at offset \(offset), beyond the file's \(fileSize) bytes (truncated or corrupt file)"
        case let .unallocatedData(file, object):
            return "\(file): dataset \(object) has no stored data (incomplete or corrupt file)"
        case let .notKerasWeights(file):
            return "\(file) has neither a /model_weights group nor a layer_names attribute: not a Keras weight file"
        }
    }
}
