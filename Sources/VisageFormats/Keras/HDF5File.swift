import CHDF5
import Foundation

/// An open HDF5 file, read-only. Only use it inside ``HDF5Library/withLock(_:)``.
///
/// Every negative libhdf5 return becomes a ``KerasFormatError`` naming the file and the object.
struct HDF5File {
    /// The file's path, for messages.
    let path: String
    /// The file's length in bytes, to bound dataset sizes.
    let fileSize: UInt64
    /// The HDF5 file identifier.
    let id: hid_t

    /// Opens a file read-only.
    init(path: String, fileSize: UInt64) throws {
        self.path = path
        self.fileSize = fileSize
        let isHDF5 = H5Fis_hdf5(path)
        if isHDF5 == 0 { throw KerasFormatError.notHDF5(file: path) }
        if isHDF5 < 0 { throw Self.failure(path, "H5Fis_hdf5", "/") }
        let id = H5Fopen(path, 0, hid_t(0))  // 0 is H5F_ACC_RDONLY
        if id < 0 { throw Self.failure(path, "H5Fopen", "/") }
        self.id = id
    }

    /// Closes the file.
    func close() {
        _ = H5Fclose(id)
    }

    /// The error for a failed libhdf5 call, with the library's message.
    func failure(_ operation: String, _ object: String) -> KerasFormatError {
        Self.failure(path, operation, object)
    }

    private static func failure(_ path: String, _ operation: String, _ object: String) -> KerasFormatError {
        .hdf5Failure(file: path, object: object, operation: operation, detail: HDF5Library.takeErrorMessage())
    }

    /// Throws when `value` is negative (libhdf5's error convention), else returns it.
    @discardableResult
    func check<T: BinaryInteger>(_ value: T, _ operation: String, _ object: String) throws -> T {
        if value < 0 { throw failure(operation, object) }
        return value
    }

    /// Whether every component of a relative link path exists below `location`.
    func linkExists(_ location: hid_t, _ relative: String) -> Bool {
        var prefix = ""
        for component in relative.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += prefix.isEmpty ? String(component) : "/" + component
            if H5Lexists(location, prefix, hid_t(0)) <= 0 {
                _ = H5Eclear2(hid_t(0))
                return false
            }
        }
        return true
    }

    /// Opens a group, distinguishing "missing" from other failures.
    func openGroup(_ location: hid_t, _ relative: String, object: String) throws -> hid_t {
        let group = H5Gopen2(location, relative, hid_t(0))
        if group >= 0 { return group }
        let error = failure("H5Gopen2", object)
        if !linkExists(location, relative) { throw KerasFormatError.missingObject(file: path, object: object) }
        throw error
    }

    /// Reads a string attribute (scalar or array, fixed or variable length) as a list of strings.
    ///
    /// Returns nil when the attribute does not exist, and an empty list for an empty non-string
    /// array (Keras writes `weight_names` of a layer without weights as an empty float64 array).
    func readStrings(_ location: hid_t, object: String, attribute: String, maxBytes: Int) throws -> [String]? {
        let exists = try check(H5Aexists(location, attribute), "H5Aexists(\(attribute))", object)
        if exists == 0 { return nil }
        let attr = try check(H5Aopen(location, attribute, hid_t(0)), "H5Aopen(\(attribute))", object)
        defer { _ = H5Aclose(attr) }
        let type = try check(H5Aget_type(attr), "H5Aget_type(\(attribute))", object)
        defer { _ = H5Tclose(type) }
        let space = try check(H5Aget_space(attr), "H5Aget_space(\(attribute))", object)
        defer { _ = H5Sclose(space) }
        let count = Int(try check(H5Sget_simple_extent_npoints(space), "H5Sget_simple_extent_npoints(\(attribute))", object))
        let typeClass = H5Tget_class(type)
        if typeClass.rawValue < 0 { throw failure("H5Tget_class(\(attribute))", object) }
        guard typeClass == H5T_STRING else {
            if count == 0 { return [] }
            throw KerasFormatError.unexpectedAttribute(
                file: path, object: object, attribute: attribute,
                found: "\(count) elements of HDF5 type class \(typeClass.rawValue), expected strings")
        }
        let isVariable = try check(H5Tis_variable_str(type), "H5Tis_variable_str(\(attribute))", object)
        let raw = isVariable > 0
            ? try readVariableStrings(attr, type: type, count: count, object: object, attribute: attribute, maxBytes: maxBytes)
            : try readFixedStrings(attr, type: type, count: count, object: object, attribute: attribute, maxBytes: maxBytes)
        return try raw.map { bytes in
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw KerasFormatError.invalidString(file: path, object: object, attribute: attribute)
            }
            return text
        }
    }

    private func readVariableStrings(_ attr: hid_t, type: hid_t, count: Int, object: String,
                                     attribute: String, maxBytes: Int) throws -> [[UInt8]] {
        guard count <= maxBytes / MemoryLayout<UnsafeMutablePointer<CChar>>.size else {
            throw KerasFormatError.unexpectedAttribute(file: path, object: object, attribute: attribute,
                                                       found: "\(count) variable-length strings, above the limit")
        }
        let memType = try check(H5Tcopy(H5T_C_S1_g), "H5Tcopy", object)
        defer { _ = H5Tclose(memType) }
        try check(H5Tset_size(memType, -1), "H5Tset_size(H5T_VARIABLE)", object)  // -1 is H5T_VARIABLE
        try check(H5Tset_cset(memType, H5Tget_cset(type)), "H5Tset_cset", object)
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        let status = pointers.withUnsafeMutableBytes { H5Aread(attr, memType, $0.baseAddress) }
        defer { for p in pointers where p != nil { _ = H5free_memory(p) } }
        try check(status, "H5Aread(\(attribute))", object)
        return pointers.map { pointer in
            guard let pointer else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
        }
    }

    private func readFixedStrings(_ attr: hid_t, type: hid_t, count: Int, object: String,
                                  attribute: String, maxBytes: Int) throws -> [[UInt8]] {
        let size = H5Tget_size(type)
        if size == 0 { throw failure("H5Tget_size(\(attribute))", object) }
        let (total, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow, total <= maxBytes, UInt64(total) <= fileSize else {
            throw KerasFormatError.unexpectedAttribute(
                file: path, object: object, attribute: attribute,
                found: "\(count) strings of \(size) bytes, larger than the file or the limit")
        }
        let padding = H5Tget_strpad(type)
        var buffer = [UInt8](repeating: 0, count: total)
        let status = buffer.withUnsafeMutableBytes { H5Aread(attr, type, $0.baseAddress) }
        try check(status, "H5Aread(\(attribute))", object)
        return (0..<count).map { i in
            var item = buffer[(i * size)..<((i + 1) * size)]
            if padding == H5T_STR_SPACEPAD {
                while item.last == 0x20 { item = item.dropLast() }
            } else if let end = item.firstIndex(of: 0) {
                item = item[..<end]
            }
            return Array(item)
        }
    }
}
