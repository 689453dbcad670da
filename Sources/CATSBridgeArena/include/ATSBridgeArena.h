// A bounded bump arena used as the ProtobufCAllocator for every pack and unpack ATSBridge does.
//
// Why an arena: protobuf-c allocates every struct, string and array separately; a bump arena
// frees them all at once and is about 2x faster (docs/benchmarks.md). Why a budget: protobuf-c
// has no allocation limit, and a repeated field of empty sub-messages costs ~100x its wire size
// in mallocs. When the budget is spent, alloc returns NULL and unpack fails cleanly.
#ifndef CATSBRIDGE_ARENA_H
#define CATSBRIDGE_ARENA_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

/// A heap block of the arena; its payload follows the header.
typedef struct ATSBArenaBlock {
    struct ATSBArenaBlock *next;
    size_t size;
} ATSBArenaBlock;

/// A bump allocator with a byte budget. Allocations are 8-byte aligned and never move.
typedef struct ATSBArena {
    uint8_t *cursor;
    uint8_t *end;
    ATSBArenaBlock *blocks;
    size_t used;
    size_t budget;
    size_t next_block_size;
    int exhausted;
} ATSBArena;

/// Starts an arena over an optional caller-owned first region (e.g. stack scratch).
void atsb_arena_init(ATSBArena *arena, void *first, size_t first_size, size_t budget);

/// Allocates `size` bytes, or returns NULL when the budget is spent or malloc fails.
void *atsb_arena_alloc(void *data, size_t size);

/// Individual frees are no-ops: the arena releases everything at once.
void atsb_arena_free(void *data, void *pointer);

/// Releases every heap block. The arena must not be used afterwards.
void atsb_arena_destroy(ATSBArena *arena);

/// A protobuf-c allocator that allocates from `arena`.
ProtobufCAllocator atsb_arena_allocator(ATSBArena *arena);

/// A region of at least `want` bytes: the calling thread's cached one if big enough, else a
/// new one. Returns NULL when malloc fails; `*size` receives the region's size.
///
/// One region per thread is kept between decodes of large messages, so that decoding a page
/// does not malloc, page-fault and free hundreds of KiB every time.
void *atsb_region_take(size_t want, size_t *size);

/// Returns a region from `atsb_region_take`, keeping the largest one (up to 16 MiB) for reuse
/// by the calling thread.
void atsb_region_give(void *region, size_t size);

/// Tunes glibc's heap for streaming clients, once per process (a no-op elsewhere, or when the
/// environment sets MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_ or GLIBC_TUNABLES).
///
/// A client decoding pages frees and re-allocates megabytes per page; with glibc's defaults the
/// heap is trimmed after each page and page buffers above the dynamic mmap threshold are
/// mapped afresh, so every page pays page faults for memory it just returned (a fifth of the
/// decoding thread in profiles). Freed memory up to 16 MiB stays in the heap, and blocks under
/// 8 MiB (every page the protocol allows) come from it instead of fresh mappings.
void atsb_tune_heap(void);

/// The same with the given thresholds in bytes: freed memory up to `trim_threshold` stays in
/// each heap, and blocks under `mmap_threshold` come from a heap instead of fresh mappings.
void atsb_tune_heap_thresholds(int trim_threshold, int mmap_threshold);

/// Hands the heap's free pages back to the system (glibc's `malloc_trim(0)`; a no-op
/// elsewhere). Blocks while it walks the heap: call it off any event loop or task pool.
void atsb_release_free_heap(void);

/// The shared-string table of the decode running on this thread, or NULL (see
/// `SharedStrings` in ATSBridgeProto). A decode sets it for its duration and restores it after.
void *atsb_shared_strings_current(void);

/// Sets the calling thread's shared-string table; returns the previous one.
void *atsb_shared_strings_exchange(void *table);

#endif
