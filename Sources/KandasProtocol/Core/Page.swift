/// One page of a list endpoint (sync-v1 §1.2).
public struct Page<Item: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
    /// The items of this page.
    public var items: [Item]
    /// Token for the next page; absent on the last page.
    public var nextPageToken: String?

    /// Creates a page.
    public init(items: [Item], nextPageToken: String? = nil) {
        self.items = items
        self.nextPageToken = nextPageToken
    }

    enum CodingKeys: String, CodingKey {
        case items
        case nextPageToken = "next_page_token"
    }
}
