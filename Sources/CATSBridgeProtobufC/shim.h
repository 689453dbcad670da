// libprotobuf-c (Debian: libprotobuf-c-dev), plus a bounded bump arena used as the
// ProtobufCAllocator for every pack and unpack that ATSBridge does.
//
// Why an arena: protobuf-c allocates every struct, string and array separately; a bump arena
// frees them all at once and is about 2x faster (docs/benchmarks.md). Why a budget: protobuf-c
// has no allocation limit, and a repeated field of empty sub-messages costs ~100x its wire size
// in mallocs. When the budget is spent, alloc returns NULL and unpack fails cleanly.
#ifndef CATSBRIDGE_PROTOBUFC_SHIM_H
#define CATSBRIDGE_PROTOBUFC_SHIM_H

#include <protobuf-c/protobuf-c.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
static inline void atsb_arena_init(ATSBArena *arena, void *first, size_t first_size, size_t budget) {
    uintptr_t start = ((uintptr_t)first + 7u) & ~(uintptr_t)7u;
    size_t lost = first ? (size_t)(start - (uintptr_t)first) : 0;
    arena->cursor = first ? (uint8_t *)start : NULL;
    arena->end = (first && first_size > lost) ? (uint8_t *)first + first_size : arena->cursor;
    arena->blocks = NULL;
    arena->used = 0;
    arena->budget = budget;
    arena->next_block_size = 16384;
    arena->exhausted = 0;
}

/// Allocates `size` bytes, or returns NULL when the budget is spent or malloc fails.
static inline void *atsb_arena_alloc(void *data, size_t size) {
    ATSBArena *arena = (ATSBArena *)data;
    size_t rounded = (size + 7u) & ~(size_t)7u;
    if (rounded < size || rounded > arena->budget - arena->used) {
        arena->exhausted = 1;
        return NULL;
    }
    if ((size_t)(arena->end - arena->cursor) < rounded || arena->cursor == NULL) {
        size_t block = arena->next_block_size;
        while (block < rounded) {
            block *= 2;
        }
        ATSBArenaBlock *fresh = (ATSBArenaBlock *)malloc(sizeof(ATSBArenaBlock) + block);
        if (fresh == NULL) {
            arena->exhausted = 1;
            return NULL;
        }
        fresh->next = arena->blocks;
        fresh->size = block;
        arena->blocks = fresh;
        arena->cursor = (uint8_t *)(fresh + 1);
        arena->end = arena->cursor + block;
        if (arena->next_block_size < (size_t)1 << 22) {
            arena->next_block_size *= 2;
        }
    }
    void *result = arena->cursor;
    arena->cursor += rounded;
    arena->used += rounded;
    return result;
}

/// Individual frees are no-ops: the arena releases everything at once.
static inline void atsb_arena_free(void *data, void *pointer) {
    (void)data;
    (void)pointer;
}

/// Releases every heap block. The arena must not be used afterwards.
static inline void atsb_arena_destroy(ATSBArena *arena) {
    ATSBArenaBlock *block = arena->blocks;
    while (block != NULL) {
        ATSBArenaBlock *next = block->next;
        free(block);
        block = next;
    }
    arena->blocks = NULL;
}

/// A protobuf-c allocator that allocates from `arena`.
static inline ProtobufCAllocator atsb_arena_allocator(ATSBArena *arena) {
    ProtobufCAllocator allocator = {atsb_arena_alloc, atsb_arena_free, arena};
    return allocator;
}

#endif
