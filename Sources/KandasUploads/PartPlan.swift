/// What one committed PATCH of a tus upload on an object store sends as multipart parts and what it
/// keeps as the tail in the metadata store: a pure function of offsets, so it is unit-tested alone.
///
/// The bytes of an upload on S3 are, in order: parts already in the multipart upload
/// (`0..<partsEnd`), the tail kept in the metadata store (`partsEnd..<offset`), and this PATCH's
/// bytes (`offset..<end`), which sit in a local spool file together with the tail. Rules:
/// - S3 parts are at least ``minimumPartSize`` (5 MiB) except the last and at most ``maximumPartSize``
///   (5 GiB), and an upload has at most 10,000 of them. Parts are never smaller than
///   ``partSize(length:)``, which grows with the upload's length so 10,000 parts always cover it
///   (tusd issue 1247: many small resumes ran out of part numbers).
/// - Small PATCHes (devices back off to 64 KiB chunks) accumulate in the tail until tail and body
///   reach a part; then all of it goes as one part (or a few, below the maximum) and the tail is
///   empty again, so tail bytes are written to the metadata store once and deleted once.
/// - The last PATCH sends everything left. An upload that never filled a part is one plain `PUT`
///   (``whole``): small photos never start a multipart upload.
struct PartPlan: Equatable, Sendable {
    /// One part to upload: its number and the upload offsets it covers.
    struct Part: Equatable, Sendable {
        var number: Int
        var range: Range<Int64>
    }

    /// Parts to upload now, in order.
    var parts: [Part]
    /// The tail after this commit (upload offsets), kept in the metadata store.
    var tail: Range<Int64>
    /// The upload is complete after these parts.
    var completes: Bool
    /// Complete, and never split: the whole file goes as one plain object `PUT`.
    var whole: Bool

    static let minimumPartSize: Int64 = 5 << 20
    static let maximumPartSize: Int64 = 5 << 30
    static let maximumPartCount: Int64 = 10_000

    /// The smallest non-last part for an upload of `length` bytes: 5 MiB, or more when 10,000 parts
    /// of 5 MiB would not cover it.
    static func partSize(length: Int64) -> Int64 {
        max(minimumPartSize, (length + maximumPartCount - 1) / maximumPartCount)
    }

    /// - Parameters:
    ///   - partsEnd: bytes already in parts.
    ///   - partCount: how many parts the multipart upload has (numbers `1...partCount`).
    ///   - end: the offset after this PATCH's bytes.
    ///   - length: the upload's `Upload-Length`.
    init(partsEnd: Int64, partCount: Int, end: Int64, length: Int64) {
        precondition(0 <= partsEnd && partsEnd <= end && end <= length)
        let pending = end - partsEnd
        completes = end == length
        if completes && partCount == 0 && pending <= Self.maximumPartSize {
            (parts, tail, whole) = ([], end..<end, true)
            return
        }
        whole = false
        guard completes || pending >= Self.partSize(length: length) else {
            (parts, tail) = ([], partsEnd..<end)
            return
        }
        // All of it, in as few parts as the maximum allows, of equal size (so every one but the
        // last is far above the minimum when there are several).
        let count = max(1, (pending + Self.maximumPartSize - 1) / Self.maximumPartSize)
        let size = (pending + count - 1) / count
        var result: [Part] = []
        var start = partsEnd
        while start < end {
            let stop = min(end, start + size)
            result.append(Part(number: partCount + result.count + 1, range: start..<stop))
            start = stop
        }
        parts = result
        tail = end..<end
    }
}
