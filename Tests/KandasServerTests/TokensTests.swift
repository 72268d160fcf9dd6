import HTTPServer
import Testing

@testable import KandasServer

struct TokensTests {
    @Test func tokens_carryTheirKindPrefix_andRoundTripTheirSecret() {
        let token = Tokens.make(.deviceRefresh)
        #expect(token.text.hasPrefix("kdr_") && token.text.count == 47)
        #expect(Tokens.raw(token.text, kind: .deviceRefresh) == token.raw)
        #expect(Tokens.raw(token.text, kind: .deviceAccess) == nil)
    }

    @Test func sealing_isUndoneOnlyWithTheSameKey() {
        let secret = (0..<64).map { UInt8($0) }
        let sealed = Tokens.seal(secret, key: [1, 2, 3])
        #expect(sealed != secret)
        #expect(Tokens.seal(sealed, key: [1, 2, 3]) == secret)
        #expect(Tokens.seal(sealed, key: [1, 2, 4]) != secret)
    }

    @Test func enrollmentCodes_are26Base32Characters_andNormalise() {
        let code = Tokens.enrollmentCode()
        #expect(code.count == 26 && code.allSatisfy { Tokens.base32.contains($0) })
        #expect(Tokens.normaliseCode("ab-cd ef") == "ABCDEF")
    }

    @Test func kindOf_agreesWithRaw_onTokensAndNearMisses() {
        var candidates: [String] = []
        for kind in [Tokens.Kind.userSession, .deviceAccess, .deviceRefresh] {
            let token = Tokens.make(kind).text
            candidates += [
                token, String(token.dropLast()), token + "A", String(token.dropLast()) + "=",
                String(token.dropLast()) + "+", String(token.dropLast()) + "é", "x" + token.dropFirst(),
                token.uppercased(), String(token.prefix(3)) + "-" + token.dropFirst(4),
            ]
        }
        candidates += ["", "kda_", "kxa_" + String(repeating: "A", count: 43)]
        for text in candidates {
            let expected = [Tokens.Kind.userSession, .deviceAccess, .deviceRefresh].first {
                Tokens.raw(text, kind: $0) != nil
            }
            var copy = text
            let kind = copy.withUTF8 { Tokens.kind(of: UnsafeRawBufferPointer($0)) }
            #expect(kind == expected, "\(text)")
        }
    }

    @Test func presentedToken_readsBearerFields_likeTheGeneralSplit() throws {
        let device = Tokens.make(.deviceAccess).text
        let session = Tokens.make(.userSession).text
        func presented(_ value: String?) -> (String, Bool)? {
            var headers = HTTPHeaders()
            if let value { headers.add("Authorization", value) }
            let request = HTTPRequest(method: .get, target: "/", path: "/", headers: headers)
            return (try? Authenticator.presentedToken(request)).map { ($0.token, $0.isSession) }
        }
        for value in ["Bearer \(device)", "bearer \(device)", "BEARER   \(device)", "  Bearer \(device)  "] {
            #expect(presented(value)?.0 == device && presented(value)?.1 == false, "\(value)")
        }
        #expect(presented("Bearer \(session)")?.0 == session && presented("Bearer \(session)")?.1 == true)
        let refused = [
            nil, "", "Bearer", "Bearer ", "Basic \(device)", "Bearer \(device) x", "Bearer\t\(device)",
            "Bearer \(device)é", "Bearer " + Tokens.make(.deviceRefresh).text, "Bearerx \(device)",
            "Bearer \(device.dropLast())",
        ]
        for value in refused { #expect(presented(value) == nil, "\(value ?? "nil")") }
    }
}
