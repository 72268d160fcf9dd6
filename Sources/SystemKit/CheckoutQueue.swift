import Dispatch
import Synchronization

/// A free list of pooled resources (database connections) with a FIFO of waiting callers: the
/// checkout logic of SQLiteKit's reader pool and PostgresKit's pool, written once.
///
/// A caller gets a slot at once when one is free, or later, in arrival order, when one is released;
/// after ``close()`` every waiter and every later caller gets `nil`. Handlers run outside the lock.
///
/// ``tryAcquire()`` and ``release(_:)`` are inlinable, specialized in the pool that uses them: a
/// device poll checks a reader out and back in, and the unspecialized generic code looked up
/// metadata at run time for each (~2% of a poll's CPU in perf, issue 15).
public final class CheckoutQueue<Slot: Sendable>: Sendable {
    @usableFromInline struct State {
        @usableFromInline var free: [Slot]
        @usableFromInline var waiters: [@Sendable (Slot?) -> Void] = []
        @usableFromInline var closed = false

        init(free: [Slot]) { self.free = free }
    }

    /// A parking lock, not `Mutex`: every request of every handler thread takes it (see ``ParkingLock``).
    @usableFromInline let state: ParkingLock<State>

    /// A queue holding `free`; the last element is handed out first.
    public init(free: [Slot]) {
        state = ParkingLock(State(free: free))
    }

    /// Calls `handler` with a slot now (free list) or later (on release, FIFO); with `nil` when closed.
    public func acquire(_ handler: @escaping @Sendable (Slot?) -> Void) {
        let immediate: Slot?? = state.withLock { state in
            if state.closed { return .some(nil) }
            if let slot = state.free.popLast() { return .some(slot) }
            state.waiters.append(handler)
            return .none
        }
        if let immediate { handler(immediate) }
    }

    /// Blocks the calling thread (never a cooperative one) until a slot is free; `nil` when closed.
    public func acquireBlocking() -> Slot? {
        // A free slot (or a closed queue) is answered under one lock, without the hand-off's
        // semaphore, mutex and closure: a device poll checks a reader out on every request.
        let immediate: Slot?? = state.withLock { state in
            if state.closed { return .some(nil) }
            if let slot = state.free.popLast() { return .some(slot) }
            return .none
        }
        if let immediate { return immediate }
        let handoff = Handoff()
        acquire { handoff.deliver($0) }
        return handoff.wait()
    }

    /// A free slot now, or nil without waiting (none free, or closed).
    @inlinable
    public func tryAcquire() -> Slot? {
        state.withLock { state in state.closed ? nil : state.free.popLast() }
    }

    /// Hands `slot` to the longest waiting caller, or back to the free list.
    ///
    /// - Returns: false when the queue is closed: the slot is the caller's to dispose of.
    @inlinable @discardableResult
    public func release(_ slot: Slot) -> Bool {
        let next: (@Sendable (Slot?) -> Void)?? = state.withLock { state in
            if state.closed { return .some(nil) }
            if !state.waiters.isEmpty { return .some(state.waiters.removeFirst()) }
            state.free.append(slot)
            return .none
        }
        switch next {
        case .some(.some(let waiter)):
            waiter(slot)
            return true
        case .some(.none):
            return false
        case .none:
            return true
        }
    }

    /// Closes the queue: waiting callers get `nil`; returns the free slots for the caller to dispose of.
    public func close() -> [Slot] {
        let (free, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.free = []
                state.waiters = []
            }
            return (state.free, state.waiters)
        }
        for waiter in waiters { waiter(nil) }
        return free
    }

    /// Passes a slot from whichever thread releases it to a thread blocked in ``acquireBlocking()``.
    private final class Handoff: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private let slot = Mutex<Slot?>(nil)

        func deliver(_ delivered: Slot?) {
            slot.withLock { $0 = delivered }
            semaphore.signal()
        }

        func wait() -> Slot? {
            semaphore.wait()
            return slot.withLock { $0 }
        }
    }
}
