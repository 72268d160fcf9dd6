internal import CCurl

/// One libcurl multi handle: many easy handles driven by one thread, sharing one connection cache.
///
/// Invariant that makes `@unchecked Sendable` sound: only ``wakeup()`` may be called from another
/// thread (libcurl documents `curl_multi_wakeup` as thread-safe); everything else belongs to the
/// driving thread, and the owner stops calling ``wakeup()`` before ``close()``.
public final class CurlMulti: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private var closed = false

    /// Creates a multi handle, or nil when libcurl cannot.
    public init?() {
        guard Curl.initialize() == .ok, let multi = curl_multi_init() else { return nil }
        self.multi = multi
    }

    deinit { close() }

    /// Attaches an easy handle; nil on success, else libcurl's message.
    public func add(_ easy: CurlEasy) -> String? {
        let code = curl_multi_add_handle(multi, easy.handle)
        return code == CURLM_OK ? nil : String(cString: curl_multi_strerror(code))
    }

    public func remove(_ easy: CurlEasy) { curl_multi_remove_handle(multi, easy.handle) }

    /// Moves every attached transfer forward as far as it can without blocking.
    public func perform() {
        var running: Int32 = 0
        curl_multi_perform(multi, &running)
    }

    /// The next finished transfer: its `CURL *` and result.
    public func nextDone() -> (handle: UnsafeMutableRawPointer, code: CurlCode)? {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            return (easy, CurlCode(message.pointee.data.result))
        }
        return nil
    }

    /// Waits for socket activity, libcurl's timers or ``wakeup()``, at most `milliseconds`.
    public func poll(milliseconds: Int32) {
        var ready: Int32 = 0
        curl_multi_poll(multi, nil, 0, milliseconds, &ready)
    }

    /// Interrupts ``poll(milliseconds:)`` from any thread.
    public func wakeup() { curl_multi_wakeup(multi) }

    /// Frees the handle (once); the easy handles must have been removed.
    public func close() {
        guard !closed else { return }
        closed = true
        curl_multi_cleanup(multi)
    }
}
