import Crypto
import Foundation
import KandasProtocol

@testable import KandasClient

extension FakeServer {
    func header(_ request: TransportRequest, _ name: String) -> String? {
        request.headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// POST /v1/uploads (sync-v1 §10.2): idempotent per attachment id.
    func createUpload(_ request: TransportRequest) -> TransportResponse {
        guard let lengthText = header(request, HeaderName.uploadLength), let length = Int64(lengthText),
            let metadataText = header(request, HeaderName.uploadMetadata),
            let metadata = try? UploadMetadata(header: metadataText)
        else { return problem(400, .invalidField) }
        guard let declaration = declared[metadata.attachmentID] else { return problem(422, .unknownAttachment) }
        guard declaration.file.size == Int(length), declaration.file.sha256 == metadata.sha256,
            declaration.file.contentType == metadata.contentType, declaration.file.kind == metadata.kind
        else { return problem(422, .attachmentMismatch) }
        if let (id, upload) = uploads.first(where: {
            $0.value.attachmentID == metadata.attachmentID && !$0.value.expired
        }) {
            return TransportResponse(
                status: 201,
                headers: [
                    ("Location", "/v1/uploads/" + id), ("Upload-Offset", String(upload.bytes.count)),
                    ("Kandas-Upload-State", upload.verified ? "verified" : "receiving"),
                    ("Idempotent-Replayed", "true"),
                ])
        }
        let id = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        uploads[id] = Upload(attachmentID: metadata.attachmentID, length: length, sha256: metadata.sha256)
        return TransportResponse(
            status: 201,
            headers: [("Location", "/v1/uploads/" + id), ("Upload-Offset", "0"), ("Kandas-Upload-State", "receiving")])
    }

    /// HEAD /v1/uploads/{id} (§10.3): the true offset.
    func head(_ id: String) -> TransportResponse {
        expireIfAsked(id)
        guard let upload = uploads[id] else { return TransportResponse(status: 404) }
        guard !upload.expired else { return TransportResponse(status: 410) }
        return TransportResponse(
            status: 200,
            headers: [
                ("Upload-Offset", String(upload.bytes.count)), ("Upload-Length", String(upload.length)),
                ("Kandas-Upload-State", upload.verified ? "verified" : "receiving"),
            ])
    }

    func expireIfAsked(_ id: String) {
        if expireUploadsNext, uploads[id] != nil {
            expireUploadsNext = false
            uploads[id]?.expired = true
        }
    }

    /// PATCH /v1/uploads/{id} (§10.4): all-or-nothing chunks with `Upload-Checksum`.
    func patch(_ id: String, _ request: TransportRequest, _ body: [UInt8]) -> TransportResponse {
        expireIfAsked(id)
        guard var upload = uploads[id] else { return problem(404, .notFound) }
        guard !upload.expired else { return problem(410, .uploadExpired) }
        guard let offsetText = header(request, HeaderName.uploadOffset), let offset = Int64(offsetText) else {
            return problem(400, .invalidField)
        }
        if mismatchNextPatch {
            mismatchNextPatch = false
            return problem(
                409, .uploadOffsetMismatch, headers: [("Upload-Offset", String(upload.bytes.count))],
                offset: upload.bytes.count)
        }
        guard offset == Int64(upload.bytes.count) else {
            return problem(
                409, .uploadOffsetMismatch, headers: [("Upload-Offset", String(upload.bytes.count))],
                offset: upload.bytes.count)
        }
        guard Int64(body.count) <= maxChunk else { return problem(413, .chunkTooLarge) }
        guard let checksumText = header(request, HeaderName.uploadChecksum),
            let checksum = try? UploadChecksum(header: checksumText)
        else { return problem(400, .invalidField) }
        if corruptNextChunks > 0 {
            corruptNextChunks -= 1
            return problem(460, .checksumMismatch)
        }
        guard SHA256.hash(body).bytes == checksum.digest else { return problem(460, .checksumMismatch) }
        upload.bytes += body
        var state = "receiving"
        if Int64(upload.bytes.count) == upload.length {
            guard SHA256.hash(upload.bytes).hex == upload.sha256 else {
                uploads[id] = nil
                return problem(460, .fileDigestMismatch)
            }
            upload.verified = true
            state = "verified"
            verify(upload.attachmentID)
        }
        uploads[id] = upload
        return TransportResponse(
            status: 204, headers: [("Upload-Offset", String(upload.bytes.count)), ("Kandas-Upload-State", state)])
    }

    func verify(_ attachmentID: WireID) {
        guard let completionID = declared[attachmentID]?.completionID, var completion = completions[completionID],
            let index = completion.files.firstIndex(where: { $0.attachmentID == attachmentID })
        else { return }
        completion.files[index].uploadState = .verified
        completion.files[index].receivedBytes = completion.files[index].size
        completion.files[index].verifiedAt = Self.clock
        completion.filesVerified = completion.files.filter { $0.uploadState == .verified }.count
        completion.completeness = completion.filesVerified == completion.filesDeclared ? .complete : .incomplete
        completions[completionID] = completion
        record(.completion, completionID)
        issueReceipt(completionID)
    }

    /// Bytes stored for the attachment's verified upload, if any.
    func storedBytes(of attachmentID: WireID) -> [UInt8]? {
        uploads.values.first { $0.attachmentID == attachmentID && $0.verified }?.bytes
    }

    /// The server drops a file's bytes as `corrupt` (a late integrity check) or `expired` (swept), with a
    /// receipt saying so (sync-v1 §10.5, §10.6, §11); a new upload of the attachment starts from zero.
    func drop(_ attachmentID: WireID, as state: UploadState) {
        uploads = uploads.filter { $0.value.attachmentID != attachmentID }
        guard let completionID = declared[attachmentID]?.completionID, var completion = completions[completionID],
            let index = completion.files.firstIndex(where: { $0.attachmentID == attachmentID })
        else { return }
        completion.files[index].uploadState = state
        completion.files[index].receivedBytes = 0
        completion.files[index].verifiedAt = nil
        completion.filesVerified = completion.files.filter { $0.uploadState == .verified }.count
        completion.completeness = completion.filesVerified == completion.filesDeclared ? .complete : .incomplete
        completions[completionID] = completion
        record(.completion, completionID)
        issueReceipt(completionID)
    }
}
