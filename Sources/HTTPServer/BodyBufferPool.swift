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
/// Two sizes: every connection's bodies start with `capacity` buffers, and one whose sender fills
/// them faster than the consumer empties them moves to `largeCapacity` ones (fewer hand-offs
/// between threads per byte, bigger disk writes) for the rest of the connection. Slow senders (a phone on 3G) never fill a buffer, so only the
/// few fast bodies in progress hold large ones; at most `largeLimit` of those stay idle.
///
/// Loop-confined (no lock): only the loop's thread takes and returns buffers.
struct BodyBufferPool {
    let capacity: Int
    let limit: Int
    /// Equal to `capacity` when growing is off.
    let largeCapacity: Int
    let largeLimit: Int
    private var idle: [BodyBuffer] = []
    private var idleLarge: [BodyBuffer] = []

    init(capacity: Int, limit: Int, largeCapacity: Int = 0, largeLimit: Int = 2) {
        self.capacity = capacity
        self.limit = limit
        self.largeCapacity = max(capacity, largeCapacity)
        self.largeLimit = largeLimit
    }

    /// An empty buffer of `capacity` bytes (`largeCapacity` if `large`), reused if one is idle.
    mutating func take(large: Bool = false) -> BodyBuffer {
        if large && largeCapacity > capacity {
            return idleLarge.popLast() ?? BodyBuffer(capacity: largeCapacity)
        }
        return idle.popLast() ?? BodyBuffer(capacity: capacity)
    }

    /// Gives a buffer back; it is kept for the next request unless enough are idle already.
    mutating func recycle(_ buffer: BodyBuffer) {
        buffer.reset(bodyOffset: 0)
        if buffer.storage.count == capacity {
            if idle.count < limit { idle.append(buffer) }
        } else if buffer.storage.count == largeCapacity {
            if idleLarge.count < largeLimit { idleLarge.append(buffer) }
        }
    }

    var idleCount: Int { idle.count + idleLarge.count }
}
