import CHDF5
import Foundation

/// Serialised access to libhdf5.
///
/// Debian's serial libhdf5 is not thread-safe, so every call into it from Visage runs inside
/// ``withLock(_:)``. The lock is the one process-wide object here; it guards the library's own
/// global state and holds no state of Visage's.
enum HDF5Library {
    private static let lock = NSLock()

    /// Runs `body` holding the libhdf5 lock, with HDF5's automatic error printing switched off
    /// (errors are reported through ``KerasFormatError`` instead) and restored afterwards.
    static func withLock<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        // Skip libhdf5's teardown at process exit (only effective before the library first
        // initialises; later calls are no-ops). Every object opened here is closed before the lock
        // is released, so there is nothing to flush; and after some corrupt-file errors libhdf5
        // 1.10 leaks internal free-list blocks and would print "infinite loop closing library".
        _ = H5dont_atexit()
        _ = H5open()
        var savedFunc: H5E_auto2_t?
        var savedData: UnsafeMutableRawPointer?
        let saved = H5Eget_auto2(hid_t(0), &savedFunc, &savedData) >= 0
        _ = H5Eset_auto2(hid_t(0), nil, nil)
        defer {
            _ = H5Eclear2(hid_t(0))
            if saved { _ = H5Eset_auto2(hid_t(0), savedFunc, savedData) }
        }
        return try body()
    }

    /// The messages on HDF5's default error stack, innermost first, then clears the stack.
    /// Call it right after a failed call, before any other HDF5 call.
    static func takeErrorMessage() -> String {
        var messages: [String] = []
        let walker: H5E_walk2_t = { _, error, client in
            guard let error, let client else { return 0 }
            let sink = client.assumingMemoryBound(to: [String].self)
            var text = ""
            if let function = error.pointee.func_name { text = String(cString: function) + ": " }
            if let desc = error.pointee.desc { text += String(cString: desc) }
            sink.pointee.append(text)
            return 0
        }
        withUnsafeMutablePointer(to: &messages) { pointer in
            _ = H5Ewalk2(hid_t(0), H5E_WALK_UPWARD, walker, UnsafeMutableRawPointer(pointer))
        }
        _ = H5Eclear2(hid_t(0))
        if messages.isEmpty { return "no HDF5 error message" }
        return messages.prefix(3).joined(separator: " <- ")
    }
}
