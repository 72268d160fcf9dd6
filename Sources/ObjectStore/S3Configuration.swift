/// Where an S3-compatible bucket is and how to sign for it.
///
/// Credentials come only from the environment (``fromEnvironment(bucket:endpoint:region:environment:)``),
/// never from flags, and ``description`` never shows them.
public struct S3Configuration: Sendable, CustomStringConvertible {
    /// `http(s)://host[:port]` without a trailing slash; nil means AWS (`https://s3.REGION.amazonaws.com`).
    public var endpoint: String?
    public var region: String
    public var bucket: String
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// Connect timeout; a transfer that moves under 1 byte/s for `lowSpeedSeconds` fails too.
    public var connectTimeoutMilliseconds = 5_000
    public var lowSpeedSeconds = 30

    public init(
        endpoint: String?, region: String = "us-east-1", bucket: String, accessKeyID: String,
        secretAccessKey: String, sessionToken: String? = nil
    ) {
        self.endpoint = endpoint.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.region = region
        self.bucket = bucket
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
    ///
    /// - Throws: ``S3Error`` `invalidConfiguration` when the key id or secret is missing.
    public static func fromEnvironment(
        bucket: String, endpoint: String?, region: String, environment: [String: String]
    ) throws(S3Error) -> S3Configuration {
        guard let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else {
            throw S3Error(
                .invalidConfiguration, operation: "configure",
                detail: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set in the environment")
        }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return S3Configuration(
            endpoint: endpoint, region: region, bucket: bucket, accessKeyID: key, secretAccessKey: secret,
            sessionToken: token)
    }

    /// Path-style (`endpoint/bucket/key`) for a custom endpoint, virtual-hosted for AWS.
    var baseURL: String {
        if let endpoint { return endpoint + "/" + S3Query.encode(bucket) }
        return "https://" + bucket + ".s3." + region + ".amazonaws.com"
    }

    /// Without credentials: safe to log.
    public var description: String {
        "s3://\(bucket) at \(endpoint ?? "https://s3.\(region).amazonaws.com") (\(region))"
    }
}
