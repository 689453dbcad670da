// See ATSBridgeSystem.h.
#if defined(__linux__) && !defined(__ANDROID__)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#endif

#include "ATSBridgeSystem.h"

int atsb_start_writeback(int fd, int64_t offset, int64_t length) {
#if defined(__linux__) && !defined(__ANDROID__)
    // glibc declares the offsets as 64-bit (__off64_t) whatever off_t is: no casts.
    return sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE) == 0 ? 0 : errno;
#else
    (void)fd;
    (void)offset;
    (void)length;
    return 0;
#endif
}
