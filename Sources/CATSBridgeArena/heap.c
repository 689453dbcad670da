// See ATSBridgeArena.h.
#include "ATSBridgeArena.h"

#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#define ATSB_TRIM_THRESHOLD (16 << 20)
#define ATSB_MMAP_THRESHOLD (8 << 20)

void atsb_tune_heap(void) { atsb_tune_heap_thresholds(ATSB_TRIM_THRESHOLD, ATSB_MMAP_THRESHOLD); }

void atsb_tune_heap_thresholds(int trim_threshold, int mmap_threshold) {
#if defined(__GLIBC__)
    // Settings the user made through the environment win.
    if (getenv("MALLOC_TRIM_THRESHOLD_") != NULL || getenv("MALLOC_MMAP_THRESHOLD_") != NULL ||
        getenv("GLIBC_TUNABLES") != NULL) {
        return;
    }
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
#else
    (void)trim_threshold;
    (void)mmap_threshold;
#endif
}

void atsb_release_free_heap(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
