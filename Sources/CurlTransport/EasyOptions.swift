import CurlKit
import KandasClient

/// Typed `curl_easy_setopt` calls (the C function is variadic, so Swift cannot call it) that keep
/// the first failure instead of checking every call site.
struct EasyOptions {
    let easy: CurlEasy
    /// The first option libcurl refused, as the error the request fails with.
    private(set) var failure: TransportError?

    init(easy: CurlEasy) { self.easy = easy }

    mutating func set(_ option: CurlOption, _ value: Int) {
        check(option, easy.set(option, value))
    }

    mutating func set(_ option: CurlOption, offset value: Int64) {
        check(option, easy.set(option, offset: value))
    }

    /// libcurl copies string options (since 7.17), so the Swift string need not outlive the call.
    mutating func set(_ option: CurlOption, string value: String) {
        check(option, easy.set(option, string: value))
    }

    mutating func set(_ option: CurlOption, pointer value: UnsafeMutableRawPointer?) {
        check(option, easy.set(option, pointer: value))
    }

    mutating func set(_ option: CurlOption, list value: CurlHeaderList?) {
        check(option, easy.set(option, list: value))
    }

    mutating func set(_ option: CurlOption, callback value: CurlDataCallback) {
        check(option, easy.set(option, callback: value))
    }

    mutating func setXferInfo(_ value: CurlXferInfoCallback) {
        check(.xferInfoFunction, easy.setXferInfo(value))
    }

    private mutating func check(_ option: CurlOption, _ code: CurlCode) {
        guard code != .ok, failure == nil else { return }
        // CURLE_URL_MALFORMAT here means libcurl's URL parser refused CURLOPT_URL.
        let detail = "option \(option.rawValue): \(code)"
        failure = TransportError(CurlFailure(code: code.rawValue, detail: detail))
    }
}
