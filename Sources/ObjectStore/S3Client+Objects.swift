import Glibc

/// What the store knows of one object.
public struct S3ObjectInfo: Sendable, Equatable {
    public var key: String
    public var size: Int64
    /// The store's `ETag`, quotes removed.
    public var etag: String

    public init(key: String, size: Int64, etag: String) {
        self.key = key
        self.size = size
        self.etag = etag
    }
}

/// One page of ``S3Client/listObjects(prefix:continuation:)``.
public struct S3ObjectPage: Sendable {
    public var objects: [S3ObjectInfo]
    /// Pass back to get the next page; nil on the last one.
    public var continuation: String?
}

extension S3Client {
    /// Uploads `length` bytes of a file from `offset` as `key`.
    ///
    /// - Parameters:
    ///   - sha256: the region's SHA-256 in hex, signed as the payload hash; nil sends
    ///     `UNSIGNED-PAYLOAD`.
    ///   - ifNoneMatch: sends `If-None-Match: *`, so an existing object is kept and the call
    ///     throws `alreadyExists`.
    /// - Returns: the new object's ETag.
    /// - Throws: ``S3Error``; `local` when the file cannot be opened or is short.
    @discardableResult
    public func putObject(
        key: String, file path: String, offset: Int64 = 0, length: Int64? = nil, sha256: String?,
        ifNoneMatch: Bool = false
    ) throws(S3Error) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw S3Error(.local, operation: "put_object", detail: "open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw S3Error(.local, operation: "put_object", detail: "fstat \(path): \(String(cString: strerror(errno)))")
        }
        let size = length ?? (Int64(st.st_size) - offset)
        guard offset >= 0, size >= 0, offset + size <= Int64(st.st_size) else {
            throw S3Error(.local, operation: "put_object", detail: "\(path) is shorter than the region to upload")
        }
        var request = Request(method: "PUT", key: key, operation: "put_object")
        request.body = .file(fd: fd, offset: offset, length: size)
        request.payloadHash = sha256 ?? Self.unsignedPayload
        if ifNoneMatch { request.headers.append(("If-None-Match", "*")) }
        return Self.unquote(try send(request).header("ETag") ?? "")
    }

    /// Uploads a small body held in memory as `key`, signed with its real hash.
    @discardableResult
    public func putObject(key: String, bytes: [UInt8], ifNoneMatch: Bool = false) throws(S3Error) -> String {
        var request = Request(method: "PUT", key: key, operation: "put_object")
        request.body = .bytes(bytes)
        request.payloadHash = Self.payloadHash(bytes)
        if ifNoneMatch { request.headers.append(("If-None-Match", "*")) }
        return Self.unquote(try send(request).header("ETag") ?? "")
    }

    /// The object's size and ETag, or nil when it does not exist.
    public func headObject(key: String) throws(S3Error) -> S3ObjectInfo? {
        let response = try perform(Request(method: "HEAD", key: key, operation: "head_object"))
        if response.status == 404 { return nil }
        guard (200..<300).contains(response.status) else { throw failure(response, operation: "head_object") }
        return S3ObjectInfo(
            key: key, size: Int64(response.header("Content-Length") ?? "") ?? 0,
            etag: Self.unquote(response.header("ETag") ?? ""))
    }

    /// Streams an object (or the inclusive byte range `range`) into `sink` as it arrives, never
    /// holding it whole; `sink` returning false stops the download (the call then throws `local`).
    ///
    /// - Returns: the status (200, or 206 for a range) and the object's `Content-Length` as sent.
    @discardableResult
    public func getObject(
        key: String, range: ClosedRange<Int64>? = nil, into sink: @escaping (UnsafeRawBufferPointer) -> Bool
    ) throws(S3Error) -> (status: Int, length: Int64) {
        var request = Request(method: "GET", key: key, operation: "get_object")
        if let range { request.headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        let response = try send(request, sink: sink)
        return (response.status, Int64(response.header("Content-Length") ?? "") ?? -1)
    }

    /// Reads a small object whole (metadata, tests).
    public func getObject(key: String) throws(S3Error) -> [UInt8] {
        var bytes: [UInt8] = []
        try getObject(key: key) { chunk in
            bytes.append(contentsOf: chunk)
            return true
        }
        return bytes
    }

    /// Deletes `key`; deleting a missing key succeeds (S3 answers 204 either way).
    public func deleteObject(key: String) throws(S3Error) {
        _ = try send(Request(method: "DELETE", key: key, operation: "delete_object"))
    }

    /// One page (up to 1000) of the objects under `prefix`, in key order (ListObjectsV2).
    public func listObjects(prefix: String, continuation: String? = nil) throws(S3Error) -> S3ObjectPage {
        var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", prefix)]
        if let continuation { query.append(("continuation-token", continuation)) }
        let response = try send(Request(method: "GET", key: nil, query: query, operation: "list_objects"))
        let xml = S3XML(response.body)
        let objects = xml.blocks("Contents").map { block in
            let entry = S3XML(text: block)
            return S3ObjectInfo(
                key: entry.first("Key") ?? "", size: Int64(entry.first("Size") ?? "") ?? 0,
                etag: Self.unquote(entry.first("ETag") ?? ""))
        }
        let truncated = xml.first("IsTruncated") == "true"
        return S3ObjectPage(objects: objects, continuation: truncated ? xml.first("NextContinuationToken") : nil)
    }

    /// Every object under `prefix`, page by page.
    public func forEachObject(prefix: String, _ body: (S3ObjectInfo) throws(S3Error) -> Void) throws(S3Error) {
        var token: String?
        repeat {
            let page = try listObjects(prefix: prefix, continuation: token)
            for object in page.objects { try body(object) }
            token = page.continuation
        } while token != nil
    }

    /// Checks that the bucket exists and the credentials may use it.
    ///
    /// - Throws: `noSuchBucket`, `accessDenied`, `unavailable`.
    public func checkBucket() throws(S3Error) {
        let response = try perform(Request(method: "HEAD", key: nil, operation: "head_bucket"))
        switch response.status {
        case 200..<300: return
        case 404:
            throw S3Error(
                .noSuchBucket, operation: "head_bucket", status: 404, code: "NoSuchBucket",
                detail: "bucket \(configuration.bucket) does not exist")
        default: throw failure(response, operation: "head_bucket")
        }
    }

    /// Creates the bucket (tests and first setup); an existing bucket owned by us is fine.
    public func createBucket() throws(S3Error) {
        let response = try perform(Request(method: "PUT", key: nil, operation: "create_bucket"))
        guard (200..<300).contains(response.status) || S3XML(response.body).first("Code") == "BucketAlreadyOwnedByYou"
        else { throw failure(response, operation: "create_bucket") }
    }

    static func unquote(_ etag: String) -> String {
        etag.count >= 2 && etag.hasPrefix("\"") && etag.hasSuffix("\"") ? String(etag.dropFirst().dropLast()) : etag
    }
}
