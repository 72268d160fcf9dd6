import Crypto
import Testing

/// NIST FIPS 180-4 example vectors for SHA-1.
@Suite struct SHA1Tests {
    @Test func nistVectors_match() {
        #expect(SHA1.hash(Array("abc".utf8)).hex == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hash([UInt8]()).hex == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(
            SHA1.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hex
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(
            SHA1.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)).hex
                == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func streamingInOddChunks_equalsOneShot() {
        let message = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var hasher = SHA1()
        var index = 0
        while index < message.count {
            let end = min(index + 13, message.count)
            hasher.update(message[index..<end])
            index = end
        }
        #expect(hasher.finalize() == SHA1.hash(message))
        #expect(SHA1.byteCount == 20)
    }
}
