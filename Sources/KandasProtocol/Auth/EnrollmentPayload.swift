import Foundation

/// The QR-code payload of an enrollment code: `kandas1:<base-url>#<code>` (sync-v1 §2.2).
///
/// The code sits in the URL fragment so that it never reaches a server log if the payload is
/// opened as a link.
public struct EnrollmentPayload: Sendable, Equatable, CustomStringConvertible {
    /// The scheme prefix, which carries the payload format version.
    public static let prefix = "kandas1:"

    /// The server's base URL (`https://kandas.example.kz`); the client appends `/v1`.
    public var baseURL: String
    /// The enrollment code.
    public var code: String

    /// Creates a payload.
    public init(baseURL: String, code: String) {
        self.baseURL = baseURL
        self.code = code
    }

    /// Parses a payload.
    ///
    /// - Throws: `invalid_field` when the prefix, the `http(s)://` base URL or the code is missing.
    public init(parsing text: String) throws(ProtocolError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(Self.prefix), let hash = trimmed.lastIndex(of: "#") else {
            throw ProtocolError(.invalidField, detail: "expected kandas1:<base-url>#<code>")
        }
        let base = String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: Self.prefix.count)..<hash])
        let code = String(trimmed[trimmed.index(after: hash)...])
        guard base.hasPrefix("https://") || base.hasPrefix("http://"), !code.isEmpty else {
            throw ProtocolError(.invalidField, detail: "expected an http(s) base URL and a code")
        }
        self.init(baseURL: base, code: code)
    }

    /// The code with case and separators normalised as the server compares it.
    public var normalizedCode: String {
        code.uppercased().filter { $0 != "-" && $0 != " " }
    }

    /// The payload text.
    public var description: String { Self.prefix + baseURL + "#" + code }
}
