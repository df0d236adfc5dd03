import CHDF5
import VisageNN

extension HDF5File {
    /// Reads a dataset of 32-bit little-endian floats as a tensor with the dataset's shape.
    ///
    /// The type, rank and size are checked before anything is allocated; a contiguous dataset's
    /// data must lie inside the file.
    func readFloatTensor(_ location: hid_t, _ relative: String, object: String,
                         limits: KerasReadLimits) throws -> Tensor {
        let dataset = H5Dopen2(location, relative, hid_t(0))
        if dataset < 0 {
            let error = failure("H5Dopen2", object)
            if !linkExists(location, relative) { throw KerasFormatError.missingObject(file: path, object: object) }
            throw error
        }
        defer { _ = H5Dclose(dataset) }
        try checkFloat32LE(dataset, object: object)
        let shape = try datasetShape(dataset, object: object, limits: limits)
        let count = shape.reduce(1, *)
        try checkStorage(dataset, bytes: UInt64(count) * 4, object: object)
        var storage = [Float](repeating: 0, count: count)
        if count > 0 {
            let status = storage.withUnsafeMutableBytes {
                H5Dread(dataset, H5T_NATIVE_FLOAT_g, hid_t(0), hid_t(0), hid_t(0), $0.baseAddress)
            }
            try check(status, "H5Dread", object)
        }
        return Tensor(shape: shape, storage: storage)
    }

    private func checkFloat32LE(_ dataset: hid_t, object: String) throws {
        let type = try check(H5Dget_type(dataset), "H5Dget_type", object)
        defer { _ = H5Tclose(type) }
        let isF32LE = try check(H5Tequal(type, H5T_IEEE_F32LE_g), "H5Tequal", object)
        if isF32LE > 0 { return }
        let typeClass = H5Tget_class(type).rawValue
        let size = H5Tget_size(type)
        let order = H5Tget_order(type) == H5T_ORDER_BE ? "big-endian" : "little-endian"
        let className = typeClass == H5T_FLOAT.rawValue ? "float"
            : typeClass == H5T_INTEGER.rawValue ? "integer" : "type class \(typeClass)"
        throw KerasFormatError.unsupportedDataType(file: path, object: object,
                                                   found: "\(8 * size)-bit \(order) \(className)")
    }

    /// The dataset's extents as Ints, after checking the rank and the byte size against the limits.
    private func datasetShape(_ dataset: hid_t, object: String, limits: KerasReadLimits) throws -> [Int] {
        let space = try check(H5Dget_space(dataset), "H5Dget_space", object)
        defer { _ = H5Sclose(space) }
        let spaceClass = H5Sget_simple_extent_type(space)
        if spaceClass == H5S_SCALAR { return [] }
        guard spaceClass == H5S_SIMPLE else {
            if spaceClass.rawValue < 0 { throw failure("H5Sget_simple_extent_type", object) }
            throw KerasFormatError.unsupportedShape(file: path, object: object, found: "null dataspace (no elements, no shape)")
        }
        let rank = Int(try check(H5Sget_simple_extent_ndims(space), "H5Sget_simple_extent_ndims", object))
        guard rank <= limits.maxRank else {
            throw KerasFormatError.unsupportedShape(file: path, object: object,
                                                    found: "rank \(rank) above the limit \(limits.maxRank)")
        }
        var dims = [hsize_t](repeating: 0, count: rank)
        try check(H5Sget_simple_extent_dims(space, &dims, nil), "H5Sget_simple_extent_dims", object)
        var bytes: UInt64 = 4
        for extent in dims {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= UInt64(limits.maxTensorBytes) else {
                throw KerasFormatError.tensorTooLarge(file: path, object: object, shape: dims,
                                                      limitBytes: limits.maxTensorBytes)
            }
            bytes = product
        }
        return dims.map { Int($0) }
    }

    /// Checks that the stored data exists and, for contiguous layout, lies inside the file.
    private func checkStorage(_ dataset: hid_t, bytes: UInt64, object: String) throws {
        guard bytes > 0 else { return }
        let plist = try check(H5Dget_create_plist(dataset), "H5Dget_create_plist", object)
        defer { _ = H5Pclose(plist) }
        let layout = H5Pget_layout(plist)
        if layout.rawValue < 0 { throw failure("H5Pget_layout", object) }
        let stored = H5Dget_storage_size(dataset)
        if layout == H5D_CONTIGUOUS {
            let address = H5Dget_offset(dataset)
            guard address != haddr_t.max, stored == bytes else {  // haddr_t.max is HADDR_UNDEF
                _ = H5Eclear2(hid_t(0))
                throw KerasFormatError.unallocatedData(file: path, object: object)
            }
            let offset = UInt64(address)
            let (end, overflow) = offset.addingReportingOverflow(bytes)
            guard !overflow, end <= fileSize else {
                throw KerasFormatError.dataOutsideFile(file: path, object: object,
                                                       offset: offset, bytes: bytes, fileSize: fileSize)
            }
        } else if stored == 0 {
            // Chunked or compact data that was never written: reading would silently give fill values.
            _ = H5Eclear2(hid_t(0))
            throw KerasFormatError.unallocatedData(file: path, object: object)
        }
    }
}
