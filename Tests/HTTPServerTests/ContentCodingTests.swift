import Foundation
import Synchronization
import KandasTestSupport
import Testing
import ZlibKit

@testable import HTTPServer

/// Issue 15 item 3: gzip on the wire. Negotiation rules, the decoded-bytes limit, and the engine
/// end to end with `curl --compressed`.
@Suite struct ContentCodingRulesTests {
    @Test(arguments: [
        ("gzip", true), ("GZIP", true), ("x-gzip", true), ("deflate, gzip;q=0.5", true), ("br, gzip ; q=1.0", true),
        ("*", true), ("*;q=0.1", true), ("identity", false), ("", false), ("br", false), ("gzip;q=0", false),
        ("gzip;q=0.000", false), ("*, gzip;q=0", false), ("*;q=0", false), ("gzip;q=abc", false), ("gzip;q=2", false),
        ("identity;q=1, *;q=0", false),
    ])
    func acceptEncoding_acceptsGzipOnlyWithAPositiveWeight(value: String, accepted: Bool) {
        #expect(ContentCoding.acceptsGzip([value]) == accepted, "\(value)")
    }

    @Test func noAcceptEncodingField_meansIdentityOnly() {
        #expect(!ContentCoding.acceptsGzip([]))
    }

    @Test func acceptEncodingOnSeveralLines_isOneList() {
        #expect(ContentCoding.acceptsGzip(["br", "gzip"]))
        #expect(!ContentCoding.acceptsGzip(["*", "gzip;q=0"]))
    }

    @Test(arguments: [
        ("application/json", true), ("application/json; charset=utf-8", true), ("application/problem+json", true),
        ("application/geo+json", true), ("text/csv; charset=utf-8", true), ("text/html", true), ("image/svg+xml", true),
        ("image/jpeg", false), ("video/mp4", false), ("application/zip", false), ("application/gzip", false),
        ("application/octet-stream", false), ("application/offset+octet-stream", false),
    ])
    func onlyTextLikeMedia_isCompressed(type: String, compressible: Bool) {
        #expect(ContentCoding.isCompressible(contentType: type) == compressible, "\(type)")
    }

    @Test func gzipRoundTrip_givesTheSameBytes() throws {
        let text = Array(String(repeating: "{\"id\":\"0190a1b2-c3d4\",\"n\":1},", count: 5000).utf8)
        let packed = Gzip.compress(text)
        #expect(packed.count < text.count / 10)
        #expect(Gzip.looksCompressed(packed))
        #expect(try Gzip.decompress(packed, limit: text.count) == text)
    }

    @Test func decompressionBomb_stopsAtTheLimitOfDecodedBytes() {
        // 64 MiB of zeros is about 64 KiB of gzip: the limit must stop it, not the input size.
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 64 << 20), level: 9)
        #expect(bomb.count < 256 << 10)
        #expect(throws: Gzip.Failure.tooLarge(limit: 1 << 20)) { try Gzip.decompress(bomb, limit: 1 << 20) }
    }

    @Test func decodedBodyOfExactlyTheLimit_isAccepted() throws {
        let body = [UInt8](repeating: 7, count: 4096)
        #expect(try Gzip.decompress(Gzip.compress(body), limit: 4096) == body)
        #expect(throws: Gzip.Failure.tooLarge(limit: 4095)) { try Gzip.decompress(Gzip.compress(body), limit: 4095) }
    }

    @Test func corruptTruncatedOrTrailingGarbage_isCorrupt() {
        let packed = Gzip.compress(Array("hello hello hello".utf8))
        for bad in [Array("not gzip".utf8), Array(packed.dropLast(4)), packed + [1, 2, 3], []] {
            #expect(throws: Gzip.Failure.self) { try Gzip.decompress(bad, limit: 1 << 20) }
        }
    }

    @Test func concatenatedMembers_areOneBody() throws {
        let two = Gzip.compress(Array("abc".utf8)) + Gzip.compress(Array("def".utf8))
        #expect(try Gzip.decompress(two, limit: 100) == Array("abcdef".utf8))
    }

    @Test func streamedEncoder_matchesTheWholeBody() throws {
        let encoder = GzipEncoder(level: 4)
        var out: [UInt8] = []
        var plain: [UInt8] = []
        for n in 0..<200 {
            let piece = Array("{\"n\":\(n),\"text\":\"some repeated text\"},".utf8)
            plain += piece
            out += encoder.compress(piece)
        }
        out += encoder.finish()
        #expect(try Gzip.decompress(out, limit: 1 << 20) == plain)
    }

    @Test func strongETag_getsAGzipSuffix_weakOneIsKept() {
        #expect(ContentCoding.gzipTag("\"abc\"") == "\"abc-gzip\"")
        #expect(ContentCoding.gzipTag("W/\"abc\"") == "W/\"abc\"")
    }
}

/// The engine with gzip: responses by `Accept-Encoding`, gzip request bodies on buffered routes.
@Suite struct ContentCodingEngineTests {
    static let json = "[" + (0..<400).map { "{\"id\":\($0),\"name\":\"family \($0)\"}" }.joined(separator: ",") + "]"

    final class Calls: Sendable {
        let count = Mutex(0)
        let bodies = Mutex<[[UInt8]]>([])
    }

    func server(_ calls: Calls) throws -> TestServer {
        var r = Router()
        r.add(.get, "/big") { _ in .bytes(Array(Self.json.utf8), contentType: "application/json") }
        r.add(.get, "/small") { _ in .bytes(Array("{\"ok\":true}".utf8), contentType: "application/json") }
        r.add(.get, "/photo") { _ in .bytes([UInt8](repeating: 0xFF, count: 4096), contentType: "image/jpeg") }
        r.add(.get, "/stream") { _ in
            HTTPResponse(
                headers: ["Content-Type": "application/json"],
                body: .stream { writer in
                    for n in 0..<100 { try writer.write("{\"n\":\(n),\"text\":\"streamed and repeated\"}\n") }
                })
        }
        r.add(.post, "/apply", body: .buffered(limit: 64 << 10)) { req in
            calls.count.withLock { $0 += 1 }
            calls.bodies.withLock { $0.append(req.bodyBytes) }
            return .bytes(req.bodyBytes, contentType: "application/json")
        }
        r.add(.post, "/spool", body: .spooled(limit: 1 << 20)) { _ in .text("spooled") }
        return try TestServer(router: r)
    }

    /// `curl -sS -i` with extra arguments; the head and the body.
    func curl(_ arguments: [String]) throws -> (head: String, body: String) {
        let out = try run(["curl", "-sS", "-i"] + arguments).output
        let parts = out.components(separatedBy: "\r\n\r\n")
        return (parts.first ?? "", parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    @Test func curlCompressed_getsAGzipBodyWithVary_andTheSameJSON() async throws {
        let s = try server(Calls())
        let (head, body) = try curl(["--compressed", s.url + "/big"])
        #expect(head.lowercased().contains("content-encoding: gzip"))
        #expect(head.contains("Vary: Accept-Encoding"))
        #expect(body == Self.json)
        // On the wire it is a fraction of the JSON.
        let raw = try curl(["-H", "Accept-Encoding: gzip", s.url + "/big"])
        let length =
            Int(
                raw.head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }?
                    .split(separator: " ").last ?? "") ?? 0
        #expect(length > 0 && length < Self.json.utf8.count / 3)
        await s.stop()
    }

    @Test func withoutAcceptEncoding_theBodyIsPlainButVaryIsSent() async throws {
        let s = try server(Calls())
        let (head, body) = try curl([s.url + "/big"])
        #expect(!head.lowercased().contains("content-encoding"))
        #expect(head.contains("Vary: Accept-Encoding"))
        #expect(body == Self.json)
        let refused = try curl(["-H", "Accept-Encoding: gzip;q=0, *", s.url + "/big"])
        #expect(!refused.head.lowercased().contains("content-encoding"))
        await s.stop()
    }

    @Test func smallBodiesAndMedia_areNeverCompressed() async throws {
        let s = try server(Calls())
        for path in ["/small", "/photo"] {
            let (head, _) = try curl(["-H", "Accept-Encoding: gzip", s.url + path])
            #expect(!head.lowercased().contains("content-encoding"), "\(path)")
        }
        await s.stop()
    }

    @Test func streamedBody_isCompressedAsItStreams() async throws {
        let s = try server(Calls())
        let (head, body) = try curl(["--compressed", s.url + "/stream"])
        #expect(head.lowercased().contains("content-encoding: gzip"))
        #expect(head.lowercased().contains("transfer-encoding: chunked"))
        #expect(body.split(separator: "\n").count == 100)
        await s.stop()
    }

    @Test func gzipRequestBody_reachesTheHandlerDecoded() async throws {
        let calls = Calls()
        let s = try server(calls)
        let dir = TemporaryFolder()
        let plain = Array(Self.json.utf8)
        let file = dir.path + "/body.gz"
        try Data(Gzip.compress(plain)).write(to: URL(fileURLWithPath: file))
        let (head, body) = try curl([
            "-H", "Content-Encoding: gzip", "-H", "Content-Type: application/json", "--data-binary", "@" + file,
            s.url + "/apply",
        ])
        #expect(head.hasPrefix("HTTP/1.1 200"))
        #expect(body == Self.json)
        #expect(calls.bodies.withLock { $0 } == [plain])
        await s.stop()
    }

    @Test func decompressionBomb_is413AndTheHandlerNeverRuns() async throws {
        let calls = Calls()
        let s = try server(calls)
        let dir = TemporaryFolder()
        // 16 MiB of spaces is well under the 64 KiB route limit on the wire, far over it decoded.
        let bomb = Gzip.compress([UInt8](repeating: 0x20, count: 16 << 20), level: 9)
        #expect(bomb.count < 64 << 10)
        let file = dir.path + "/bomb.gz"
        try Data(bomb).write(to: URL(fileURLWithPath: file))
        let (head, body) = try curl([
            "-H", "Content-Encoding: gzip", "-H", "Content-Type: application/json", "--data-binary", "@" + file,
            s.url + "/apply",
        ])
        #expect(head.hasPrefix("HTTP/1.1 413"))
        #expect(head.contains("application/problem+json"))
        #expect(body.contains("\"code\":\"body_too_large\""))
        #expect(body.contains("\"limit\":65536"))
        #expect(calls.count.withLock { $0 } == 0)
        await s.stop()
    }

    @Test func unknownCoding_is415_corruptGzipIs400_andNothingIsApplied() async throws {
        let calls = Calls()
        let s = try server(calls)
        let br = try curl(["-H", "Content-Encoding: br", "--data-binary", "{}", s.url + "/apply"])
        #expect(br.head.hasPrefix("HTTP/1.1 415"))
        #expect(br.body.contains("\"code\":\"unsupported_content_encoding\""))
        let corrupt = try curl([
            "-H", "Content-Encoding: gzip", "--data-binary", "{\"not\":\"gzip\"}", s.url + "/apply",
        ])
        #expect(corrupt.head.hasPrefix("HTTP/1.1 400"))
        #expect(corrupt.body.contains("\"code\":\"invalid_content_encoding\""))
        let spooled = try curl(["-H", "Content-Encoding: gzip", "--data-binary", "x", s.url + "/spool"])
        #expect(spooled.head.hasPrefix("HTTP/1.1 415"))
        #expect(calls.count.withLock { $0 } == 0)
        let identity = try curl(["-H", "Content-Encoding: identity", "--data-binary", "{}", s.url + "/apply"])
        #expect(identity.head.hasPrefix("HTTP/1.1 200"))
        await s.stop()
    }
}
