import Foundation
import Testing

@testable import KandasProtocol

private let sample = UploadMetadata(
    attachmentID: WireID("5f0c1a2e-3b4d-4e6f-8a9b-000000000b03")!,
    sha256: String(repeating: "ab", count: 32), contentType: "video/mp4", kind: .video, filename: "Бейне 1.mp4")

@Test func uploadMetadataHeader_roundTrips() throws {
    #expect(try UploadMetadata(header: sample.headerValue) == sample)
}

@Test func unknownMetadataKeys_fromStockClients_areIgnored() throws {
    let header = sample.headerValue + ",filetype dmlkZW8vbXA0,is_confidential"
    #expect(try UploadMetadata(header: header) == sample)
}

@Test func missingOrBadMetadata_isRejectedWithTheKey() {
    var bad = sample
    bad.sha256 = "ABC"
    do {
        _ = try UploadMetadata(header: bad.headerValue)
        Issue.record("accepted")
    } catch {
        #expect(error.code == .invalidField)
        #expect(error.pointer == "header:Upload-Metadata/sha256")
    }
    do {
        _ = try UploadMetadata(header: "kind dmlkZW8=")
        Issue.record("accepted")
    } catch {
        #expect(error.code == .missingField)
    }
    #expect(throws: ProtocolError.self) { try UploadMetadata(header: "attachment_id !!!") }
}
