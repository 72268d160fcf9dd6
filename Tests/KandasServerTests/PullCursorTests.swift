import Crypto
import Testing

@testable import KandasServer

/// The cursor's byte-level reading and the scope hash give what the earlier String code gave:
/// cursors issued before an upgrade stay valid, and no other text becomes one.
struct PullCursorTests {
    let keys = PullCursor.Keys(epoch: "e1", key: Array("secret-key".utf8))

    @Test func scopeHash_isTheFirst16HexOfTheSHA256OfUserAndFamilies() {
        for families in [[], ["f1"], ["a", "b", "c"], ["семья", "x"]] {
            let text = "user-1:" + families.joined(separator: ",")
            let expected = String(SHA256.hash(Array(text.utf8)).hex.prefix(16))
            #expect(PullCursor.scopeHash(userID: "user-1", families: families) == expected)
        }
    }

    @Test func decode_readsWhatEncodeWrites_andRefusesEverythingElse() {
        let cursor = PullCursor(epoch: "e1", seq: 42, scope: "0123456789abcdef")
        let text = cursor.encode(keys)
        #expect(PullCursor.decode(text, keys) == cursor)
        let other = PullCursor.Keys(epoch: "e1", key: Array("another-key".utf8))
        let parts = text.split(separator: ".").map(String.init)
        let refused = [
            "", ".", text + ".", "." + text, text + "x", String(text.dropLast()), parts[0], parts[0] + "..", text + "é",
            parts[0] + "." + parts[1].uppercased(), String(repeating: "A", count: 600) + "." + parts[1],
            Base64URL.encode(Array("c1.e1.x.s".utf8)) + "." + parts[1],
        ]
        for candidate in refused { #expect(PullCursor.decode(candidate, keys) == nil, "\(candidate)") }
        #expect(PullCursor.decode(text, other) == nil)
        // A well-signed body with the wrong shape is still refused.
        for body in ["c1.e1.-1.s", "c2.e1.1.s", "c1.e1.1", "c1.e1.x.s"] {
            let mac = HMAC.sha256(key: keys.key, message: Array(body.utf8)).prefix(16)
            let forged = Base64URL.encode(Array(body.utf8)) + "." + Base64URL.encode(mac)
            #expect(PullCursor.decode(forged, keys) == nil, "\(body)")
        }
    }
}
