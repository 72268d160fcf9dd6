/// A name in each ``Language``.
public struct LocalizedName: Hashable, Codable, Sendable {
    /// Kazakh.
    public let kk: String
    /// Russian.
    public let ru: String
    /// English.
    public let en: String

    /// Creates a name from its three renderings.
    public init(kk: String, ru: String, en: String) {
        self.kk = kk
        self.ru = ru
        self.en = en
    }

    /// The rendering in `language`.
    public func callAsFunction(_ language: Language) -> String {
        switch language {
        case .kk: kk
        case .ru: ru
        case .en: en
        }
    }
}
