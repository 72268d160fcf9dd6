import Foundation
import Testing

@testable import KandasProtocol

@Test func sha256Checksum_parsesAndFormats() throws {
    let digest = [UInt8](repeating: 7, count: 32)
    let header = "sha256 " + Data(digest).base64EncodedString()
    let checksum = try UploadChecksum(header: header)
    #expect(checksum.algorithm == .sha256)
    #expect(checksum.digest == digest)
    #expect(checksum.headerValue == header)
}

@Test func md5Checksum_isUnsupportedAlgorithm() {
    do {
        _ = try UploadChecksum(header: "md5 AAAAAAAAAAAAAAAAAAAAAA==")
        Issue.record("accepted")
    } catch {
        #expect(error.code == .checksumAlgorithmUnsupported)
    }
}

@Test func digestOfWrongLength_isInvalid() {
    do {
        _ = try UploadChecksum(header: "sha1 " + Data([UInt8](repeating: 1, count: 32)).base64EncodedString())
        Issue.record("accepted")
    } catch {
        #expect(error.code == .invalidField)
    }
}
