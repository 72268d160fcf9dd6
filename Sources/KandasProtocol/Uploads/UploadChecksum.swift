public import Foundation

/// A parsed tus `Upload-Checksum` header: `<algorithm> <base64 digest of this request's body>`.
public struct UploadChecksum: Sendable, Equatable {
    /// Checksum algorithms the server supports (`Tus-Checksum-Algorithm`).
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha256
        case sha1

        /// Digest length in bytes.
        public var digestLength: Int { self == .sha256 ? 32 : 20 }
    }

    /// The algorithm.
    public var algorithm: Algorithm
    /// The expected digest bytes.
    public var digest: [UInt8]

    /// Creates a checksum.
    public init(algorithm: Algorithm, digest: [UInt8]) {
        self.algorithm = algorithm
        self.digest = digest
    }

    /// Parses the header value.
    ///
    /// - Throws: `checksum_algorithm_unsupported` for another algorithm (tus: 400), `invalid_field`
    ///   for a malformed value or a digest of the wrong length.
    public init(header: String) throws(ProtocolError) {
        let parts = header.trimmingCharacters(in: .whitespaces).split(separator: " ")
        let pointer = "header:" + HeaderName.uploadChecksum
        guard parts.count == 2 else {
            throw ProtocolError(.invalidField, pointer: pointer, detail: "expected '<algorithm> <base64>'")
        }
        guard let algorithm = Algorithm(rawValue: parts[0].lowercased()) else {
            throw ProtocolError(.checksumAlgorithmUnsupported, pointer: pointer, detail: "supported: sha256, sha1")
        }
        guard let data = Data(base64Encoded: String(parts[1])), data.count == algorithm.digestLength else {
            throw ProtocolError(.invalidField, pointer: pointer, detail: "digest is not base64 of the right length")
        }
        self.init(algorithm: algorithm, digest: Array(data))
    }

    /// The header value.
    public var headerValue: String { algorithm.rawValue + " " + Data(digest).base64EncodedString() }
}
