import Foundation
import KandasProtocol

extension SyncEngine {
    /// Pulls until `has_more` is false (sync-v1 §7). Each page is applied with its cursor in one local
    /// transaction; a `reset` snapshot is gathered until complete and then replaces the mirror in one
    /// transaction, so the old mirror stays visible until the new one is whole.
    ///
    /// - Important: the pages of a reset snapshot are held in memory until the last one; a worker's
    ///   scope is small, but a very large scope would want shadow tables instead.
    func pull(_ enrollment: Enrollment) async throws(ClientError) {
        var cursor = try await store.setting(.cursor)
        var snapshotPages: [PullResponse]?
        var droppedCursor = false
        while true {
            var url = enrollment.serverURL + "/v1/sync/pull?limit=\(options.pullLimit)"
            if let cursor {
                url += "&cursor=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)
            }
            let requestURL = url
            let response = try await send("pull") { TransportRequest(method: "GET", url: requestURL) }
            if response.status == 400, Self.problem(response)?.errorCode == .invalidCursor, !droppedCursor {
                // The server cannot continue from this cursor: start over; its first answer is a reset.
                droppedCursor = true
                cursor = nil
                snapshotPages = nil
                continue
            }
            guard response.status == 200 else {
                throw ClientError.problem(Self.problem(response), status: response.status, during: "pull")
            }
            let page = try Self.decode(PullResponse.self, response, "pull")
            if page.reset {
                snapshotPages = [page]
                report.mirrorReset = true
            } else if snapshotPages != nil {
                snapshotPages?.append(page)
            }
            if let pages = snapshotPages {
                if !page.hasMore {
                    report.changesPulled += try await store.applyPull(pages, reset: true, now: options.now())
                    snapshotPages = nil
                }
            } else {
                report.changesPulled += try await store.applyPull([page], reset: false, now: options.now())
            }
            report.pagesPulled += 1
            progress(.pulled(changes: page.changes.count, pages: report.pagesPulled))
            cursor = page.cursor
            if !page.hasMore { return }
        }
    }
}
