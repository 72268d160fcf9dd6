/// A fixed buffer of body bytes handed between the loop (filling it) and one consumer job.
///
/// `@unchecked Sendable` invariant: owned by one thread at a time: the loop while it fills the
/// buffer, then the consumer job it is passed to, which hands it back through `loop.execute`.
final class BodyBuffer: @unchecked Sendable {
    let storage: UnsafeMutableRawBufferPointer
    var count = 0

    init(capacity: Int) { storage = .allocate(byteCount: capacity, alignment: 64) }
    deinit { storage.deallocate() }

    var space: Int { storage.count - count }
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<count]) }
}
