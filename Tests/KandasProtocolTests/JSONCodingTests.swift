import Foundation
import Testing

@testable import KandasProtocol

private let login = #"{"username":"b.seitkali","password":"x"}"#

@Test func strictDecode_acceptsExactFields_andNullForOptional() throws {
    _ = try JSONCoding.decodeStrict(LoginRequest.self, from: Data(login.utf8))
    let body = #"{"region_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000101","name":"N","address":null}"#
    let value = try JSONCoding.decodeStrict(CareerCentreCreate.self, from: Data(body.utf8))
    #expect(value.address == nil)
}

@Test func unknownField_isRejectedWithItsPointer_evenWhenNested() {
    let body = #"{"region_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000101","name":"N","adress":"typo"}"#
    #expect(throws: ProtocolError(.unknownField, pointer: "/adress", detail: "field is not defined by the protocol")) {
        try JSONCoding.decodeStrict(CareerCentreCreate.self, from: Data(body.utf8))
    }
    let nested = #"{"version":1,"settlement":{"name":"K","lat":53.1}}"#
    #expect(
        throws: ProtocolError(.unknownField, pointer: "/settlement/lat", detail: "field is not defined by the protocol")
    ) {
        try JSONCoding.decodeStrict(FamilyUpdate.self, from: Data(nested.utf8))
    }
}

@Test func lenientDecode_ignoresUnknownFields() throws {
    let body = #"{"username":"u","password":"p","future_field":true}"#
    _ = try JSONCoding.decode(LoginRequest.self, from: Data(body.utf8))
}

@Test func missingField_isReportedWithItsPointer() {
    #expect(throws: ProtocolError.self) {
        try JSONCoding.decode(LoginRequest.self, from: Data(#"{"username":"u"}"#.utf8))
    }
    do {
        _ = try JSONCoding.decode(LoginRequest.self, from: Data(#"{"username":"u"}"#.utf8))
    } catch {
        #expect(error.code == .missingField)
        #expect(error.pointer == "/password")
    }
}

@Test func wrongType_isInvalidField_andGarbageIsMalformedJSON() {
    do {
        _ = try JSONCoding.decode(UserUpdate.self, from: Data(#"{"version":"1"}"#.utf8))
        Issue.record("decoded")
    } catch {
        #expect(error.code == .invalidField)
        #expect(error.pointer == "/version")
    }
    for body in ["{", "[]", "null", "\u{FF}"] {
        do {
            _ = try JSONCoding.decode(LoginRequest.self, from: Data(body.utf8))
            Issue.record("decoded \(body)")
        } catch {
            #expect(error.code == .malformedJSON, "\(body)")
        }
    }
}

@Test func pointerEscaping_followsRFC6901() {
    #expect(JSONCoding.escape("a/b~c") == "a~1b~0c")
}

@Test func protocolError_becomesAProblemWithTheFieldPointer() {
    let problem = ProtocolError(.unknownField, pointer: "/x", detail: "d").problem
    #expect(problem.status == 422)
    #expect(problem.errors == [FieldError(pointer: "/x", code: .unknownField, detail: "d")])
}
