// See ATSBridgeArena.h.
#include "ATSBridgeArena.h"

#include <stdlib.h>
#include <string.h>

/// Starts an arena over an optional caller-owned first region (e.g. stack scratch).
void atsb_arena_init(ATSBArena *arena, void *first, size_t first_size, size_t budget) {
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
void *atsb_arena_alloc(void *data, size_t size) {
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
void atsb_arena_free(void *data, void *pointer) {
    (void)data;
    (void)pointer;
}

/// Releases every heap block. The arena must not be used afterwards.
void atsb_arena_destroy(ATSBArena *arena) {
    ATSBArenaBlock *block = arena->blocks;
    while (block != NULL) {
        ATSBArenaBlock *next = block->next;
        free(block);
        block = next;
    }
    arena->blocks = NULL;
}

/// A protobuf-c allocator that allocates from `arena`.
ProtobufCAllocator atsb_arena_allocator(ATSBArena *arena) {
    ProtobufCAllocator allocator = {atsb_arena_alloc, atsb_arena_free, arena};
    return allocator;
}

static _Thread_local void *cached_region;
static _Thread_local size_t cached_region_size;

#define ATSB_MAX_CACHED_REGION ((size_t)16 << 20)

void *atsb_region_take(size_t want, size_t *size) {
    if (cached_region != NULL && cached_region_size >= want) {
        void *region = cached_region;
        *size = cached_region_size;
        cached_region = NULL;
        cached_region_size = 0;
        return region;
    }
    *size = want;
    return malloc(want);
}

void atsb_region_give(void *region, size_t size) {
    if (region == NULL) {
        return;
    }
    if (size <= ATSB_MAX_CACHED_REGION && size > cached_region_size) {
        free(cached_region);
        cached_region = region;
        cached_region_size = size;
    } else {
        free(region);
    }
}

static _Thread_local void *shared_strings;

void *atsb_shared_strings_current(void) { return shared_strings; }

void *atsb_shared_strings_exchange(void *table) {
    void *previous = shared_strings;
    shared_strings = table;
    return previous;
}
