/// A Kandas Adaptation and Integration Centre (Rules 1, para 2(2)) and its beds.
///
/// Occupancy is derived, never stored: `occupied` counts residents whose bed is taken (stay
/// running or ended but not yet vacated), `held` counts persons on referrals still within their
/// 3-day move-in term, and `free = capacity - occupied - held` (never below zero in the answer).
public struct StayCentre: Sendable, Codable, Equatable {
    public var id: WireID
    public var regionID: WireID
    public var name: String
    public var address: String?
    /// Beds.
    public var capacity: Int
    public var occupied: Int
    public var held: Int
    public var free: Int
    /// Applications waiting in the reserve (para 7).
    public var reserveLength: Int
    public var version: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: WireID, regionID: WireID, name: String, address: String? = nil, capacity: Int, occupied: Int, held: Int,
        free: Int, reserveLength: Int, version: Int, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.regionID = regionID
        self.name = name
        self.address = address
        self.capacity = capacity
        self.occupied = occupied
        self.held = held
        self.free = free
        self.reserveLength = reserveLength
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, address, capacity, occupied, held, free, version
        case regionID = "region_id"
        case reserveLength = "reserve_length"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// Body of `POST /v1/admin/stay/centres`.
public struct StayCentreCreate: Sendable, Codable, Equatable {
    public var regionID: WireID
    /// 1-200 characters.
    public var name: String
    public var address: String?
    /// Beds, 1-10000.
    public var capacity: Int
    /// The day the first registration journal opens (Annex 3 "Басталды").
    public var journalOpenedOn: CalendarDate

    public init(regionID: WireID, name: String, address: String? = nil, capacity: Int, journalOpenedOn: CalendarDate) {
        self.regionID = regionID
        self.name = name
        self.address = address
        self.capacity = capacity
        self.journalOpenedOn = journalOpenedOn
    }

    enum CodingKeys: String, CodingKey {
        case name, address, capacity
        case regionID = "region_id"
        case journalOpenedOn = "journal_opened_on"
    }
}

/// Body of `PATCH /v1/admin/stay/centres/:id`.
public struct StayCentreUpdate: Sendable, Codable, Equatable {
    public var version: Int
    public var name: String?
    public var address: String?
    /// New bed count; never below the beds taken or held now.
    public var capacity: Int?

    public init(version: Int, name: String? = nil, address: String? = nil, capacity: Int? = nil) {
        self.version = version
        self.name = name
        self.address = address
        self.capacity = capacity
    }
}
