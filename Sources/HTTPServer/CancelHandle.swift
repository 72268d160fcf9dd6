import Synchronization

/// Ends one streaming request from any thread: its body is aborted and its connection closed.
///
/// Application code creates the handle before it returns
/// ``BodyDecision/consume(_:cancel:)`` and keeps it wherever a later event must be able to end
/// that request (tus: the upload's lease, so that a newer request on the same upload ends the
/// older one, `Protocol/sync-v1.md` §10.4 rule 1). ``cancel()`` may be called before the engine
/// has started reading the body (the request is then ended as soon as it does), while the body
/// streams, or after the request is over (then it does nothing; it never touches a later request
/// on the same keep-alive connection).
///
/// What the engine does: the consumer gets `abort(.cancelled)` (after a `consume` call in
/// flight returns, never concurrently with it), no response is sent, and the socket is closed,
/// so the client sees the connection end and resumes from `HEAD`.
public final class CancelHandle: Sendable {
    private struct State {
        var cancelled = false
        var released = false
        var action: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    public init() {}

    /// Ends the request this handle was given with; idempotent, callable from any thread.
    public func cancel() {
        let action = state.withLock { s -> (@Sendable () -> Void)? in
            guard !s.cancelled, !s.released else { return nil }
            s.cancelled = true
            return s.action.take()
        }
        // Outside the lock: the action only posts to the event loop, but a caller holding its
        // own locks should never wait on ours.
        action?()
    }

    /// Whether ``cancel()`` was called while the request was live (or before it started).
    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Connects the handle to its request; runs `action` now if it was already cancelled.
    ///
    /// Called once by the engine, on the connection's loop, when the body starts streaming.
    func bind(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { s -> Bool in
            guard !s.released else { return false }
            if s.cancelled { return true }
            s.action = action
            return false
        }
        if runNow { action() }
    }

    /// Forgets the request once it is over, so a late ``cancel()`` does nothing.
    func release() {
        state.withLock { s in
            s.released = true
            s.action = nil
        }
    }
}
