/// A criterion of the quarterly quality evaluation by ERDO (Rules 2, para 48).
public enum QualityCriterion: String, CaseIterable, Codable, Sendable {
    /// `өзектілік`: fulfilment of the individual plans' tasks matches the plans.
    case relevance
    /// `тиімділік`: the quality of fulfilling the plans' tasks matches.
    case effectiveness
    /// `әлеуметтік әсер`: satisfaction, the process of receiving services, departures from the region.
    case socialImpact

    /// The criterion's name (Kazakh verbatim from para 48).
    public var names: LocalizedName {
        switch self {
        case .relevance: LocalizedName(kk: "өзектілік", ru: "актуальность", en: "relevance")
        case .effectiveness: LocalizedName(kk: "тиімділік", ru: "эффективность", en: "effectiveness")
        case .socialImpact: LocalizedName(kk: "әлеуметтік әсер", ru: "социальное воздействие", en: "social impact")
        }
    }
}

/// One quality evaluation: three criteria scored 1...5 (Rules 2, paras 47-49), summed and banded.
///
/// The source is inconsistent (DIGEST §6.2, `Protocol/services.md` §Quality): three criteria of
/// 1-5 points give 3...15, yet the bands run 0-10, 10-15 and 15-25, with shared boundaries,
/// and the text never says whether scores are summed. Our reading, chosen so that every band
/// is reachable and every total has exactly one band:
/// - the total is the **sum** (the 0-25 bands only make sense for a sum);
/// - bands are **half-open** `[lower, upper)` (Kazakh `-ға/-ке дейін`, "up to", read as
///   exclusive): low = 3...9, medium = 10...14, high = 15 (all three criteria at 5).
/// The source's own band texts are kept in ``QualityBand/sourceRange``.
public struct QualityEvaluation: Hashable, Codable, Sendable {
    /// Relevance score, 1...5.
    public let relevance: Int
    /// Effectiveness score, 1...5.
    public let effectiveness: Int
    /// Social impact score, 1...5.
    public let socialImpact: Int

    /// The allowed range of one criterion's score (para 49).
    public static let scoreRange = 1...5

    /// Creates an evaluation.
    ///
    /// - Throws: ``DomainError/scoreOutOfRange(criterion:score:)`` for the first score outside 1...5.
    public init(relevance: Int, effectiveness: Int, socialImpact: Int) throws(DomainError) {
        for (criterion, score) in [
            (QualityCriterion.relevance, relevance), (.effectiveness, effectiveness), (.socialImpact, socialImpact),
        ] where !Self.scoreRange.contains(score) {
            throw .scoreOutOfRange(criterion: criterion, score: score)
        }
        self.relevance = relevance
        self.effectiveness = effectiveness
        self.socialImpact = socialImpact
    }

    /// The score of one criterion.
    public func score(_ criterion: QualityCriterion) -> Int {
        switch criterion {
        case .relevance: relevance
        case .effectiveness: effectiveness
        case .socialImpact: socialImpact
        }
    }

    /// The sum of the three scores, 3...15.
    public var total: Int { relevance + effectiveness + socialImpact }

    /// The band of ``total``.
    public var band: QualityBand { QualityBand(total: total) }
}

/// The overall conclusion bands of Rules 2, para 49, under our half-open reading.
public enum QualityBand: String, CaseIterable, Codable, Sendable {
    /// `төмен және (немесе) қызметтер қанағаттанарлықсыз көрсетілген`: total below 10.
    case low
    /// `орташа және (немесе) қызметтер қанағаттанарлық көрсетілген`: total 10...14.
    case medium
    /// `жоғары және (немесе) қызметтер сәтті көрсетілді`: total 15 and above.
    case high

    /// The band of a total (any integer; totals below 3 or above 15 cannot occur from valid scores).
    public init(total: Int) {
        switch total {
        case ..<10: self = .low
        case 10..<15: self = .medium
        default: self = .high
        }
    }

    /// The band's range as printed in the source (verbatim Kazakh, overlapping boundaries and all).
    public var sourceRange: String {
        switch self {
        case .low: "0-ден10-ға дейін"
        case .medium: "10-нан 15-ке дейін"
        case .high: "15-тен 25-ке дейін"
        }
    }

    /// The band's meaning.
    public var names: LocalizedName {
        switch self {
        case .low:
            LocalizedName(
                kk: "төмен және (немесе) қызметтер қанағаттанарлықсыз көрсетілген",
                ru: "низкая и (или) услуги оказаны неудовлетворительно",
                en: "low and/or services provided unsatisfactorily")
        case .medium:
            LocalizedName(
                kk: "орташа және (немесе) қызметтер қанағаттанарлық көрсетілген",
                ru: "средняя и (или) услуги оказаны удовлетворительно",
                en: "medium and/or services provided satisfactorily")
        case .high:
            LocalizedName(
                kk: "жоғары және (немесе) қызметтер сәтті көрсетілді",
                ru: "высокая и (или) услуги оказаны успешно",
                en: "high and/or services provided successfully")
        }
    }
}
