public import KandasProtocol

/// Which plan items `KandasClient.items(filter:)` returns; every field left `nil` matches everything.
public struct ItemFilter: Sendable, Equatable {
    /// Items of this family.
    public var familyID: WireID?
    /// Items of this member.
    public var memberID: WireID?
    /// Items in this displayed status (the local view: an item completed offline is `completed`).
    public var status: PlanItemStatus?
    /// Items of this service (1-25).
    public var serviceCode: Int?
    /// Items due on or before this date.
    public var dueOnOrBefore: CalendarDate?
    /// Only items with local events not yet reflected by the server.
    public var pendingOnly: Bool

    /// Creates a filter.
    public init(
        familyID: WireID? = nil, memberID: WireID? = nil, status: PlanItemStatus? = nil, serviceCode: Int? = nil,
        dueOnOrBefore: CalendarDate? = nil, pendingOnly: Bool = false
    ) {
        self.familyID = familyID
        self.memberID = memberID
        self.status = status
        self.serviceCode = serviceCode
        self.dueOnOrBefore = dueOnOrBefore
        self.pendingOnly = pendingOnly
    }

    func matches(_ view: ItemView) -> Bool {
        (familyID == nil || view.item.familyID == familyID) && (memberID == nil || view.item.memberID == memberID)
            && (status == nil || view.displayedStatus == status)
            && (serviceCode == nil || view.item.serviceCode == serviceCode)
            && (dueOnOrBefore.map { view.item.dueDate <= $0 } ?? true) && (!pendingOnly || view.pendingEvents > 0)
    }
}
