import CVisageKernels

/// Uninitialised float buffers for activations and scratch space of a forward pass.
///
/// Blocks of 2 MiB or more are advised as transparent huge pages (`visage_memory.h`): a fresh
/// activation of a detector's pyramid is tens of megabytes, and touching it page by page costs
/// more than computing it in a short-lived process (a cold `visage identify`).
public enum WorkingMemory {
    /// Allocates `count` uninitialised floats; release them with `free(_:)`.
    public static func allocateFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        guard let raw = visage_alloc_buffer(bytes) else {
            // Out of memory: the standard allocator reports it the way every other allocation does.
            return .allocate(capacity: max(count, 1))
        }
        return raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Releases floats from `allocateFloats(_:)`.
    public static func free(_ pointer: UnsafeMutablePointer<Float>) {
        visage_free_buffer(pointer)
    }

    /// Asks the C allocator to serve large blocks from its heap and keep freed memory for the
    /// rest of the process (glibc's `M_MMAP_MAX` = 0, a 1 GiB `M_TRIM_THRESHOLD`). A training
    /// step allocates and frees the same few hundred megabytes of activations and gradients every
    /// time; by default each large block is a fresh mapping whose pages the kernel clears again
    /// (12 % of a NN4.small2 training step). Process-wide, so it is for executables to call
    /// (`visage train`), not for libraries.
    /// - Returns: whether the allocator took the settings (`false` off glibc).
    @discardableResult
    public static func keepFreedMemory() -> Bool { visage_keep_freed_memory() == 1 }
}
