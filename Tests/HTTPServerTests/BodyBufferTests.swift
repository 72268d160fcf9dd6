import Dispatch
import Foundation
import Glibc
import KandasTestSupport
import Synchronization
import Testing

@testable import HTTPServer

/// Where body bytes sit in memory: congruent to their body offset, so consumers can write them
/// with `O_DIRECT`; and how a fast body moves to large buffers.
@Suite struct BodyBufferTests {
    @Test func resetBuffer_startsAtTheBodyOffsetModuloTheBlock() {
        let b = BodyBuffer(capacity: 64 << 10)
        b.reset(bodyOffset: 10_000)
        #expect(b.space == (64 << 10) - 10_000 % 4096)
        #expect(Int(bitPattern: b.end) % 4096 == 10_000 % 4096)
        b.count = 5
        #expect(b.bytes.count == 5)
        #expect(Int(bitPattern: b.bytes.baseAddress!) % 4096 == 10_000 % 4096)
    }

    @Test func bufferSmallerThanTwoBlocks_alwaysStartsAtZero() {
        let b = BodyBuffer(capacity: 4096)
        b.reset(bodyOffset: 100)
        #expect(b.space == 4096)
    }

    @Test func bodyArrivingInOddPieces_isHandedOffCongruentToItsOffsets() async throws {
        let layout = Layout()
        let s = try TestServer(router: layoutRouter(layout)) { $0.bodyReadSize = 64 << 10 }
        let pieces = [1000, 5000, 3, 70_000, 4093, 200_000, 1, 12_345]
        let total = pieces.reduce(0, +)
        let body = (0..<total).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
        let c = try RawClient(port: s.port)
        c.send("PUT /layout HTTP/1.1\r\nHost: x\r\nContent-Length: \(total)\r\n\r\n")
        var sent = 0
        for n in pieces {
            c.send(Array(body[sent..<(sent + n)]))
            sent += n
            // Lets the server hand off what it has, so hand-offs end mid-block.
            usleep(20_000)
        }
        #expect(c.readResponses(1).first?.hasPrefix("HTTP/1.1 204") == true)
        let seen = layout.snapshot
        #expect(seen.bytes == body)
        #expect(seen.chunks.count > 1)
        #expect(seen.misplaced == 0)
        await s.stop()
    }

    @Test func bodyThatOutrunsItsConsumer_movesToLargeBuffers() async throws {
        let layout = Layout(holdFirst: true)
        let s = try TestServer(router: layoutRouter(layout)) {
            $0.bodyReadSize = 64 << 10
            $0.fastBodyReadSize = 256 << 10
        }
        let total = 4 << 20
        let body = (0..<total).map { UInt8(truncatingIfNeeded: $0 >> 3) }
        let c = try RawClient(port: s.port)
        let fd = c.fd
        // Sent from another thread: the send blocks until the held consumer lets the body flow.
        let sender = Thread {
            let request = Array("PUT /layout HTTP/1.1\r\nHost: x\r\nContent-Length: \(total)\r\n\r\n".utf8) + body
            var off = 0
            while off < request.count {
                let n = request.withUnsafeBytes {
                    Glibc.send(fd, $0.baseAddress! + off, request.count - off, Int32(MSG_NOSIGNAL))
                }
                if n <= 0 { return }
                off += n
            }
        }
        sender.start()
        // The first chunk is held until the next buffer has filled up behind it.
        #expect(layout.held.wait(timeout: .now() + 20) == .success)
        usleep(200_000)
        layout.release.signal()
        #expect(c.readResponses(1).first?.hasPrefix("HTTP/1.1 204") == true)
        let seen = layout.snapshot
        #expect(seen.bytes == body)
        #expect((seen.chunks.max() ?? 0) > 64 << 10)
        #expect(seen.misplaced == 0)
        await s.stop()
    }

    private func layoutRouter(_ layout: Layout) -> Router {
        var r = Router()
        r.add(.put, "/layout", body: .streaming(limit: 1 << 30)) { _ in .consume(LayoutConsumer(layout)) }
        return r
    }
}

/// What a ``LayoutConsumer`` saw: the bytes, each chunk's size, and how many chunks sat at an
/// address not congruent to their body offset.
final class Layout: Sendable {
    struct Seen {
        var bytes: [UInt8] = []
        var chunks: [Int] = []
        var misplaced = 0
    }
    let seen = Mutex(Seen())
    let holdFirst: Bool
    let held = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)

    init(holdFirst: Bool = false) { self.holdFirst = holdFirst }

    var snapshot: Seen { seen.withLock { $0 } }
}

/// Records the layout of every chunk; with `holdFirst`, blocks in the first `consume` until released.
final class LayoutConsumer: RequestBodyConsumer {
    let layout: Layout
    private var offset = 0

    init(_ layout: Layout) { self.layout = layout }

    func consume(_ chunk: UnsafeRawBufferPointer) throws {
        let misplaced = Int(bitPattern: chunk.baseAddress!) % 4096 != offset % 4096
        layout.seen.withLock {
            $0.bytes.append(contentsOf: chunk)
            $0.chunks.append(chunk.count)
            if misplaced { $0.misplaced += 1 }
        }
        if offset == 0 && layout.holdFirst {
            layout.held.signal()
            layout.release.wait()
        }
        offset += chunk.count
    }

    func finish(trailers: HTTPHeaders) throws -> HTTPResponse { HTTPResponse(status: .noContent) }

    func abort(_ reason: BodyAbortReason) {}
}
