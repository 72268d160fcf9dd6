import Foundation
import Glibc
import HTTPServer
import Log

/// `kandas-bench http`: our HTTP engine side by side with nginx on 127.0.0.1.
///
/// Three figures, each compared in the same run with nginx (`worker_processes 2`, the config of
/// `perf-baselines.md`): small JSON responses under `wrk -t2 -c64` (req/s and p99), the server's
/// RSS while 1,000 idle keep-alive connections are held, and a `curl -T` upload written to disk
/// (nginx with `client_body_buffer_size 1m`). Our server runs as a child process (this same
/// binary with `http --serve-child DIR`) so its RSS is its own.
///
/// Options: `--duration S` (wrk seconds, default 10), `--runs N` (timed runs per figure,
/// default 3), `--upload-mib N` (default 1024), `--loops N` (our event loops, default 1),
/// `--handlers N` (our handler threads, default 1: on a 2-core box shared with wrk, fewer
/// threads than cores measured best; real deployments size handlers for blocking work), `--only small|idle|upload`.
func runHTTPBenchmark(arguments: [String]) throws {
    var args = arguments
    if args.first == "http" { args.removeFirst() }
    if args.first == "--serve-child", args.count >= 4 {
        try HTTPBenchChild.serve(dir: args[1], loops: Int(args[2]) ?? 2, handlers: Int(args[3]) ?? 2)
        return
    }
    var options: [String: Int] = ["--duration": 10, "--runs": 3, "--upload-mib": 1024, "--loops": 1, "--handlers": 1]
    var only: String?
    var i = 0
    while i < args.count {
        if args[i] == "--only", i + 1 < args.count {
            only = args[i + 1]
            i += 2
            continue
        }
        guard options[args[i]] != nil, i + 1 < args.count, let v = Int(args[i + 1]) else {
            throw BenchError(
                "usage: kandas-bench http [--duration S] [--runs N] [--upload-mib N] [--loops N] [--handlers N] [--only small|idle|upload]"
            )
        }
        options[args[i]] = v
        i += 2
    }
    for tool in ["nginx", "wrk", "curl"] where !BenchShell.exists(tool) {
        throw BenchError("\(tool) is missing: apt-get install nginx-light wrk curl (make deps-bench)")
    }
    let bench = try HTTPBench(
        duration: options["--duration"]!, runs: options["--runs"]!, uploadMiB: options["--upload-mib"]!,
        loops: options["--loops"]!, handlers: options["--handlers"]!)
    defer { bench.cleanUp() }
    try bench.runAll(only: only)
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The server side of the benchmark, run in a child process.
enum HTTPBenchChild {
    static let smallJSON = Array("{\"ok\":true,\"serverTime\":\"2025-11-25T09:00:00Z\",\"cursor\":123456}\n".utf8)

    static func serve(dir: String, loops: Int, handlers: Int) throws {
        var router = Router()
        router.add(.get, "/small.json") { _ in .bytes(smallJSON, contentType: "application/json") }
        router.add(.put, "/upload/:name", body: .streaming(limit: 64 << 30)) { req in
            .consume(try DiskConsumer(path: dir + "/ours-" + req.parameter("name")!))
        }
        var config = HTTPServer.Configuration(listen: [HTTPServer.ListenAddress(host: "127.0.0.1", port: 0)])
        config.eventLoops = loops
        config.handlerThreads = handlers
        config.maxConnections = 8192
        config.maxConnectionsPerAddress = 8192
        let server = HTTPServer(
            configuration: config, router: router, hooks: HTTPServerHooks(accessLog: { _ in }), logger: .disabled)
        try server.start()
        print("port \(server.boundPort!)")
        fflush(nil)
        // Serve until the parent closes our stdin.
        while readLine() != nil {}
        exit(0)
    }
}

/// Writes an upload to a file with one `write` per received buffer (1 MiB reads).
final class DiskConsumer: RequestBodyConsumer {
    private let fd: Int32
    private var length = 0

    init(path: String) throws {
        fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HTTPError(status: .insufficientStorage, code: "open_failed") }
    }

    func consume(_ chunk: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < chunk.count {
            let n = write(fd, chunk.baseAddress! + off, chunk.count - off)
            guard n > 0 else { throw HTTPError(status: .insufficientStorage, code: "write_failed") }
            off += n
        }
        length += chunk.count
    }

    func finish(trailers: HTTPHeaders) throws -> HTTPResponse {
        close(fd)
        return .text("stored \(length)\n", status: .created)
    }

    func abort(_ reason: BodyAbortReason) { close(fd) }
}
