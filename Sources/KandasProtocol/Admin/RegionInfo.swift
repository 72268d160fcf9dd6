/// A region or city of republican significance (seeded, read-only).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct RegionInfo: Sendable, Codable, Equatable {
    /// Server identity.
    public var id: WireID
    /// ISO 3166-2:KZ code, e.g. `KZ-11`.
    public var code: String
    /// Region or city.
    public var kind: RegionKind
    /// Name in Kazakh.
    public var nameKk: String
    /// Name in Russian.
    public var nameRu: String
    /// Name in English.
    public var nameEn: String

    /// Creates a value from its fields.
    public init(id: WireID, code: String, kind: RegionKind, nameKk: String, nameRu: String, nameEn: String) {
        self.id = id
        self.code = code
        self.kind = kind
        self.nameKk = nameKk
        self.nameRu = nameRu
        self.nameEn = nameEn
    }

    enum CodingKeys: String, CodingKey {
        case id
        case code
        case kind
        case nameKk = "name_kk"
        case nameRu = "name_ru"
        case nameEn = "name_en"
    }
}
