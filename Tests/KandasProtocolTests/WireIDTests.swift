import Foundation
import Synchronization
import Testing

@testable import KandasProtocol

@Test func wireID_encodesLowercase() throws {
    let id = WireID(UUID(uuidString: "5F0C1A2E-3B4D-4E6F-8A9B-000000000801")!)
    let data = try JSONCoding.encode([id])
    #expect(String(decoding: data, as: UTF8.self) == #"["5f0c1a2e-3b4d-4e6f-8a9b-000000000801"]"#)
}

@Test(arguments: ["5F0C1A2E-3B4D-4E6F-8A9B-000000000801", "5f0c1a2e3b4d4e6f8a9b000000000801", "not-a-uuid", ""])
func uppercaseOrMalformedUUID_isRejected(input: String) {
    #expect(WireID(input) == nil)
}

@Test func randomID_isVersion4() {
    let bytes = WireID.random().uuid.uuid
    #expect(bytes.6 >> 4 == 4)
    #expect(bytes.8 >> 6 == 0b10)
}

@Test func timeOrderedID_isVersion7WithTheRFC9562Variant() {
    let id = WireID.timeOrdered()
    let bytes = id.uuid.uuid
    #expect(bytes.6 >> 4 == 7)
    #expect(bytes.8 >> 6 == 0b10)
    #expect(id.description.count == 36)
    #expect(WireID(id.description) == id)
}

@Test func timeOrderedID_carriesTheUnixMillisecondsItWasMadeAt() {
    let before = UInt64(Date().timeIntervalSince1970 * 1000)
    let bytes = WireID.timeOrdered().uuid.uuid
    let after = UInt64(Date().timeIntervalSince1970 * 1000)
    let ms = [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    // The generator may run ahead of the clock by a millisecond after a counter overflow, never behind it.
    #expect(ms >= before && ms <= after + 1)
}

@Test func idsMadeInOneMillisecond_sortInTheOrderTheyWereMade() {
    let generator = UUIDv7Generator(clock: { 1_763_616_600_000 })
    let ids = (0..<10_000).map { _ in WireID(UUID(uuid: generator.next())) }
    #expect(ids == ids.sorted())
    #expect(Set(ids).count == ids.count)
    #expect(Set(ids.map { String($0.description.prefix(13)) }).count == 1)
}

@Test func aClockThatStepsBack_doesNotBreakTheOrder() {
    let times = Mutex<[UInt64]>([2_000, 1_000, 1_000, 3_000, 2_500])
    let generator = UUIDv7Generator(clock: { times.withLock { $0.removeFirst() } })
    let ids = (0..<5).map { _ in WireID(UUID(uuid: generator.next())) }
    #expect(ids == ids.sorted())
    #expect(Set(ids).count == 5)
}

@Test func counterOverflow_advancesTheTimestamp_andKeepsTheOrder() {
    let generator = UUIDv7Generator(clock: { 5_000 })
    _ = generator.next()
    generator.state.withLock { $0.counter = UUIDv7Generator.counterMask - 1 }
    let last = WireID(UUID(uuid: generator.next()))
    let next = WireID(UUID(uuid: generator.next()))
    #expect(last < next)
    #expect(last.uuid.uuid.5 == UInt8(truncatingIfNeeded: 5_000))
    #expect(next.uuid.uuid.5 == UInt8(truncatingIfNeeded: 5_001))
}

@Test func wireForm_roundTripsThroughTheParser_forV4IDsToo() {
    for _ in 0..<100 {
        let v4 = WireID(UUID())
        #expect(v4.description == v4.uuid.uuidString.lowercased())
        #expect(WireID(v4.description) == v4)
    }
    #expect(WireID("5f0c1a2e-3b4d-4e6f-8a9b-00000000080g") == nil)
    #expect(WireID("5f0c1a2e-3b4d-4e6f-8a9b+000000000801") == nil)
}

@Test func idOrder_isTheOrderOfTheirWireForms() {
    let ids = (0..<2_000).map { index in index % 2 == 0 ? WireID.random() : WireID.timeOrdered() }
    #expect(ids.sorted().map(\.description) == ids.map(\.description).sorted())
    let low = WireID("5f0c1a2e-3b4d-4e6f-8a9b-00000000000a")!
    let high = WireID("5f0c1a2e-3b4d-4e6f-8a9b-0000000000a0")!
    #expect(low < high && !(high < low) && !(low < low))
}
