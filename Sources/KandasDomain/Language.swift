/// A language the system shows domain names in: Kazakh, Russian, English.
///
/// Kazakh is the language of the source (Order No. 331-ө-м as published in Kazakh); Russian
/// is the other official language; English is for engineers and auditors.
public enum Language: String, CaseIterable, Codable, Sendable {
    /// Kazakh (the source language; names are verbatim where they come from the source).
    case kk
    /// Russian (our official-style translation unless stated otherwise).
    case ru
    /// English (our translation).
    case en
}
