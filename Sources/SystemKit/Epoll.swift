#if canImport(CLinux)
internal import CLinux
import Glibc

/// An epoll set and its event bits (Linux only): every `epoll_ctl` goes through here and its
/// result is checked, so a descriptor that silently failed to register cannot hang a connection.
public struct Epoll: ~Copyable {
    /// The epoll descriptor.
    public let fd: Int32

    /// Readiness bits, as `epoll_event.events` carries them.
    public static let readable = EPOLLIN.rawValue
    public static let writable = EPOLLOUT.rawValue
    public static let error = EPOLLERR.rawValue
    public static let hangUp = EPOLLHUP.rawValue
    /// The peer shut its write side.
    public static let peerClosed = EPOLLRDHUP.rawValue
    /// Edge-triggered registration.
    public static let edgeTriggered = EPOLLET.rawValue
    /// Wake one waiter only (shared listeners).
    public static let exclusive = EPOLLEXCLUSIVE.rawValue

    /// One readiness report from ``wait(into:timeoutMillis:)``.
    public struct Event {
        public var fd: Int32
        public var events: UInt32
    }

    public init() throws(SystemError) {
        fd = try Syscall.retrying("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
    }

    deinit { close(fd) }

    /// Watches `descriptor` for `events`.
    public func add(_ descriptor: Int32, events: UInt32) throws(SystemError) {
        try control(EPOLL_CTL_ADD, descriptor, events, "epoll_ctl(ADD)")
    }

    /// Changes what `descriptor` is watched for.
    public func modify(_ descriptor: Int32, events: UInt32) throws(SystemError) {
        try control(EPOLL_CTL_MOD, descriptor, events, "epoll_ctl(MOD)")
    }

    /// Stops watching `descriptor`; one that is not (or no longer) in the set is not an error.
    public func remove(_ descriptor: Int32) throws(SystemError) {
        do {
            try control(EPOLL_CTL_DEL, descriptor, 0, "epoll_ctl(DEL)")
        } catch  where error.errno == ENOENT {
            return
        }
    }

    private func control(_ op: Int32, _ descriptor: Int32, _ events: UInt32, _ name: StaticString) throws(SystemError) {
        var ev = epoll_event()
        ev.events = events
        ev.data.fd = descriptor
        try Syscall.retrying(name) { epoll_ctl(fd, op, descriptor, &ev) }
    }

    /// A buffer for ``wait(into:timeoutMillis:)``.
    public struct Events: ~Copyable {
        fileprivate let raw: UnsafeMutablePointer<epoll_event>
        public let capacity: Int
        public init(capacity: Int) {
            self.capacity = capacity
            raw = .allocate(capacity: capacity)
        }
        deinit { raw.deallocate() }
        public subscript(i: Int) -> Event { Event(fd: raw[i].data.fd, events: raw[i].events) }
    }

    /// Waits up to `timeoutMillis` (0: poll) for readiness; returns how many of `events` are filled.
    /// An interrupted wait returns 0, so the caller's loop runs its timers and tries again.
    public func wait(into events: borrowing Events, timeoutMillis: Int32) throws(SystemError) -> Int {
        let n = epoll_wait(fd, events.raw, Int32(events.capacity), timeoutMillis)
        if n >= 0 { return Int(n) }
        let e = Syscall.errno
        if e == EINTR { return 0 }
        throw SystemError("epoll_wait", errno: e)
    }
}

/// A non-blocking eventfd: another thread wakes a waiting loop by writing to it (Linux only).
public struct EventFD: ~Copyable {
    public let fd: Int32

    public init() throws(SystemError) {
        fd = try Syscall.retrying("eventfd") { eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)) }
    }

    deinit { close(fd) }

    /// Adds one to the counter (a full counter already wakes the reader).
    public func signal() {
        var one: UInt64 = 1
        _ = write(fd, &one, 8)
    }

    /// Resets the counter.
    public func drain() {
        var counter: UInt64 = 0
        _ = read(fd, &counter, 8)
    }
}

/// Linux socket calls that Swift's Glibc module leaves out.
extension Syscall {
    /// `accept4(2)` with `flags` (e.g. `SOCK_NONBLOCK | SOCK_CLOEXEC`).
    /// `address` points at a `sockaddr_storage`, `length` at its size (a `socklen_t`).
    public static func accept4(
        _ fd: Int32, _ address: UnsafeMutableRawPointer?, _ length: UnsafeMutablePointer<UInt32>?, flags: Int32
    ) -> Int32 {
        clinux_accept4(fd, address?.assumingMemoryBound(to: sockaddr.self), length, flags)
    }
}

/// glibc malloc tuning (Linux only), called once at server start.
public enum Malloc {
    /// `mallopt(M_ARENA_MAX, n)`; whether glibc accepted it.
    public static func setArenaMax(_ n: Int32) -> Bool { clinux_malloc_arena_max(n) == 1 }
    /// `mallopt(M_TRIM_THRESHOLD, bytes)`.
    public static func setTrimThreshold(_ bytes: Int32) -> Bool { clinux_malloc_trim_threshold(bytes) == 1 }
    /// `mallopt(M_MMAP_THRESHOLD, bytes)`.
    public static func setMmapThreshold(_ bytes: Int32) -> Bool { clinux_malloc_mmap_threshold(bytes) == 1 }
    /// `malloc_trim(0)`: whether memory was returned to the system.
    public static func trim() -> Bool { clinux_malloc_trim() == 1 }
}
#endif
