import Crypto
import Foundation
import Glibc
import KandasTestSupport
import KandasUploads
import ObjectStore

/// `kandas-bench uploads-s3`: a large file through our tus server into an S3 bucket versus
/// `curl --aws-sigv4 -T` of the same file straight to the same store.
///
/// The store is SeaweedFS on loopback (`weed mini`, as the tests start it). Ours: the same curl
/// tus run as `uploads` (64 MiB PATCHes on one connection); each PATCH is committed as one part
/// of an S3 multipart upload under the content address (the partial upload lives in the store, so
/// any instance could resume it), and at completion the server checks the whole file's SHA-256
/// (its running state) and completes the multipart upload, acknowledging only after the store
/// confirmed; the object's size is checked with `HEAD` and the object removed before the next run. The peer is one signed `PUT` of the file
/// with `UNSIGNED-PAYLOAD`: it stores once and verifies nothing. Our server is a child process so
/// its peak RSS is its own. Runs alternate peer / ours; medians compared.
enum S3UploadBenchmark {
    static let benchmark = Benchmark(
        name: "uploads-s3",
        usage: "uploads-s3 [--size-mib 1024] [--runs 3] [--chunk-mib 64]",
        run: run)

    static let endpointVariable = "KANDAS_BENCH_S3_ENDPOINT"
    static let bucket = "bench"

    /// The child's blob store: the bucket when the parent passed an endpoint, else nil (the folder).
    static func childBlobStore() throws -> (any BlobStore)? {
        let environment = ProcessInfo.processInfo.environment
        guard let endpoint = environment[endpointVariable] else { return nil }
        let configuration = try S3Configuration.fromEnvironment(
            bucket: bucket, endpoint: endpoint, region: "us-east-1", environment: environment)
        return S3BlobStore(client: S3Client(configuration: configuration), prefix: "blobs")
    }

    static func run(_ arguments: Arguments) throws {
        let sizeMiB = try arguments.int("size-mib", default: 1024)
        let runs = try arguments.int("runs", default: 3)
        let chunk = try arguments.int("chunk-mib", default: 64) << 20
        try arguments.checkAllUsed()
        var template = Array("/tmp/kandas-bench-s3-XXXXXX".utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SeaweedServer()
        defer { store.stop() }
        try store.createBucket(bucket)
        try measure(store: store, dir: dir, sizeMiB: sizeMiB, runs: runs, chunk: chunk)
    }

    private static func measure(store: SeaweedServer, dir: String, sizeMiB: Int, runs: Int, chunk: Int) throws {
        let source = dir + "/source.bin"
        _ = try runCommand("sh", ["-c", "head -c \(sizeMiB)M /dev/urandom > \(source)"])
        let header: [UInt8] = [0, 0, 0, 0x18] + Array("ftypisomisomiso2avc1mp41".utf8)
        let fd = open(source, O_WRONLY)
        _ = header.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        close(fd)
        let sha = try SHA256.hash(fileAt: source).hex
        _ = try runCommand("split", ["-b", String(chunk), "-d", "-a", "4", source, dir + "/chunk-"])
        let chunks = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("chunk-") }.sorted()
        let environment = store.credentialsEnvironment.merging([endpointVariable: store.endpoint]) { $1 }
        let (child, input, port) = try UploadBenchmark.startChild(
            dir: dir + "/ours", chunk: chunk, environment: environment)
        defer {
            try? input.fileHandleForWriting.close()
            child.waitUntilExit()
            Children.release(child.processIdentifier)
        }
        let s3 = store.client(bucket: bucket)
        let blobs = S3BlobStore(client: s3, prefix: "blobs")
        let bytes = Double(sizeMiB) * 1_048_576
        var report = Report(
            title: "\(sizeMiB) MiB upload to S3 (SeaweedFS, 127.0.0.1), \(chunk >> 20) MiB PATCHes, curl",
            columns: ["run", "who", "s", "MB/s", "server CPU s"])
        var peer: [Double] = []
        var ours: [Double] = []
        for run in 0...runs {
            let p = try UploadBenchmark.timed { try putDirect(store: store, source: source, key: "peer/\(run)") }
            try s3.deleteObject(key: "peer/\(run)")
            let cpu0 = UploadBenchmark.cpuSeconds(child.processIdentifier)
            let o = try UploadBenchmark.timed {
                try UploadBenchmark.tusUpload(
                    port: port, dir: dir, chunks: chunks, checksums: nil, sha: sha, length: Int(bytes)
                ) { sha in
                    guard try s3.headObject(key: blobs.key(sha))?.size == Int64(bytes) else {
                        throw BenchmarkFailure(description: "the upload was not verified into the bucket")
                    }
                }
            }
            let cpu = UploadBenchmark.cpuSeconds(child.processIdentifier) - cpu0
            // The next run must store the object again, not find it already there.
            try s3.deleteObject(key: blobs.key(sha))
            guard run > 0 else { continue }  // run 0 warms caches and connections
            peer.append(bytes / p / 1e6)
            ours.append(bytes / o / 1e6)
            report.add([
                "\(run)", "curl --aws-sigv4 -T (direct)", Report.format(p, 2), Report.format(bytes / p / 1e6, 0), "-",
            ])
            report.add([
                "\(run)", "ours tus -> S3 (sha256 verified)", Report.format(o, 2), Report.format(bytes / o / 1e6, 0),
                Report.format(cpu, 2),
            ])
        }
        let hwm = UploadBenchmark.statusKiB(child.processIdentifier, "VmHWM")
        report.print()
        print("curl --aws-sigv4 -T: \(UploadBenchmark.spread(peer)) MB/s (one signed PUT, verifies nothing)")
        print("ours tus -> S3: \(UploadBenchmark.spread(ours)) MB/s (PATCHes as multipart parts, SHA-256, complete)")
        print(
            Report.ratioLine(
                "ours/curl-sigv4", ours: UploadBenchmark.median(ours), peer: UploadBenchmark.median(peer), target: 0.8))
        print("our server peak RSS (VmHWM, whole run): \(hwm / 1024) MiB (target < 64 MiB)")
    }

    /// The peer: `curl --aws-sigv4 -T` of the whole file to the bucket.
    private static func putDirect(store: SeaweedServer, source: String, key: String) throws {
        let out = try runCommand(
            "curl",
            [
                "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user",
                "\(SeaweedServer.accessKey):\(SeaweedServer.secretKey)", "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD",
                "-T", source, "\(store.endpoint)/\(bucket)/\(key)",
            ])
        guard out.standardOutput.hasPrefix("20") else {
            throw BenchmarkFailure(description: "direct PUT answered \(out.standardOutput)")
        }
    }
}
