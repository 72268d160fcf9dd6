/// Canonical query strings and object paths for AWS Signature Version 4.
///
/// libcurl before 8.3 signs the query string exactly as it appears in the URL, while S3 signs the
/// canonical form (AWS SigV4 "Create a canonical request"): parameters sorted by name then value,
/// names and values percent-encoded per RFC 3986 (everything but `A-Z a-z 0-9 - _ . ~`), and `=`
/// even after a valueless name (`uploads=`). So every URL this client sends carries its query
/// already canonical, and the two agree on any libcurl version.
public enum S3Query {
    /// The canonical query string for `parameters`.
    public static func canonical(_ parameters: [(name: String, value: String)]) -> String {
        parameters
            .map { (name: encode($0.name), value: encode($0.value)) }
            .sorted { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
    }

    /// RFC 3986 §2.3 percent-encoding of everything but unreserved characters (uppercase hex).
    public static func encode(_ s: String, keepingSlash: Bool = false) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(c)
            case UInt8(ascii: "/") where keepingSlash:
                out.append(c)
            default:
                out += [UInt8(ascii: "%"), hex[Int(c >> 4)], hex[Int(c & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// An object key as a URL path (each segment encoded once, `/` kept), as S3 signs it.
    public static func path(forKey key: String) -> String { "/" + encode(key, keepingSlash: true) }
}
