import KandasDomain
import Testing

@Test func everyScoreCombination_hasExactlyOneBandAndEveryBandIsReachable() throws {
    var seen = Set<QualityBand>()
    for r in 1...5 {
        for e in 1...5 {
            for s in 1...5 {
                let evaluation = try QualityEvaluation(relevance: r, effectiveness: e, socialImpact: s)
                #expect((3...15).contains(evaluation.total))
                let expected: QualityBand = evaluation.total < 10 ? .low : evaluation.total < 15 ? .medium : .high
                #expect(evaluation.band == expected)
                seen.insert(evaluation.band)
            }
        }
    }
    #expect(seen == Set(QualityBand.allCases))
}

@Test func sharedBoundaries_belongToTheUpperBand() {
    #expect(QualityBand(total: 9) == .low)
    #expect(QualityBand(total: 10) == .medium)
    #expect(QualityBand(total: 14) == .medium)
    #expect(QualityBand(total: 15) == .high)
}

@Test func onlyAllFives_reachTheHighBand() throws {
    #expect(try QualityEvaluation(relevance: 5, effectiveness: 5, socialImpact: 5).band == .high)
    #expect(try QualityEvaluation(relevance: 5, effectiveness: 5, socialImpact: 4).band == .medium)
}

@Test func scoresOutsideOneToFive_areRejectedNamingTheCriterion() {
    #expect(throws: DomainError.scoreOutOfRange(criterion: .relevance, score: 0)) {
        try QualityEvaluation(relevance: 0, effectiveness: 3, socialImpact: 3)
    }
    #expect(throws: DomainError.scoreOutOfRange(criterion: .socialImpact, score: 6)) {
        try QualityEvaluation(relevance: 3, effectiveness: 3, socialImpact: 6)
    }
}

@Test func sourceBandTexts_areKeptVerbatim() {
    #expect(
        QualityBand.allCases.map(\.sourceRange) == ["0-ден10-ға дейін", "10-нан 15-ке дейін", "15-тен 25-ке дейін"])
    #expect(QualityCriterion.allCases.map { $0.names.kk } == ["өзектілік", "тиімділік", "әлеуметтік әсер"])
}
