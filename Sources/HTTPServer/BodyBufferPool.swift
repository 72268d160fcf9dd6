/// The body buffers of one event loop: reused from request to request instead of freed.
///
/// Why: each streaming request used to allocate two `bodyReadSize` buffers (1 MiB) and free them
/// at its end. glibc serves such sizes from the thread's arena once its dynamic mmap threshold
/// has risen past them, and the small allocations of the next requests landed between the
/// freed megabytes, so the arena only grew: about 33 MiB of anonymous memory after a 1 GiB tus
/// upload in 16 MiB PATCHes (`/proc/PID/smaps`: one arena heap), taking the server past 64 MiB.
/// Reusing the buffers ends that churn; at most `limit` idle buffers are kept per loop, so
/// 1,000 idle connections still hold none of their own.
///
/// Loop-confined (no lock): only the loop's thread takes and returns buffers.
struct BodyBufferPool {
    let capacity: Int
    let limit: Int
    private var idle: [BodyBuffer] = []

    init(capacity: Int, limit: Int) {
        self.capacity = capacity
        self.limit = limit
    }

    /// An empty buffer of `capacity` bytes, reused if one is idle.
    mutating func take() -> BodyBuffer {
        if let buffer = idle.popLast() { return buffer }
        return BodyBuffer(capacity: capacity)
    }

    /// Gives a buffer back; it is kept for the next request unless enough are idle already.
    mutating func recycle(_ buffer: BodyBuffer) {
        buffer.reset(bodyOffset: 0)
        guard idle.count < limit, buffer.storage.count == capacity else { return }
        idle.append(buffer)
    }

    var idleCount: Int { idle.count }
}
