import KandasDomain
import Testing

@Test func missing_listsOnlyRequiredKindsThatAreAbsent() {
    let rule = EvidenceRule(document: .recommended)
    #expect(rule.required == [.photo, .video, .geolocation])
    #expect(rule.missing(from: [.photo, .video, .geolocation]).isEmpty)
    #expect(rule.missing(from: [.photo, .document]) == [.video, .geolocation])
}

@Test func requiredDocument_isMissingWhenAbsent() {
    let rule = EvidenceRule(document: .required)
    #expect(rule.missing(from: [.photo, .video, .geolocation]) == [.document])
    #expect(rule.requirement(for: .document) == .required)
}
