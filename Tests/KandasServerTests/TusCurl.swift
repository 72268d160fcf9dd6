import Foundation
import KandasTestSupport

/// tus requests against the live server with the `curl` binary (a real third-party client), plus
/// the evidence files the tests upload.
struct TusCurl {
    let base: String
    let token: String

    /// One curl exchange: the final status and headers (names lowercased).
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// Runs curl with the device token and `Tus-Resumable`; `data` (if any) is sent from a file.
    func send(_ method: String, _ target: String, headers: [String: String] = [:], data: [UInt8]? = nil) throws -> Reply
    {
        var args = ["-s", "-S", "-D", "-", "-X", method, base + target]
        if method == "HEAD" { args = ["-s", "-S", "-I", base + target] }
        args += ["-H", "Authorization: Bearer \(token)", "-H", "Tus-Resumable: 1.0.0", "-H", "Expect:"]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { args += ["-H", "\(name): \(value)"] }
        var bodyFile: String?
        if let data {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("tus-\(UUID().uuidString)").path
            _ = FileManager.default.createFile(atPath: path, contents: Data(data))
            args += ["--data-binary", "@" + path]
            bodyFile = path
        }
        defer { if let bodyFile { try? FileManager.default.removeItem(atPath: bodyFile) } }
        let (status, output) = try Self.run(["curl"] + args)
        guard status == 0 else { throw TestSupportError("curl \(method) \(target) exited \(status): \(output)") }
        return try Self.parse(output)
    }

    /// `POST /v1/uploads` for a declared file; returns the reply (`location` header on success).
    func create(attachment: String, sha256: String, size: Int, contentType: String, kind: String) throws -> Reply {
        let metadata = [
            ("attachment_id", attachment), ("sha256", sha256), ("content_type", contentType), ("kind", kind),
            ("filename", "evidence"),
        ].map { "\($0.0) \(Data($0.1.utf8).base64EncodedString())" }.joined(separator: ",")
        return try send(
            "POST", "/v1/uploads", headers: ["Upload-Length": String(size), "Upload-Metadata": metadata], data: [])
    }

    /// `PATCH` one chunk at `offset`.
    func patch(_ location: String, offset: Int, _ bytes: [UInt8]) throws -> Reply {
        try send(
            "PATCH", location,
            headers: ["Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset)], data: bytes)
    }

    static func parse(_ output: String) throws -> Reply {
        // The last head is the final answer (a `100 Continue` may precede it).
        let blocks = output.components(separatedBy: "\r\n\r\n")
        var headIndex = 0
        for (i, block) in blocks.enumerated() where block.hasPrefix("HTTP/") { headIndex = i }
        let lines = blocks[headIndex].components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw TestSupportError("curl output: \(output)") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let body = blocks[(headIndex + 1)...].joined(separator: "\r\n\r\n")
        return Reply(status: status, headers: headers, body: body)
    }

    /// Runs a command line through `/usr/bin/env` (so `-i NAME=VALUE ... program` works), returning
    /// its exit status and standard output plus error.
    static func run(_ arguments: [String]) throws -> (Int32, String) {
        let outcome = try ProcessRunner.run("/usr/bin/env", arguments, mergeErrors: true)
        return (outcome.status, outcome.output)
    }

    /// A JPEG-looking file (the magic bytes the server checks, then seeded pseudo-random bytes).
    static func jpeg(_ size: Int, seed: UInt64 = 1) -> [UInt8] {
        let head: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00]
        return Array((head + noise(size, seed: seed)).prefix(size))
    }

    /// A PDF-looking file.
    static func pdf(_ size: Int, seed: UInt64 = 1) -> [UInt8] {
        Array((Array("%PDF-1.7\n".utf8) + noise(size, seed: seed)).prefix(size))
    }

    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }
}
