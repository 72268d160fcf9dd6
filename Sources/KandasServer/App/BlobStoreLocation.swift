import Foundation
import KandasUploads
import ObjectStore

/// The value of `--blob-store`: the local folder or an S3 bucket with an optional key prefix.
public enum BlobStoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// `file:` (nil: `<data>/blobs`) or `file:PATH`.
    case file(String?)
    /// `s3://BUCKET[/PREFIX]`.
    case s3(bucket: String, prefix: String)

    /// Parses `file:`, `file:PATH` or `s3://BUCKET[/PREFIX]`; nil for anything else or a bucket
    /// name S3 would refuse (3-63 of `a-z 0-9 . -`, starting and ending with a letter or digit).
    public init?(_ text: String) {
        if text == "file:" {
            self = .file(nil)
        } else if text.hasPrefix("file:") {
            self = .file(String(text.dropFirst(5)))
        } else if text.hasPrefix("s3://") {
            let rest = text.dropFirst(5)
            let bucket = String(rest.prefix { $0 != "/" })
            let prefix = rest.dropFirst(bucket.count).split(separator: "/").joined(separator: "/")
            let allowed = bucket.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D
            }
            guard (3...63).contains(bucket.count), allowed,
                bucket.first?.isLetter == true || bucket.first?.isNumber == true,
                bucket.last?.isLetter == true || bucket.last?.isNumber == true,
                prefix.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") })
            else { return nil }
            self = .s3(bucket: bucket, prefix: prefix)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .file(nil): "file:"
        case .file(let path?): "file:" + path
        case .s3(let bucket, let prefix): "s3://" + bucket + (prefix.isEmpty ? "" : "/" + prefix)
        }
    }
}

/// AWS credentials from the standard environment variables; ``description`` hides them.
public struct S3Credentials: Sendable, Equatable, CustomStringConvertible {
    var accessKeyID: String
    var secretAccessKey: String
    var sessionToken: String?

    /// nil unless both `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` are set and non-empty.
    init?(environment: [String: String]) {
        guard let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else { return nil }
        accessKeyID = key
        secretAccessKey = secret
        sessionToken = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public var description: String { "S3Credentials(redacted)" }
}

extension KandasApp {
    /// Opens the blob store `location` names; for S3, checks the bucket is there and the
    /// credentials may use it, so a bad setting stops the start (exit 1) with a clear message.
    ///
    /// - Throws: ``CommandError`` `failure` naming what is wrong (never a credential).
    static func openBlobStore(_ location: BlobStoreLocation, config: ServerConfig) throws -> any BlobStore {
        switch location {
        case .file(let path):
            return try LocalBlobStore(root: path ?? blobDirectory(config))
        case .s3(let bucket, let prefix):
            guard let credentials = config.s3Credentials else {
                throw CommandError.failure(
                    "blob store \(location): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
            }
            let client = S3Client(
                configuration: S3Configuration(
                    endpoint: config.s3Endpoint, region: config.s3Region, bucket: bucket,
                    accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey,
                    sessionToken: credentials.sessionToken))
            do {
                try client.checkBucket()
            } catch {
                throw CommandError.failure("blob store \(location) at \(client.configuration): \(explain(error))")
            }
            return S3BlobStore(client: client, prefix: prefix)
        }
    }

    /// What an operator should check for each kind of store failure.
    static func explain(_ error: S3Error) -> String {
        switch error.kind {
        case .unavailable: "the store is unreachable (\(error.detail)); check --s3-endpoint and the network"
        case .accessDenied:
            "the store refused the credentials (HTTP \(error.status)\(error.code.map { " " + $0 } ?? "")); "
                + "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and --s3-region"
        case .noSuchBucket: "the bucket does not exist; create it first"
        default: error.description
        }
    }
}
