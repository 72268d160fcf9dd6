import KandasClient
import Testing

@testable import CurlTransport

/// CURLcode numbers are libcurl's stable ABI (`curl/curl.h`), so they are spelled out here.
@Suite struct CurlFailureTests {
    private func map(_ code: UInt32, _ tweak: (inout CurlFailure) -> Void = { _ in }) -> TransportError {
        var failure = CurlFailure(code: code, detail: "d")
        tweak(&failure)
        return TransportError(failure)
    }

    @Test func networkCodes_mapToTheirKinds() {
        #expect(map(1) == .invalidURL("d"))  // UNSUPPORTED_PROTOCOL
        #expect(map(3) == .invalidURL("d"))  // URL_MALFORMAT
        #expect(map(6) == .couldNotResolveHost("d"))
        #expect(map(7) == .couldNotConnect("d"))
        #expect(map(28) == .timedOut("d"))
        #expect(map(35) == .tls("d"))  // SSL_CONNECT_ERROR
        #expect(map(60) == .tls("d"))  // PEER_FAILED_VERIFICATION
        #expect(map(77) == .tls("d"))  // SSL_CACERT_BADFILE
        #expect(map(18) == .connectionLost("d"))  // PARTIAL_FILE
        #expect(map(52) == .connectionLost("d"))  // GOT_NOTHING
        #expect(map(55) == .connectionLost("d"))  // SEND_ERROR
        #expect(map(56) == .connectionLost("d"))  // RECV_ERROR
        #expect(map(26) == .fileUnreadable("d"))  // READ_ERROR
    }

    @Test func callbackAborts_areExplainedByTheTransfersOwnReason() {
        #expect(map(42) { $0.cancelled = true } == .cancelled)
        #expect(map(42) { $0.readFailure = "f: EISDIR" } == .fileUnreadable("f: EISDIR"))
        #expect(map(42) == .cancelled)
        #expect(
            map(23) {
                $0.responseLimitExceeded = true
                $0.responseLimit = 10
            } == .responseTooLarge(10))
        #expect(map(63) { $0.responseLimit = 10 } == .responseTooLarge(10))  // FILESIZE_EXCEEDED
    }

    @Test func cancellation_winsOverTheCodeItCaused() {
        #expect(map(28) { $0.cancelled = true } == .cancelled)
    }

    @Test func unknownCode_keepsNumberAndDetail() {
        #expect(map(99) == .other("curl error 99: d"))
    }
}
