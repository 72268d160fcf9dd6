internal import CZlib

/// gzip (RFC 1952) through zlib: the one importer of `CZlib`. Never a hand-written deflate.
///
/// ``Gzip/compress(_:level:)`` and ``Gzip/decompress(_:limit:)`` work on whole bodies;
/// ``GzipEncoder`` compresses a body that is produced a piece at a time (a streamed response).
public enum Gzip {
    /// Why a gzip body could not be decoded.
    public enum Failure: Error, Equatable, Sendable {
        /// The decoded bytes would exceed the limit (a decompression bomb, or simply too large).
        case tooLarge(limit: Int)
        /// Not gzip data, corrupt, or truncated.
        case corrupt(String)
    }

    /// The bytes of `input` gzip-encoded in one member (level 1 fastest ... 9 smallest; 6 is zlib's default).
    public static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        let encoder = GzipEncoder(level: level)
        var out = encoder.compress(input)
        out += encoder.finish()
        return out
    }

    /// Decodes a gzip body (one or more members), refusing to produce more than `limit` bytes.
    ///
    /// The limit applies to the decoded bytes: the output grows in steps and decoding stops as soon as
    /// it would pass `limit`, so a small body that inflates to gigabytes costs at most `limit` bytes.
    ///
    /// - Throws: ``Failure/tooLarge(limit:)`` past the limit, ``Failure/corrupt(_:)`` for anything that
    ///   is not a complete gzip stream.
    public static func decompress(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        guard !input.isEmpty else { throw .corrupt("empty body") }
        var stream = z_stream()
        guard czlib_inflate_init_gzip(&stream) == Z_OK else { throw .corrupt("zlib could not start") }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var consumed = 0
        while true {
            let status: Int32 = input.withUnsafeBufferPointer { source in
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress! + consumed)
                    stream.avail_in = uInt(source.count - consumed)
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    consumed = source.count - Int(stream.avail_in)
                    return status
                }
            }
            let produced = chunk.count - Int(stream.avail_out)
            guard out.count + produced <= limit else { throw .tooLarge(limit: limit) }
            out.append(contentsOf: chunk[0..<produced])
            switch status {
            case Z_STREAM_END:
                // Concatenated members (RFC 1952 §2.2) are one body.
                guard consumed < input.count else { return out }
                guard inflateReset(&stream) == Z_OK else { throw .corrupt("zlib could not restart") }
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: the input ended inside the stream.
                if produced == 0 { throw .corrupt("truncated gzip data") }
            default:
                throw .corrupt(stream.msg.map { String(cString: $0) } ?? "invalid gzip data")
            }
        }
    }

    /// Whether `bytes` start with the gzip magic number (1f 8b).
    public static func looksCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }
}

/// A gzip member produced a piece at a time: `compress` as input arrives (each call flushes what it can
/// to a byte boundary, so a streamed client sees progress), then `finish` once. Not thread-safe.
public final class GzipEncoder {
    private var stream = z_stream()
    private var finished = false
    private var out = [UInt8](repeating: 0, count: 32 * 1024)

    public init(level: Int32 = 6) {
        let status = czlib_deflate_init_gzip(&stream, level)
        precondition(status == Z_OK, "deflateInit2 failed: \(status)")
    }

    deinit { deflateEnd(&stream) }

    /// The compressed bytes for `input`; with `sync` (the default) everything given so far is flushed.
    public func compress(_ input: [UInt8], sync: Bool = false) -> [UInt8] {
        input.withUnsafeBufferPointer { run($0, flush: sync ? Z_SYNC_FLUSH : Z_NO_FLUSH) }
    }

    /// The compressed bytes for a buffer.
    public func compress(_ input: UnsafeRawBufferPointer, sync: Bool = false) -> [UInt8] {
        input.withMemoryRebound(to: UInt8.self) { run($0, flush: sync ? Z_SYNC_FLUSH : Z_NO_FLUSH) }
    }

    /// The end of the member (the rest of the deflate stream and the CRC-32 and length trailer).
    public func finish() -> [UInt8] {
        guard !finished else { return [] }
        finished = true
        return run(UnsafeBufferPointer(start: nil, count: 0), flush: Z_FINISH)
    }

    private func run(_ input: UnsafeBufferPointer<UInt8>, flush: Int32) -> [UInt8] {
        var result: [UInt8] = []
        stream.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0) }
        stream.avail_in = uInt(input.count)
        while true {
            let (status, produced) = out.withUnsafeMutableBufferPointer { target -> (Int32, Int) in
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                let status = deflate(&stream, flush)
                return (status, target.count - Int(stream.avail_out))
            }
            result.append(contentsOf: out[0..<produced])
            if status == Z_STREAM_END { break }
            precondition(status == Z_OK || status == Z_BUF_ERROR, "deflate failed: \(status)")
            // Done when zlib had room to spare and nothing is left to read.
            if stream.avail_out != 0 && stream.avail_in == 0 { break }
        }
        stream.next_in = nil
        return result
    }
}
