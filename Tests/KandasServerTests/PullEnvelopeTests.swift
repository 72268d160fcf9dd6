import Foundation
import KandasProtocol
import Testing

@testable import KandasServer

/// The pull page's envelope written without the wire encoder is, byte for byte, what the encoder
/// writes for a ``PullResponse`` after its changes (Protocol §7: an empty poll is exactly that).
@Suite struct PullEnvelopeTests {
    @Test(arguments: [
        (false, false, Int64(0), Int64(1_795_000_000_000)),
        (true, true, 42, 0),
        (false, true, Int64(Int32.max) * 9, -1),
        (true, false, 7, -62_135_596_800_001),
        (false, false, 1, 253_402_300_800_000),
    ])
    func envelopeTail_isTheEncodersBytes(hasMore: Bool, reset: Bool, lastDeviceSeq: Int64, now: Int64) throws {
        for cursor in ["", "YzEuZS4xLnM.bWFj", "a\"b\\c\u{1}é"] {
            var direct = Array(#"{"changes":["#.utf8)
            PullHandler.envelopeTail(
                cursor: cursor, hasMore: hasMore, lastDeviceSeq: lastDeviceSeq, reset: reset, now: now, to: &direct)
            let encoded = try JSONCoding.encodeBytes(
                PullResponse(
                    reset: reset, changes: [], cursor: cursor, hasMore: hasMore, lastDeviceSeq: Int(lastDeviceSeq),
                    serverTime: Timestamp(millisecondsSince1970: now)))
            #expect(String(decoding: direct, as: UTF8.self) == String(decoding: encoded, as: UTF8.self))
        }
    }
}
