// System calls that Swift's Glibc module does not expose (it is built without _GNU_SOURCE).
#ifndef CATSBRIDGE_SYSTEM_H
#define CATSBRIDGE_SYSTEM_H

#include <stdint.h>

/// Starts writing back the dirty pages of `length` bytes of `fd` from `offset`, without waiting
/// for the writes to finish (Linux `sync_file_range` with `SYNC_FILE_RANGE_WRITE`; it can still
/// wait for room in a full device queue), so that a later fsync has little left to write.
/// Returns 0, or the errno; elsewhere than Linux (and on Android) it does nothing.
int atsb_start_writeback(int fd, int64_t offset, int64_t length);

#endif
