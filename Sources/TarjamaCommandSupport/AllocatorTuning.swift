import Foundation

/// glibc's allocator set for imports: buffers of a megabyte or more get pages of their own,
/// given back when freed, and each thread's heap keeps up to 16 MB it freed.
///
/// An import has several batches in flight (byte arenas, rows, grouped terms) and frees and
/// makes a batch's small arrays again every batch: with glibc's defaults the large buffers
/// stayed in the threads' heaps (peak memory over the 200 MB bar) and the small ones were
/// given back and faulted in anew each batch. PERFORMANCE.md has the figures.
public enum AllocatorTuning {
    /// `mallopt(M_MMAP_THRESHOLD, 1 MB)` and `mallopt(M_TRIM_THRESHOLD, 16 MB)` where the C
    /// library has it (glibc; Swift's Glibc module does not declare it).
    public static func apply() {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3   // in <malloc.h>
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(mmapThreshold, 1 << 20)
        _ = mallopt(trimThreshold, 16 << 20)
    }
}
