/// A first-level division of Kazakhstan: one of 17 regions (oblys) or 3 cities of republican significance.
///
/// Codes are the ISO 3166-2:KZ codes in force since the 2022 newsletter (numeric, e.g. `KZ-10`
/// Abai), which cover all 20 divisions, including the Abai, Jetisu and Ulytau regions created
/// in June 2022. ``legacyCode`` keeps the pre-2022 alphabetic ISO code where one existed, so
/// old data can still be read (``region(code:)`` accepts both). Names: Kazakh and Russian as
/// used officially (the 2022 regions keep their Kazakh form in Russian: «область Абай»).
public struct Region: Hashable, Identifiable, Sendable {
    /// Region (oblys) or city of republican significance.
    public enum Kind: String, Codable, Sendable {
        case region, city
    }

    /// The stable code (ISO 3166-2:KZ), e.g. `KZ-71`.
    public let code: String
    /// The pre-2022 ISO 3166-2 alphabetic code, when one existed (`KZ-AST`); `nil` for the 2022 regions.
    public let legacyCode: String?
    /// Region or city.
    public let kind: Kind
    /// The name in Kazakh, Russian and English.
    public let names: LocalizedName

    /// The identity is the code.
    public var id: String { code }

    /// The name in `language`.
    public func name(in language: Language) -> String { names(language) }

    /// All 20 divisions in code order: the 17 regions, then the three cities.
    public static let all: [Region] = [
        r("KZ-10", nil, .region, "Абай облысы", "область Абай", "Abai Region"),
        r("KZ-11", "KZ-AKM", .region, "Ақмола облысы", "Акмолинская область", "Akmola Region"),
        r("KZ-15", "KZ-AKT", .region, "Ақтөбе облысы", "Актюбинская область", "Aktobe Region"),
        r("KZ-19", "KZ-ALM", .region, "Алматы облысы", "Алматинская область", "Almaty Region"),
        r("KZ-23", "KZ-ATY", .region, "Атырау облысы", "Атырауская область", "Atyrau Region"),
        r(
            "KZ-27", "KZ-ZAP", .region, "Батыс Қазақстан облысы", "Западно-Казахстанская область",
            "West Kazakhstan Region"),
        r("KZ-31", "KZ-ZHA", .region, "Жамбыл облысы", "Жамбылская область", "Jambyl Region"),
        r("KZ-33", nil, .region, "Жетісу облысы", "область Жетісу", "Jetisu Region"),
        r("KZ-35", "KZ-KAR", .region, "Қарағанды облысы", "Карагандинская область", "Karaganda Region"),
        r("KZ-39", "KZ-KUS", .region, "Қостанай облысы", "Костанайская область", "Kostanay Region"),
        r("KZ-43", "KZ-KZY", .region, "Қызылорда облысы", "Кызылординская область", "Kyzylorda Region"),
        r("KZ-47", "KZ-MAN", .region, "Маңғыстау облысы", "Мангистауская область", "Mangystau Region"),
        r("KZ-55", "KZ-PAV", .region, "Павлодар облысы", "Павлодарская область", "Pavlodar Region"),
        r(
            "KZ-59", "KZ-SEV", .region, "Солтүстік Қазақстан облысы", "Северо-Казахстанская область",
            "North Kazakhstan Region"),
        r("KZ-61", "KZ-YUZ", .region, "Түркістан облысы", "Туркестанская область", "Turkistan Region"),
        r("KZ-62", nil, .region, "Ұлытау облысы", "область Ұлытау", "Ulytau Region"),
        r(
            "KZ-63", "KZ-VOS", .region, "Шығыс Қазақстан облысы", "Восточно-Казахстанская область",
            "East Kazakhstan Region"),
        r("KZ-71", "KZ-AST", .city, "Астана қаласы", "город Астана", "Astana"),
        r("KZ-75", "KZ-ALA", .city, "Алматы қаласы", "город Алматы", "Almaty"),
        r("KZ-79", "KZ-SHY", .city, "Шымкент қаласы", "город Шымкент", "Shymkent"),
    ]

    private static func r(
        _ code: String, _ legacy: String?, _ kind: Kind, _ kk: String, _ ru: String, _ en: String
    ) -> Region {
        Region(code: code, legacyCode: legacy, kind: kind, names: LocalizedName(kk: kk, ru: ru, en: en))
    }

    /// The division with `code`, current (`KZ-71`) or legacy (`KZ-AST`), case-insensitive.
    ///
    /// - Throws: ``DomainError/unknownRegionCode(_:)``.
    public static func region(code: String) throws(DomainError) -> Region {
        let wanted = code.uppercased()
        guard let found = all.first(where: { $0.code == wanted || $0.legacyCode == wanted }) else {
            throw .unknownRegionCode(String(code.prefix(16)))
        }
        return found
    }
}
