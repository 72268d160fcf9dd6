import Crypto
import Testing

struct ResumableSHA256Tests {
    @Test func aHashSavedAndRestoredAtAnyLength_givesTheSameDigestAsOnePass() throws {
        let data = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = SHA256.hash(data).hex
        for cut in [0, 1, 55, 63, 64, 65, 127, 128, 500, 999, 1_000] {
            var first = ResumableSHA256()
            first.update(Array(data[..<cut]))
            let saved = first.savedState
            var second = try ResumableSHA256(savedState: saved)
            #expect(second.byteCount == Int64(cut))
            second.update(Array(data[cut...]))
            #expect(second.finalize().hex == expected, "cut at \(cut)")
        }
    }

    @Test func aCopy_forksTheHash() {
        var a = ResumableSHA256()
        a.update([1, 2, 3])
        var b = a
        b.update([4])
        #expect(a.finalize().hex == SHA256.hash([1, 2, 3]).hex)
        #expect(b.finalize().hex == SHA256.hash([1, 2, 3, 4]).hex)
    }

    @Test func bytesThatAreNotASavedState_areRefused() {
        #expect(throws: CryptoError.self) { try ResumableSHA256(savedState: []) }
        #expect(throws: CryptoError.self) { try ResumableSHA256(savedState: [2] + [UInt8](repeating: 0, count: 40)) }
        var hasher = ResumableSHA256()
        hasher.update([1, 2, 3])
        var saved = hasher.savedState
        saved.removeLast()  // the unfinished block no longer matches the bit count
        #expect(throws: CryptoError.self) { try ResumableSHA256(savedState: saved) }
    }
}
