/// What Swift cannot reach by itself: hints to the processor, and the C library's state of
/// standard output (a global Swift 6 will not read from concurrent code).
#ifndef CMEMORYHINTS_H
#define CMEMORYHINTS_H

#include <stdio.h>

/// Starts loading the cache line holding `address` without waiting for it: lookups that
/// know their next few slots ask for them all before reading the first, so the misses overlap.
static inline void tj_prefetch(const void *address) {
    __builtin_prefetch(address);
}

/// Flushes standard output; nonzero when that or any earlier write to it failed (a full disk,
/// a closed pipe), which `print` does not report.
static inline int tj_stdout_failed(void) {
    return fflush(stdout) != 0 || ferror(stdout) != 0;
}

#endif
