import Foundation

/// Keeps a network's large working buffers between forward passes, so that a model that runs
/// again and again (a detector in a server, a batch of photos) writes into memory it has
/// already touched instead of mapping and clearing fresh pages on every call.
///
/// Blocks below ``minimumBytes`` go straight to ``WorkingMemory`` (the C allocator reuses those
/// itself). Larger ones come back to the pool when released and are handed out again for any
/// request they can hold, smallest first. At most ``limitBytes`` are kept idle; a released
/// block beyond that is freed. A pool belongs to one compiled network and is safe to share
/// between threads.
public final class BufferPool: @unchecked Sendable {
    /// Blocks smaller than this bypass the pool (2 MiB, one transparent huge page).
    public static let minimumBytes = 2 << 20

    /// The most idle memory the pool keeps.
    public let limitBytes: Int

    private let lock = NSLock()
    /// Idle blocks: (first element, capacity in floats).
    private var idle: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []
    /// Capacities of the pooled blocks in use.
    private var lent: [UnsafeMutablePointer<Float>: Int] = [:]
    private var idleBytes = 0

    /// An empty pool.
    /// - Parameter limitBytes: the most idle memory kept (default 256 MiB).
    public init(limitBytes: Int = 256 << 20) {
        self.limitBytes = limitBytes
    }

    deinit {
        for block in idle { WorkingMemory.free(block.pointer) }
    }

    /// Uninitialised room for `count` floats; give it back with ``release(_:)``.
    public func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let count = max(count, 1)
        guard count * MemoryLayout<Float>.stride >= Self.minimumBytes else { return WorkingMemory.allocateFloats(count) }
        lock.lock()
        defer { lock.unlock() }
        let fitting = idle.indices.filter { idle[$0].capacity >= count }
        if let best = fitting.min(by: { idle[$0].capacity < idle[$1].capacity }) {
            let block = idle.remove(at: best)
            idleBytes -= block.capacity * MemoryLayout<Float>.stride
            lent[block.pointer] = block.capacity
            return block.pointer
        }
        let pointer = WorkingMemory.allocateFloats(count)
        lent[pointer] = count
        return pointer
    }

    /// Takes back a block from ``allocate(_:)``.
    public func release(_ pointer: UnsafeMutablePointer<Float>) {
        lock.lock()
        guard let capacity = lent.removeValue(forKey: pointer) else {
            lock.unlock()
            WorkingMemory.free(pointer)
            return
        }
        let bytes = capacity * MemoryLayout<Float>.stride
        guard idleBytes + bytes <= limitBytes else {
            lock.unlock()
            WorkingMemory.free(pointer)
            return
        }
        idle.append((pointer, capacity))
        idleBytes += bytes
        lock.unlock()
    }

    /// Idle bytes held now.
    public var idleByteCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return idleBytes
    }
}
