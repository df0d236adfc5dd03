// Large working buffers: aligned allocation with a transparent-huge-page hint.
#include "visage_memory.h"

#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

enum { huge_page = 2u << 20, cache_line = 64 };

void *visage_alloc_buffer(size_t bytes) {
    if (bytes == 0) bytes = 1;
    void *pointer = NULL;
    if (bytes >= huge_page) {
        size_t rounded = (bytes + huge_page - 1) & ~(size_t)(huge_page - 1);
        if (rounded < bytes || posix_memalign(&pointer, huge_page, rounded) != 0) return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        // A hint: on kernels without transparent huge pages this fails and changes nothing.
        (void)madvise(pointer, rounded, MADV_HUGEPAGE);
#endif
        return pointer;
    }
    if (posix_memalign(&pointer, cache_line, bytes) != 0) return NULL;
    return pointer;
}

void visage_free_buffer(void *pointer) { free(pointer); }

int visage_keep_freed_memory(void) {
#if defined(__GLIBC__)
    // Blocks of any size from the heap (no mmap per large block), and freed heap memory kept
    // rather than given back at the top.
    int ok = mallopt(M_MMAP_MAX, 0);
    ok &= mallopt(M_TRIM_THRESHOLD, 1 << 30);
    return ok ? 1 : 0;
#else
    return 0;
#endif
}
