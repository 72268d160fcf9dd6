import Testing

@testable import KandasClient

@Test func responseHeaderLookup_isCaseInsensitive() {
    let response = TransportResponse(status: 204, headers: [(name: "Upload-Offset", value: "42")])
    #expect(response.header("upload-offset") == "42")
    #expect(response.header("Upload-Length") == nil)
}

@Test func transientErrors_areTheOnesARetryCanFix() {
    #expect(TransportError.connectionLost("reset").isTransient)
    #expect(TransportError.timedOut("no bytes for 60 s").isTransient)
    #expect(!TransportError.tls("certificate").isTransient)
    #expect(!TransportError.invalidURL("x").isTransient)
}
