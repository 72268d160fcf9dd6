import Foundation
import KandasProtocol
import KandasStore
import Log
import Synchronization

/// Sends the forwarding queue to the digital-card receiver (Rules 2, para 37; services.md §7) on
/// its own thread: claim one due delivery under a lease, sign it, POST it, record the outcome.
///
/// Nothing is kept in memory between deliveries: the queue rows are the state, so a restart (or a
/// crash mid-POST) resumes where the store says, and several instances may run one each. A
/// repeat after a crash carries the same delivery ID, which the receiver drops.
final class CardForwarder: Sendable {
    /// How long a claim is held: longer than one POST may take (``CardPoster/timeoutMilliseconds``).
    static let leaseMilliseconds: Int64 = 60_000
    /// The longest wait between attempts.
    static let maxBackoffMilliseconds: Int64 = 3_600_000

    private let stopped = Mutex(false)
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    /// The delay before attempt `attempt + 1`: `base · 2^(attempt-1)`, at most an hour, plus up to
    /// a tenth more at random so deliveries failed together do not retry together.
    static func backoff(base: Int64, attempt: Int) -> Int64 {
        let delay = min(base << Int64(min(max(attempt - 1, 0), 30)), maxBackoffMilliseconds)
        return delay + Int64.random(in: 0...max(delay / 10, 0))
    }

    init(app: KandasApp, settings: DigitalCardSettings) {
        let config = app.config
        let poll = Double(config.cardPollMilliseconds) / 1000
        let thread = Thread { [self] in
            let poster = CardPoster()
            while !stopped.withLock({ $0 }) {
                var worked = false
                do {
                    worked = try Self.deliverOne(app: app, settings: settings, poster: poster)
                } catch {
                    app.logger.error("card: forwarding failed", ["error": .string("\(error)")])
                }
                if !worked { _ = wake.wait(timeout: .now() + poll) }
            }
            done.signal()
        }
        thread.name = "kandas-card-forwarder"
        thread.start()
    }

    /// Delivers the next due delivery, if any; returns whether there was one.
    static func deliverOne(app: KandasApp, settings: DigitalCardSettings, poster: CardPoster) throws -> Bool {
        let token = WireID.random().description
        let config = app.config
        guard
            let claim = try app.database.writeSync({ db in
                try CardForwardStore.claim(
                    db, token: token, now: app.now(), lease: leaseMilliseconds, limit: 1
                ).first
            })
        else { return false }
        let outcome: CardForwardStore.Outcome
        if let record = try app.database.readSync({ db in try CardForwardStore.record(db, claim) }) {
            let body = [UInt8](try JSONCoding.encode(record))
            let timestamp = app.now() / 1000
            let headers = [
                "Content-Type: application/json",
                "\(CardSignature.deliveryHeader): \(claim.id)",
                "\(CardSignature.timestampHeader): \(timestamp)",
                "\(CardSignature.signatureHeader): "
                    + CardSignature.sign(
                        secret: settings.secret, timestamp: timestamp, deliveryID: claim.id, body: body),
            ]
            switch poster.post(url: settings.url, headers: headers, body: body) {
            case .status(let status) where (200..<300).contains(status): outcome = .delivered(status: status)
            case .status(let status): outcome = .failed(status: status, reason: "http_\(status)")
            case .failed(let reason): outcome = .failed(status: nil, reason: reason)
            }
        } else {
            outcome = .withdrawn
        }
        let state = try app.database.writeSync { db -> CardForwardState? in
            let now = app.now()
            let state = try CardForwardStore.finish(
                db, claim, token: token, outcome: outcome, now: now, maxAttempts: config.cardMaxAttempts,
                backoff: { backoff(base: Int64(config.cardRetryBaseMilliseconds), attempt: $0) })
            if state == .dead {
                try AuditLog.append(
                    db, at: now, actor: nil, action: "card_forward.dead", entityType: "card_forward",
                    entityID: claim.id, remoteAddr: "local", requestID: "card-forwarder",
                    summary: "gave up after \(claim.attempt) attempts")
            }
            return state
        }
        // Delivery ID, attempt and outcome only: never the body (IIN) or the secret.
        var metadata: Logger.Metadata = [
            "card.delivery_id": .string(claim.id), "card.attempt": .int(Int64(claim.attempt)),
            "card.state": .string(state?.rawValue ?? "lease_lost"),
        ]
        if case .failed(let status, let reason) = outcome {
            metadata["card.reason"] = .string(reason)
            if let status { metadata["http.status"] = .int(Int64(status)) }
        }
        if state == .dead {
            app.logger.warning("card: delivery dead", metadata)
        } else {
            app.logger.info("card: attempt", metadata)
        }
        return true
    }

    /// Stops the thread and waits for a delivery in progress to end; later calls do nothing.
    func stop() {
        let first = stopped.withLock { s in
            defer { s = true }
            return !s
        }
        guard first else { return }
        wake.signal()
        done.wait()
    }
}

extension KandasApp {
    /// Starts forwarding when a receiver is configured (`--card-url`); stop it before closing the store.
    func startCardForwarder() -> CardForwarder? {
        guard let settings = config.digitalCard else { return nil }
        logger.notice("card: forwarding", ["card.url": .string(settings.url)])
        return CardForwarder(app: self, settings: settings)
    }
}
