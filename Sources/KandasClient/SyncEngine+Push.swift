import KandasProtocol
import ZlibKit

extension SyncEngine {
    /// Pushes every pending event in `device_seq` order, in batches (sync-v1 §6). Accepted and duplicate
    /// events are marked sent; rejected ones are quarantined with their code and never block the rest;
    /// a gap marks everything from the expected seq pending again and resends it.
    func push(_ enrollment: Enrollment) async throws(ClientError) {
        let limits = try await publishedLimits()
        var batchSize = max(1, min(options.pushBatchSize, limits?.maxPushEvents ?? 500))
        // Protocol §1: gzip push bodies only to a server whose limits list the `gzip` feature.
        let serverTakesGzip = limits?.features.contains("gzip") == true
        var gapRounds = 0
        var total = 0
        let url = enrollment.serverURL + "/v1/sync/push"
        let appVersion = options.appVersion
        while true {
            guard
                let batch = try await PushBatch.next(
                    from: store, limit: batchSize, deviceID: enrollment.deviceID, sentAt: options.now(),
                    status: { Self.clientStatus($0, appVersion: appVersion) })
            else { return }
            let count = batch.eventIDs.count
            // A push body of 1 KiB or more goes gzip-encoded unless the server refused that.
            let gzip = options.compressPushBodies && serverTakesGzip && !pushGzipRefused && batch.body.count >= 1024
            let body = gzip ? Gzip.compress(batch.body) : batch.body
            let response = try await send("push") {
                var request = Self.jsonRequest("POST", url, body)
                if gzip { request.headers.append((HeaderName.contentEncoding, "gzip")) }
                return request
            }
            switch response.status {
            case 200:
                break
            case 415 where gzip && Self.problem(response)?.code == ErrorCode.unsupportedContentEncoding.rawValue:
                // A server (or a proxy) that does not take gzip bodies: send plain JSON from now on.
                pushGzipRefused = true
                continue
            case 413 where count > 1:
                // batch_too_large or body_too_large: the server's limit is lower than ours; halve.
                batchSize = max(1, min(Self.problem(response)?.limit ?? batchSize, count / 2))
                continue
            default:
                throw ClientError.problem(Self.problem(response), status: response.status, during: "push")
            }
            let answer = try Self.decode(PushResponse.self, response, "push")
            guard answer.results.count == count, zip(answer.results, batch.eventIDs).allSatisfy({ $0.eventID == $1 })
            else {
                throw ClientError(
                    .protocolViolation, "push answered \(answer.results.count) results for \(count) events")
            }
            let now = options.now()
            var gap: Int?
            var diverged = false
            var accepted = 0
            var rejected = 0
            var outcomes: [EventResult] = []
            for result in answer.results {
                switch result.outcome {
                case .gap:
                    gap = gap ?? result.expectedDeviceSeq ?? batch.firstSeq
                case .rejected where result.code == ErrorCode.deviceSeqReused.rawValue:
                    diverged = true
                case .rejected:
                    rejected += 1
                    outcomes.append(result)
                case .duplicate where result.storedOutcome == .rejected:
                    rejected += 1
                    outcomes.append(result)
                default:
                    accepted += 1
                    outcomes.append(result)
                }
            }
            try await store.recordOutcomes(outcomes, now: now)
            report.eventsAccepted += accepted
            report.eventsRejected += rejected
            total += accepted + rejected
            progress(.pushed(events: accepted + rejected, total: total))
            if diverged {
                throw ClientError(
                    .outboxDiverged,
                    "the server holds other events under this device's numbers (store restored?): enroll again")
            }
            if let gap {
                gapRounds += 1
                report.gapsResent += 1
                guard gapRounds <= 3, try await store.resendFrom(gap) else {
                    throw ClientError(
                        .outboxDiverged,
                        "the server expects event \(gap), which this outbox no longer has: enroll again")
                }
            }
        }
    }

    /// The queue state supervisors see (sync-v1 §6.1 `client_status`).
    static func clientStatus(_ summary: ClientSummary, appVersion: String) -> ClientStatus {
        ClientStatus(
            outboxEvents: summary.outboxEvents, outboxBytes: summary.outboxBytes,
            oldestUnsentAt: summary.oldestUnsentAt, filesPending: summary.filesPending,
            bytesPending: Int(summary.bytesPending), appVersion: appVersion,
            // Only the code: messages may name local paths, which supervisors need not see.
            lastError: summary.lastError.map { String($0.prefix { $0 != ":" }.prefix(64)) })
    }

    /// The limits the server published at enrollment.
    func publishedLimits() async throws(ClientError) -> Limits? {
        guard let text = try await store.setting(.limits) else { return nil }
        return try? JSONCoding.value(Limits.self, fromText: text)
    }
}
