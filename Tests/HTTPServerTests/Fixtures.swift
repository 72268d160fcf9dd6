import Dispatch
import Foundation
import Glibc
import Synchronization

@testable import HTTPServer

/// Streams an upload into a file and records how it ended, for the streaming-body tests.
final class FileConsumer: RequestBodyConsumer {
    let path: String
    let events: Events
    private let fd: Int32
    private var written = 0

    init(path: String, events: Events) {
        self.path = path
        self.events = events
        fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o644)
    }

    func consume(_ chunk: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < chunk.count {
            let n = write(fd, chunk.baseAddress! + off, chunk.count - off)
            guard n > 0 else { throw HTTPError(status: .insufficientStorage, code: "write_failed") }
            off += n
        }
        written += chunk.count
        events.record("chunk")
    }

    func finish(trailers: HTTPHeaders) throws -> HTTPResponse {
        close(fd)
        events.record("finish \(written)")
        return .text("stored \(written)", status: .created)
    }

    func abort(_ reason: BodyAbortReason) {
        close(fd)
        events.record("abort \(reason) \(written)")
    }
}

/// A thread-safe list of strings with a blocking wait, so tests wait for an event, not a duration.
final class Events: Sendable {
    private let list = Mutex<[String]>([])
    /// Holds `/block` handlers until the test opens it.
    let gate = DispatchSemaphore(value: 0)

    func record(_ s: String) { list.withLock { $0.append(s) } }
    var all: [String] { list.withLock { $0 } }

    /// Waits (up to a generous bound, only to avoid hanging CI) until an event matches.
    func wait(for predicate: (String) -> Bool) -> String? {
        for _ in 0..<2000 {
            if let hit = all.first(where: predicate) { return hit }
            usleep(10_000)
        }
        return nil
    }
}

/// Waits (up to a generous bound, only to avoid hanging CI) until `condition` holds.
@discardableResult
func waitUntil(_ condition: () -> Bool) -> Bool {
    for _ in 0..<2000 {
        if condition() { return true }
        usleep(10_000)
    }
    return false
}

/// The same wait without blocking a thread of Swift's cooperative pool, for tests whose condition
/// depends on other tasks making progress (blocking there can starve the very task awaited).
func waitUntilAsync(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<2000 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return false
}

/// The router used by the live tests.
func liveRouter(dir: String, events: Events) -> Router {
    var r = Router()
    r.add(.get, "/hello/:name") { req in .text("hello \(req.parameter("name")!)") }
    r.add(.post, "/echo", body: .buffered(limit: 1 << 20)) { req in .bytes(req.bodyBytes, contentType: "text/plain") }
    r.add(.post, "/spool", body: .spooled(limit: 1 << 30)) { req in
        guard case .file(let path, let length) = req.body else { return .text("no file", status: .badRequest) }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return .text("spooled \(length) \(data.count)")
    }
    r.add(.put, "/upload/:name", body: .streaming(limit: 4 << 30)) { req in
        if req.headers["X-Refuse"] != nil { return .respond(.problem(status: .conflict, code: "refused")) }
        return .consume(FileConsumer(path: dir + "/" + req.parameter("name")!, events: events))
    }
    r.add(.get, "/file") { _ in .init(body: .file(path: dir + "/served.bin", contentType: "application/octet-stream")) }
    r.add(.get, "/stream") { _ in
        HTTPResponse(
            headers: ["Content-Type": "text/plain"],
            body: .stream { w in
                for i in 0..<10 { try w.write("line \(i)\n") }
            })
    }
    r.add(.get, "/slow") { _ in
        events.record("slow started")
        usleep(300_000)
        return .text("slow done")
    }
    r.add(.get, "/block") { _ in
        events.record("blocked")
        events.gate.wait()
        return .text("released")
    }
    r.add(.get, "/big") { _ in .bytes([UInt8](repeating: 0x61, count: 32 << 20)) }
    r.add(.get, "/fail") { _ in throw CocoaError(.fileNoSuchFile) }
    r.add(.get, "/teapot") { _ in
        throw HTTPError(status: HTTPStatus(code: 418), code: "teapot", detail: "short and stout")
    }
    return r
}
