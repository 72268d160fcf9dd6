import Dispatch
import Foundation
import HTTPServer
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `kandas-bench fuzz` (`make fuzz`): mutated requests into the HTTP request parser in-process,
/// then into a live `kandas-server` (a seeded child) over loopback.
///
/// The seeds are whole requests the server really gets: heads with the usual fields, push JSON
/// bodies (`Content-Length` and chunked, with trailers), tus creation, PATCH and HEAD headers,
/// login and admin JSON, pipelined pairs; half carry a valid device or admin token so they get
/// past authentication into the handlers. Each input gets 1-6 mutations (byte flips, inserted
/// framing tokens such as CRLF, bare CR/LF, `chunked`, huge or negative numbers, NUL, JSON
/// punctuation, deleted, duplicated or repeated ranges, truncation) and is delivered in 1-4
/// pieces. In-process, ``ParserProbe`` checks the parser's contract on every step (a violation
/// stops the process: a crash). Live, each request goes on its own connection, the client
/// half-closes and reads the answer; the server must stay up (checked every 5,000 requests and
/// at the end, when `/healthz` must answer 200). Deterministic for a `--seed`.
enum FuzzBenchmark {
    static let benchmark = Benchmark(
        name: "fuzz", usage: "fuzz [--parser 10000000] [--live 100000] [--clients 4] [--seed 1]", run: run)

    static func run(_ arguments: Arguments) throws {
        let parserCount = try arguments.int("parser", default: 10_000_000)
        let liveCount = try arguments.int("live", default: 100_000)
        let clients = try arguments.int("clients", default: 4)
        let seed = UInt64(try arguments.int("seed", default: 1))
        try arguments.checkAllUsed()

        // 1. The parser, in-process.
        let corpus = Corpus(
            deviceToken: "dev-token", adminToken: "admin-token", uploadID: String(repeating: "a", count: 32))
        var rng = SplitMix(seed)
        var outcomes: [String: Int] = [:]
        var messages = 0
        let parserSeconds = measure {
            for _ in 0..<parserCount {
                let (input, cuts) = corpus.mutated(&rng)
                let o = ParserProbe.run(input, cuts: cuts)
                messages += o.messages
                outcomes[o.errorStatus.map(String.init) ?? "ok", default: 0] += 1
            }
        }.seconds
        print(
            "fuzz parser: \(parserCount) mutated requests in \(Report.format(parserSeconds, 1)) s"
                + " (\(Report.format(Double(parserCount) / parserSeconds, 0))/s), \(messages) messages parsed whole,"
                + " outcomes \(outcomes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")),"
                + " crashes: 0")

        // 2. The live server.
        try withScratchDirectory { directory in
            let server = try ChildServer(directory: directory)
            defer { server.stop() }
            let setup = try server.setUp()
            let live = Corpus(
                deviceToken: setup.deviceToken, adminToken: server.admin.token ?? "",
                uploadID: String(repeating: "b", count: 32))
            let statuses = Mutex<[String: Int]>([:])
            let next = Atomic<Int>(0)
            let crashed = Atomic<Bool>(false)
            let port = server.port
            let pid = server.process.processIdentifier
            let seconds = measure {
                DispatchQueue.concurrentPerform(iterations: clients) { worker in
                    var rng = SplitMix(seed &+ 1000 &+ UInt64(worker))
                    var local: [String: Int] = [:]
                    while !crashed.load(ordering: .relaxed) {
                        let n = next.add(1, ordering: .relaxed).oldValue
                        guard n < liveCount else { break }
                        let (input, cuts) = live.mutated(&rng)
                        local[exchange(port: port, input, cuts: cuts), default: 0] += 1
                        if n % 5000 == 4999, kill(pid, 0) != 0 {
                            crashed.store(true, ordering: .relaxed)
                        }
                    }
                    statuses.withLock { all in for (k, v) in local { all[k, default: 0] += v } }
                }
            }.seconds
            let healthy = (try? BenchHTTPClient(port: port).request("GET", "/healthz").status) == 200
            let up = server.process.isRunning && healthy && !crashed.load(ordering: .relaxed)
            let counts = statuses.withLock { $0 }
            let sent = counts.values.reduce(0, +)
            print(
                "fuzz live: \(sent) mutated requests to kandas-server in \(Report.format(seconds, 1)) s"
                    + " (\(Report.format(Double(sent) / seconds, 0))/s, \(clients) clients), answers "
                    + counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
                    + ", crashes: \(up ? 0 : 1), /healthz after: \(healthy ? 200 : 0)")
            guard up else { throw BenchmarkFailure(description: "kandas-server crashed or stopped answering") }
        }
    }

    /// One request on its own connection: send, half-close, read the answer. Returns the status
    /// (`200`...), `closed` (no answer: an incomplete request), or `timeout`.
    static func exchange(port: Int, _ input: [UInt8], cuts: [Int]) -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer {
            // Reset instead of FIN: a hundred thousand connections leave no TIME_WAIT behind.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close(fd)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard ok == 0 else { return "connect_failed" }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var start = 0
        for end in (cuts.filter { $0 > 0 && $0 < input.count } + [input.count]).sorted() where end > start {
            let sent = input[start..<end].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 { break }
            start = end
        }
        shutdown(fd, Int32(SHUT_WR))
        var head = [UInt8](repeating: 0, count: 16)
        var have = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                for b in buffer[0..<min(n, 16 - have)] {
                    head[have] = b
                    have += 1
                }
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && have == 0 { return "timeout" }
            break
        }
        guard have >= 12, head.starts(with: Array("HTTP/1.1 ".utf8)) else { return have == 0 ? "closed" : "garbage" }
        return String(decoding: head[9..<12], as: UTF8.self)
    }

    /// A small deterministic generator (SplitMix64).
    struct SplitMix {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    /// Seed requests and the mutations applied to them.
    struct Corpus: Sendable {
        let seeds: [[UInt8]]
        static let tokens: [[UInt8]] = [
            "\r\n", "\r", "\n", "\r\n\r\n", "\u{0}", " ", "\t", ":", ",", ";", "=", "chunked", "Content-Length: ",
            "Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: gzip, chunked\r\n",
            "0\r\n\r\n", "ffffffffffffffff", "-1", "99999999999999999999", "9223372036854775808", "%", "%00", "%2e%2e/",
            "{", "}", "[", "]", "\"", "\\u0000", "1e400", "-0", "null", "HTTP/1.1", "HTTP/1.2", "HTTP/2.0",
            "Expect: 100-continue\r\n", "Upload-Offset: ", "Upload-Length: ", "Tus-Resumable: 1.0.0\r\n",
            "Upload-Checksum: sha256 ", "Host: x\r\n", "\u{7f}", "\u{ff}", "é", "Connection: close\r\n",
        ].map { Array($0.utf8) }

        init(deviceToken: String, adminToken: String, uploadID: String) {
            let push = """
                {"device_id":"0190a0b0-0000-7000-8000-000000000001","sent_at":"2026-11-25T04:20:12.904Z","events":[{"event_id":"0190a0b0-0000-7000-8000-000000000002","device_seq":1,"type":"complete","occurred_at":"2026-11-25T04:20:12.904Z","payload":{"item_id":"0190a0b0-0000-7000-8000-000000000003","member_id":"0190a0b0-0000-7000-8000-000000000004","completion_id":"0190a0b0-0000-7000-8000-000000000005","note":"ok","files":[{"attachment_id":"0190a0b0-0000-7000-8000-000000000006","kind":"photo","content_type":"image/jpeg","size":1024,"sha256":"\(String(repeating: "0", count: 64))"}]}}]}
                """
            let login = #"{"username":"admin","password":"bench-password-1"}"#
            let family =
                #"{"region_id":"r","head_iin":"900101300011","address":"Almaty","members":[{"iin":"900101300011","name":"A"}]}"#
            var chunked = ""
            var rest = Substring(push)
            while !rest.isEmpty {
                let piece = rest.prefix(97)
                chunked +=
                    String(piece.utf8.count, radix: 16) + (rest.count % 2 == 0 ? ";ext=1" : "") + "\r\n" + piece
                    + "\r\n"
                rest = rest.dropFirst(97)
            }
            let device = "Authorization: Bearer \(deviceToken)\r\n"
            let admin = "Authorization: Bearer \(adminToken)\r\n"
            let metadata =
                "attachment_id MDE5MGEwYjAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDA2,filename cGhvdG8uanBn,content_type aW1hZ2UvanBlZw=="
            let texts: [String] = [
                "GET /healthz HTTP/1.1\r\nHost: kandas\r\nUser-Agent: fuzz\r\nAccept: */*\r\n\r\n",
                "GET /v1/limits?x=1&y=%20z HTTP/1.1\r\nHost: kandas\r\nAccept-Encoding: gzip\r\n\r\n",
                "GET /v1/sync/pull?limit=10&cursor=abc HTTP/1.1\r\nHost: kandas\r\n\(device)Kandas-Protocol: 1\r\n\r\n",
                "POST /v1/sync/push HTTP/1.1\r\nHost: kandas\r\n\(device)Content-Type: application/json\r\nContent-Length: \(push.utf8.count)\r\n\r\n\(push)",
                "POST /v1/sync/push HTTP/1.1\r\nHost: kandas\r\n\(device)Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n\(chunked)0\r\nX-Trailer: t\r\n\r\n",
                "POST /v1/uploads HTTP/1.1\r\nHost: kandas\r\n\(device)Tus-Resumable: 1.0.0\r\nUpload-Length: 1024\r\nUpload-Metadata: \(metadata)\r\nContent-Length: 0\r\n\r\n",
                "PATCH /v1/uploads/\(uploadID) HTTP/1.1\r\nHost: kandas\r\n\(device)Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nUpload-Checksum: sha256 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\r\nContent-Length: 16\r\n\r\n\u{ff}\u{d8}\u{ff}\u{e0}0123456789ab",
                "PATCH /v1/uploads/\(uploadID) HTTP/1.1\r\nHost: kandas\r\n\(device)Tus-Resumable: 1.0.0\r\nUpload-Offset: 16\r\nContent-Type: application/offset+octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nabcdefgh\r\n0\r\n\r\n",
                "HEAD /v1/uploads/\(uploadID) HTTP/1.1\r\nHost: kandas\r\n\(device)Tus-Resumable: 1.0.0\r\n\r\n",
                "OPTIONS /v1/uploads HTTP/1.1\r\nHost: kandas\r\n\r\n",
                "DELETE /v1/uploads/\(uploadID) HTTP/1.1\r\nHost: kandas\r\n\(device)Tus-Resumable: 1.0.0\r\n\r\n",
                "POST /v1/auth/login HTTP/1.1\r\nHost: kandas\r\nContent-Type: application/json\r\nContent-Length: \(login.utf8.count)\r\n\r\n\(login)",
                "POST /v1/admin/families HTTP/1.1\r\nHost: kandas\r\n\(admin)Idempotency-Key: k-1\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: \(family.utf8.count)\r\n\r\n\(family)",
                "GET /v1/admin/families?limit=5&page_token=zz HTTP/1.1\r\nHost: kandas\r\n\(admin)\r\n",
                "GET /healthz HTTP/1.1\r\nHost: kandas\r\n\r\nGET /readyz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                "PUT /v1/admin/users/x HTTP/1.1\r\nHost: kandas\r\n\(admin)Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
            ]
            seeds = texts.map { Array($0.utf8) }
        }

        /// A mutated seed and the offsets where it is cut into pieces.
        func mutated(_ rng: inout SplitMix) -> ([UInt8], [Int]) {
            var input = seeds[rng.below(seeds.count)]
            for _ in 0..<(1 + rng.below(6)) {
                let pos = rng.below(input.count + 1)
                switch rng.below(9) {
                case 0: if pos < input.count { input[pos] = UInt8(truncatingIfNeeded: rng.next()) }
                case 1: if pos < input.count { input[pos] ^= UInt8(1 << rng.below(8)) }
                case 2, 3: input.insert(contentsOf: Self.tokens[rng.below(Self.tokens.count)], at: pos)
                case 4:
                    let len = rng.below(32)
                    if pos + len <= input.count { input.removeSubrange(pos..<(pos + len)) }
                case 5:
                    let len = rng.below(64)
                    if pos + len <= input.count { input.insert(contentsOf: input[pos..<(pos + len)], at: pos) }
                case 6:
                    // A line or token repeated many times (header floods, long numbers).
                    let len = 1 + rng.below(24)
                    if pos + len <= input.count {
                        let piece = Array(input[pos..<(pos + len)])
                        let times = 1 + rng.below(400)
                        for _ in 0..<times { input.insert(contentsOf: piece, at: pos) }
                    }
                case 7: if pos < input.count { input.removeSubrange(pos...) }
                default:
                    // A digit run changed: lengths, offsets and chunk sizes off by a little or a lot.
                    if pos < input.count, (0x30...0x39).contains(input[pos]) {
                        input[pos] = UInt8(0x30 + rng.below(10))
                    } else {
                        input.insert(contentsOf: Array(String(rng.next() % 100_000).utf8), at: pos)
                    }
                }
            }
            let cuts = (0..<rng.below(4)).map { _ in rng.below(input.count + 1) }
            return (input, cuts)
        }
    }
}
