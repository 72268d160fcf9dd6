/// The connection caps at a request head (the counting itself is ``ServerContext``'s).
extension ConnectionMachine {
    /// Whether a request head may go on under the caps: a reserve connection serves only the
    /// reserved paths, and behind a trusted proxy the connection is counted for the forwarded
    /// address (`rekey` moves the count; false when that address is over its cap).
    ///
    /// Returns the admission the connection keeps and whether to answer 503 `too_many_connections`.
    static func capVerdict(
        _ admission: ServerContext.Admission, path: String, headers: HTTPHeaders, reservedPaths: Set<String>,
        trustForwardedFor: Bool, rekey: (_ from: String?, _ to: String) -> Bool
    ) -> (admission: ServerContext.Admission, refuse: Bool) {
        let reserved = reservedPaths.contains(path)
        switch admission {
        case .reserve:
            return (admission, !reserved)
        case .counted(let key):
            guard trustForwardedFor, let forwarded = forwardedAddress(headers), forwarded != key else {
                return (admission, false)
            }
            if rekey(key, forwarded) { return (.counted(key: forwarded), false) }
            return (admission, !reserved)
        case .refused:
            return (admission, true)
        }
    }

    /// The last `X-Forwarded-For` entry: the address the (trusted) proxy saw.
    static func forwardedAddress(_ headers: HTTPHeaders) -> String? {
        let values = headers.values("X-Forwarded-For")
        guard let last = values.last?.split(separator: ",").last else { return nil }
        let address = last.trimmingSpaces()
        return address.isEmpty || address.utf8.count > 64 ? nil : address
    }
}
