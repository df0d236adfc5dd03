#ifndef VISAGE_PREFETCH_H
#define VISAGE_PREFETCH_H

/// Asks the CPU to bring the cache line holding `p` into all cache levels, without waiting for
/// it (no fault on any address). Inline, so Swift callers pay one instruction.
static inline void visage_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}

#endif
