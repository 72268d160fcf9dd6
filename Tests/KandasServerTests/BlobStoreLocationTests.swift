import Testing

@testable import KandasServer

/// `--blob-store` values and where S3 credentials may come from.
struct BlobStoreLocationTests {
    @Test func fileAndS3URLs_parse_withPrefixSlashesTrimmed() {
        #expect(BlobStoreLocation("file:") == .file(nil))
        #expect(BlobStoreLocation("file:/srv/blobs") == .file("/srv/blobs"))
        #expect(BlobStoreLocation("s3://evidence") == .s3(bucket: "evidence", prefix: ""))
        #expect(BlobStoreLocation("s3://evidence/kandas/prod/") == .s3(bucket: "evidence", prefix: "kandas/prod"))
        #expect(BlobStoreLocation("s3://my.bucket-1/x")?.description == "s3://my.bucket-1/x")
    }

    @Test(arguments: ["", "s3://", "s3://ab", "s3://Upper", "s3://-bucket", "s3://b_ucket", "http://x", "s3://ok1/a?b"])
    func badValues_areRefused(value: String) {
        #expect(BlobStoreLocation(value) == nil)
    }

    @Test func credentials_comeOnlyFromTheEnvironment_andNeverPrint() throws {
        var config = ServerConfig()
        _ = try ServerConfig.parse(
            arguments: ["--blob-store", "s3://evidence", "--s3-endpoint", "http://127.0.0.1:9000"],
            environment: [
                "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s3cr3t", "KANDAS_S3_REGION": "kz-1",
            ],
            into: &config, extraFlags: [])
        #expect(config.blobStore == .s3(bucket: "evidence", prefix: ""))
        #expect(config.s3Region == "kz-1")
        #expect(config.s3Credentials != nil)
        #expect(!"\(config)".contains("s3cr3t") && !"\(config)".contains("AKIDEXAMPLE"))
        #expect(throws: CommandError.self) {
            var other = ServerConfig()
            _ = try ServerConfig.parse(
                arguments: ["--aws-secret-access-key", "x"], environment: [:], into: &other, extraFlags: [])
        }
        var none = ServerConfig()
        _ = try ServerConfig.parse(arguments: [], environment: ["AWS_ACCESS_KEY_ID": "a"], into: &none, extraFlags: [])
        #expect(none.s3Credentials == nil && none.blobStore == .file(nil))
    }
}
