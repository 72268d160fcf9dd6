/// Sex as encoded in digit 7 of an IIN (odd = male, even = female).
public enum Sex: String, Codable, CaseIterable, Sendable {
    case male, female
}
