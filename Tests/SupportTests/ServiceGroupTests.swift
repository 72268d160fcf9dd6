import Foundation
import Synchronization
import Testing

@testable import Lifecycle
@testable import Log

/// The order in which services were asked to stop.
final class StopOrder: Sendable {
    private let names = Mutex<[String]>([])
    func append(_ name: String) { names.withLock { $0.append(name) } }
    var all: [String] { names.withLock { $0 } }
}

/// A wait that ignores task cancellation, released only by the test (a shutdown that hangs).
final class Hold: Sendable {
    private let state = Mutex<(released: Bool, waiter: UnsafeContinuation<Void, Never>?)>((false, nil))

    func wait() async {
        await withUnsafeContinuation { (c: UnsafeContinuation<Void, Never>) in
            let resumeNow = state.withLock { s in
                if s.released { return true }
                s.waiter = c
                return false
            }
            if resumeNow { c.resume() }
        }
    }

    func release() {
        let waiter = state.withLock { s in
            s.released = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }
}

/// A service that records when it was asked to stop, and stops after `stopDelay`.
final class RecordingService: Service {
    let name: String
    let order: StopOrder
    let stopped = Mutex<Bool>(false)
    let stopDelay: Duration
    let failWith: (any Error)?
    let hold: Hold?

    init(
        name: String, order: StopOrder, stopDelay: Duration = .zero, failWith: (any Error)? = nil, hold: Hold? = nil
    ) {
        self.hold = hold
        self.name = name
        self.order = order
        self.stopDelay = stopDelay
        self.failWith = failWith
    }

    func run() async throws {
        if let failWith { throw failWith }
        while !stopped.withLock({ $0 }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    func shutdown() async {
        order.append(name)
        try? await Task.sleep(for: stopDelay)
        await hold?.wait()
        stopped.withLock { $0 = true }
    }
}

struct Boom: Error {}

@Test func shutdown_stopsServicesInReverseOrder() async throws {
    let order = StopOrder()
    let group = ServiceGroup(
        services: [RecordingService(name: "store", order: order), RecordingService(name: "http", order: order)],
        signals: [], logger: .disabled)
    Task {
        try await Task.sleep(for: .milliseconds(20))
        group.triggerShutdown()
    }
    let why = try await group.run()
    #expect(why == .requested)
    #expect(order.all == ["http", "store"])
}

@Test func shutdown_givesUpAtTheDeadline() async throws {
    let order = StopOrder()
    let hold = Hold()
    defer { hold.release() }
    let slow = RecordingService(name: "slow", order: order, hold: hold)
    let group = ServiceGroup(services: [slow], signals: [], gracePeriod: .milliseconds(100), logger: .disabled)
    group.triggerShutdown()
    _ = try await group.run()
    // run() returned while the service's shutdown still hangs: it was abandoned at the deadline.
    #expect(order.all == ["slow"])
    #expect(!slow.stopped.withLock { $0 })
}

@Test func failingService_stopsTheOthersAndRethrows() async {
    let order = StopOrder()
    let group = ServiceGroup(
        services: [
            RecordingService(name: "ok", order: order), RecordingService(name: "bad", order: order, failWith: Boom()),
        ],
        signals: [], logger: .disabled)
    await #expect(throws: Boom.self) { _ = try await group.run() }
    #expect(order.all.contains("ok"))
}
