extension FaultProxy {
    /// Which way bytes travel through the proxy: client → server is upstream.
    public enum Direction: Sendable, Equatable, CustomStringConvertible {
        case upstream
        case downstream
        /// Whichever direction reaches the offset first.
        case either

        public var description: String {
            switch self {
            case .upstream: "upstream"
            case .downstream: "downstream"
            case .either: "either"
            }
        }
    }

    /// What the proxy does once a connection reaches its fault offset.
    public enum FaultKind: Sendable, Equatable, CustomStringConvertible {
        /// Close both sides with FIN: each peer reads everything forwarded so far, then EOF.
        case cut
        /// Close both sides with RST (`SO_LINGER` 0): peers read `ECONNRESET`.
        case reset
        /// Stop forwarding in both directions but keep both sockets open until the client hangs up.
        case stall

        public var description: String {
            switch self {
            case .cut: "cut"
            case .reset: "reset"
            case .stall: "stall"
            }
        }
    }

    /// How the proxy injects faults into the connections it accepts from now on.
    ///
    /// Each connection takes the policy in force when it is accepted; `setPolicy` does not touch
    /// connections already open. Offsets count forwarded bytes in one direction: a fault at offset
    /// N forwards exactly bytes 0..<N of that direction and never byte N.
    public enum Policy: Sendable, Equatable {
        /// Forward everything; closes (FIN) and resets are passed on as they come.
        case none
        /// Close both sides once `bytes` have been forwarded in `direction`.
        case cutAfter(bytes: Int, direction: Direction = .either)
        /// Reset both sides once `bytes` have been forwarded in `direction`.
        case resetAfter(bytes: Int, direction: Direction = .either)
        /// Stop forwarding once `bytes` have been forwarded in `direction`, keeping the sockets open.
        case stallAfter(bytes: Int, direction: Direction = .either)
        /// Each connection draws, from `seed` and its index since the policy was set, whether it gets a
        /// fault (with `probability`), its direction (upstream or downstream) and its offset (0...maxBytes).
        case random(seed: UInt64, probability: Double, maxBytes: Int, fault: FaultKind = .cut)
        /// Forward everything, but when either peer closes, reset both sides instead of passing the FIN on.
        case resetInsteadOfClose

        /// Rejects offsets below zero and probabilities outside 0...1.
        /// - Throws: ``TestSupportError`` naming the bad value.
        public func validate() throws {
            switch self {
            case .none, .resetInsteadOfClose:
                return
            case .cutAfter(let bytes, _), .resetAfter(let bytes, _), .stallAfter(let bytes, _):
                guard bytes >= 0 else { throw TestSupportError("fault proxy: offset \(bytes) is negative") }
            case .random(_, let probability, let maxBytes, _):
                guard (0...1).contains(probability) else {
                    throw TestSupportError("fault proxy: probability \(probability) is outside 0...1")
                }
                guard maxBytes >= 0 else { throw TestSupportError("fault proxy: maxBytes \(maxBytes) is negative") }
            }
        }

        /// The fault the connection with this index (counted from when the policy was set) will get, if any.
        ///
        /// A pure function, so tests can predict exactly which faults a seeded run injects.
        public func plannedFault(connection index: Int) -> PlannedFault? {
            switch self {
            case .none, .resetInsteadOfClose:
                return nil
            case .cutAfter(let bytes, let direction):
                return PlannedFault(kind: .cut, direction: direction, offset: bytes)
            case .resetAfter(let bytes, let direction):
                return PlannedFault(kind: .reset, direction: direction, offset: bytes)
            case .stallAfter(let bytes, let direction):
                return PlannedFault(kind: .stall, direction: direction, offset: bytes)
            case .random(let seed, let probability, let maxBytes, let fault):
                // One independent stream per connection, so a connection's draw does not depend on how
                // many bytes or connections came before it.
                var generator = SplitMix64(state: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
                _ = generator.next()
                let roll = Double(generator.next() >> 11) * 0x1p-53
                let direction: Direction = generator.next() & 1 == 0 ? .upstream : .downstream
                let offset = Int(generator.next() % (UInt64(maxBytes) + 1))
                guard roll < probability else { return nil }
                return PlannedFault(kind: fault, direction: direction, offset: offset)
            }
        }

        /// Whether a clean close (FIN) from either peer is turned into a reset of both sides.
        var resetsOnClose: Bool { self == .resetInsteadOfClose }
    }

    /// A fault planned for one connection: what, which way, after how many bytes.
    public struct PlannedFault: Sendable, Equatable, CustomStringConvertible {
        public var kind: FaultKind
        public var direction: Direction
        public var offset: Int

        public init(kind: FaultKind, direction: Direction, offset: Int) {
            self.kind = kind
            self.direction = direction
            self.offset = offset
        }

        public var description: String { "\(kind) \(direction) at \(offset)" }
    }

    /// A fault that really happened.
    public struct FaultRecord: Sendable, Equatable, CustomStringConvertible {
        /// The connection's index since the policy was set (the index `plannedFault` was asked for).
        public var connection: Int
        public var kind: FaultKind
        /// The direction that reached the offset (never `.either`); for a close turned into a reset, the
        /// direction whose sender closed.
        public var direction: Direction
        /// Bytes forwarded in `direction` before the fault.
        public var offset: Int

        public init(connection: Int, kind: FaultKind, direction: Direction, offset: Int) {
            self.connection = connection
            self.kind = kind
            self.direction = direction
            self.offset = offset
        }

        public var description: String { "#\(connection) \(kind) \(direction) at \(offset)" }
    }

    /// What the proxy has done since it started; tests assert on it so a fault test cannot pass vacuously.
    public struct Counters: Sendable, Equatable {
        /// Connections accepted (including those whose upstream connect failed).
        public var connections = 0
        /// Accepted connections closed at once because `127.0.0.1:targetPort` refused.
        public var upstreamFailures = 0
        /// Connections still being forwarded or stalled.
        public var open = 0
        /// Bytes forwarded client → server.
        public var bytesUpstream = 0
        /// Bytes forwarded server → client.
        public var bytesDownstream = 0
        /// Faults injected: cuts + resets + stalls.
        public var faults = 0
        public var cuts = 0
        public var resets = 0
        public var stalls = 0

        public init() {}
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, seedable, and good enough to spread test faults
/// (and to give a test the same pseudo-random sequence on every run).
public struct SplitMix64 {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
