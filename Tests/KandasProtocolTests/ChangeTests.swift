import Foundation
import Testing

@testable import KandasProtocol

@Test func unknownEntity_isKeptAsUnknown_soClientsCanSkipIt() throws {
    let body = #"{"seq":5,"entity":"hologram","id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000801","op":"put","data":{"a":1}}"#
    let change = try JSONCoding.decode(Change.self, from: Data(body.utf8))
    #expect(change.knownEntity == nil)
    #expect(change.data == .unknown(entity: "hologram", data: .object(["a": .number(1)])))
}

@Test func deleteChange_hasNoData() throws {
    let change = Change.delete(seq: 9, entity: .member, id: WireID("5f0c1a2e-3b4d-4e6f-8a9b-000000000604")!)
    let json = String(decoding: try JSONCoding.encode(change), as: UTF8.self)
    #expect(json == #"{"entity":"member","id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000604","op":"delete","seq":9}"#)
}

@Test func knownEntityWithBadData_failsDecoding() {
    let body = #"{"seq":5,"entity":"review","id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000801","op":"put","data":{"a":1}}"#
    #expect(throws: ProtocolError.self) { try JSONCoding.decode(Change.self, from: Data(body.utf8)) }
}
