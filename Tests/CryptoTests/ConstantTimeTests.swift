import Crypto
import Testing

@Suite struct ConstantTimeTests {
    @Test func equalBytes_compareEqual() {
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(constantTimeEqual([], []))
    }

    @Test func differentBytesOrLengths_compareUnequal() {
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(!constantTimeEqual([], [0]))
    }
}
