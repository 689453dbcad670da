// System calls that Swift's Glibc module does not expose (it is built without _GNU_SOURCE).
#ifndef CATSBRIDGE_SYSTEM_H
#define CATSBRIDGE_SYSTEM_H

#include <stdint.h>

/// Starts writing back the dirty pages of `length` bytes of `fd` from `offset`, without waiting
/// for the writes to finish (Linux `sync_file_range` with `SYNC_FILE_RANGE_WRITE`; it can still
/// wait for room in a full device queue), so that a later fsync has little left to write.
/// Returns 0, or the errno; elsewhere than Linux (and on Android) it does nothing.
int atsb_start_writeback(int fd, int64_t offset, int64_t length);

/// Starts `path` (an absolute path) with `argv` and `envp` (both NULL-terminated), its standard
/// input, output and error on `in_fd`, `out_fd` and `err_fd`, no signal blocked or ignored, and
/// no other descriptor of the caller (on glibc 2.34 or later and on Apple platforms; elsewhere
/// only descriptors marked close-on-exec are closed). Unlike Foundation's `Process` on Linux, it
/// does not list /proc/self/fd first, whose reading over-reads and can crash the caller
/// (swift-corelibs-foundation#5472). Returns 0 and the child's id in `*pid`, or the errno.
/// For tests and benchmarks that run the CLI.
int atsb_spawn(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd, int err_fd,
               int32_t *pid);

/// Makes a pipe whose ends are closed on exec (atomically on Linux). Returns 0, or the errno.
int atsb_pipe(int fds[2]);

#endif
