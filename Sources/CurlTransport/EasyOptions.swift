internal import CCurl
import KandasClient

/// Typed `curl_easy_setopt` calls (the C function is variadic, so Swift cannot call it) that keep
/// the first failure instead of checking every call site.
struct EasyOptions {
    let easy: UnsafeMutableRawPointer
    /// The first option libcurl refused, as the error the request fails with.
    private(set) var failure: TransportError?

    init(easy: UnsafeMutableRawPointer) { self.easy = easy }

    mutating func set(_ option: CURLoption, _ value: Int) {
        check(option, ccurl_setopt_long(easy, option, value))
    }

    mutating func set(_ option: CURLoption, offset value: Int64) {
        check(option, ccurl_setopt_off(easy, option, curl_off_t(value)))
    }

    /// libcurl copies string options (since 7.17), so the Swift string need not outlive the call.
    mutating func set(_ option: CURLoption, string value: String) {
        check(option, ccurl_setopt_string(easy, option, value))
    }

    mutating func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) {
        check(option, ccurl_setopt_pointer(easy, option, value))
    }

    mutating func set(_ option: CURLoption, list value: UnsafeMutablePointer<curl_slist>?) {
        check(option, ccurl_setopt_slist(easy, option, value))
    }

    mutating func set(_ option: CURLoption, callback value: ccurl_data_callback) {
        check(option, ccurl_setopt_data_callback(easy, option, value))
    }

    mutating func setXferInfo(_ value: ccurl_xferinfo_callback) {
        check(CURLOPT_XFERINFOFUNCTION, ccurl_setopt_xferinfo_callback(easy, value))
    }

    private mutating func check(_ option: CURLoption, _ code: CURLcode) {
        guard code != CURLE_OK, failure == nil else { return }
        // CURLE_URL_MALFORMAT here means libcurl's URL parser refused CURLOPT_URL.
        let detail = "option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))"
        failure = TransportError(CurlFailure(code: code.rawValue, detail: detail))
    }
}
