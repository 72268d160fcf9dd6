import KandasClient

/// Checks a request before it reaches libcurl (`TransportRequest.validate()`, shared with other transports).
enum RequestCheck {
    /// - Throws: what `TransportRequest.validate()` throws.
    static func validate(_ request: TransportRequest) throws(TransportError) {
        try request.validate()
    }

    /// RFC 9110 §5.6.2: token = 1*tchar.
    static func isToken(_ s: String) -> Bool { TransportRequest.isToken(s) }
}
