import Testing

@testable import KandasProtocol

@Test func defaultLimits_equalThePublishedExample() throws {
    let example = try JSONCoding.decode(Limits.self, from: ProtocolFolder.example("limits"))
    #expect(Limits.default == example)
}

@Test func defaultLimits_areConsistent() {
    let limits = Limits.default
    #expect(limits.recommendedChunkBytes <= limits.maxChunkBytes)
    #expect(limits.maxChunkBytes <= limits.maxFileBytes)
    #expect(limits.defaultPullLimit <= limits.maxPullLimit)
    #expect(limits.defaultPageLimit <= limits.maxPageLimit)
    #expect(limits.uploadExpirySeconds <= limits.uploadMaxAgeSeconds)
    #expect(limits.refreshTokenTTLSeconds <= limits.refreshTokenMaxAgeSeconds)
    #expect(limits.enrollmentCodeTTLSeconds <= limits.enrollmentCodeMaxTTLSeconds)
    // Object-store parts (DESIGN §6) need chunks of at least 5 MiB.
    #expect(limits.recommendedChunkBytes >= 5 * 1024 * 1024)
}

@Test func everyLimitsField_isInTheSpecLimitsTable() throws {
    let text = try ProtocolFolder.text("sync-v1.md")
    let section = try #require(text.components(separatedBy: "## 16. Limits").last)
    for key in Limits.CodingKeys.allCases.map(\.rawValue) where key != "protocol_version" && key != "features" {
        #expect(section.contains("`\(key)`"), "\(key) missing from sync-v1 §16")
    }
}
