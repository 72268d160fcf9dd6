import Testing

@testable import KandasProtocol

@Test func qrPayload_parsesIntoBaseURLAndCode() throws {
    let payload = try EnrollmentPayload(parsing: "kandas1:https://kandas.example.kz#K7QJ-3M4X-Z2W5-PN6R-B8TD-9YHC-4E\n")
    #expect(payload.baseURL == "https://kandas.example.kz")
    #expect(payload.normalizedCode == "K7QJ3M4XZ2W5PN6RB8TD9YHC4E")
    #expect(payload.description == "kandas1:https://kandas.example.kz#K7QJ-3M4X-Z2W5-PN6R-B8TD-9YHC-4E")
}

@Test(arguments: ["https://kandas.example.kz#CODE", "kandas1:ftp://x#CODE", "kandas1:https://x#", "kandas1:https://x"])
func malformedQRPayload_isRejected(text: String) {
    #expect(throws: ProtocolError.self) { try EnrollmentPayload(parsing: text) }
}
