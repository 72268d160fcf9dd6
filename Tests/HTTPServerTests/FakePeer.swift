@testable import HTTPServer

/// Drives a ``ConnectionMachine`` the way ``Connection`` does, against a scripted peer instead of
/// a socket: reads take what the peer sent, writes always complete, and the clock is a number the
/// test moves. Actions that need an answer (a head to route, a buffer to consume) are recorded
/// and answered by the test.
struct FakePeer {
    /// What the machine asked for, in a comparable form.
    enum Step: Equatable, CustomStringConvertible {
        case decide(String)
        case sendContinue
        case handle(String, body: String)
        case consume(String)
        case finish(trailers: [String])
        case abort(BodyAbortReason)
        case reject(Int)
        case consumerFailed
        case write
        case shutdownWrite
        case close(BodyAbortReason)

        var description: String {
            switch self {
            case .decide(let p): "decide \(p)"
            case .sendContinue: "100-continue"
            case .handle(let p, let b): "handle \(p) [\(b)]"
            case .consume(let b): "consume [\(b)]"
            case .finish(let t): "finish \(t)"
            case .abort(let r): "abort \(r)"
            case .reject(let s): "reject \(s)"
            case .consumerFailed: "consumer failed"
            case .write: "write"
            case .shutdownWrite: "shutdown write"
            case .close(let r): "close \(r)"
            }
        }
    }

    var machine: ConnectionMachine
    var buffers: BodyBufferPool
    var now: Int64 = 1_000_000
    /// Bytes the peer sent that the machine has not read yet.
    var input: [UInt8] = []
    var peerClosed = false
    /// Whether writes block (the peer does not read).
    var writesBlock = false
    /// Buffers handed to the consumer and not yet given back, oldest first.
    var inFlight: [BodyBuffer] = []
    /// Reads the machine did, by kind.
    var inboundReads = 0
    var directBodyReads = 0
    var discardedBytes = 0

    init(
        timeouts: HTTPServer.Timeouts = .init(), readSize: Int = 64 * 1024,
        bodyBuffer: Int = 16 * 1024, largeBodyBuffer: Int = 64 * 1024
    ) {
        machine = ConnectionMachine(settings: .init(timeouts: timeouts, readSize: readSize), now: 1_000_000)
        buffers = BodyBufferPool(capacity: bodyBuffer, limit: 4, largeCapacity: largeBodyBuffer, largeLimit: 2)
    }

    /// The peer sends bytes (one packet; `shut`: with its write side shut, EPOLLRDHUP) and the
    /// machine runs until it waits.
    mutating func send(_ text: String, shut: Bool = false) -> [Step] {
        send(Array(text.utf8), shut: shut)
    }

    mutating func send(_ bytes: [UInt8], shut: Bool = false) -> [Step] {
        input += bytes
        if shut { peerClosed = true }
        machine.socketEvent(readable: true, writable: false, peerShutWrite: shut, buffers: &buffers)
        return run()
    }

    /// The peer closes (a FIN with nothing before it).
    mutating func shut() -> [Step] {
        peerClosed = true
        machine.socketEvent(readable: false, writable: false, peerShutWrite: true, buffers: &buffers)
        return run()
    }

    /// The clock moves `ms` and the loop's timer fires.
    mutating func wait(_ ms: Int64) -> [Step] {
        now += ms
        machine.tick(now: now, buffers: &buffers)
        return run()
    }

    /// The head job or handler answers with a response.
    mutating func respond(beforeBody: Bool = false, forceClose: Bool = false) -> [Step] {
        if beforeBody { machine.answeredBeforeBody() }
        _ = machine.responseStarted(forceClose: forceClose, now: now)
        return run()
    }

    /// The head job routes the request to a buffered route.
    mutating func buffered(limit: Int = 1 << 20) -> [Step] {
        machine.beginBody(.buffered(limit: limit, bytes: []), now: now, buffers: &buffers)
        return run()
    }

    /// The head job routes the request to a streaming consumer.
    mutating func streaming(limit: Int64 = 1 << 30) -> [Step] {
        machine.beginBody(.streaming(limit: limit), now: now, buffers: &buffers)
        return run()
    }

    /// The consumer returns the oldest buffer it was given (`failed`: its `consume` threw).
    mutating func consumed(failed: Bool = false) -> [Step] {
        let buffer = inFlight.removeFirst()
        machine.chunkConsumed(buffer, failed: failed, buffers: &buffers)
        return run()
    }

    /// The peer starts reading again.
    mutating func writable() -> [Step] {
        writesBlock = false
        machine.socketEvent(readable: false, writable: true, buffers: &buffers)
        return run()
    }

    /// Performs the machine's actions until it waits, as the socket shell does.
    mutating func run() -> [Step] {
        var steps: [Step] = []
        for _ in 0..<10_000 {
            switch machine.nextAction(now: now, buffers: &buffers) {
            case .none: return steps
            case .read(let target): read(target)
            case .write:
                steps.append(.write)
                if writesBlock {
                    machine.writeBlocked()
                } else {
                    machine.wrote(now: now)
                    machine.outputDrained(responseComplete: true, now: now)
                }
            case .decide(let head):
                machine.request = HTTPRequest(
                    method: head.method, target: head.target, path: head.path, version: head.version,
                    headers: head.headers)
                steps.append(.decide(head.path))
            case .sendContinue:
                steps.append(.sendContinue)
                machine.outputQueued()
            case .handle(let request):
                steps.append(.handle(request.path, body: String(decoding: request.bodyBytes, as: UTF8.self)))
            case .consume(let buffer):
                inFlight.append(buffer)
                steps.append(.consume(String(decoding: buffer.bytes, as: UTF8.self)))
            case .finish(let trailers):
                steps.append(.finish(trailers: trailers.map { "\($0.name): \($0.value)" }))
            case .abortConsumer(let reason): steps.append(.abort(reason))
            case .reject(let error):
                steps.append(.reject(error.status.code))
                _ = machine.responseStarted(forceClose: false, now: now)
            case .consumerFailed:
                steps.append(.consumerFailed)
                _ = machine.responseStarted(forceClose: false, now: now)
            case .shutdownWrite: steps.append(.shutdownWrite)
            case .close(let reason, _): steps.append(.close(reason))
            }
        }
        fatalError("the machine never waited: \(steps)")
    }

    private mutating func read(_ target: ConnectionMachine.ReadTarget) {
        guard !input.isEmpty else {
            if peerClosed { machine.endOfInput(buffers: &buffers) } else { machine.readBlocked() }
            return
        }
        switch target {
        case .inbound(let max):
            let n = min(max, input.count)
            inboundReads += 1
            input.withUnsafeBytes {
                machine.received(UnsafeRawBufferPointer(rebasing: $0[0..<n]), requested: max, now: now)
            }
            input.removeFirst(n)
        case .body(let buffer, let max):
            let n = min(max, input.count)
            directBodyReads += 1
            input.withUnsafeBytes { buffer.end.copyMemory(from: $0.baseAddress!, byteCount: n) }
            input.removeFirst(n)
            machine.receivedBody(n, requested: max, now: now)
        case .discard:
            discardedBytes += input.count
            let n = input.count
            input = []
            machine.discarded(n, buffers: &buffers)
        }
    }
}
