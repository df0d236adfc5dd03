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
}
