import Crypto
import Foundation
import Glibc
import HTTPServer
import KandasProtocol
import KandasStore
import KandasTestSupport
import KandasUploads
import Log
import Synchronization

/// A clock the tests move by hand, so expiry is reached without waiting.
final class TestClock: Sendable {
    private let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var date: Date { now.withLock { $0 } }
    func advance(seconds: Double) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The files the `onVerified` hook saw, in order.
final class VerifiedLog: Sendable {
    private let list = Mutex<[VerifiedFile]>([])
    func append(_ file: VerifiedFile) { list.withLock { $0.append(file) } }
    var all: [VerifiedFile] { list.withLock { $0 } }
}

/// Where a fixture keeps verified blobs: the folder, or a SeaweedFS bucket started for the test.
enum BlobBackend: String, CaseIterable, Sendable {
    case file
    case s3
}

/// A database, an upload store and (optionally) a live server on 127.0.0.1 port 0.
final class UploadFixture: @unchecked Sendable {
    // @unchecked Sendable invariant: `store` and `server` are replaced only by the test thread
    // that owns the fixture, between requests.
    let dir = TemporaryFolder()
    let clock = TestClock()
    let pool: any DatabaseEngine
    var configuration: UploadConfiguration
    var store: UploadStore
    var server: HTTPServer?
    let verified = VerifiedLog()
    /// The S3 store of a `.s3` fixture (stopped by `stop()`).
    let seaweed: SeaweedServer?
    let blobs: any BlobStore

    let logger: Logger

    init(
        live: Bool = true, blobs backend: BlobBackend = .file, logger: Logger = .disabled,
        configure: (inout UploadConfiguration) -> Void = { _ in }
    ) throws {
        self.logger = logger
        pool = try SQLiteEngine(path: dir.path + "/kandas.sqlite", readers: 2, migrations: UploadStore.migrations)
        configuration = UploadConfiguration(dataDirectory: dir.path)
        configure(&configuration)
        switch backend {
        case .file:
            seaweed = nil
            blobs = try LocalBlobStore(root: configuration.blobDirectory)
        case .s3:
            let s3 = try SeaweedServer()
            seaweed = s3
            try s3.createBucket("evidence")
            blobs = S3BlobStore(client: s3.client(bucket: "evidence"), prefix: "blobs")
        }
        store = try UploadFixture.makeStore(
            pool: pool, configuration: configuration, clock: clock, verified: verified, blobs: blobs, logger: logger)
        if live { try startServer() }
    }

    static func makeStore(
        pool: any DatabaseEngine, configuration: UploadConfiguration, clock: TestClock, verified: VerifiedLog,
        blobs: (any BlobStore)? = nil, logger: Logger = .disabled
    ) throws -> UploadStore {
        try UploadStore(
            database: pool, configuration: configuration, blobs: blobs, clock: { clock.date }, logger: logger,
            onVerified: { db, file in
                // Proves the hook runs inside the transaction that marks the upload verified.
                let state = try db.scalar("SELECT state FROM tus_uploads WHERE upload_id = ?", file.uploadID)
                guard state == .text("verified") else { throw UploadError(.internalError, detail: "not in tx") }
                verified.append(file)
            })
    }

    /// A new store on the same database and folder: what a server restart does.
    @discardableResult
    func restartStore() throws -> UploadStore {
        store = try UploadFixture.makeStore(
            pool: pool, configuration: configuration, clock: clock, verified: verified, blobs: blobs, logger: logger)
        return store
    }

    func startServer() throws {
        var router = Router()
        TusHandlers(store: store).register(on: &router) { request throws(HTTPError) in
            guard let auth = request.headers["Authorization"], auth.hasPrefix("Bearer "), auth.count > 7 else {
                throw HTTPError(status: .unauthorized, code: "unauthenticated")
            }
            return String(auth.dropFirst(7))
        }
        var config = HTTPServer.Configuration(listen: [HTTPServer.ListenAddress(host: "127.0.0.1", port: 0)])
        config.handlerThreads = 4
        config.bodyReadSize = 64 * 1024
        let server = HTTPServer(configuration: config, router: router, logger: .disabled)
        try server.start()
        self.server = server
    }

    var port: Int { server?.boundPort ?? 0 }
    var base: String { "http://127.0.0.1:\(port)" }

    func stop() async {
        await server?.shutdown()
        pool.close()
        dir.remove()
        seaweed?.stop()
    }

    /// The bytes of a stored blob, from whichever store the fixture uses (nil when missing).
    func blobBytes(_ sha256: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        do {
            try blobs.read(sha256: sha256, range: nil) { piece in
                bytes += piece
                return true
            }
        } catch {
            return nil
        }
        return bytes
    }

    func partialPath(_ uploadID: String) -> String { configuration.partialDirectory + "/" + uploadID }

    func blobPath(_ sha256: String) -> String {
        configuration.blobDirectory + "/" + sha256.prefix(2) + "/" + sha256.dropFirst(2).prefix(2) + "/" + sha256
    }

    // MARK: curl

    /// POST creation for `data`, declared with its true hash unless `sha256` is given.
    func create(
        _ data: [UInt8], owner: String = "device-1", attachment: String = WireID.random().description,
        contentType: String = "application/pdf", kind: FileKind = .document, sha256: String? = nil
    ) throws -> CurlResult {
        let metadata = UploadMetadata(
            attachmentID: WireID(attachment)!, sha256: sha256 ?? SHA256.hash(data).hex, contentType: contentType,
            kind: kind)
        return try curl([
            "-X", "POST", base + "/v1/uploads", "-H", "Authorization: Bearer \(owner)", "-H", "Tus-Resumable: 1.0.0",
            "-H", "Upload-Length: \(data.count)", "-H", "Upload-Metadata: \(metadata.headerValue)",
        ])
    }

    func head(_ location: String, owner: String = "device-1") throws -> CurlResult {
        try curl(["-I", base + location, "-H", "Authorization: Bearer \(owner)", "-H", "Tus-Resumable: 1.0.0"])
    }

    func patch(
        _ location: String, offset: Int, _ data: [UInt8], owner: String = "device-1", checksum: String? = nil
    ) throws -> CurlResult {
        let file = dir.path + "/body-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: file, contents: Data(data))
        defer { unlink(file) }
        var args = [
            "-X", "PATCH", base + location, "-H", "Authorization: Bearer \(owner)", "-H", "Tus-Resumable: 1.0.0",
            "-H", "Content-Type: application/offset+octet-stream", "-H", "Upload-Offset: \(offset)",
            "--data-binary", "@" + file,
        ]
        if let checksum { args += ["-H", "Upload-Checksum: \(checksum)"] }
        return try curl(args)
    }

    func delete(_ location: String, owner: String = "device-1") throws -> CurlResult {
        try curl([
            "-X", "DELETE", base + location, "-H", "Authorization: Bearer \(owner)", "-H", "Tus-Resumable: 1.0.0",
        ])
    }
}

/// A response as curl printed it.
struct CurlResult {
    var status: Int
    /// Lowercased names.
    var headers: [String: String]
    var body: String

    subscript(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Runs curl (`-s -i`, no `Expect: 100-continue`) and parses the final response.
func curl(_ arguments: [String]) throws -> CurlResult {
    let (status, output) = try run(["curl", "-s", "-i", "-H", "Expect:", "--max-time", "60"] + arguments)
    guard status == 0 else { throw CurlFailure(status: status, output: output) }
    var rest = Substring(output)
    while true {
        guard let end = rest.range(of: "\r\n\r\n") else {
            throw CurlFailure(status: status, output: output)
        }
        let head = rest[..<end.lowerBound]
        let lines = head.split(separator: "\r\n")
        let code = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        if code >= 100 && code < 200 {
            rest = rest[end.upperBound...]
            continue
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return CurlResult(status: code, headers: headers, body: String(rest[end.upperBound...]))
    }
}

struct CurlFailure: Error, CustomStringConvertible {
    var status: Int32
    var output: String
    var description: String { "curl exited \(status): \(output.prefix(300))" }
}

/// Runs a command (KandasTestSupport's `ProcessRunner`) and returns its exit status and standard output.
func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let outcome = try ProcessRunner.run(arguments[0], Array(arguments.dropFirst()))
    return (outcome.status, outcome.output)
}

/// Sample files whose first bytes match their type.
enum Sample {
    static func pdf(_ size: Int, seed: UInt8 = 1) -> [UInt8] {
        var bytes = Array("%PDF-1.7\n".utf8)
        var x = UInt32(seed) &* 2_654_435_761
        while bytes.count < size {
            x = x &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: x >> 16))
        }
        return Array(bytes.prefix(size))
    }

    static func mp4(_ size: Int) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isomiso2".utf8)
        bytes += [UInt8](repeating: 0x42, count: max(0, size - bytes.count))
        return Array(bytes.prefix(size))
    }
}

/// Waits (up to a generous bound, only so CI cannot hang) until `condition` holds.
@discardableResult
func waitUntil(_ condition: () -> Bool) -> Bool {
    for _ in 0..<2000 {
        if condition() { return true }
        usleep(10_000)
    }
    return false
}

/// The size of a file, or -1 if it does not exist.
func fileSize(_ path: String) -> Int64 {
    var st = stat()
    return stat(path, &st) == 0 ? Int64(st.st_size) : -1
}

func readFile(_ path: String) -> [UInt8] {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
}

func base64(_ digest: Digest) -> String { digest.base64 }

extension RawClient {
    /// Sends the head of a PATCH announcing `length` body bytes.
    func startPatch(
        _ location: String, offset: Int, length: Int, checksum: String? = nil, expectContinue: Bool = false
    ) {
        var head =
            "PATCH \(location) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer device-1\r\n"
            + "Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
            + "Upload-Offset: \(offset)\r\nContent-Length: \(length)\r\n"
        if let checksum { head += "Upload-Checksum: \(checksum)\r\n" }
        if expectContinue { head += "Expect: 100-continue\r\n" }
        send(Array((head + "\r\n").utf8))
    }
}

/// A blob store that writes like `inner`, then fails the first `add` as if the process died
/// before the upload's offset was committed.
final class FailOnceAfterAdd: BlobStore {
    let inner: any BlobStore
    private let lock = Mutex(false)

    init(_ inner: any BlobStore) { self.inner = inner }

    func add(fileAt path: String, sha256: String) throws(UploadError) -> StoredBlob {
        let stored = try inner.add(fileAt: path, sha256: sha256)
        let first = lock.withLock { failed in
            defer { failed = true }
            return !failed
        }
        if first { throw UploadError(.unavailable, detail: "simulated crash after the write") }
        return stored
    }

    func contains(sha256: String) throws(UploadError) -> Bool { try inner.contains(sha256: sha256) }
    func localPath(sha256: String) -> String? { inner.localPath(sha256: sha256) }
    func size(sha256: String) throws(UploadError) -> Int64? { try inner.size(sha256: sha256) }
    func read(
        sha256: String, range: ClosedRange<Int64>?, into sink: @escaping (UnsafeRawBufferPointer) -> Bool
    ) throws(UploadError) { try inner.read(sha256: sha256, range: range, into: sink) }
    func forEachBlob(
        _ body: (String, Int64) throws(UploadError) -> Void, stray: (String) -> Void
    ) throws(UploadError) { try inner.forEachBlob(body, stray: stray) }
    func checkWritable() throws(UploadError) { try inner.checkWritable() }
    var description: String { inner.description }
}
