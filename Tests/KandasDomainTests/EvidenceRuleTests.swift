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

@Test func paras36and37_completeNeedsEveryRequiredKindAndEveryDeclaredFileVerified() {
    let rule = EvidenceRule(document: .required, reason: "r")
    // No file at all is never complete: photo and video are always required.
    #expect(
        rule.incompleteReasons(present: [], filesDeclared: 0, filesVerified: 0) == [
            "photo", "video", "document", "geolocation",
        ])
    #expect(
        rule.incompleteReasons(present: [.photo, .video, .document, .geolocation], filesDeclared: 3, filesVerified: 2)
            == ["unverified_files"])
    #expect(
        rule.incompleteReasons(present: [.photo, .video, .document, .geolocation], filesDeclared: 3, filesVerified: 3)
            .isEmpty)
    // A recommended document does not block completeness.
    #expect(
        EvidenceRule(document: .recommended).incompleteReasons(
            present: [.photo, .video, .geolocation], filesDeclared: 2, filesVerified: 2
        ).isEmpty)
}

@Test func kinds_areEqualAndHashedByCase_asTheirRawValuesWere() {
    let kinds = EvidenceRule.Kind.allCases
    #expect(Set(kinds).count == kinds.count)
    for a in kinds {
        for b in kinds { #expect((a == b) == (a.rawValue == b.rawValue)) }
        #expect(Set([a]).contains(EvidenceRule.Kind(rawValue: a.rawValue) ?? .photo))
    }
}
