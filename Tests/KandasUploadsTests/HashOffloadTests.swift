import Crypto
import Dispatch
import Foundation
import Glibc
import Synchronization
import Testing

@testable import KandasUploads

/// The helper threads that hash a PATCH buffer while the handler thread writes it.
@Suite struct HashOffloadTests {
    /// Hashes `data` in 256 KiB pieces, one hash per side, and returns both digests.
    func hashBoth(_ offload: HashOffload, _ data: [UInt8]) -> (side: String, main: String, offloaded: Bool) {
        var sideHasher = SHA256()
        var mainHasher = SHA256()
        var offloaded = false
        let caller = pthread_self()
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let piece = UnsafeRawBufferPointer(rebasing: raw[offset..<min(raw.count, offset + (256 << 10))])
                offload.run(piece.count) {
                    sideHasher.update(piece)
                    if pthread_equal(pthread_self(), caller) == 0 { offloaded = true }
                } main: {
                    mainHasher.update(piece)
                }
                offset += piece.count
            }
        }
        return (sideHasher.finalize().hex, mainHasher.finalize().hex, offloaded)
    }

    @Test func bothSides_finishBeforeRunReturns_withTheSameDigestAsOnePass() {
        let data = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let expected = SHA256.hash(data).hex
        let digests = hashBoth(HashOffload(threads: 1), data)
        #expect(digests.offloaded)
        #expect(digests.side == expected)
        #expect(digests.main == expected)
    }

    @Test func withNoHelperFree_theSideRunsInline() {
        let data = [UInt8](repeating: 7, count: 1 << 20)
        let digests = hashBoth(HashOffload(threads: 0), data)
        #expect(!digests.offloaded)
        #expect(digests.side == SHA256.hash(data).hex)
        #expect(digests.main == digests.side)
    }

    @Test func concurrentCallers_shareTwoHelpersWithoutMixingWork() {
        let offload = HashOffload(threads: 2)
        let inputs = (0..<6).map { n in [UInt8](repeating: UInt8(n), count: 1 << 20) }
        let results = Mutex<[Int: (String, String)]>([:])
        // Dispatch's threads, not Swift's cooperative pool: `run` blocks while a helper works.
        DispatchQueue.concurrentPerform(iterations: inputs.count) { i in
            let d = hashBoth(offload, inputs[i])
            results.withLock { $0[i] = (d.side, d.main) }
        }
        let all = results.withLock { $0 }
        #expect(all.count == inputs.count)
        for (i, pair) in all {
            #expect(pair.0 == SHA256.hash(inputs[i]).hex)
            #expect(pair.1 == pair.0)
        }
    }

    @Test func twoSideJobs_runOnTwoHelpers_andAllThreeFinishBeforeRunReturns() {
        let offload = HashOffload(threads: 2)
        let data = (0..<(2 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        var first = SHA256()
        var second = SHA256()
        var main = SHA256()
        let threads = Mutex<Set<UInt>>([])
        data.withUnsafeBytes { raw in
            offload.run(raw.count) {
                first.update(raw)
                threads.withLock { _ = $0.insert(UInt(pthread_self())) }
            } second: {
                second.update(raw)
                threads.withLock { _ = $0.insert(UInt(pthread_self())) }
            } main: {
                main.update(raw)
                threads.withLock { _ = $0.insert(UInt(pthread_self())) }
            }
        }
        let expected = SHA256.hash(data).hex
        #expect(first.finalize().hex == expected)
        #expect(second.finalize().hex == expected)
        #expect(main.finalize().hex == expected)
        #expect(threads.withLock { $0.count } == 3)
    }
}
