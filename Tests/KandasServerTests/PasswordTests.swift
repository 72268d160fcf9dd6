import Testing

@testable import KandasServer

struct PasswordTests {
    @Test func hash_storesItsParameters_andVerifies() {
        let stored = Password.hash("correct horse battery", iterations: 1000)
        #expect(stored.hasPrefix("$pbkdf2-sha256$i=1000$"))
        #expect(Password.verify("correct horse battery", against: stored))
        #expect(!Password.verify("correct horse batterY", against: stored))
    }

    @Test func samePassword_getsDifferentSalts() {
        #expect(Password.hash("pw-pw-pw-pw-pw", iterations: 1000) != Password.hash("pw-pw-pw-pw-pw", iterations: 1000))
    }

    @Test(arguments: ["", "$pbkdf2-sha256$i=10$AAAA$AAAA", "$argon2id$v=19$x$y", "$pbkdf2-sha256$i=1000$!!$AAAA"])
    func malformedStoredHashes_neverVerify(stored: String) {
        #expect(!Password.verify("anything", against: stored))
    }

    @Test func defaultIterations_areOWASPs600k() {
        #expect(ServerConfig().passwordIterations == 600_000)
    }
}
