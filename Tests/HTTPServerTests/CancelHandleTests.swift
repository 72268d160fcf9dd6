import Foundation
import Glibc
import KandasTestSupport
import Synchronization
import Testing

@testable import HTTPServer

/// `CancelHandle`: application code ends another request's streaming body and connection.
@Suite struct CancelHandleTests {
    let dir = TemporaryFolder()
    let events = Events()
    let handles = Handles()

    /// The handles of live requests by name, and a counter for the unit test.
    final class Handles: Sendable {
        let map = Mutex<[String: CancelHandle]>([:])
        let runs = Mutex(0)
        func add(_ name: String, _ handle: CancelHandle) { map.withLock { $0[name] = handle } }
        func get(_ name: String) -> CancelHandle? { map.withLock { $0[name] } }
        func run() { runs.withLock { $0 += 1 } }
        var runCount: Int { runs.withLock { $0 } }
    }

    /// `PUT /c/:name` streams into a file and registers its handle under `name`;
    /// `POST /cancel/:name` fires it; `X-Cancel-Early` fires it before the body is read.
    func router() -> Router {
        var r = Router()
        let dir = dir.path
        let events = events
        let handles = handles
        r.add(.put, "/c/:name", body: .streaming(limit: 1 << 30)) { req in
            let name = req.parameter("name")!
            let handle = CancelHandle()
            handles.add(name, handle)
            if req.headers["X-Cancel-Early"] != nil { handle.cancel() }
            return .consume(FileConsumer(path: dir + "/" + name, events: events), cancel: handle)
        }
        r.add(.post, "/cancel/:name") { req in
            let handle = handles.get(req.parameter("name")!)
            handle?.cancel()
            return .text(handle == nil ? "none" : "cancelled")
        }
        r.add(.get, "/hello") { _ in .text("hello") }
        return r
    }

    func withServer(_ body: (TestServer) async throws -> Void) async throws {
        let s = try TestServer(router: router())
        do {
            try await body(s)
        } catch {
            await s.stop()
            dir.remove()
            throw error
        }
        await s.stop()
        dir.remove()
    }

    /// Reads until the server closes: true for an orderly close or a reset, false on the
    /// client's receive timeout (the connection still open).
    func closedByServer(_ c: RawClient) -> (text: String, closed: Bool) {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(c.fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                out.append(contentsOf: buf[0..<n])
                continue
            }
            return (String(decoding: out, as: UTF8.self), n == 0 || errno == ECONNRESET)
        }
    }

    @Test func cancel_closesTheStalledRequestsConnection_andAbortsItsConsumer() async throws {
        try await withServer { s in
            let c = try RawClient(port: s.port)
            c.send("PUT /c/a HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
            c.send([UInt8](repeating: 7, count: 1000))
            #expect(events.wait { $0 == "chunk" } != nil)
            let other = try RawClient(port: s.port)
            other.send("POST /cancel/a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            #expect(other.readResponses(1).first?.hasSuffix("cancelled") == true)
            let ended = closedByServer(c)
            #expect(ended.closed)
            #expect(ended.text.isEmpty)
            #expect(events.wait { $0.hasPrefix("abort") } == "abort cancelled 1000")
            #expect(!events.all.contains { $0.hasPrefix("finish") })
        }
    }

    @Test func cancelBeforeTheBodyStreams_endsTheRequestAsSoonAsItStarts() async throws {
        try await withServer { s in
            let c = try RawClient(port: s.port)
            c.send("PUT /c/early HTTP/1.1\r\nHost: x\r\nX-Cancel-Early: 1\r\nContent-Length: 10\r\n\r\n")
            #expect(closedByServer(c).closed)
            #expect(events.wait { $0.hasPrefix("abort") } == "abort cancelled 0")
        }
    }

    @Test func lateCancel_leavesTheNextRequestOnTheConnectionAlone() async throws {
        try await withServer { s in
            let c = try RawClient(port: s.port)
            c.send("PUT /c/done HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            #expect(c.readResponses(1).first?.hasPrefix("HTTP/1.1 201 ") == true)
            let other = try RawClient(port: s.port)
            other.send("POST /cancel/done HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            #expect(other.readResponses(1).first?.hasSuffix("cancelled") == true)
            c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(c.readResponses(1).first?.hasSuffix("hello") == true)
            #expect(!events.all.contains { $0.hasPrefix("abort") })
        }
    }

    @Test func handle_runsItsActionOnce_evenWhenCancelledBeforeBinding() {
        let runs = handles
        let early = CancelHandle()
        early.cancel()
        early.cancel()
        #expect(early.isCancelled)
        early.bind { runs.run() }
        #expect(runs.runCount == 1)

        let bound = CancelHandle()
        bound.bind { runs.run() }
        #expect(runs.runCount == 1)
        bound.cancel()
        bound.cancel()
        #expect(runs.runCount == 2)

        let released = CancelHandle()
        released.bind { runs.run() }
        released.release()
        released.cancel()
        #expect(runs.runCount == 2)
        #expect(!released.isCancelled)
    }
}
