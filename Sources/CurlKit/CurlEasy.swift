internal import CCurl

/// One libcurl easy handle: typed `curl_easy_setopt`/`curl_easy_getinfo` (the C functions are
/// variadic, so Swift cannot call them) and a blocking `perform`.
///
/// Invariant that makes `@unchecked Sendable` sound: a handle is used by one thread at a time (its
/// owner hands it over, e.g. from a pool under a lock or to a multi driver), as libcurl requires.
public final class CurlEasy: @unchecked Sendable {
    /// The `CURL *`, for ``CurlMulti``.
    public let handle: UnsafeMutableRawPointer
    /// The header list the handle points at: libcurl keeps only the pointer, so it lives as long.
    private var headers: CurlHeaderList?

    /// Creates a handle, or nil when libcurl cannot (global init failed, out of memory).
    public init?() {
        guard Curl.initialize() == .ok, let easy = curl_easy_init() else { return nil }
        handle = easy
    }

    deinit { curl_easy_cleanup(handle) }

    /// Back to default options, keeping the handle's connection and DNS caches.
    public func reset() {
        curl_easy_reset(handle)
        headers = nil
    }

    @discardableResult
    public func set(_ option: CurlOption, _ value: Int) -> CurlCode {
        CurlCode(ccurl_setopt_long(handle, option.c, value))
    }

    @discardableResult
    public func set(_ option: CurlOption, offset value: Int64) -> CurlCode {
        CurlCode(ccurl_setopt_off(handle, option.c, curl_off_t(value)))
    }

    /// libcurl copies string options (since 7.17), so the Swift string need not outlive the call.
    @discardableResult
    public func set(_ option: CurlOption, string value: String) -> CurlCode {
        CurlCode(ccurl_setopt_string(handle, option.c, value))
    }

    @discardableResult
    public func set(_ option: CurlOption, pointer value: UnsafeMutableRawPointer?) -> CurlCode {
        CurlCode(ccurl_setopt_pointer(handle, option.c, value))
    }

    /// Points the handle at `list` and keeps the list alive while the handle may use it.
    @discardableResult
    public func set(_ option: CurlOption, list value: CurlHeaderList?) -> CurlCode {
        headers = value
        return CurlCode(ccurl_setopt_slist(handle, option.c, value?.head))
    }

    @discardableResult
    public func set(_ option: CurlOption, callback value: CurlDataCallback) -> CurlCode {
        CurlCode(ccurl_setopt_data_callback(handle, option.c, value))
    }

    @discardableResult
    public func setXferInfo(_ value: CurlXferInfoCallback) -> CurlCode {
        CurlCode(ccurl_setopt_xferinfo_callback(handle, value))
    }

    /// Runs the transfer on the calling thread (never Swift's cooperative pool: it blocks).
    public func perform() -> CurlCode { CurlCode(curl_easy_perform(handle)) }

    /// A `long` or `curl_off_t` item; 0 when libcurl has none.
    public func info(_ item: CurlInfo) -> Int64 {
        if item == .responseCode {
            var value = 0
            ccurl_getinfo_long(handle, item.c, &value)
            return Int64(value)
        }
        var value: curl_off_t = 0
        ccurl_getinfo_off(handle, item.c, &value)
        return Int64(value)
    }
}

/// A `curl_slist` of request header lines, freed with the value.
public final class CurlHeaderList: @unchecked Sendable {
    fileprivate var head: UnsafeMutablePointer<curl_slist>?

    public init(_ lines: [String] = []) {
        for line in lines { append(line) }
    }

    deinit { curl_slist_free_all(head) }

    public func append(_ line: String) { head = curl_slist_append(head, line) }
}
