import Dispatch
import Foundation
import Glibc
import Synchronization
import SystemKit

/// One I/O thread: an epoll set of listeners and connections, plus an eventfd to wake it.
///
/// Connections are registered once, edge-triggered for both directions: each `Connection`
/// keeps "readable" and "writable" flags (set by an edge, cleared by `EAGAIN` or a short read)
/// and reads only while its phase wants bytes, so backpressure and "a handler is running" cost
/// no `epoll_ctl` call (nginx's model). Listeners are level-triggered and shared by every loop
/// with `EPOLLEXCLUSIVE`, so one accepting thread wakes per connection.
///
/// `@unchecked Sendable` invariant: `connections`, `listeners` and every `Connection` are
/// touched only on this loop's thread; other threads reach them only through `execute`, whose
/// inbox is behind a `Mutex`. `epoll` and `wake` never change after `init`.
final class EventLoop: @unchecked Sendable {
    /// Every `epoll_ctl` goes through SystemKit's wrapper, its result checked.
    let epoll: Epoll
    let wake: EventFD
    let context: ServerContext
    let index: Int
    /// Tasks from other threads; `sleeping` is true only while the loop may block in
    /// `epoll_wait`, so a busy loop is never woken through the eventfd.
    /// After `stopped`, tasks run at once on the caller's thread: no loop thread touches the
    /// (closed) connections any more, and a consumer's pending `abort` must still happen.
    private let inbox = ParkingLock<(tasks: [@Sendable () -> Void], sleeping: Bool, stopped: Bool)>(([], false, false))
    private let finished = DispatchSemaphore(value: 0)
    /// Tasks waiting in the inbox, readable without the lock for the pre-sleep spin.
    private let pendingTasks = Atomic<Int>(0)

    var connections: [Int32: Connection] = [:]
    private var listeners: [Int32] = []
    private var acceptPausedUntil: Int64 = 0
    private var stopping = false
    private(set) var draining = false
    /// Shared read buffer: connections copy out only what they keep, so an idle connection holds none.
    let scratch: UnsafeMutableRawBufferPointer
    private var dateSecond: Int64 = 0
    private(set) var dateHeader = ""
    private var requestCounter: UInt64 = 0
    private let idPrefix: String
    /// Streaming bodies' read buffers (two per streaming request), reused across requests.
    var bodyBuffers: BodyBufferPool

    init(index: Int, context: ServerContext) throws(HTTPError) {
        self.index = index
        self.context = context
        do {
            epoll = try Epoll()
            wake = try EventFD()
            try epoll.add(wake.fd, events: Epoll.readable)
        } catch {
            throw HTTPError(error)
        }
        scratch = .allocate(byteCount: 256 * 1024, alignment: 16)
        // Two buffers per streaming request in flight; two requests' worth stay for reuse (one
        // fast request's worth of large ones).
        bodyBuffers = BodyBufferPool(
            capacity: context.configuration.bodyReadSize, limit: 4,
            largeCapacity: context.configuration.fastBodyReadSize, largeLimit: 2)
        idPrefix = String(UInt32.random(in: 0...UInt32.max), radix: 16) + String(index, radix: 16)
    }

    deinit {
        scratch.deallocate()
        // `wake` and `epoll` close only with the loop: a late `execute` from a handler thread
        // must never write to a descriptor number that was reused.
    }

    func start(listeners fds: [Int32]) {
        listeners = fds
        for fd in fds { watchListener(fd) }
        let t = Thread { [self] in self.run() }
        t.name = "http-loop-\(index)"
        t.start()
    }

    /// Runs `task` on this loop's thread soon; callable from any thread.
    func execute(_ task: @escaping @Sendable () -> Void) {
        let (wake, runNow) = inbox.withLock { box -> (Bool, Bool) in
            if box.stopped { return (false, true) }
            box.tasks.append(task)
            pendingTasks.add(1, ordering: .relaxed)
            guard box.sleeping else { return (false, false) }
            box.sleeping = false
            return (true, false)
        }
        if runNow {
            task()
            return
        }
        if wake { self.wake.signal() }
    }

    /// Blocks until the loop thread has exited.
    func waitUntilFinished() { finished.wait() }

    private func watchListener(_ fd: Int32) {
        do {
            try epoll.add(fd, events: Epoll.readable | Epoll.exclusive)
        } catch {
            context.logger.error("cannot watch a listener", ["error": .string(error.description)])
        }
    }

    private func unwatch(_ fd: Int32) {
        do {
            try epoll.remove(fd)
        } catch {
            context.logger.error("cannot unwatch a listener", ["error": .string(error.description)])
        }
    }

    private func run() {
        let events = Epoll.Events(capacity: 256)
        var lastTick = monotonicMillis()
        var busy = false
        while !stopping {
            // After a busy round a handler's answer usually comes within microseconds: poll
            // the inbox briefly rather than pay an eventfd write and a wake-up for it.
            if busy {
                var spins = 0
                while spins < 4000 && pendingTasks.load(ordering: .relaxed) == 0 { spins += 1 }
            }
            // Announce the sleep only if no task is waiting; otherwise just poll.
            let mayBlock = inbox.withLock { box -> Bool in
                box.sleeping = box.tasks.isEmpty
                return box.sleeping
            }
            let n: Int
            do {
                n = try epoll.wait(into: events, timeoutMillis: mayBlock ? 250 : 0)
            } catch {
                context.logger.error("event loop stopped", ["error": .string(error.description)])
                break
            }
            inbox.withLock { $0.sleeping = false }
            busy = n > 0 || pendingTasks.load(ordering: .relaxed) > 0
            for i in 0..<n {
                let event = events[i]
                if event.fd == wake.fd {
                    wake.drain()
                } else if listeners.contains(event.fd) {
                    acceptConnections(event.fd)
                } else if let c = connections[event.fd] {
                    c.handle(events: event.events)
                }
            }
            runTasks()
            let now = monotonicMillis()
            if now - lastTick >= 250 {
                lastTick = now
                tick(now)
            }
        }
        for c in Array(connections.values) { c.close(abort: .serverShutdown) }
        let leftover = inbox.withLock { box -> [@Sendable () -> Void] in
            box.stopped = true
            let t = box.tasks
            box.tasks = []
            return t
        }
        for t in leftover { t() }
        finished.signal()
    }

    private func runTasks() {
        let tasks = inbox.withLock { box -> [@Sendable () -> Void] in
            let t = box.tasks
            box.tasks = []
            pendingTasks.store(0, ordering: .relaxed)
            return t
        }
        for t in tasks { t() }
    }

    private func acceptConnections(_ listener: Int32) {
        for _ in 0..<64 {
            let result: IOResult<Socket.Accepted>
            do {
                result = try Socket.accept(listener)
            } catch {
                // EMFILE/ENFILE: stop accepting briefly rather than spin on a level-triggered listener.
                if error.errno == EMFILE || error.errno == ENFILE || error.errno == ENOBUFS || error.errno == ENOMEM {
                    context.logger.warning("accept paused", ["error": .string(error.description)])
                    unwatch(listener)
                    acceptPausedUntil = monotonicMillis() + 100
                }
                return
            }
            guard case .processed(let accepted) = result else { return }
            let admission: ServerContext.Admission = draining ? .refused : context.admit(accepted.address)
            guard admission != .refused else {
                Connection.shed(
                    fd: accepted.fd, response: context.shedResponse(requestID: nextRequestID(), date: currentDate()))
                continue
            }
            let c = Connection(fd: accepted.fd, remoteAddress: accepted.address, loop: self, admission: admission)
            connections[accepted.fd] = c
            do {
                try epoll.add(
                    accepted.fd, events: Epoll.readable | Epoll.writable | Epoll.peerClosed | Epoll.edgeTriggered)
            } catch {
                // Unwatched, the connection would never be read: close it now (ENOMEM, ENOSPC).
                context.logger.warning("cannot watch a connection", ["error": .string(error.description)])
                c.close(abort: .connectionClosed)
            }
        }
    }

    func forget(_ fd: Int32) { connections[fd] = nil }

    private func tick(_ now: Int64) {
        if acceptPausedUntil > 0 && now >= acceptPausedUntil && !draining {
            acceptPausedUntil = 0
            for fd in listeners { watchListener(fd) }
        }
        for c in Array(connections.values) { c.tick(now) }
    }

    /// The `Date` header value, formatted once per second.
    func currentDate() -> String {
        let now = Int64(time(nil))
        if now != dateSecond {
            dateSecond = now
            dateHeader = HTTPDate.format(now)
        }
        return dateHeader
    }

    /// A request ID unique within the process: random per loop, then a counter.
    func nextRequestID() -> String {
        requestCounter &+= 1
        return idPrefix + "-" + String(requestCounter, radix: 16)
    }

    /// Stops accepting and closes idle connections; busy ones close after their response.
    func beginDrain() {
        draining = true
        for fd in listeners { unwatch(fd) }
        listeners = []
        for c in Array(connections.values) { c.drain() }
    }

    /// Ends the loop; remaining connections are closed (streaming bodies aborted).
    func stop() { stopping = true }
}
