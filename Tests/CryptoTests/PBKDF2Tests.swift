import Crypto
import Testing

/// RFC 7914 §11 publishes two PBKDF2-HMAC-SHA256 vectors.
@Suite struct PBKDF2Tests {
    @Test func rfc7914_passwdSalt_oneIteration() {
        let key = PBKDF2.sha256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, keyLength: 64)
        #expect(
            Digest(bytes: key).hex
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
    }

    @Test func rfc7914_passwordNaCl_80000Iterations() {
        let key = PBKDF2.sha256(
            password: Array("Password".utf8), salt: Array("NaCl".utf8), iterations: 80_000, keyLength: 64)
        #expect(
            Digest(bytes: key).hex
                == "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d")
    }

    @Test func keyLength_isHonoured() {
        #expect(PBKDF2.sha256(password: [], salt: [], iterations: 2, keyLength: 7).count == 7)
    }
}
