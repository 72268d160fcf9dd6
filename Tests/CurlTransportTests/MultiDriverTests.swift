import CurlTransport
import Foundation
import KandasClient
import Synchronization
import Testing

/// The transport's thread: connection reuse, cancellation, concurrency.
@Suite struct MultiDriverTests {
    @Test func sequentialRequests_reuseOneConnection() async throws {
        let transport = CurlTransport()
        try await withEchoServer { server in
            var ports: [Int] = []
            for method in ["GET", "POST", "PATCH", "DELETE", "GET"] {
                let body: TransportRequest.Body = method == "GET" ? .none : .bytes([1, 2, 3])
                let response = try await transport.send(
                    TransportRequest(method: method, url: server.url("/echo"), body: body))
                ports.append(try response.body.decodeEcho().peer_port)
            }
            // One client port means one TCP connection served every request.
            #expect(Set(ports).count == 1)
        }
    }

    // A guard against a hang, not a timing threshold: the clock runs from the test's start, and with
    // tests in parallel on two cores blocking tests can hold the cooperative threads for minutes.
    @Test(.timeLimit(.minutes(20)))
    func cancellingTheTask_abortsTheTransfer() async throws {
        let transport = CurlTransport()
        try await withEchoServer { server in
            // The server stalls for an hour and the low-speed timeout is an hour: only cancellation ends this.
            let request = TransportRequest(method: "GET", url: server.url("/stall"), lowSpeedTimeout: .seconds(3600))
            let (started, startedSignal) = AsyncStream.makeStream(of: Void.self)
            let task = Task { () async throws -> TransportResponse in
                try await transport.send(request) { p in
                    if p.bytesReceived > 0 { startedSignal.yield() }
                }
            }
            var iterator = started.makeAsyncIterator()
            _ = await iterator.next()
            task.cancel()
            let result = await task.result
            guard case .failure(let error) = result, error as? TransportError == .cancelled else {
                throw TestFailure("got \(result)")
            }

            // The transport is still usable afterwards.
            let after = try await transport.send(TransportRequest(method: "GET", url: server.url("/echo")))
            #expect(after.status == 200)
        }
    }

    @Test func alreadyCancelledTask_sendsNothing() async throws {
        let transport = CurlTransport()
        try await withEchoServer { server in
            let task = Task { () async throws -> TransportResponse in
                withUnsafeCurrentTask { $0?.cancel() }
                return try await transport.send(TransportRequest(method: "GET", url: server.url("/echo")))
            }
            let result = await task.result
            guard case .failure(let error) = result, error as? TransportError == .cancelled else {
                throw TestFailure("got \(result)")
            }
        }
    }

    @Test func moreRequestsThanTransferSlots_allComplete() async throws {
        let transport = CurlTransport(configuration: .init(maxConcurrentTransfers: 2))
        try await withEchoServer { server in
            let lengths = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<8 {
                    group.addTask {
                        let request = TransportRequest(
                            method: "POST", url: server.url("/echo"), body: .bytes(patternBytes(count: 1000 * i)))
                        return try await transport.send(request).body.decodeEcho().length
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(lengths.sorted() == (0..<8).map { 1000 * $0 })
        }
    }
}
