/// One uploaded part of a multipart upload.
public struct S3Part: Sendable, Equatable, Codable {
    public var number: Int
    public var etag: String
    public var size: Int64

    public init(number: Int, etag: String, size: Int64) {
        self.number = number
        self.etag = etag
        self.size = size
    }
}

/// A multipart upload the store still holds (not completed, not aborted).
public struct S3MultipartUpload: Sendable, Equatable {
    public var key: String
    public var uploadID: String
    /// `Initiated`, ISO 8601 as the store wrote it.
    public var initiated: String
}

extension S3Client {
    /// The smallest part S3 accepts, except for the last one.
    public static let minimumPartSize: Int64 = 5 << 20
    /// The most parts one multipart upload may have.
    public static let maximumPartCount = 10_000

    /// Starts a multipart upload of `key` and returns its upload id.
    public func createMultipartUpload(key: String) throws(S3Error) -> String {
        let request = Request(method: "POST", key: key, query: [("uploads", "")], operation: "create_multipart_upload")
        let response = try send(request)
        guard let id = S3XML(response.body).first("UploadId"), !id.isEmpty else {
            throw S3Error(.local, operation: "create_multipart_upload", detail: "no UploadId in the answer")
        }
        return id
    }

    /// Uploads part `number` (1...10000) from `length` bytes of a file at `offset`.
    ///
    /// - Returns: the part with the store's ETag.
    public func uploadPart(
        key: String, uploadID: String, number: Int, fd: Int32, offset: Int64, length: Int64, sha256: String?
    ) throws(S3Error) -> S3Part {
        var request = Request(
            method: "PUT", key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)],
            operation: "upload_part")
        request.body = .file(fd: fd, offset: offset, length: length)
        request.payloadHash = sha256 ?? Self.unsignedPayload
        let etag = Self.unquote(try send(request).header("ETag") ?? "")
        return S3Part(number: number, etag: etag, size: length)
    }

    /// Joins the parts into the object `key`.
    ///
    /// - Returns: the object's ETag.
    @discardableResult
    public func completeMultipartUpload(key: String, uploadID: String, parts: [S3Part]) throws(S3Error) -> String {
        var xml = "<CompleteMultipartUpload>"
        for part in parts.sorted(by: { $0.number < $1.number }) {
            xml += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\"\(S3XML.escape(part.etag))\"</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let body = Array(xml.utf8)
        var request = Request(
            method: "POST", key: key, query: [("uploadId", uploadID)], operation: "complete_multipart_upload")
        request.body = .bytes(body)
        request.payloadHash = Self.payloadHash(body)
        request.headers.append(("Content-Type", "application/xml"))
        let response = try send(request)
        // S3 may answer 200 with an <Error> body once the parts are joined.
        let answer = S3XML(response.body)
        if answer.text.contains("<Error>"), let code = answer.first("Code") {
            throw S3Error(
                .serverError, operation: "complete_multipart_upload", status: response.status, code: code,
                detail: answer.first("Message") ?? code)
        }
        return Self.unquote(answer.first("ETag") ?? "")
    }

    /// Drops a multipart upload and its parts; an unknown upload id throws `notFound`.
    public func abortMultipartUpload(key: String, uploadID: String) throws(S3Error) {
        _ = try send(
            Request(method: "DELETE", key: key, query: [("uploadId", uploadID)], operation: "abort_multipart_upload"))
    }

    /// The parts the store holds for an upload (first 1000).
    public func listParts(key: String, uploadID: String) throws(S3Error) -> [S3Part] {
        let response = try send(
            Request(method: "GET", key: key, query: [("uploadId", uploadID)], operation: "list_parts"))
        return S3XML(response.body).blocks("Part").map { block in
            let part = S3XML(text: block)
            return S3Part(
                number: Int(part.first("PartNumber") ?? "") ?? 0, etag: Self.unquote(part.first("ETag") ?? ""),
                size: Int64(part.first("Size") ?? "") ?? 0)
        }
    }

    /// Multipart uploads under `prefix` the store still holds (first 1000).
    public func listMultipartUploads(prefix: String) throws(S3Error) -> [S3MultipartUpload] {
        let response = try send(
            Request(method: "GET", key: nil, query: [("prefix", prefix), ("uploads", "")], operation: "list_uploads"))
        return S3XML(response.body).blocks("Upload").map { block in
            let upload = S3XML(text: block)
            return S3MultipartUpload(
                key: upload.first("Key") ?? "", uploadID: upload.first("UploadId") ?? "",
                initiated: upload.first("Initiated") ?? "")
        }
    }
}
