import CurlTransport
import Foundation
import KandasClient
import Synchronization
import Testing

/// Request bodies streamed from files, and progress reports.
@Suite struct TransferTests {
    let transport = CurlTransport()

    @Test func fileRegionUpload_arrivesIntactAndCountsItsBytes() async throws {
        try await withTemporaryDirectory { dir in
            // An odd offset and a length that is no multiple of the 512 KiB read size.
            let offset = (1 << 20) + 3
            let length = 20_000_000
            let bytes = patternBytes(count: offset + length + 777)
            let file = dir.appendingPathComponent("video.bin")
            let region = dir.appendingPathComponent("region.bin")
            try Data(bytes).write(to: file)
            try Data(bytes[offset..<(offset + length)]).write(to: region)
            let expected = try await opensslSHA256(of: region.path)

            try await withEchoServer { server in
                let request = TransportRequest(
                    method: "PATCH", url: server.url("/echo"),
                    body: .file(path: file.path, offset: Int64(offset), length: Int64(length)))
                let response = try await transport.send(request)
                let echo = try response.body.decodeEcho()
                #expect(echo.length == length)
                #expect(echo.sha256 == expected)
                #expect(echo.headers["expect"] == nil)
                #expect(response.bytesSent == Int64(length))
            }
        }
    }

    @Test func bytesBodyLargerThanOneReadBuffer_arrivesIntact() async throws {
        try await withTemporaryDirectory { dir in
            let bytes = patternBytes(count: (1 << 20) + 12345, seed: 7)
            let copy = dir.appendingPathComponent("copy.bin")
            try Data(bytes).write(to: copy)
            let expected = try await opensslSHA256(of: copy.path)
            try await withEchoServer { server in
                let request = TransportRequest(method: "POST", url: server.url("/echo"), body: .bytes(bytes))
                let echo = try await transport.send(request).body.decodeEcho()
                #expect(echo.sha256 == expected)
            }
        }
    }

    @Test func uploadProgress_isMonotonicAndEndsAtTheBodyLength() async throws {
        try await withTemporaryDirectory { dir in
            let length = 8 << 20
            let file = dir.appendingPathComponent("photo.bin")
            try Data(patternBytes(count: length)).write(to: file)
            try await withEchoServer { server in
                let reports = Mutex<[TransferProgress]>([])
                let request = TransportRequest(
                    method: "PATCH", url: server.url("/echo"),
                    body: .file(path: file.path, offset: 0, length: Int64(length)))
                let response = try await transport.send(request) { p in reports.withLock { $0.append(p) } }
                let seen = reports.withLock { $0 }
                #expect(!seen.isEmpty)
                #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.bytesSent <= $1.bytesSent })
                #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.bytesReceived <= $1.bytesReceived })
                #expect(seen.allSatisfy { $0.bytesToSend == Int64(length) })
                #expect(seen.last?.bytesSent == Int64(length))
                #expect(seen.last?.bytesReceived == Int64(response.body.count))
            }
        }
    }

    @Test func missingFile_isFileUnreadable() async throws {
        let request = TransportRequest(
            method: "PATCH", url: "http://127.0.0.1:1/",
            body: .file(path: "/nonexistent/kandas.bin", offset: 0, length: 1))
        let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
        // Not `.couldNotConnect`: the file is opened before any connection is tried.
        guard case .fileUnreadable = error else { throw TestFailure("got \(String(describing: error))") }
    }

    @Test func regionBeyondTheEndOfTheFile_isFileUnreadable() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("short.bin")
            try Data(patternBytes(count: 100)).write(to: file)
            let request = TransportRequest(
                method: "PATCH", url: "http://127.0.0.1:1/", body: .file(path: file.path, offset: 50, length: 51))
            let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
            guard case .fileUnreadable = error else { throw TestFailure("got \(String(describing: error))") }
        }
    }

    @Test func readFailureWhileSending_isFileUnreadable() async throws {
        // A directory opens fine but every read fails (EISDIR), so the error comes from the read callback
        // in the middle of the request.
        try await withTemporaryDirectory { dir in
            try await withEchoServer { server in
                let request = TransportRequest(
                    method: "PATCH", url: server.url("/echo"), body: .file(path: dir.path, offset: 0, length: 10))
                let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
                guard case .fileUnreadable(let reason) = error else {
                    throw TestFailure("got \(String(describing: error))")
                }
                #expect(reason.contains(dir.path))
            }
        }
    }

    @Test func negativeRegion_isFileUnreadable() async throws {
        let request = TransportRequest(
            method: "PATCH", url: "http://127.0.0.1:1/", body: .file(path: "/etc/hostname", offset: -1, length: 1))
        let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
        guard case .fileUnreadable = error else { throw TestFailure("got \(String(describing: error))") }
    }
}
