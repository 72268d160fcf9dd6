import KandasDomain
import KandasProtocol

extension Snapshot {
    /// Every completion of the view by id: the mirror's, with this device's unreflected events folded
    /// over them in recording order (a local `complete` adds one, `amend` overwrites, `void` voids).
    func completionViews() -> (byID: [WireID: CompletionView], order: [WireID], pendingByItem: [WireID: Int]) {
        let filesByCompletion = Dictionary(grouping: files, by: \.completionID)
        let reviewsByCompletion = Dictionary(grouping: reviews, by: \.completionID)
        var views: [WireID: CompletionView] = [:]
        var order = completions.values.sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }.map(\.id)
        for completion in completions.values {
            views[completion.id] = CompletionView(
                id: completion.id, itemID: completion.itemID, memberID: completion.memberID, state: completion.state,
                expectedRev: completion.rev, performedAt: completion.performedAt, note: completion.note,
                location: completion.location, server: completion, pendingEvents: 0,
                files: filesByCompletion[completion.id] ?? [], reviews: reviewsByCompletion[completion.id] ?? [])
        }
        var pendingByItem: [WireID: Int] = [:]
        for event in overlay {
            pendingByItem[event.itemID, default: 0] += 1
            switch event.payload {
            case .complete(let payload):
                guard views[payload.completionID] == nil else { continue }
                views[payload.completionID] = CompletionView(
                    id: payload.completionID, itemID: event.itemID, memberID: payload.memberID, state: .active,
                    expectedRev: 1, performedAt: payload.performedAt, note: payload.note, location: payload.location,
                    server: nil, pendingEvents: 1, files: filesByCompletion[payload.completionID] ?? [],
                    reviews: [])
                order.append(payload.completionID)
            case .amend(let payload):
                guard var view = views[payload.completionID] else { continue }
                if let note = payload.changes.note { view.note = note }
                if let performedAt = payload.changes.performedAt { view.performedAt = performedAt }
                if let location = payload.changes.location { view.location = location }
                view.expectedRev += 1
                view.pendingEvents += 1
                views[payload.completionID] = view
            case .void(let payload):
                guard var view = views[payload.completionID] else { continue }
                view.state = .voided
                view.expectedRev += 1
                view.pendingEvents += 1
                views[payload.completionID] = view
            case .resolve, .unrecognized:
                continue
            }
        }
        return (views, order, pendingByItem)
    }

    /// Every plan item of the view, ordered by due date, then service code, then id.
    func itemViews() -> [ItemView] {
        let (views, order, pendingByItem) = completionViews()
        var byItem: [WireID: [CompletionView]] = [:]
        for id in order { if let view = views[id] { byItem[view.itemID, default: []].append(view) } }
        let openConflicts = Dictionary(grouping: conflicts.filter { $0.status == .open }, by: \.itemID)
        return items.values.sorted { ($0.dueDate, $0.serviceCode, $0.id) < ($1.dueDate, $1.serviceCode, $1.id) }
            .map { item in
                let completions = byItem[item.id] ?? []
                let status: PlanItemStatus =
                    item.status == .cancelled
                    ? .cancelled : completions.contains { $0.state == .active } ? .completed : .open
                return ItemView(
                    item: item, member: members[item.memberID],
                    service: try? ServiceCatalog.service(code: item.serviceCode), displayedStatus: status,
                    completions: completions, openConflicts: openConflicts[item.id] ?? [],
                    pendingEvents: pendingByItem[item.id] ?? 0)
            }
    }

    /// Families with their members and count of open items.
    func familyViews() -> [FamilyView] {
        let items = itemViews()
        let membersByFamily = Dictionary(grouping: members.values, by: \.familyID)
        return families.map { family in
            FamilyView(
                family: family, members: (membersByFamily[family.id] ?? []).sorted { $0.iin < $1.iin },
                openItems: items.filter { $0.item.familyID == family.id && $0.displayedStatus == .open }.count)
        }
    }
}
