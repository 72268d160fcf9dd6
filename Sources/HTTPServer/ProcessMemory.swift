import SystemKit

/// How much freed memory glibc's malloc may keep: the process-wide half of a server's memory budget.
///
/// glibc gives every thread that meets a locked arena an arena of its own (up to 8 per core), and
/// an arena keeps what its thread freed for that thread's next requests. With 8 handler threads,
/// each one's arena settled at the largest request it had served: 8 × ~10 MiB after a 100,000-change
/// pull, 135 MiB resident in all (`/proc/PID/smaps`: one heap per handler thread). A small arena
/// count shares the freed memory between threads instead. Setting the two thresholds also turns
/// off glibc's *dynamic* mmap threshold, which rises to the size of the first large block freed
/// and from then on lets megabyte buffers land inside the arenas, where small allocations pin them.
///
/// The thresholds are 1 MiB, not glibc's initial 128 KiB: at 128 KiB every mid-sized buffer of a
/// tus PATCH got a fresh mapping, faulted in page by page (uploads ~25% slower, pull slower too,
/// in `kandas-bench uploads` and `sync`), for no measurable memory gain.
///
/// Call ``configure(_:)`` once at start, before the handler threads exist (arenas are created
/// lazily, but one created before the call is kept).
public enum ProcessMemory {
    /// The malloc settings; `nil` leaves glibc's default.
    public struct Settings: Sendable, Equatable {
        /// Most malloc arenas (`M_ARENA_MAX`); glibc's default is 8 per core.
        public var arenas: Int? = 2
        /// Free memory at the top of a heap above this is returned to the kernel (`M_TRIM_THRESHOLD`).
        public var trimThresholdBytes: Int? = 1 << 20
        /// Blocks this large or larger get their own mapping, unmapped when freed (`M_MMAP_THRESHOLD`).
        public var mmapThresholdBytes: Int? = 1 << 20

        public init(arenas: Int? = 2, trimThresholdBytes: Int? = 1 << 20, mmapThresholdBytes: Int? = 1 << 20) {
            self.arenas = arenas
            self.trimThresholdBytes = trimThresholdBytes
            self.mmapThresholdBytes = mmapThresholdBytes
        }
    }

    /// Applies `settings` to this process's malloc.
    ///
    /// - Returns: false when a value is negative or wider than mallopt's `int`, or glibc refused
    ///   it; the other values are still applied.
    @discardableResult
    public static func configure(_ settings: Settings) -> Bool {
        var accepted = true
        if let n = settings.arenas { accepted = apply(n, Malloc.setArenaMax) && accepted }
        if let n = settings.trimThresholdBytes { accepted = apply(n, Malloc.setTrimThreshold) && accepted }
        if let n = settings.mmapThresholdBytes { accepted = apply(n, Malloc.setMmapThreshold) && accepted }
        return accepted
    }

    /// Returns free pages of every arena to the kernel (`malloc_trim(0)`); true if any were.
    @discardableResult
    public static func trim() -> Bool { Malloc.trim() }

    private static func apply(_ value: Int, _ set: (Int32) -> Bool) -> Bool {
        guard let value = Int32(exactly: value), value >= 0 else { return false }
        return set(value)
    }
}
