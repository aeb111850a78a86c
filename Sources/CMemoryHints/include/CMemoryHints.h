/// Hints to the processor that Swift cannot give by itself.
#ifndef CMEMORYHINTS_H
#define CMEMORYHINTS_H

/// Starts loading the cache line holding `address` without waiting for it: lookups that
/// know their next few slots ask for them all before reading the first, so the misses overlap.
static inline void tj_prefetch(const void *address) {
    __builtin_prefetch(address);
}

#endif
