import SystemKit

/// A fixed buffer of body bytes handed between the loop (filling it) and one consumer job.
///
/// Page-aligned, and filled from ``start``: the engine starts each buffer at the body's offset
/// modulo ``blockSize`` (see ``RequestBodyConsumer/consume(_:)``), so a consumer writing the body
/// at a block-aligned file offset can give every whole block to an `O_DIRECT` write, without a copy.
///
/// `@unchecked Sendable` invariant: owned by one thread at a time: the loop while it fills the
/// buffer, then the consumer job it is passed to, which hands it back through `loop.execute`.
final class BodyBuffer: @unchecked Sendable {
    /// The block the engine keeps body bytes congruent to (a multiple of every common logical
    /// block size of disks).
    static let blockSize = DirectIO.blockSize

    let storage: UnsafeMutableRawBufferPointer
    /// Where the bytes begin in `storage`.
    private(set) var start = 0
    var count = 0

    init(capacity: Int) { storage = .allocate(byteCount: capacity, alignment: Self.blockSize) }
    deinit { storage.deallocate() }

    var space: Int { storage.count - start - count }
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[start..<(start + count)]) }
    /// Where the next byte goes.
    var end: UnsafeMutableRawPointer { storage.baseAddress! + start + count }

    /// Empties the buffer so its first byte lands at the body offset `bodyOffset` modulo
    /// ``blockSize``; a buffer smaller than two blocks starts at 0 (it would be mostly gap).
    func reset(bodyOffset: Int64) {
        count = 0
        let block = Self.blockSize
        start = storage.count >= 2 * block ? Int(bodyOffset % Int64(block)) : 0
    }
}
