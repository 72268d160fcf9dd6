import Foundation
import SystemKit
import Testing

/// `ParkingLock`: one holder at a time, so increments from many threads add up exactly.
struct ParkingLockTests {
    @Test func threadsIncrementingUnderTheLock_loseNoIncrement() {
        let lock = ParkingLock((count: 0, inside: 0, overlaps: 0))
        let threads = 8
        let rounds = 20_000
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            Thread {
                for _ in 0..<rounds {
                    lock.withLock { s in
                        s.inside += 1
                        if s.inside > 1 { s.overlaps += 1 }
                        s.count += 1
                        s.inside -= 1
                    }
                }
                group.leave()
            }.start()
        }
        group.wait()
        let result = lock.withLock { $0 }
        #expect(result.count == threads * rounds)
        #expect(result.overlaps == 0)
    }

    @Test func aThrowingBody_releasesTheLock() {
        struct Failure: Error {}
        let lock = ParkingLock(0)
        #expect(throws: Failure.self) { try lock.withLock { _ in throw Failure() } }
        #expect(
            lock.withLock {
                $0 += 1; return $0
            } == 1)
    }
}
