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

    @Test func largeBuffers_areKeptApartFromSmallOnes() {
        var pool = BodyBufferPool(capacity: 8192, limit: 2, largeCapacity: 32768, largeLimit: 1)
        let small = pool.take()
        let large = pool.take(large: true)
        let extra = pool.take(large: true)
        #expect(small.storage.count == 8192)
        #expect(large.storage.count == 32768)
        for b in [small, large, extra] { pool.recycle(b) }
        #expect(pool.idleCount == 2)
        #expect(pool.take(large: true) === large)
        #expect(pool.take() === small)
    }

    @Test func growingOff_largeRequestsGetTheNormalSize() {
        var pool = BodyBufferPool(capacity: 8192, limit: 2)
        #expect(pool.take(large: true).storage.count == 8192)
    }
}
