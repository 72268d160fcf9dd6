import Crypto
import Foundation
import Testing

/// NIST FIPS 180-4 example vectors (csrc.nist.gov "SHA256.pdf" and the long-message vector).
@Suite struct SHA256Tests {
    static let vectors: [(message: [UInt8], hex: String)] = [
        (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (
            Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        ),
    ]

    @Test func nistVectors_matchOneShot() {
        for vector in Self.vectors {
            #expect(SHA256.hash(vector.message).hex == vector.hex)
            #expect(SHA256.hash(Data(vector.message)).hex == vector.hex)
        }
    }

    @Test(arguments: [1, 3, 7, 63, 64, 65, 4097])
    func streamingInOddChunks_equalsOneShot(chunk: Int) {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var hasher = SHA256()
        var index = 0
        while index < message.count {
            let end = min(index + chunk, message.count)
            hasher.update(message[index..<end])
            index = end
        }
        #expect(hasher.finalize().hex == Self.vectors[3].hex)
    }

    @Test func copyOfRunningHash_forksIndependently() {
        var first = SHA256()
        first.update(Array("ab".utf8))
        var second = first
        first.update(Array("c".utf8))
        second.update(Array("x".utf8))
        #expect(first.finalize().hex == Self.vectors[0].hex)
        #expect(second.finalize() == SHA256.hash(Array("abx".utf8)))
    }

    @Test func finalizingACopy_leavesTheOriginalUsable() {
        var original = SHA256()
        original.update(Array("a".utf8))
        let early = original
        #expect(early.finalize() == SHA256.hash(Array("a".utf8)))
        original.update(Array("bc".utf8))
        #expect(original.finalize().hex == Self.vectors[0].hex)
    }

    @Test func rawBufferUpdate_matchesArrayUpdate() {
        var hasher = SHA256()
        Array("abc".utf8).withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finalize().hex == Self.vectors[0].hex)
        #expect(SHA256.byteCount == 32)
    }
}
