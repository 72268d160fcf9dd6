import Testing

@testable import HTTPServer

/// The per-loop pool that keeps streaming body buffers from being freed and reallocated.
@Suite struct BodyBufferPoolTests {
    @Test func recycledBuffer_isReusedEmpty() {
        var pool = BodyBufferPool(capacity: 4096, limit: 2)
        let first = pool.take()
        first.count = 100
        pool.recycle(first)
        let again = pool.take()
        #expect(again === first)
        #expect(again.count == 0)
        #expect(again.space == 4096)
    }

    @Test func idleBuffers_areCappedAtTheLimit() {
        var pool = BodyBufferPool(capacity: 1024, limit: 2)
        let buffers = (0..<5).map { _ in pool.take() }
        for b in buffers { pool.recycle(b) }
        #expect(pool.idleCount == 2)
    }

    @Test func bufferOfAnotherSize_isNotKept() {
        var pool = BodyBufferPool(capacity: 1024, limit: 2)
        pool.recycle(BodyBuffer(capacity: 512))
        #expect(pool.idleCount == 0)
        #expect(pool.take().storage.count == 1024)
    }
}
