// Large working buffers of the inference engine.
#ifndef VISAGE_MEMORY_H
#define VISAGE_MEMORY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Allocates `bytes` of uninitialised memory for an activation or scratch buffer, or returns NULL
/// when the system has none. Blocks of 2 MiB or more are 2 MiB-aligned and advised as transparent
/// huge pages (`MADV_HUGEPAGE`), so that touching them the first time costs one page fault per
/// 2 MiB instead of one per 4 KiB; smaller blocks are 64-byte aligned. Free with
/// `visage_free_buffer`.
void *visage_alloc_buffer(size_t bytes);

/// Frees a block from `visage_alloc_buffer` (NULL is ignored).
void visage_free_buffer(void *pointer);

/// Asks the C allocator (glibc) to serve every block from its heap and to keep freed memory
/// instead of returning it to the system, so that a process allocating the same large tensors on
/// every step (training) touches fresh pages only once. Process-wide; returns 1 when applied,
/// 0 when the allocator has no such settings.
int visage_keep_freed_memory(void);

#ifdef __cplusplus
}
#endif

#endif
